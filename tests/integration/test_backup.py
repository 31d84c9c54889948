"""`recouvrement backup` and `recouvrement restore` (O5, issue 12 §4), as an operator runs them:
real processes on real database files, a backup taken while the app keeps writing. Issue 16 §1:
the documents are in the database by default (RECOUVREMENT_STORAGE_URL unset), or in a folder
(`file:`); a backup moves them from one storage to the other."""

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import uuid
from datetime import date
from pathlib import Path
from urllib.parse import quote

import pytest

ROOT = Path(__file__).resolve().parents[2]
COMMAND = [sys.executable, "-m", "recouvrement.cli"]
DATABASE = "base.sqlite3"
OPENED = date(2026, 10, 1)
PRINTED = date(2026, 10, 20)
SEEDED_LETTERS = 3
SEEDED_FILES = SEEDED_LETTERS + 1  # and one accounting file
IN_A_FOLDER = {"RECOUVREMENT_STORAGE_URL": "file:"}  # the data folder's documents/
FEC = b"JournalCode\tJournalLib\nVE\tVentes\n"


def environment(**values) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RECOUVREMENT_")}
    return {**env, **{k: str(v) for k, v in values.items()}}


def run(*args, database: Path | str | None = None, **values) -> subprocess.CompletedProcess:
    if database is not None:
        values["RECOUVREMENT_DATABASE_URL"] = (
            database if str(database).startswith("postgresql") else f"sqlite:///{database}"
        )
    return subprocess.run(
        [*COMMAND, *map(str, args)],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
        env=environment(**values),
    )


def child(
    call: str, database: Path | str, storage: dict | None = None, **popen
) -> subprocess.Popen:
    """A process of the app on `database` running `call` (a function of this module)."""
    code = (
        "from recouvrement.cli.base import migrate, setup\n"
        "setup(); migrate()\n"
        f"from tests.integration import test_backup\ntest_backup.{call}\n"
    )
    url = database if str(database).startswith("postgresql") else f"sqlite:///{database}"
    env = environment(RECOUVREMENT_DATABASE_URL=url, **(storage or {}))
    return subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=env, text=True, **popen)


def last_json(output: str) -> dict:
    return json.loads(output.strip().splitlines()[-1])


# --- What the child processes do (Django is set up there) ----------------------------------


def seed() -> None:
    """A company whose letters are printed (a print batch) and carry attached documents."""
    from django.db import connections

    from recouvrement import services
    from recouvrement.domain.statuses import ActionType, Role
    from tests.builders import (
        a_company,
        a_contact,
        a_customer,
        a_dossier,
        a_receivable,
        a_scenario,
        a_user,
    )

    company = a_company()
    manager = a_user(company, Role.MANAGER, "responsable")
    a_scenario(
        company, [(0, ActionType.PHONE, "Appel"), (5, ActionType.PHONE, "Relance")], "Appels"
    )
    letters = a_scenario(company, [(0, ActionType.LETTER, "Courrier de relance")], "Courriers")
    interventions = []
    for n in range(SEEDED_LETTERS):
        customer = a_customer(company, code=f"S{n:04d}", address="3 rue Mercière")
        a_contact(customer)
        receivable = a_receivable(customer, "1234.56", date(2026, 9, 1))
        dossier = a_dossier(customer, today=OPENED, scenario=letters, receivables=[receivable])
        interventions.append(dossier.interventions.get())
    services.print_letters(interventions, today=PRINTED, user=manager)
    for n, intervention in enumerate(interventions):
        services.attach_document(
            intervention,
            user=manager,
            name=f"accuse-{n}.pdf",
            content=b"%PDF-1.4 accuse de reception " + bytes([n]) * 500,
            content_type="application/pdf",
        )
    services.store_accounting_file(company, manager, io.BytesIO(FEC), name="fec.txt")
    connections.close_all()  # the last connection checkpoints the WAL into the file


