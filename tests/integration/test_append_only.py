"""Append-only tables stay so whatever SQL is sent (M9, S7, S10, O6): no UPDATE, DELETE,
upsert nor SQLite's REPLACE, which deletes the row in its way without firing DELETE triggers."""

import hashlib
from datetime import UTC, datetime

import pytest
from django.db import DatabaseError, connection, transaction

from recouvrement import services
from recouvrement.db.models import AttachedDocument, JournalEntry, PrintBatch
from recouvrement.db.models.journal import UNCHAINED
from recouvrement.services.integrity import verify
from tests.builders import a_customer, a_dossier, a_scenario

JOURNAL = "recouvrement_journalentry"
COLUMNS = (
    "id, company_id, dossier_id, intervention_id, at, user_id, action, message, before, after, "
    "previous_hash, hash"
)
COPY = COLUMNS.replace("message", "'Réécrit'")
sqlite_only = pytest.mark.skipif(
    "connection.vendor != 'sqlite'", reason="REPLACE is SQLite's own statement"
)


def refused(statement: str, params=()) -> None:
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, params)


@pytest.fixture
def entry(team) -> JournalEntry:
    a_dossier(a_customer(team.company))
    return JournalEntry.objects.filter(company=team.company).order_by("id").first()


def unchanged(entry: JournalEntry) -> None:
    kept = JournalEntry.objects.get(pk=entry.pk)
    assert (kept.message, kept.hash) == (entry.message, entry.hash)
    assert verify().ok


@sqlite_only
@pytest.mark.parametrize("verb", ["REPLACE", "INSERT OR REPLACE"])
def test_replace_into_cannot_rewrite_a_journal_row(entry, verb):
    refused(
        f"{verb} INTO {JOURNAL} ({COLUMNS}) SELECT {COPY} FROM {JOURNAL} WHERE id = %s", [entry.pk]
    )

    unchanged(entry)


def test_an_upsert_cannot_rewrite_a_journal_row(entry):
    refused(
        f"INSERT INTO {JOURNAL} ({COLUMNS}) SELECT {COPY} FROM {JOURNAL} WHERE id = %s "
        "ON CONFLICT (id) DO UPDATE SET message = excluded.message",
        [entry.pk],
    )

    unchanged(entry)


def test_update_and_delete_of_a_journal_row_are_refused(entry):
    refused(f"UPDATE {JOURNAL} SET message = 'Réécrit' WHERE id = %s", [entry.pk])
    refused(f"DELETE FROM {JOURNAL} WHERE id = %s", [entry.pk])

    unchanged(entry)


def test_a_journal_row_without_its_chain_is_refused(team, entry):
    with pytest.raises(ValueError, match="services.journal"):
        JournalEntry(
            company=team.company, at=datetime(2026, 12, 1, tzinfo=UTC), action="x", message="y"
        ).save()
    refused(
        f"INSERT INTO {JOURNAL} (company_id, at, action, message, previous_hash, hash) "
        "VALUES (%s, %s, 'x', 'y', '', '')",
        [team.company.pk, "2026-12-01 00:00:00"],
    )
    assert "O6" in UNCHAINED
    unchanged(entry)


@sqlite_only
def test_replace_cannot_swap_an_attached_document_nor_a_printed_pdf(team, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    dossier = a_dossier(a_customer(team.company), scenario=a_scenario(team.company))
    document = services.attach_document(
        dossier.interventions.get(),
        user=team.manager,
        name="accusé.pdf",
        content=b"%PDF-1.4 original",
        content_type="application/pdf",
    )
    batch = PrintBatch.objects.create(
        company=team.company,
        pdf=b"%PDF-1.4 original",
        sha256=hashlib.sha256(b"%PDF-1.4 original").hexdigest(),
        letters=1,
        pages=1,
        printed_at=datetime(2026, 12, 1, tzinfo=UTC),
    )

    # Another id, the same intervention: REPLACE would delete the document in its way.
    refused(
        "REPLACE INTO recouvrement_attacheddocument (id, intervention_id, file, original_name, "
        "content_type, size, sha256, uploaded_by_id, uploaded_at) SELECT id + 1000, "
        "intervention_id, file, 'autre.pdf', content_type, size, sha256, uploaded_by_id, "
        "uploaded_at FROM recouvrement_attacheddocument WHERE id = %s",
        [document.pk],
    )
    refused(
        "INSERT OR REPLACE INTO recouvrement_printbatch (id, company_id, pdf, sha256, letters, "
        "pages, printed_at, printed_by_id) SELECT id, company_id, X'00', sha256, letters, pages, "
        "printed_at, printed_by_id FROM recouvrement_printbatch WHERE id = %s",
        [batch.pk],
    )

    assert AttachedDocument.objects.get().original_name == "accusé.pdf"
    assert bytes(PrintBatch.objects.get().pdf) == b"%PDF-1.4 original"
