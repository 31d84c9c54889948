"""`recouvrement backup` (O5): one archive with a consistent copy of the database, the
documents and a manifest (counts, SHA-256 of every file).

The database is copied first, in one consistent snapshot taken while the app keeps working
(SQLite's online backup API; PostgreSQL: `pg_dump` inside an exported snapshot, the counts
read in the same snapshot). With the database storage (issue 16 §1, the default) the
documents are in that snapshot. With a folder or a bucket (RECOUVREMENT_STORAGE_URL), every
file the snapshot names (attached documents, accounting files) is read after, through the
storage, into `documents/<name>`: a file is stored before its row commits and is never
changed, so every file the snapshot names is there (one removed meanwhile, an import preview,
is counted missing). The archive is written to a temporary file beside the target, fsynced
and renamed: never half an archive under the final name; it is readable by its owner only
(0600).
"""

import importlib.metadata
import os
import sqlite3
import tarfile
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.core.exceptions import SuspiciousFileOperation

from recouvrement.operations.archive import (
    DATABASE_MEMBERS,
    DOCUMENTS,
    ENGINES,
    FORMAT,
    MANIFEST,
    BackupError,
    add_bytes,
    add_file,
    add_stored,
    manifest_bytes,
    pg_tool,
    run_pg,
    safe_member,
    writing_mode,
)
from recouvrement.operations.files import durable_file, target_problem


@dataclass(frozen=True)
class Snapshot:
    """The database as of one instant, written to `path`, and what the manifest says of it."""

    path: Path
    tables: dict[str, int]
    journal_heads: list[dict] | None
    referenced: list[str]  # the stored files it names (attached documents, accounting files)
    stored: set[str]  # the names in its StoredFile table (the database storage)


@dataclass(frozen=True)
class BackupSummary:
    out: Path
    engine: str
    tables: dict[str, int]
    documents: int
    missing: list[str]  # files named by the database but absent from the storage
    size: int
    seconds: float
    storage: str = "database"  # where the documents are: database, file or s3

    @property
    def rows(self) -> int:
        return sum(self.tables.values())

    def as_json(self) -> dict:
        return {
            "out": str(self.out),
            "engine": self.engine,
            "tables": len(self.tables),
            "rows": self.rows,
            "documents": self.documents,
            "missing_documents": self.missing,
            "storage": self.storage,
            "bytes": self.size,
            "seconds": round(self.seconds, 2),
        }


def create_backup(out: Path) -> BackupSummary:
    """Write the archive `out` of the configured database (Django is set up)."""
    from django.conf import settings
    from django.core.files.storage import default_storage
    from django.db import connection

    from recouvrement.db.storage import storage_kind

    if problem := target_problem(out):
        raise BackupError(problem)
    storage = storage_kind(settings.STORAGES["default"])
    if storage == "file":
        documents_root = Path(default_storage.location).resolve()
        if out.resolve().is_relative_to(documents_root):
            raise BackupError(
                f"Écrivez la sauvegarde hors du dossier des documents « {documents_root} »."
            )
    engine = connection.vendor
    if engine not in DATABASE_MEMBERS:
        raise BackupError(f"Base {engine} : seules SQLite et PostgreSQL sont sauvegardées.")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=".recouvrement-sauvegarde-") as work:
        take = _sqlite_snapshot if engine == "sqlite" else _postgresql_snapshot
        taken_at = datetime.now(UTC)  # the database as of this instant
        snapshot = take(Path(work) / DATABASE_MEMBERS[engine])
        files: dict[str, dict] = {}
        with durable_file(out) as stream, tarfile.open(fileobj=stream, **_mode(out)) as tar:
            files[DATABASE_MEMBERS[engine]] = add_file(tar, snapshot.path, DATABASE_MEMBERS[engine])
            if storage == "database":
                missing = [name for name in snapshot.referenced if name not in snapshot.stored]
            else:
                _add_documents(tar, files, default_storage)
                missing = [n for n in snapshot.referenced if f"{DOCUMENTS}/{n}" not in files]
            manifest = {
                "format": FORMAT,
                "application": "recouvrement",
                "version": _version(),
                "engine": engine,
                "created_at": taken_at.isoformat(timespec="seconds"),
                "tables": snapshot.tables,
                "journal_heads": snapshot.journal_heads,
                "storage": storage,
                "documents": len(snapshot.stored) if storage == "database" else len(files) - 1,
                "missing_documents": missing,
                "files": files,
            }
            add_bytes(tar, MANIFEST, manifest_bytes(manifest), taken_at.timestamp())
    return BackupSummary(
        out=out,
        engine=engine,
        tables=snapshot.tables,
        documents=manifest["documents"],
        missing=missing,
        storage=storage,
        size=out.stat().st_size,
        seconds=time.perf_counter() - started,
    )


