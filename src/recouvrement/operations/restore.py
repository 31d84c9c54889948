"""`recouvrement restore FILE --db TARGET` (O5): a backup into an empty database, checked.

Nothing is written before every file of the archive matches the SHA-256 of its manifest and
the target is known to be empty. The documents of the archive (`documents/…`: a backup taken
with a folder or a bucket as storage) go to the storage configured for the restored
installation (RECOUVREMENT_STORAGE_URL, read as settings.py reads it): into its folder (0700
folders, 0600 files; `file:` alone or a database storage: the data folder's `documents`) before
the database (SQLite: its file, 0600; PostgreSQL: `pg_restore` in one transaction); into the
database or the bucket after it, by a child process of the restored installation, which also
copies the documents of a backup taken with the database storage into a folder or a bucket
(they stay in the database too). Last, `recouvrement verify` runs on the restored database in
a child process.
"""

import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from recouvrement.db.storage import storage_kind
from recouvrement.operations.archive import (
    DATABASE_MEMBERS,
    DOCUMENTS,
    ENGINES,
    FORMAT,
    MANIFEST,
    BackupError,
    Database,
    copy_hashing,
    members,
    parse_database,
    pg_tool,
    run_pg,
)
from recouvrement.operations.files import durable_file, fsync_folder, owner_only_folder

NOTHING_DONE = "Rien n'a été restauré."
PLACING_FAILED = 3  # the exit status of the child process that puts the documents in storage


@dataclass(frozen=True)
class RestoreSummary:
    database: Database
    data_dir: Path
    manifest: dict
    documents: int
    storage: str  # where the documents are now: database, file or s3
    documents_place: str  # the same, in French
    verified: bool
    verify: dict
    seconds: float  # the restore, then `verify`
    verify_seconds: float

    def as_json(self) -> dict:
        tables = self.manifest.get("tables", {})
        return {
            "db": str(self.database),
            "engine": self.database.engine,
            "data_dir": str(self.data_dir),
            "backup_created_at": self.manifest.get("created_at"),
            "tables": len(tables),
            "rows": sum(tables.values()),
            "documents": self.documents,
            "storage": self.storage,
            "verified": self.verified,
            "verify": self.verify,
            "seconds": round(self.seconds, 2),
            "verify_seconds": round(self.verify_seconds, 2),
        }


def restore_backup(archive: Path, target: str, data_dir: str | None = None) -> RestoreSummary:
    started = time.perf_counter()
    if not archive.is_file():
        raise BackupError(f"La sauvegarde « {archive} » n'existe pas.")
    database = parse_database(target)
    data = _data_dir(database, data_dir)
    _check_empty(database)
    manifest = _checked_manifest(archive)
    if manifest["engine"] != database.engine:
        raise BackupError(
            f"Cette sauvegarde est celle d'une base {ENGINES.get(manifest['engine'])} : elle se "
            f"restaure dans une base {ENGINES.get(manifest['engine'])}, pas "
            f"{ENGINES[database.engine]}. {NOTHING_DONE}"
        )
    storage = _target_storage(data)
    folder = Path(storage["OPTIONS"]["location"]) if storage_kind(storage) == "file" else None
    present = _check_documents(manifest, folder) if folder else set()
    if folder:
        owner_only_folder(folder)
    from_database = manifest.get("storage") == "database"
    copy_rows = from_database and storage_kind(storage) != "database"
    staging = database.path.parent if database.path else data
    owner_only_folder(staging)
    with tempfile.TemporaryDirectory(dir=staging, prefix=".recouvrement-restauration-") as work:
        staged = Path(work) / DOCUMENTS
        written = _restore(archive, manifest, database, Path(work), present, folder or staged)
        if from_database:  # the documents came with the database
            written = manifest.get("documents", 0)
        verifying = time.perf_counter()
        place = (folder is None and staged.is_dir()) or copy_rows
        verified, report = _verify(database, data, place, staged if staged.is_dir() else None)
    return RestoreSummary(
        database=database,
        data_dir=data,
        manifest=manifest,
        documents=written,
        storage=storage_kind(storage),
        documents_place=_place_label(storage),
        verified=verified,
        verify=report,
        seconds=time.perf_counter() - started,
        verify_seconds=time.perf_counter() - verifying,
    )


def _data_dir(database: Database, given: str | None) -> Path:
    """As settings.py finds it: --data-dir, else RECOUVREMENT_DATA_DIR, else beside the
    SQLite file."""
    if given or (given := os.environ.get("RECOUVREMENT_DATA_DIR")):
        return Path(given).expanduser().resolve()
    if database.path is not None:
        return database.path.parent
    raise BackupError(
        "Indiquez le dossier des documents de la base PostgreSQL restaurée avec --data-dir "
        "(ou RECOUVREMENT_DATA_DIR)."
    )


