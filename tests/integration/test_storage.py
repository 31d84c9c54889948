"""Issue 16 §1: one storage for every durable byte — the database by default, a folder or an
S3-compatible bucket by RECOUVREMENT_STORAGE_URL; the migration that moves the files in."""

import hashlib
import io
import json
import os
import socket
import sqlite3
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction

from recouvrement import services
from recouvrement.db.models import AccountingImport, AttachedDocument, StoredFile
from recouvrement.db.storage import DatabaseStorage, storage_from_url
from recouvrement.services.integrity import document_content, verify
from tests.builders import a_customer, a_dossier, a_scenario
from tests.integration.test_backup import empty_postgresql_database, postgresql_url  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]
COMMAND = [sys.executable, "-m", "recouvrement.cli"]
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
FEC = b"JournalCode\tJournalLib\nVE\tVentes\n"


# --- The database storage ----------------------------------------------------------------------


@pytest.fixture
def storage(db) -> DatabaseStorage:
    return DatabaseStorage()


def test_a_file_is_saved_opened_listed_sized_and_deleted(storage):
    name = storage.save("interventions/ab/abcdef", ContentFile(PDF))

    assert name == "interventions/ab/abcdef"
    assert storage.exists(name) and not storage.exists("interventions/ab/other")
    with storage.open(name) as stream:
        assert stream.read() == PDF
    assert storage.size(name) == len(PDF)
    row = StoredFile.objects.get(name=name)
    assert (bytes(row.content), row.size) == (PDF, len(PDF))
    assert row.sha256 == hashlib.sha256(PDF).hexdigest()
    storage.save("interventions/cd/cdef", ContentFile(b"autre"))
    storage.save("imports/01/0123", ContentFile(FEC))
    assert storage.listdir("") == (["imports", "interventions"], [])
    assert storage.listdir("interventions") == (["ab", "cd"], [])
    assert storage.listdir("interventions/ab/") == ([], ["abcdef"])
    assert storage.get_modified_time(name) == row.created_at
    with pytest.raises(NotImplementedError):
        storage.url(name)
    with pytest.raises(ValueError):
        storage.open(name, "wb")

    storage.delete(name)
    storage.delete(name)  # already gone: nothing to do

    assert not storage.exists(name)
    with pytest.raises(FileNotFoundError):
        storage.open(name)
    with pytest.raises(FileNotFoundError):
        storage.size(name)


def test_a_name_taken_gives_another_name_and_never_overwrites(storage):
    first = storage.save("interventions/ab/abcdef", ContentFile(PDF))
    second = storage.save("interventions/ab/abcdef", ContentFile(b"%PDF-1.7 another"))

    assert second != first and second.startswith("interventions/ab/abcdef_")
    assert storage.open(first).read() == PDF
    assert storage.open(second).read() == b"%PDF-1.7 another"


def test_a_name_taken_by_another_transaction_meanwhile_gives_another_name(storage):
    """The insert fails on the unique name (another transaction won the race after our
    `exists`): the next available name, in the caller's transaction, which goes on."""
    StoredFile.objects.create(name="imports/01/0123", content=b"theirs", size=6, sha256="x")

    with transaction.atomic():
        name = storage._save("imports/01/0123", ContentFile(FEC))
        assert StoredFile.objects.count() == 2  # the transaction is still usable

    assert name.startswith("imports/01/0123_")
    assert storage.open("imports/01/0123").read() == b"theirs"
    assert storage.open(name).read() == FEC


def test_a_file_saved_in_a_transaction_rolled_back_is_gone_with_it(storage):
    with pytest.raises(IntegrityError), transaction.atomic():
        storage.save("interventions/ab/abcdef", ContentFile(PDF))
        raise IntegrityError("the caller's row failed")

    assert not storage.exists("interventions/ab/abcdef")


def test_documents_and_accounting_files_go_to_the_database(team):
    dossier = a_dossier(a_customer(team.company), scenario=a_scenario(team.company))
    document = services.attach_document(
        dossier.interventions.get(),
        user=team.manager,
        name="accusé.pdf",
        content=PDF,
        content_type="application/pdf",
    )
    upload = services.store_accounting_file(
        team.company, team.manager, io.BytesIO(FEC), name="fec.txt"
    )

    assert set(StoredFile.objects.values_list("name", flat=True)) == {
        document.file.name,
        upload.file.name,
    }
    assert document_content(AttachedDocument.objects.get()) == PDF
    assert AccountingImport.objects.get().file.open("rb").read() == FEC
    assert verify().ok


# --- RECOUVREMENT_STORAGE_URL ------------------------------------------------------------------


