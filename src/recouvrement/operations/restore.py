"""`recouvrement restore FILE --db TARGET` (O5): a backup into an empty database, checked.

Nothing is written before every file of the archive matches the SHA-256 of its manifest and
the target is known to be empty. The documents go to the target's data folder (0700 folders,
0600 files), then the database (SQLite: its file, 0600; PostgreSQL: `pg_restore` in one
transaction); last, `recouvrement verify` runs on the restored database in a child process.
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


@dataclass(frozen=True)
class RestoreSummary:
    database: Database
    data_dir: Path
    manifest: dict
    documents: int
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
    documents = data / DOCUMENTS
    present = _check_documents(manifest, documents)
    owner_only_folder(documents)
    written = _restore(archive, manifest, database, data, present)
    verifying = time.perf_counter()
    verified, report = _verify(database, data)
    return RestoreSummary(
        database=database,
        data_dir=data,
        manifest=manifest,
        documents=written,
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


def _restore(archive: Path, manifest: dict, database: Database, data: Path, present: set) -> int:
    """Second reading: documents into their folder, then the database; each file is checked
    again as it is written. Returns the number of documents written."""
    database_member = DATABASE_MEMBERS[database.engine]
    files = manifest["files"]
    staging = database.path.parent if database.path else data
    written = 0
    with tempfile.TemporaryDirectory(dir=staging, prefix=".recouvrement-restauration-") as work:
        staged = Path(work) / database_member
        for name, stream in members(archive):
            if name == MANIFEST or name in present:
                continue
            target = staged if name == database_member else _document_path(data / DOCUMENTS, name)
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


def _verify(database: Database, data: Path) -> tuple[bool, dict]:
    """`recouvrement verify --json` on the restored database, in a child process."""
    environment = {
        **os.environ,
        "RECOUVREMENT_DATABASE_URL": database.url,
        "RECOUVREMENT_DATA_DIR": str(data),
    }
    result = subprocess.run(
        [sys.executable, "-m", "recouvrement.cli", "verify", "--json"],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
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