def _check_empty(database: Database) -> None:
    """Restore only into an empty database: no table at all."""
    tables = _sqlite_tables(database.path) if database.path else _postgresql_tables(database)
    if tables:
        raise BackupError(
            f"La base « {database} » n'est pas vide ({tables} table(s)) : une sauvegarde se "
            f"restaure dans une base vide. {NOTHING_DONE}"
        )


def _sqlite_tables(path: Path) -> int:
    if not path.parent.is_dir():
        raise BackupError(f"Le dossier « {path.parent} » n'existe pas. {NOTHING_DONE}")
    if path.is_dir():
        raise BackupError(f"« {path} » est un dossier : indiquez le fichier de la base.")
    wal = Path(f"{path}-wal")
    if wal.exists() and wal.stat().st_size > 0:
        raise BackupError(
            f"« {wal} » existe : la base est ouverte par un autre programme. {NOTHING_DONE}"
        )
    if not path.exists() or path.stat().st_size == 0:
        return 0
    try:
        connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
        try:
            (count,) = connection.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        raise BackupError(
            f"« {path} » n'est pas une base SQLite ({error}). {NOTHING_DONE}"
        ) from error
    return count


def _postgresql_tables(database: Database) -> int:
    import psycopg

    config = database.config
    parameters = {
        "dbname": config["NAME"],
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
        "host": config.get("HOST") or None,
        "port": config.get("PORT") or None,
    }
    try:
        with psycopg.connect(
            **{k: v for k, v in parameters.items() if v}, connect_timeout=10
        ) as connection:
            (count,) = connection.execute(
                "SELECT COUNT(*) FROM information_schema.tables "
                "WHERE table_schema NOT IN ('pg_catalog', 'information_schema')"
            ).fetchone()
    except psycopg.Error as error:
        raise BackupError(f"Connexion à la base « {database} » impossible : {error}") from error
    return count


def _checked_manifest(archive: Path) -> dict:
    """Read the whole archive once, writing nothing: every file must match its manifest."""
    seen: dict[str, tuple[str, int]] = {}
    raw = None
    for name, stream in members(archive):
        if name == MANIFEST:
            raw = stream.read()
        elif name in seen:
            raise BackupError(f"La sauvegarde contient deux fois « {name} ». {NOTHING_DONE}")
        else:
            seen[name] = copy_hashing(stream)
    try:
        manifest = json.loads(raw) if raw is not None else None
    except ValueError:
        manifest = None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(
            f"« {archive} » n'est pas une sauvegarde de Recouvrement (manifest.json absent "
            f"ou d'un autre format). {NOTHING_DONE}"
        )
    files = manifest.get("files") or {}
    if DATABASE_MEMBERS.get(manifest.get("engine")) not in files:
        raise BackupError(f"La sauvegarde ne contient pas de base de données. {NOTHING_DONE}")
    for name, expected in files.items():
        if name not in seen:
            raise BackupError(f"« {name} » manque dans la sauvegarde. {NOTHING_DONE}")
        if seen[name] != (expected["sha256"], expected["size"]):
            raise BackupError(
                f"La sauvegarde est altérée : « {name} » ne correspond pas à l'empreinte "
                f"SHA-256 de son manifeste. {NOTHING_DONE}"
            )
    if extra := sorted(set(seen) - set(files)):
        raise BackupError(f"« {extra[0]} » n'est pas dans le manifeste. {NOTHING_DONE}")
    return manifest


def _target_storage(data: Path) -> dict:
    """STORAGES["default"] of the restored installation (its environment, its data folder)."""
    from django.core.exceptions import ImproperlyConfigured

    from recouvrement.db.storage import storage_from_url

    try:
        return storage_from_url(os.environ.get("RECOUVREMENT_STORAGE_URL"), data / DOCUMENTS)
    except ImproperlyConfigured as error:
        raise BackupError(f"{error} {NOTHING_DONE}") from error


def _place_label(storage: dict) -> str:
    kind, options = storage_kind(storage), storage.get("OPTIONS", {})
    if kind == "file":
        return str(options["location"])
    if kind == "s3":
        return f"le bucket S3 « {options['bucket_name']} »"
    return "la base"


def _document_path(documents: Path, name: str) -> Path:
    return documents.joinpath(*name.split("/")[1:])


def _check_documents(manifest: dict, documents: Path) -> set[str]:
    """The documents already in the target folder with the same content (left as they are);
    one with another content stops the restore before anything is written."""
    present = set()
    for name, expected in manifest["files"].items():
        if not name.startswith(f"{DOCUMENTS}/"):
            continue
        path = _document_path(documents, name)
        if not path.exists():
            continue
        with path.open("rb") as stream:
            if copy_hashing(stream) != (expected["sha256"], expected["size"]):
                raise BackupError(
                    f"Le document « {path} » existe déjà avec un autre contenu. {NOTHING_DONE}"
                )
        present.add(name)
    return present