def read_back() -> None:
    """Prints every attached document and accounting file as read through the configured
    storage: {name: [SHA-256 recorded, SHA-256 read, bytes read in hex]}."""
    from django.db import connections

    from recouvrement.db.models import AccountingImport, AttachedDocument

    found = {}
    for model in (AttachedDocument, AccountingImport):
        for record in model.objects.order_by("pk"):
            with record.file.open("rb") as stream:
                content = stream.read()
            found[record.file.name] = [
                record.sha256,
                hashlib.sha256(content).hexdigest(),
                content.hex(),
            ]
    print(json.dumps(found))
    connections.close_all()


def documents_read_back(database: Path | str, storage: dict | None = None) -> dict:
    process = child("read_back()", database, storage, stdout=subprocess.PIPE)
    output, _ = process.communicate(timeout=600)
    assert process.returncode == 0
    return last_json(output)


def write_until(stop: str) -> None:
    """Open a dossier, attach its document, finish its step and prepare the next, again and
    again until `stop` exists; prints the count after each round."""
    from django.contrib.auth.models import User
    from django.db import connections

    from recouvrement import services
    from recouvrement.db.models import Company, Scenario
    from recouvrement.domain.statuses import InterventionStatus
    from tests.builders import a_customer, a_dossier, a_receivable

    company = Company.objects.get()
    manager = User.objects.get(username="responsable")
    scenario = Scenario.objects.get(company=company, name="Appels")
    rounds = 0
    while not Path(stop).exists():
        customer = a_customer(company, code=f"W{rounds:05d}")
        receivable = a_receivable(customer, "980.00", date(2026, 9, 1))
        dossier = a_dossier(customer, today=OPENED, scenario=scenario, receivables=[receivable])
        call = dossier.interventions.get()
        services.attach_document(
            call,
            user=manager,
            name=f"note-{rounds}.pdf",
            content=f"%PDF-1.4 compte rendu {rounds} ".encode() * 40,
            content_type="application/pdf",
        )
        services.set_intervention_status(call, InterventionStatus.DONE, today=PRINTED, user=manager)
        services.prepare_next_intervention(dossier, today=PRINTED, user=manager)
        rounds += 1
        print(rounds, flush=True)
    connections.close_all()


# --- Reading databases and folders from the test ---------------------------------------------


def tables(database: Path) -> dict[str, list[tuple]]:
    """Every row of every table, in rowid order."""
    with sqlite3.connect(database) as connection:
        names = [
            row[0]
            for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if not row[0].startswith("sqlite_")
        ]
        return {
            name: connection.execute(f'SELECT * FROM "{name}" ORDER BY rowid').fetchall()
            for name in sorted(names)
        }


