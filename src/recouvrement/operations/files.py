"""Files written so that a crash never leaves half a file under its final name."""

import contextlib
import errno
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

# What the system says, in the user's words (the rest keep the system's own text).
REASONS = {
    errno.ENOENT: "dossier introuvable",
    errno.ENOTDIR: "dossier introuvable",
    errno.EACCES: "écriture refusée",
    errno.EPERM: "écriture refusée",
    errno.EROFS: "disque en lecture seule",
    errno.ENOSPC: "disque plein",
    errno.EDQUOT: "quota du disque atteint",
    errno.EISDIR: "c'est un dossier",
}


def reason(error: OSError) -> str:
    """Why a file could not be written, in French."""
    return REASONS.get(error.errno, error.strerror or str(error))


def target_problem(target: Path) -> str | None:
    """Why `target` cannot be written, checked before any work; None if it can."""
    folder = target.parent
    if target.is_dir():
        return f"« {target} » est un dossier : indiquez un nom de fichier."
    if not folder.exists():
        return f"Le dossier « {folder} » n'existe pas."
    if not folder.is_dir():
        return f"« {folder} » n'est pas un dossier."
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"Le dossier « {folder} » n'est pas accessible en écriture."
    return None


def fsync_folder(folder: Path) -> None:
    """Make a rename in `folder` durable."""
    descriptor = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


@contextlib.contextmanager
def durable_file(target: Path) -> Iterator[BinaryIO]:
    """A temporary file beside `target` (0600), fsynced then renamed onto it; removed if
    anything fails, so `target` is either the old file or the whole new one."""
    descriptor, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    temporary = Path(name)
    try:
        with os.fdopen(descriptor, "wb") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    fsync_folder(target.parent)


def write_durably(target: Path, content: bytes) -> None:
    with durable_file(target) as stream:
        stream.write(content)


def owner_only_folder(folder: Path) -> None:
    """Create `folder` and its missing parents 0700 (existing ones are left as they are)."""
    missing = []
    current = folder
    while not current.exists():
        missing.append(current)
        current = current.parent
    for path in reversed(missing):
        with contextlib.suppress(FileExistsError):  # made by another process meanwhile
            path.mkdir(mode=0o700)