def _restore(
    archive: Path, manifest: dict, database: Database, work: Path, present: set, documents: Path
) -> int:
    """Second reading: documents into their folder (the storage's, else staged in `work` for
    the child process), then the database; each file is checked again as it is written.
    Returns the number of documents written."""
    database_member = DATABASE_MEMBERS[database.engine]
    files = manifest["files"]
    written = 0
    staged = work / database_member
    for name, stream in members(archive):
        if name == MANIFEST or name in present:
            continue
        target = staged if name == database_member else _document_path(documents, name)
        owner_only_folder(target.parent)
        with durable_file(target) as out:
            if copy_hashing(stream, out) != (files[name]["sha256"], files[name]["size"]):
                raise BackupError(f"« {name} » a changé pendant la restauration.")
        written += name != database_member
    if database.path is not None:
        _check_empty(database)  # still empty: nobody created it meanwhile
        os.replace(staged, database.path)
        fsync_folder(database.path.parent)
    else:
        command = [pg_tool("pg_restore"), "--no-owner", "--no-privileges"]
        command += ["--single-transaction", "--exit-on-error"]
        run_pg(
            [*command, f"--dbname={database.config['NAME']}", str(staged)],
            database.config,
            "pg_restore",
        )
    return written


def _environment(database: Database, data: Path) -> dict[str, str]:
    return {
        **os.environ,
        "RECOUVREMENT_DATABASE_URL": database.url,
        "RECOUVREMENT_DATA_DIR": str(data),
    }


def _verify(
    database: Database, data: Path, place: bool = False, staged: Path | None = None
) -> tuple[bool, dict]:
    """`recouvrement verify --json` on the restored database, in a child process, which
    first (`place`) puts the documents in its storage (`place_documents`)."""
    command = [sys.executable, "-m", "recouvrement.cli", "verify", "--json"]
    if place:
        command = [
            sys.executable,
            "-c",
            "import sys\nfrom recouvrement.operations.restore import place_documents\n"
            f"place_documents({str(staged) if staged else None!r})\n"
            "from recouvrement.cli import main\nsys.exit(main(['verify', '--json']))\n",
        ]
    result = subprocess.run(
        command, env=_environment(database, data), capture_output=True, text=True, check=False
    )
    if result.returncode == PLACING_FAILED:
        detail = result.stderr.strip().splitlines()[-1:] or [f"code {result.returncode}"]
        raise BackupError(
            f"La base est restaurée, mais les documents n'ont pas pu être rangés dans le "
            f"stockage : {detail[0]}"
        )
    report: dict = {}
    lines = result.stdout.strip().splitlines()
    if lines:
        try:
            report = json.loads(lines[-1])
        except ValueError:
            report = {}
    if not isinstance(report, dict) or not report:
        problems = result.stderr.strip().splitlines()[-3:] or [f"code {result.returncode}"]
        if "invalid choice: 'verify'" in result.stderr:
            problems = ["« recouvrement verify » n'existe pas dans cette version."]
        report = {"ok": False, "problems": [line.strip() for line in problems]}
    return result.returncode == 0 and report.get("ok", True) is not False, report


def place_documents(staged: str | None) -> None:
    """In the restored installation (Django set up): the files staged under `staged` into
    its storage under their own names, then, when that storage is not the database, the
    database storage's files (an old schema is migrated first: its documents come staged)."""
    from recouvrement.cli.base import setup

    setup()
    try:
        _place_documents(staged)
    except Exception as error:  # noqa: BLE001 — said by the parent, which stops there
        print(f"{type(error).__name__}: {error}", file=sys.stderr)
        sys.exit(PLACING_FAILED)


def _place_documents(staged: str | None) -> None:
    from django.core.files import File
    from django.core.files.storage import storages
    from django.db import connection

    from recouvrement.cli.base import migrate
    from recouvrement.db.models import StoredFile
    from recouvrement.db.storage import DatabaseStorage, put_exact

    if StoredFile._meta.db_table not in connection.introspection.table_names():
        migrate()
    storage = storages["default"]
    if staged:
        root = Path(staged)
        for path in sorted(root.rglob("*")):
            if path.is_file():
                with path.open("rb") as stream:
                    digest, _ = copy_hashing(stream)
                    put_exact(storage, path.relative_to(root).as_posix(), File(stream), digest)
    if not isinstance(storage, DatabaseStorage):
        database = DatabaseStorage()
        for name, digest in StoredFile.objects.order_by("pk").values_list("name", "sha256"):
            with database.open(name) as stream:
                put_exact(storage, name, stream, digest)