def test_the_storage_url_is_read_into_django_storages(tmp_path):
    media = tmp_path / "documents"
    database = {"BACKEND": "recouvrement.db.storage.DatabaseStorage"}
    folder = {"BACKEND": "django.core.files.storage.FileSystemStorage"}

    assert storage_from_url(None, media) == storage_from_url("database", media) == database
    assert storage_from_url("file:", media) == {**folder, "OPTIONS": {"location": str(media)}}
    assert storage_from_url("file:///srv/docs", media)["OPTIONS"] == {"location": "/srv/docs"}
    s3 = storage_from_url(
        "s3://AKID:s%2Fecret@factures/recouvrement?endpoint_url=http://127.0.0.1:9000"
        "&region=eu-west-3",
        media,
    )
    assert s3 == {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": "factures",
            "location": "recouvrement",
            "access_key": "AKID",
            "secret_key": "s/ecret",
            "endpoint_url": "http://127.0.0.1:9000",
            "region_name": "eu-west-3",
            "file_overwrite": False,
            "default_acl": None,
            "querystring_auth": False,
        },
    }
    assert "access_key" not in storage_from_url("s3://factures", media)["OPTIONS"]


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("ftp://serveur/documents", "schéma « ftp » inconnu"),
        ("file://serveur/documents", "un dossier local s'écrit file:///chemin/absolu"),
        ("s3://", "nom du bucket manquant ou invalide"),
        ("s3://cle:S3cr3t@factures?bucket=x", "paramètre « bucket » inconnu"),
        ("s3://factures?endpoint_url=127.0.0.1:9000", "endpoint_url doit commencer par http"),
        ("documents", "schéma « documents » inconnu"),
    ],
)
def test_a_bad_storage_url_is_refused_in_french_without_its_secret(url, why):
    with pytest.raises(ImproperlyConfigured) as error:
        storage_from_url(url, "/srv/documents")

    assert str(error.value).startswith("RECOUVREMENT_STORAGE_URL invalide : « ")
    assert why in str(error.value)
    assert "S3cr3t" not in str(error.value)


@pytest.mark.sqlite_files
def test_the_app_does_not_start_with_a_bad_storage_url(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("RECOUVREMENT_")},
        "RECOUVREMENT_DATABASE_URL": f"sqlite:///{tmp_path / 'base.sqlite3'}",
        "RECOUVREMENT_STORAGE_URL": "ftp://serveur/documents",
    }

    result = subprocess.run(
        [*COMMAND, "verify"], capture_output=True, text=True, cwd=ROOT, env=env, timeout=120
    )

    assert result.returncode == 2
    assert result.stderr.startswith(
        "Erreur : RECOUVREMENT_STORAGE_URL invalide : « ftp://serveur/documents »"
    )
    assert "Traceback" not in result.stderr


# --- The migration that moves the files in ------------------------------------------------------


def test_the_migration_moves_the_files_on_disk_in_and_leaves_the_others(
    team, settings, tmp_path, capsys
):
    from recouvrement.db.migrations import __path__ as migrations_path  # noqa: F401

    migration = __import__(
        "recouvrement.db.migrations.0023_stored_files", fromlist=["move_files_in"]
    )
    media = tmp_path / "documents"
    settings.MEDIA_ROOT = media
    settings.STORAGES = {**settings.STORAGES, "default": storage_from_url("file:", media)}
    documents = []
    for n in range(3):
        dossier = a_dossier(a_customer(team.company), scenario=a_scenario(team.company))
        documents.append(
            services.attach_document(
                dossier.interventions.get(),
                user=team.manager,
                name=f"ar-{n}.pdf",
                content=PDF + bytes([n]) * 10,
                content_type="application/pdf",
            )
        )
    upload = services.store_accounting_file(
        team.company, team.manager, io.BytesIO(FEC), name="fec.txt"
    )
    kept, altered, removed = documents
    (media / altered.file.name).write_bytes(b"%PDF-1.4 changed")
    (media / removed.file.name).unlink()
    settings.STORAGES = {**settings.STORAGES, "default": storage_from_url(None, media)}

    migration.move_files_in(apps, connection.schema_editor())
    migration.move_files_in(apps, connection.schema_editor())  # again: nothing more

    assert sorted(StoredFile.objects.values_list("name", flat=True)) == sorted(
        [kept.file.name, upload.file.name]
    )
    assert document_content(AttachedDocument.objects.get(pk=kept.pk)) == PDF + bytes([0]) * 10
    assert (media / kept.file.name).exists()  # left on the disk
    printed = capsys.readouterr().err
    assert f"« {media / altered.file.name} » a été modifié" in printed
    assert f"« {media / removed.file.name} » introuvable" in printed
    problems = verify().problems
    assert len(problems) == 2
    assert "introuvable dans le stockage des documents" in problems[0]
    assert problems[1] == "… et 1 autre(s) fichier(s) manquant(s) ou modifié(s)."


# --- An S3-compatible bucket (moto's server on the loopback) ------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=free_port(), verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def a_bucket(endpoint: str, name: str):
    import boto3

    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="eu-west-3",
        aws_access_key_id="cle",
        aws_secret_access_key="secret",
    )
    client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-west-3"})
    return client


def s3_url(endpoint: str, bucket: str) -> str:
    return f"s3://cle:secret@{bucket}/recouvrement?endpoint_url={endpoint}&region=eu-west-3"