def _mode(out: Path) -> dict:
    mode = writing_mode(out)
    # Level 1: 3x faster than 6 for 12 % more bytes (PDFs and documents are compressed).
    return {"mode": mode, "compresslevel": 1} if mode == "w:gz" else {"mode": mode}


def _version() -> str:
    try:
        return importlib.metadata.version("recouvrement")
    except importlib.metadata.PackageNotFoundError:
        return "inconnue"


def _add_documents(tar: tarfile.TarFile, files: dict, storage) -> None:
    """Every file of the folder or the bucket, read through the storage into
    `documents/<name>`, sorted (a file removed meanwhile, an import preview, is left out)."""
    for name in _stored_names(storage, ""):
        member = f"{DOCUMENTS}/{name}"
        if not safe_member(member):
            continue
        try:
            files[member] = add_stored(tar, storage, name, member)
        except (FileNotFoundError, SuspiciousFileOperation):
            continue


def _stored_names(storage, folder: str) -> Iterator[str]:
    try:
        folders, names = storage.listdir(folder)
    except FileNotFoundError:  # no folder yet: no document
        return
    prefix = f"{folder}/" if folder else ""
    for name in sorted(names):
        yield f"{prefix}{name}"
    for sub in sorted(folders):
        yield from _stored_names(storage, f"{prefix}{sub}")


class _Reader:
    """`query(sql) -> rows`, with the last query's column names."""

    def __init__(self, cursor) -> None:
        self.cursor = cursor
        self.columns: list[str] = []

    def __call__(self, sql: str) -> list[tuple]:
        self.cursor.execute(sql)
        self.columns = [column[0] for column in self.cursor.description or ()]
        return list(self.cursor.fetchall())


def _describe(
    query: "_Reader", tables: list[str]
) -> tuple[dict[str, int], list[dict] | None, list, set]:
    """Rows per table, the journal heads (if the chain keeps them), the files the rows name
    and those the database storage holds."""
    from django.apps import apps

    counts = {table: query(f'SELECT COUNT(*) FROM "{table}"')[0][0] for table in sorted(tables)}
    heads = None
    try:
        head_table = apps.get_model("recouvrement", "JournalHead")._meta.db_table
    except LookupError:
        head_table = None
    if head_table in counts:
        rows = query(f'SELECT * FROM "{head_table}"')
        heads = [dict(zip(query.columns, row, strict=True)) for row in rows]
    referenced: set[str] = set()
    for model in ("AttachedDocument", "AccountingImport"):
        table = apps.get_model("recouvrement", model)._meta.db_table
        if table in counts:
            referenced.update(row[0] for row in query(f'SELECT file FROM "{table}"') if row[0])
    stored_table = apps.get_model("recouvrement", "StoredFile")._meta.db_table
    stored = set()
    if stored_table in counts:
        stored = {row[0] for row in query(f'SELECT name FROM "{stored_table}"')}
    return counts, heads, sorted(referenced), stored


def _sqlite_snapshot(path: Path) -> Snapshot:
    """SQLite's online backup, in one step: a consistent copy while others keep writing."""
    from django.conf import settings

    source_path = Path(settings.DATABASES["default"]["NAME"]).resolve()
    if not source_path.is_file():
        raise BackupError(f"La base « {source_path} » n'existe pas.")
    with _connected(source_path, "rw") as source, _connected(path, "rwc") as copy:
        source.backup(copy)  # pages=-1: every page under one read transaction
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file in the archive
        reader = _Reader(copy.cursor())
        tables = [
            row[0]
            for row in reader("SELECT name FROM sqlite_master WHERE type = 'table'")
            if not row[0].startswith("sqlite_")
        ]
        counts, heads, referenced, stored = _describe(reader, tables)
    os.chmod(path, 0o600)
    return Snapshot(path, counts, heads, referenced, stored)


@contextmanager
def _connected(path: Path, mode: str) -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(f"{path.as_uri()}?mode={mode}", uri=True, timeout=30)
    try:
        yield connection
    finally:
        connection.close()


def _postgresql_snapshot(path: Path) -> Snapshot:
    """`pg_dump -Fc` of a snapshot exported by a repeatable-read transaction, which reads the
    counts of that same snapshot."""
    from django.db import connection, transaction

    config = connection.settings_dict
    connection.ensure_connection()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        (snapshot_id,) = cursor.fetchone()
        command = [pg_tool("pg_dump"), "--format=custom", f"--snapshot={snapshot_id}"]
        run_pg([*command, f"--file={path}"], config, "pg_dump")
        reader = _Reader(cursor)
        tables = [
            row[0]
            for row in reader(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
            )
        ]
        counts, heads, referenced, stored = _describe(reader, tables)
    os.chmod(path, 0o600)
    return Snapshot(path, counts, heads, referenced, stored)


def engine_label(engine: str) -> str:
    return ENGINES.get(engine, engine)
