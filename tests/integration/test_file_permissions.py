"""Owner-only files (issue 12 §4): the database, its data folder, the documents, the uploaded
accounting files and the backups are readable by their owner only (0600 files, 0700 folders),
whatever the umask of the process that writes them."""

import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from recouvrement.db.models import AccountingImport, AttachedDocument
from recouvrement.db.storage import storage_from_url
from recouvrement.domain.statuses import ActionType
from tests.builders import a_customer, a_dossier, a_scenario

COMMAND = [sys.executable, "-m", "recouvrement.cli"]
IN_A_FOLDER = {"RECOUVREMENT_STORAGE_URL": "file:"}  # the data folder's documents/
FEC = (
    b"JournalCode\tJournalLib\tEcritureNum\tEcritureDate\tCompteNum\tCompteLib\tCompAuxNum\t"
    b"CompAuxLib\tPieceRef\tPieceDate\tEcritureLib\tDebit\tCredit\tEcritureLet\tDateLet\t"
    b"ValidDate\tMontantdevise\tIdevise\n"
    b"VE\tVentes\t1\t20260105\t41100000\tClients\tC001\tBoulangerie Exemple\tF2026-001\t20260105"
    b"\tFacture F2026-001\t1437,12\t0,00\t\t\t20260106\t\t\n"
    b"VE\tVentes\t1\t20260105\t70600000\tPrestations\t\t\tF2026-001\t20260105"
    b"\tFacture F2026-001\t0,00\t1437,12\t\t\t20260106\t\t\n"
)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def modes_under(root: Path) -> dict[str, int]:
    """The mode of `root` and of everything under it, by relative path."""
    found = {".": mode(root)}
    for path in root.rglob("*"):
        found[str(path.relative_to(root))] = mode(path)
    return found


def run(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*COMMAND, *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**{k: v for k, v in os.environ.items() if k != "RECOUVREMENT_DATA_DIR"}, **env},
        umask=0o022,  # the usual umask: without care, files would be 0644
    )


@pytest.fixture
def usual_umask():
    previous = os.umask(0o022)
    yield
    os.umask(previous)


@pytest.mark.sqlite_files
def test_a_database_set_up_by_init_and_its_data_folder_are_owner_only(tmp_path):
    data = tmp_path / "recouvrement"  # not there yet: created by the command
    database = data / "recouvrement.sqlite3"
    env = {
        "RECOUVREMENT_DATABASE_URL": f"sqlite:///{database}",
        "RECOUVREMENT_INIT_PASSWORD": "Un-mot-de-passe-solide-42",
    }

    result = run(
        "init",
        "--company",
        "Atelier Dupont SARL",
        "--siren",
        "732829320",
        "--city",
        "Lyon",
        "--manager",
        "claire",
        "--no-input",
        env=env,
    )

    assert result.returncode == 0, result.stderr
    assert mode(data) == 0o700
    assert mode(database) == 0o600
    assert mode(data / ".recouvrement-secret-key") == 0o600
    # SQLite gives its -wal and -shm files the database file's mode.
    with sqlite3.connect(database) as writer:
        writer.execute("CREATE TABLE probe (x)")
        assert mode(Path(f"{database}-wal")) == 0o600
        assert mode(Path(f"{database}-shm")) == 0o600


def test_an_existing_database_file_keeps_its_mode(tmp_path):
    from recouvrement.db.backends.sqlite3.base import create_owner_only

    database = tmp_path / "partagee.sqlite3"
    database.touch(mode=0o640)
    database.chmod(0o640)

    create_owner_only(str(database))
    create_owner_only("file:memorydb?mode=memory&cache=shared")
    create_owner_only(str(tmp_path / "absent" / "base.sqlite3"))

    assert mode(database) == 0o640
    assert not (tmp_path / "absent").exists()


def in_a_folder(settings, folder: Path) -> None:
    """The documents in a local folder (RECOUVREMENT_STORAGE_URL=file:), not the database."""
    settings.MEDIA_ROOT = folder
    settings.STORAGES = {**settings.STORAGES, "default": storage_from_url("file:", folder)}


def test_an_attached_document_is_owner_only(client, team, settings, tmp_path, usual_umask):
    in_a_folder(settings, tmp_path / "documents")
    steps = [(0, ActionType.PHONE, "Appel de relance")]
    dossier = a_dossier(
        a_customer(team.company),
        scenario=a_scenario(team.company, steps),
        collector=team.collector,
    )
    client.force_login(team.collector_user)

    client.post(
        reverse("intervention_attach", args=[dossier.interventions.get().pk]),
        {"document": SimpleUploadedFile("ar.pdf", b"%PDF-1.4 accuse", "application/pdf")},
    )

    stored = Path(AttachedDocument.objects.get().file.path)
    modes = modes_under(tmp_path / "documents")
    assert mode(stored) == 0o600
    assert {m for name, m in modes.items() if (tmp_path / "documents" / name).is_dir()} == {0o700}
    assert len(modes) == 4  # documents/, interventions/, its sub-folder, the file


def test_an_uploaded_accounting_file_is_owner_only(client, team, settings, tmp_path, usual_umask):
    in_a_folder(settings, tmp_path / "documents")
    client.force_login(team.manager)

    response = client.post(reverse("import_upload"), {"file": SimpleUploadedFile("FEC.txt", FEC)})

    assert response.status_code == 302
    stored = Path(AccountingImport.objects.get().file.path)
    assert stored.read_bytes() == FEC
    assert mode(stored) == 0o600
    folders = [tmp_path / "documents", *(tmp_path / "documents").rglob("*")]
    assert {mode(p) for p in folders if p.is_dir()} == {0o700}


@pytest.mark.sqlite_files
def test_a_backup_and_what_it_restores_are_owner_only(tmp_path):
    source = tmp_path / "source" / "base.sqlite3"
    documents = source.parent / "documents" / "interventions" / "ab"
    documents.mkdir(parents=True)
    (documents / "abcdef").write_bytes(b"%PDF-1.4 accuse")
    source_env = {"RECOUVREMENT_DATABASE_URL": f"sqlite:///{source}", **IN_A_FOLDER}
    assert run("manage", "migrate", "--verbosity", "0", env=source_env).returncode == 0
    archive = tmp_path / "sauvegarde.tar.gz"
    target = tmp_path / "restauree" / "base.sqlite3"
    target.parent.mkdir()

    backup = run("backup", "--out", str(archive), env=source_env)
    restore = run("restore", str(archive), "--db", str(target), env=IN_A_FOLDER)

    assert backup.returncode == 0, backup.stderr
    assert mode(archive) == 0o600
    assert "Sauvegarde SQLite écrite" in backup.stdout
    assert target.exists(), restore.stderr
    assert mode(target) == 0o600
    restored = modes_under(target.parent / "documents")
    assert restored == {
        ".": 0o700,
        "interventions": 0o700,
        "interventions/ab": 0o700,
        "interventions/ab/abcdef": 0o600,
    }