def run(*args, env: dict) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("RECOUVREMENT_", "AWS_"))}
    return subprocess.run(
        [*COMMAND, *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**clean, **env},
        timeout=300,
    )


def bucket_files(client, bucket: str) -> dict[str, bytes]:
    listed = client.list_objects_v2(Bucket=bucket).get("Contents", [])
    return {
        item["Key"]: client.get_object(Bucket=bucket, Key=item["Key"])["Body"].read()
        for item in listed
    }


def database_url(tmp_path: Path, request) -> tuple[str, str]:
    """The test database as a URL for the commands, and an empty one to restore into: SQLite,
    a copy of the test database in a file; PostgreSQL, the test database itself."""
    if connection.vendor == "postgresql":
        source = postgresql_url(connection.settings_dict, connection.settings_dict["NAME"])
        return source, request.getfixturevalue("empty_postgresql_database")
    copy = tmp_path / "source" / "base.sqlite3"
    copy.parent.mkdir()
    connection.ensure_connection()
    with sqlite3.connect(copy) as target:
        connection.connection.backup(target)
    target.close()
    (tmp_path / "cible").mkdir()
    return f"sqlite:///{copy}", f"sqlite:///{tmp_path / 'cible' / 'base.sqlite3'}"


@pytest.mark.django_db(transaction=True)
def test_documents_in_a_bucket_are_verified_backed_up_and_restored(
    s3_endpoint, team, settings, tmp_path, request
):
    source_bucket, target_bucket = a_bucket(s3_endpoint, "source"), a_bucket(s3_endpoint, "cible")
    source_url = s3_url(s3_endpoint, "source")
    settings.STORAGES = {**settings.STORAGES, "default": storage_from_url(source_url, "/")}
    dossier = a_dossier(a_customer(team.company), scenario=a_scenario(team.company))
    document = services.attach_document(
        dossier.interventions.get(),
        user=team.manager,
        name="accusé.pdf",
        content=PDF,
        content_type="application/pdf",
    )
    upload = services.store_accounting_file(
        team.company, team.manager, io.BytesIO(FEC), name="fec.txt"
    )
    stored = bucket_files(source_bucket, "source")
    assert stored == {
        f"recouvrement/{document.file.name}": PDF,
        f"recouvrement/{upload.file.name}": FEC,
    }
    assert not StoredFile.objects.exists()
    assert document_content(AttachedDocument.objects.get()) == PDF
    report = verify()
    assert report.ok and report.checked["documents"] == report.checked["accounting_files"] == 1
    source, target = database_url(tmp_path, request)
    out = tmp_path / "sauvegarde.tar"

    backup = run(
        "backup",
        "--out",
        out,
        "--json",
        env={
            "RECOUVREMENT_DATABASE_URL": source,
            "RECOUVREMENT_STORAGE_URL": source_url,
            "RECOUVREMENT_DATA_DIR": tmp_path / "source",
        },
    )
    restore = run(
        "restore",
        out,
        "--db",
        target,
        "--json",
        env={
            "RECOUVREMENT_STORAGE_URL": s3_url(s3_endpoint, "cible"),
            "RECOUVREMENT_DATA_DIR": tmp_path / "cible",
        },
    )

    assert backup.returncode == 0, backup.stderr
    summary = json.loads(backup.stdout.splitlines()[-1])
    assert (summary["storage"], summary["documents"], summary["missing_documents"]) == (
        "s3",
        2,
        [],
    )
    with tarfile.open(out) as archive:
        members = {
            f"recouvrement/{m.name.removeprefix('documents/')}": archive.extractfile(m).read()
            for m in archive.getmembers()
            if m.name.startswith("documents/")
        }
    assert members == stored
    assert restore.returncode == 0, restore.stdout + restore.stderr
    restored = json.loads(restore.stdout.splitlines()[-1])
    assert restored["verified"] is True and restored["verify"]["checked"]["documents"] == 1
    assert restored["verify"]["checked"]["accounting_files"] == 1
    assert (restored["storage"], restored["documents"]) == ("s3", 2)
    assert bucket_files(target_bucket, "cible") == stored


def test_a_bucket_that_does_not_answer_is_reported_not_a_crash(team, settings, monkeypatch):
    """`verify` and the document's page while the bucket is down: « introuvable », in French."""
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")  # botocore's retries would only make it slow
    dossier = a_dossier(a_customer(team.company), scenario=a_scenario(team.company))
    document = services.attach_document(
        dossier.interventions.get(),
        user=team.manager,
        name="accusé.pdf",
        content=PDF,
        content_type="application/pdf",
    )
    down = s3_url(f"http://127.0.0.1:{free_port()}", "absent")  # nothing listens there
    settings.STORAGES = {**settings.STORAGES, "default": storage_from_url(down, "/")}
    document = AttachedDocument.objects.get(pk=document.pk)

    report = verify()
    with pytest.raises(ValidationError) as refused:
        document_content(document)

    assert not report.ok
    assert any("accusé.pdf" in p and "introuvable" in p for p in report.problems)
    assert refused.value.code == "document_missing"
