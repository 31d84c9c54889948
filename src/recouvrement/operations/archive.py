"""The backup archive (O5) and the databases it goes to and comes from.

One tar file, gzip-compressed when named `.tar.gz` or `.tgz`: the database (`database.sqlite3`,
a copy taken with SQLite's online backup, or `database.pgdump`, PostgreSQL's `pg_dump -Fc`),
the documents when they are kept in a folder or a bucket (`documents/<name>`, read through
the storage; with the database storage they are in the database) and `manifest.json`:
format, versions, engine, date, rows per table, the storage (`database`, `file`, `s3`), the
documents counted and missing, and the SHA-256 and size of every other file of the archive.
"""

import hashlib
import io
import json
import os
import shutil
import subprocess
import tarfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO

FORMAT = 1
MANIFEST = "manifest.json"
DATABASE_MEMBERS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
DOCUMENTS = "documents"
CHUNK = 1 << 20
ENGINES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


class BackupError(Exception):
    """A French message for the user; nothing was left half written."""


def compressed(path: Path) -> bool:
    return path.name.endswith((".tar.gz", ".tgz"))


def writing_mode(path: Path) -> str:
    return "w:gz" if compressed(path) else "w"


def safe_member(name: str) -> bool:
    """A relative path inside the archive, without `..`, written the canonical way."""
    path = PurePosixPath(name)
    return bool(name) and not path.is_absolute() and ".." not in path.parts and str(path) == name


def copy_hashing(source: IO[bytes], target: IO[bytes] | None = None) -> tuple[str, int]:
    """Copy `source` into `target` (or just read it); its SHA-256 and size."""
    digest = hashlib.sha256()
    size = 0
    while chunk := source.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
        if target is not None:
            target.write(chunk)
    return digest.hexdigest(), size


class _Hashing:
    """A file object that hashes what tarfile reads from it."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        self.digest.update(data)
        return data


def add_file(tar: tarfile.TarFile, path: Path, name: str) -> dict:
    """Add one file (owner-only mode, no owner names); its SHA-256 and size."""
    with path.open("rb") as stream:
        status = os.fstat(stream.fileno())
        info = tarfile.TarInfo(name)
        info.size = status.st_size
        info.mtime = int(status.st_mtime)
        info.mode = 0o600
        hashing = _Hashing(stream)
        tar.addfile(info, hashing)
    return {"sha256": hashing.digest.hexdigest(), "size": info.size}


def add_stored(tar: tarfile.TarFile, storage, name: str, member: str) -> dict:
    """Add one file read through a Django storage; its SHA-256 and size."""
    with storage.open(name, "rb") as stream:
        info = tarfile.TarInfo(member)
        size = getattr(stream, "size", None)
        info.size = storage.size(name) if size is None else size
        try:
            info.mtime = int(storage.get_modified_time(name).timestamp())
        except (NotImplementedError, OSError):
            info.mtime = int(time.time())
        info.mode = 0o600
        hashing = _Hashing(stream)
        tar.addfile(info, hashing)
    return {"sha256": hashing.digest.hexdigest(), "size": info.size}


def add_bytes(tar: tarfile.TarFile, name: str, content: bytes, mtime: float) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(content)
    info.mtime = int(mtime)
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(content))


def members(archive: Path) -> Iterator[tuple[str, IO[bytes]]]:
    """Each file of the archive, in order, read as a stream (gzip or not)."""
    try:
        with tarfile.open(archive, "r|*") as tar:
            for member in tar:
                if not member.isfile() or not safe_member(member.name):
                    raise BackupError(
                        f"La sauvegarde contient une entrée inattendue : « {member.name} »."
                    )
                stream = tar.extractfile(member)
                assert stream is not None
                yield member.name, stream
    except (tarfile.TarError, EOFError, OSError) as error:
        raise BackupError(f"« {archive} » n'est pas une sauvegarde lisible ({error}).") from error


def manifest_bytes(manifest: dict) -> bytes:
    return json.dumps(manifest, ensure_ascii=False, indent=1, default=str).encode()


# --- The target database ---------------------------------------------------------------------


@dataclass(frozen=True)
class Database:
    """A database named by a URL (`sqlite:///…`, `postgresql://…`) or a SQLite file path."""

    engine: str  # "sqlite" or "postgresql"
    url: str  # as RECOUVREMENT_DATABASE_URL reads it
    path: Path | None = None  # SQLite's file
    config: dict = field(default_factory=dict)  # Django's NAME, USER, PASSWORD, HOST, PORT

    def __str__(self) -> str:  # never the password
        if self.path is not None:
            return str(self.path)
        user, host, port = (self.config.get(key) or "" for key in ("USER", "HOST", "PORT"))
        return f"postgresql://{user}@{host}:{port}/{self.config['NAME']}"


def parse_database(text: str) -> Database:
    if "://" not in text:
        path = Path(text).expanduser().resolve()
        return Database("sqlite", f"sqlite:///{path}", path)
    import dj_database_url

    try:
        config = dj_database_url.parse(text)
    except Exception as error:  # noqa: BLE001 — any parsing failure is the user's URL
        raise BackupError(f"Base cible invalide : « {text} » ({error}).") from error
    engine = config.get("ENGINE", "")
    if engine.endswith("sqlite3") and config.get("NAME") not in ("", ":memory:", None):
        path = Path(config["NAME"]).expanduser().resolve()
        return Database("sqlite", f"sqlite:///{path}", path, config)
    if "postgresql" in engine and config.get("NAME"):
        return Database("postgresql", text, None, config)
    raise BackupError(
        f"Base cible invalide : « {text} » (attendu sqlite:///chemin, postgresql://… "
        "ou le chemin d'un fichier SQLite)."
    )


def pg_tool(name: str) -> str:
    """`pg_dump` or `pg_restore`: on the PATH, else the newest of Debian's folders."""
    if found := shutil.which(name):
        return found
    candidates = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda path: int(path.parts[-3]) if path.parts[-3].isdigit() else 0,
    )
    if candidates:
        return str(candidates[-1])
    raise BackupError(f"« {name} » est introuvable : installez le client PostgreSQL.")


def pg_environment(config: dict) -> dict[str, str]:
    """The connection for pg_dump/pg_restore, passed by the environment (never the password
    on a command line, which `ps` shows)."""
    environment = dict(os.environ)
    for key, variable in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
        ("NAME", "PGDATABASE"),
    ):
        if value := config.get(key):
            environment[variable] = str(value)
    if sslmode := (config.get("OPTIONS") or {}).get("sslmode"):
        environment["PGSSLMODE"] = str(sslmode)
    return environment


def run_pg(command: list[str], config: dict, what: str) -> None:
    result = subprocess.run(
        command, env=pg_environment(config), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        detail = result.stderr.strip().splitlines()
        raise BackupError(f"{what} a échoué : {' / '.join(detail[-3:]) or result.returncode}.")