def query(database: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(database) as connection:
        return connection.execute(sql).fetchall()


def files(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in folder.rglob("*")
        if path.is_file()
    }


def manifest_of(archive: Path) -> dict:
    with tarfile.open(archive) as tar:
        return json.load(tar.extractfile("manifest.json"))


def documents_present(database: Path) -> None:
    """Every attached document the database names is in its storage with its SHA-256."""
    rows = query(
        database,
        "SELECT d.file, d.sha256, s.content FROM recouvrement_attacheddocument d "
        "LEFT JOIN recouvrement_storedfile s ON s.name = d.file",
    )
    assert rows
    for name, digest, content in rows:
        assert content is not None and hashlib.sha256(content).hexdigest() == digest, name


@pytest.fixture(scope="module")
def seeded(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("seeded")
    process = child("seed()", folder / DATABASE)
    assert process.wait(timeout=600) == 0
    return folder


@pytest.fixture(scope="module")
def archive(seeded, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("backups") / "sauvegarde.tar.gz"
    result = run("backup", "--out", path, database=seeded / DATABASE)
    assert result.returncode == 0, result.stderr
    return path


def a_copy(seeded: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "source"
    shutil.copytree(seeded, folder)
    return folder


# --- The tests ---------------------------------------------------------------------------------


def test_a_backup_restores_every_row_print_batch_and_document(seeded, tmp_path):
    """Issue 16's « done when »: documents in the database, restored on another path, every
    document read back through the storage byte-identical."""
    out = tmp_path / "sauvegarde.tar.gz"
    target = tmp_path / "ailleurs" / "restauree" / DATABASE
    target.parent.mkdir(parents=True)

    backup = run("backup", "--out", out, "--json", database=seeded / DATABASE)
    restore = run("restore", out, "--db", f"sqlite:///{target}", "--json")

    assert backup.returncode == 0, backup.stderr
    summary = last_json(backup.stdout)
    assert summary["documents"] == SEEDED_FILES and summary["missing_documents"] == []
    assert summary["storage"] == "database"
    assert restore.returncode == 0, restore.stdout + restore.stderr
    restored = last_json(restore.stdout)
    assert restored["verified"] is True and restored["verify"]["ok"] is True
    assert restored["verify"]["checked"]["documents"] == SEEDED_LETTERS
    assert restored["verify"]["checked"]["accounting_files"] == 1
    assert (restored["storage"], restored["documents"]) == ("database", SEEDED_FILES)
    assert restored["rows"] == summary["rows"]
    assert tables(target) == tables(seeded / DATABASE)
    assert not (target.parent / "documents").exists()  # the documents are in the database
    read = documents_read_back(target)
    assert read == documents_read_back(seeded / DATABASE)
    assert len(read) == SEEDED_FILES
    assert all(recorded == digest for recorded, digest, _ in read.values())
    (batch,) = query(target, "SELECT pdf, sha256 FROM recouvrement_printbatch")
    assert hashlib.sha256(batch[0]).hexdigest() == batch[1]
    manifest = manifest_of(out)
    assert manifest["engine"] == "sqlite" and manifest["format"] == 1
    assert (manifest["storage"], manifest["documents"]) == ("database", SEEDED_FILES)
    assert manifest["tables"] == {name: len(rows) for name, rows in tables(target).items()}
    assert manifest["tables"]["recouvrement_printbatch"] == 1
    assert manifest["tables"]["recouvrement_storedfile"] == SEEDED_FILES
    assert list(manifest["files"]) == ["database.sqlite3"]
    if "recouvrement_journalhead" in manifest["tables"]:
        assert len(manifest["journal_heads"]) == manifest["tables"]["recouvrement_journalhead"]


def test_a_backup_taken_while_the_app_writes_restores_every_row_and_document(seeded, tmp_path):
    source = a_copy(seeded, tmp_path)
    out = tmp_path / "sauvegarde.tar"
    target = tmp_path / "restauree" / DATABASE
    target.parent.mkdir()
    stop = tmp_path / "stop"
    writer = child(f"write_until({str(stop)!r})", source / DATABASE, stdout=subprocess.PIPE)
    try:
        for _ in range(3):  # the writer is well under way
            assert writer.stdout.readline()
        backup = run("backup", "--out", out, "--json", database=source / DATABASE)
        for _ in range(3):  # and goes on after the snapshot
            assert writer.stdout.readline()
    finally:
        stop.touch()
        writer.communicate(timeout=120)
    assert writer.returncode == 0
    assert backup.returncode == 0, backup.stderr

    restore = run("restore", out, "--db", target, "--json")

    assert restore.returncode == 0, restore.stdout + restore.stderr
    manifest = manifest_of(out)
    restored = tables(target)
    assert {name: len(rows) for name, rows in restored.items()} == manifest["tables"]
    documents = manifest["tables"]["recouvrement_attacheddocument"]
    after = query(source / DATABASE, "SELECT COUNT(*) FROM recouvrement_attacheddocument")[0][0]
    assert SEEDED_LETTERS < documents < after  # taken in the middle of the writes
    documents_present(target)
    for pdf, digest in query(target, "SELECT pdf, sha256 FROM recouvrement_printbatch"):
        assert hashlib.sha256(pdf).hexdigest() == digest
    assert last_json(restore.stdout)["verified"] is True


def test_restore_refuses_a_database_that_is_not_empty(archive, seeded, tmp_path):
    source = a_copy(seeded, tmp_path)
    before = (source / DATABASE).read_bytes()

    result = run("restore", archive, "--db", source / DATABASE)

    assert result.returncode == 2
    assert "n'est pas vide" in result.stderr and "Rien n'a été restauré." in result.stderr
    assert "Traceback" not in result.stderr
    assert (source / DATABASE).read_bytes() == before
    assert files(source / "documents") == files(seeded / "documents")


def altered(archive: Path, folder: Path, member: str) -> Path:
    """A copy of the archive where one byte of `member` is changed (its size kept)."""
    copy = folder / "alteree.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(copy, "w:gz") as target:
        for info in source.getmembers():
            content = source.extractfile(info).read()
            if info.name.startswith(member):
                content = bytes([content[0] ^ 1]) + content[1:]
            target.addfile(info, io.BytesIO(content))
    return copy


@pytest.fixture(scope="module")
def in_a_folder(archive, tmp_path_factory) -> Path:
    """The seeded base restored with its documents in a folder (`file:`): the restore copied
    them out of the database storage into data/documents."""
    target = tmp_path_factory.mktemp("dossier") / DATABASE
    result = run("restore", archive, "--db", target, "--json", **IN_A_FOLDER)
    assert result.returncode == 0, result.stdout + result.stderr
    return target


@pytest.fixture(scope="module")
def folder_archive(in_a_folder, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("backups") / "dossier.tar.gz"
    result = run("backup", "--out", path, database=in_a_folder, **IN_A_FOLDER)
    assert result.returncode == 0, result.stderr
    return path


def test_documents_go_from_the_database_to_a_folder_and_back(
    seeded, in_a_folder, folder_archive, tmp_path
):
    target = tmp_path / "retour" / DATABASE
    target.parent.mkdir()

    restore = run("restore", folder_archive, "--db", target, "--json")

    read = documents_read_back(seeded / DATABASE)
    folder = in_a_folder.parent / "documents"
    assert files(folder) == {name: bytes.fromhex(entry[2]) for name, entry in read.items()}
    assert documents_read_back(in_a_folder, IN_A_FOLDER) == read
    manifest = manifest_of(folder_archive)
    assert (manifest["storage"], manifest["documents"]) == ("file", SEEDED_FILES)
    for name, entry in manifest["files"].items():
        if name.startswith("documents/"):
            content = (in_a_folder.parent / name).read_bytes()
            assert entry == {"sha256": hashlib.sha256(content).hexdigest(), "size": len(content)}
    assert restore.returncode == 0, restore.stdout + restore.stderr
    restored = last_json(restore.stdout)
    assert restored["verified"] is True and restored["documents"] == SEEDED_FILES
    assert not (target.parent / "documents").exists()  # back into the database
    assert documents_read_back(target) == read


@pytest.mark.parametrize("member", ["documents/", "database.sqlite3"])
def test_restore_refuses_an_archive_whose_file_was_altered(
    archive, folder_archive, tmp_path, member
):
    copy = altered(folder_archive if member == "documents/" else archive, tmp_path, member)
    target = tmp_path / "cible" / DATABASE
    target.parent.mkdir()

    result = run("restore", copy, "--db", target)

    assert result.returncode == 2
    assert "La sauvegarde est altérée" in result.stderr
    assert f"« {member}" in result.stderr
    assert "Rien n'a été restauré." in result.stderr
    assert list(target.parent.iterdir()) == []  # nothing written


def test_backup_into_a_missing_folder_and_restore_of_a_missing_archive_say_so(seeded, tmp_path):
    backup = run("backup", "--out", tmp_path / "absent" / "s.tar", database=seeded / DATABASE)
    restore = run("restore", tmp_path / "absente.tar", "--db", tmp_path / DATABASE)

    assert backup.returncode == restore.returncode == 2
    assert "n'existe pas. Aucune sauvegarde écrite." in backup.stderr
    assert f"La sauvegarde « {tmp_path / 'absente.tar'} » n'existe pas." in restore.stderr
    assert not (tmp_path / DATABASE).exists()


# --- PostgreSQL --------------------------------------------------------------------------------


def postgresql_url(settings_dict: dict, name: str) -> str:
    user = quote(settings_dict.get("USER") or "")
    password = quote(settings_dict.get("PASSWORD") or "")
    credentials = f"{user}:{password}@" if password else f"{user}@"
    return f"postgresql://{credentials}{settings_dict['HOST']}:{settings_dict['PORT']}/{name}"


@pytest.fixture
def empty_postgresql_database():
    """A new empty database on the test server, dropped afterwards."""
    import psycopg
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the pg_dump / pg_restore path is checked on PostgreSQL")
    name = f"restauree_{uuid.uuid4().hex[:8]}"
    params = connection.get_connection_params()
    admin = {k: params[k] for k in ("user", "password", "host", "port") if params.get(k)}
    with psycopg.connect(dbname="postgres", autocommit=True, **admin) as server:
        server.execute(f'CREATE DATABASE "{name}"')
    yield postgresql_url(connection.settings_dict, name)
    with psycopg.connect(dbname="postgres", autocommit=True, **admin) as server:
        server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_postgresql_backup_restores_into_an_empty_database(
    team, settings, tmp_path, empty_postgresql_database
):
    from django.db import connection

    from recouvrement import services
    from recouvrement.domain.statuses import ActionType
    from tests.builders import a_contact, a_customer, a_dossier, a_receivable, a_scenario

    customer = a_customer(team.company, address="3 rue Mercière")
    a_contact(customer)
    dossier = a_dossier(
        customer,
        today=OPENED,
        scenario=a_scenario(team.company, [(0, ActionType.LETTER, "Courrier de relance")]),
        receivables=[a_receivable(customer, "1234.56", date(2026, 9, 1))],
    )
    letter = dossier.interventions.get()
    services.print_letters([letter], today=PRINTED, user=team.manager)
    services.attach_document(
        letter, user=team.manager, name="ar.pdf", content=b"%PDF-1.4 ar", content_type="a/pdf"
    )
    services.store_accounting_file(team.company, team.manager, io.BytesIO(FEC), name="fec.txt")
    source = postgresql_url(connection.settings_dict, connection.settings_dict["NAME"])
    out = tmp_path / "sauvegarde.tar.gz"
    restored_data = tmp_path / "restauree"

    backup = run(
        "backup", "--out", out, "--json", database=source, RECOUVREMENT_DATA_DIR=tmp_path / "data"
    )
    restore = run(
        "restore", out, "--db", empty_postgresql_database, "--data-dir", restored_data, "--json"
    )
    again = run("restore", out, "--db", empty_postgresql_database, "--data-dir", tmp_path / "x")

    assert backup.returncode == 0, backup.stderr
    assert restore.returncode == 0, restore.stdout + restore.stderr
    restored = last_json(restore.stdout)
    assert restored["verified"] is True and restored["verify"]["checked"]["documents"] == 1
    assert restored["verify"]["checked"]["accounting_files"] == 1
    manifest = manifest_of(out)
    assert manifest["engine"] == "postgresql" and list(manifest["files"]) == ["database.pgdump"]
    assert (manifest["storage"], manifest["documents"]) == ("database", 2)
    with connection.cursor() as cursor:
        for table, count in manifest["tables"].items():
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
            assert cursor.fetchone()[0] == count, table
    import psycopg

    with psycopg.connect(empty_postgresql_database) as restored:
        for table, count in manifest["tables"].items():
            assert restored.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0] == count
        (pdf, digest), *_ = restored.execute("SELECT pdf, sha256 FROM recouvrement_printbatch")
    assert hashlib.sha256(pdf).hexdigest() == digest
    assert not (restored_data / "documents").exists()  # the documents are in the database
    read = documents_read_back(empty_postgresql_database)
    assert sorted(bytes.fromhex(entry[2]) for entry in read.values()) == [b"%PDF-1.4 ar", FEC]
    assert all(recorded == digest for recorded, digest, _ in read.values())
    assert again.returncode == 2 and "n'est pas vide" in again.stderr


def test_an_archive_or_a_pdf_is_never_left_half_written(tmp_path):
    from recouvrement.operations.files import durable_file

    target = tmp_path / "sauvegarde.tar"
    target.write_bytes(b"the previous backup")

    with pytest.raises(OSError), durable_file(target) as stream:
        stream.write(b"half of the new one")
        raise OSError(28, "No space left on device")

    assert target.read_bytes() == b"the previous backup"
    assert list(tmp_path.iterdir()) == [target]
