"""`recouvrement verify` (O6): the journal's hash chains and the kept files' SHA-256.

Each way of tampering is done as someone with the database or the disk in hand would: raw SQL
(the append-only triggers dropped first), a file rewritten or removed. Each is caught, and the
first broken row or file is named in French.
"""

import hashlib
import io
import json
from datetime import date

import pytest
from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone

from recouvrement import cli, services
from recouvrement.db.models import (
    AccountingImport,
    AttachedDocument,
    Company,
    Dossier,
    EvidencePack,
    JournalEntry,
    JournalHead,
    PrintBatch,
    StoredFile,
)
from recouvrement.demo import build_demo
from recouvrement.domain.journal_chain import GENESIS, canonical, link
from recouvrement.domain.statuses import ActionType
from recouvrement.services.integrity import verify
from recouvrement.services.journal import (
    JOURNAL_COLUMNS,
    company_entry,
    insert_journal_rows,
    record,
    save_entries,
)
from tests.builders import a_customer, a_dossier, a_receivable, a_scenario

pytestmark = pytest.mark.django_db

JOURNAL = "recouvrement_journalentry"
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture(scope="class")
def demo(django_db_setup, django_db_blocker):
    """One demo shared by the checks of a class (each test's own changes are rolled back)."""
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHERS),
        transaction.atomic(),
    ):
        yield build_demo()
        transaction.set_rollback(True)


def unprotect(table: str) -> None:
    """Drop a table's append-only triggers (rolled back with the test), as an intruder would."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for event in ("update", "delete"):
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_{event}")
        else:
            cursor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")


def sql(statement: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def rows() -> list[JournalEntry]:
    company = Company.objects.get()
    return list(JournalEntry.objects.filter(company=company).order_by("id"))


def when(entry: JournalEntry) -> str:
    return f"{timezone.localtime(entry.at):%d/%m/%Y %H:%M}"


@pytest.mark.usefixtures("demo")
class TestTheJournalChain:
    def test_the_demo_database_verifies(self):
        report = verify()

        assert report.ok, report.problems
        company = Company.objects.get()
        head = JournalHead.objects.get(company=company)
        assert report.checked["journal_rows"] == JournalEntry.objects.count() == head.rows > 100
        assert report.heads == {company.pk: head.last_hash}
        assert head.last_id == rows()[-1].pk
        assert rows()[0].previous_hash == GENESIS

    def test_every_row_carries_the_hash_of_the_previous_one_as_read_back(self):
        previous = GENESIS
        for entry in rows():
            values = [getattr(entry, f) for f in ("company_id", "dossier_id", "intervention_id")]
            text = canonical(
                *values,
                entry.at,
                entry.user_id,
                entry.action,
                entry.message,
                entry.before,
                entry.after,
            )
            assert entry.previous_hash == previous
            assert entry.hash == link(previous, text)
            previous = entry.hash

    def test_a_message_changed_with_sql_names_the_row(self):
        entry = rows()[40]
        unprotect(JOURNAL)
        sql(f"UPDATE {JOURNAL} SET message = %s WHERE id = %s", ["Rien à signaler.", entry.pk])

        report = verify()

        assert not report.ok
        assert report.problems == [
            f"Journal de {Company.objects.get().name} : la ligne n° {entry.pk} du "
            f"{when(entry)} a été modifiée (empreinte différente)."
        ]

    def test_a_changed_amount_in_after_is_caught(self):
        entry = next(e for e in rows() if e.after)
        unprotect(JOURNAL)
        after = json.dumps({**entry.after, "ajout": "0.01"})
        cast = "::jsonb" if connection.vendor == "postgresql" else ""
        sql(f"UPDATE {JOURNAL} SET after = %s{cast} WHERE id = %s", [after, entry.pk])

        assert f"la ligne n° {entry.pk} du" in verify().problems[0]

    def test_a_row_changed_with_its_own_hash_recomputed_breaks_the_next_one(self):
        entry, following = rows()[40:42]
        unprotect(JOURNAL)
        forged = canonical(
            entry.company_id,
            entry.dossier_id,
            entry.intervention_id,
            entry.at,
            entry.user_id,
            entry.action,
            "Rien à signaler.",
            entry.before,
            entry.after,
        )
        sql(
            f"UPDATE {JOURNAL} SET message = %s, hash = %s WHERE id = %s",
            ["Rien à signaler.", link(entry.previous_hash, forged), entry.pk],
        )

        (problem,) = verify().problems
        assert f"la ligne précédant la n° {following.pk} manque ou a été modifiée" in problem
        assert "(chaîne rompue)" in problem

    def test_a_deleted_row_names_the_row_after_it(self):
        entry, following = rows()[10:12]
        unprotect(JOURNAL)
        sql(f"DELETE FROM {JOURNAL} WHERE id = %s", [entry.pk])

        (problem,) = verify().problems
        assert problem.endswith(
            f"la ligne précédant la n° {following.pk} manque ou a été modifiée (chaîne rompue)."
        )

    def test_a_deleted_first_row_is_caught(self):
        first, second = rows()[:2]
        unprotect(JOURNAL)
        sql(f"DELETE FROM {JOURNAL} WHERE id = %s", [first.pk])

        assert f"la ligne précédant la n° {second.pk} manque" in verify().problems[0]

    def test_a_deleted_last_row_is_caught_by_the_chain_head(self):
        entries = rows()
        unprotect(JOURNAL)
        sql(f"DELETE FROM {JOURNAL} WHERE id = %s", [entries[-1].pk])

        (problem,) = verify().problems
        assert "1 dernière(s) ligne(s) manque(nt)" in problem
        assert f"le journal en compte {len(entries) - 1}, la tête de chaîne {len(entries)}" in (
            problem
        )
        assert f"(dernière : n° {entries[-1].pk})" in problem

    def test_two_rows_swapped_whole_are_caught(self):
        first, second = rows()[20], rows()[30]
        unprotect(JOURNAL)
        sql(f"UPDATE {JOURNAL} SET id = -1 WHERE id = %s", [first.pk])
        sql(f"UPDATE {JOURNAL} SET id = %s WHERE id = %s", [first.pk, second.pk])
        sql(f"UPDATE {JOURNAL} SET id = %s WHERE id = -1", [second.pk])

        (problem,) = verify().problems
        assert f"la ligne précédant la n° {first.pk} manque ou a été modifiée" in problem

    def test_two_messages_swapped_name_the_first(self):
        first, second = rows()[20], rows()[30]
        unprotect(JOURNAL)
        sql(f"UPDATE {JOURNAL} SET message = %s WHERE id = %s", [second.message, first.pk])
        sql(f"UPDATE {JOURNAL} SET message = %s WHERE id = %s", [first.message, second.pk])

        (problem,) = verify().problems
        assert f"la ligne n° {first.pk} du {when(first)} a été modifiée" in problem

    def test_new_rows_keep_the_chain_whatever_path_writes_them(self):
        company = Company.objects.get()
        dossier = Dossier.objects.filter(company=company).order_by("pk").first()
        record(dossier, "test", "Une ligne « simple ».", user=None, after={"montant": 1.5})
        company_entry(company, "test", "Une ligne de la société.", user=None, before={"a": [1]})
        services.prepare_due(date(2026, 12, 15))

        report = verify()

        assert report.ok, report.problems
        head = JournalHead.objects.get(company=company)
        assert head.rows == JournalEntry.objects.count()
        assert head.last_hash == rows()[-1].hash

    def test_the_command_exits_1_naming_the_row_and_prints_json_last(self, capsys):
        assert cli.main(["verify", "--json"]) == 0
        clean = capsys.readouterr().out.splitlines()
        entry = rows()[5]
        unprotect(JOURNAL)
        sql(f"UPDATE {JOURNAL} SET action = 'x' WHERE id = %s", [entry.pk])

        code = cli.main(["verify", "--json"])

        out = capsys.readouterr().out.splitlines()
        assert code == 1
        assert json.loads(clean[-1])["ok"] is True
        assert clean[0].startswith("Journal : ") and clean[0].endswith(": conforme.")
        report = json.loads(out[-1])
        assert report["ok"] is False
        assert f"la ligne n° {entry.pk} du" in report["problems"][0]
        assert any(line.startswith("Journal : ") and "1 anomalie(s)" in line for line in out)
        assert f"  - {report['problems'][0]}" in out


VALUES = [
    None,
    {"b": 1, "a": 2, "décimal": "1234.50"},
    {"taux": 0.1, "entier": 2.0, "grand": 1e16, "petit": 1.5e-10, "zéro": -0.0, "n": 10**20},
    {"nom": "Société « été » — 📎", "ligne": 'a\nb\t"c"\\', "vide": ""},
    {"liste": [1, None, True, False, "x", [2, {"z": 0, "y": 3.25}]], "imbriqué": {"k": {}}},
    ["une", "liste"],
]


def test_values_of_every_kind_read_back_as_written_through_every_path(team):
    dossier = a_dossier(a_customer(team.company))
    for value in VALUES:
        record(dossier, "test", f"Valeur {value!r}"[:255], user=None, before=value, after=value)
        company_entry(team.company, "test", "Société", user=team.manager, after=value)
    at = timezone.now()
    insert_journal_rows(
        [(team.company.pk, dossier.pk, None, at, None, "test", "Lot", v, v) for v in VALUES]
    )

    report = verify()

    assert report.ok, report.problems
    previous = GENESIS
    for entry in JournalEntry.objects.filter(company=team.company).order_by("id"):
        values = [getattr(entry, name) for name in JOURNAL_COLUMNS]
        assert entry.hash == link(previous, canonical(*values)), entry.message
        previous = entry.hash


# --- The kept files ---------------------------------------------------------------------------


class Stored:
    """The files as the storage keeps them (the database storage: its rows), to alter."""

    def write(self, name: str, content: bytes) -> None:
        assert StoredFile.objects.filter(name=name).update(content=content) == 1

    def remove(self, name: str) -> None:
        assert StoredFile.objects.filter(name=name).delete()[0] == 1


@pytest.fixture
def media() -> Stored:
    return Stored()


def a_document(team, content: bytes = PDF) -> AttachedDocument:
    dossier = a_dossier(a_customer(team.company), scenario=a_scenario(team.company))
    return services.attach_document(
        dossier.interventions.get(),
        user=team.manager,
        name="accusé.pdf",
        content=content,
        content_type="application/pdf",
    )


def test_a_clean_set_of_files_verifies(team, media):
    a_document(team)
    services.store_accounting_file(
        team.company, team.manager, io.BytesIO(b"JournalCode\tJournalLib\n"), name="fec.txt"
    )

    report = verify()

    assert report.ok, report.problems
    assert report.checked["documents"] == 1
    assert report.checked["accounting_files"] == 1


def test_a_document_altered_in_the_storage_is_named(team, media):
    document = a_document(team)
    media.write(document.file.name, PDF.replace(b"1.4", b"1.7"))

    (problem,) = verify().problems

    assert problem == (
        f"Le fichier du document « accusé.pdf » (intervention n° {document.intervention_id}, "
        f"dossier n° {document.intervention.dossier_id}) a été modifié dans le stockage des "
        "documents (empreinte différente)."
    )


def test_a_document_missing_in_the_storage_is_named(team, media):
    kept, removed = a_document(team), a_document(team)
    media.remove(removed.file.name)

    report = verify()

    assert kept.file.name != removed.file.name
    assert report.problems == [
        f"Le fichier du document « accusé.pdf » (intervention n° {removed.intervention_id}, "
        f"dossier n° {removed.intervention.dossier_id}) est introuvable dans le stockage des "
        f"documents ({removed.file.name})."
    ]
    assert cli.main(["verify"]) == 1


def test_an_accounting_file_altered_in_the_storage_is_named(team, media):
    stored = services.store_accounting_file(
        team.company, team.manager, io.BytesIO(b"JournalCode\tJournalLib\n"), name="fec.txt"
    )
    media.write(stored.file.name, b"JournalCode\tJournalLib\nVE\tVentes\n")

    (problem,) = verify().problems

    assert problem == (
        f"Le fichier de l'import comptable « fec.txt » (n° {stored.pk}) a été modifié dans le "
        "stockage des documents (empreinte différente)."
    )
    assert AccountingImport.objects.count() == 1


def a_batch(team, pdf: bytes = PDF, action: ActionType = ActionType.LETTER) -> PrintBatch:
    """A kept PDF as printing (or e-mailing) leaves it: its letter and the batch."""
    dossier = a_dossier(
        a_customer(team.company), scenario=a_scenario(team.company, steps=[(0, action, "Relance")])
    )
    intervention = dossier.interventions.get()
    batch = PrintBatch.objects.create(
        company=team.company,
        pdf=pdf,
        sha256=hashlib.sha256(pdf).hexdigest(),
        letters=1,
        pages=1,
        printed_at=timezone.now(),
    )
    batch.printed.create(
        intervention=intervention, first_page=1, last_page=1, template_name="Relance"
    )
    return batch


@pytest.mark.parametrize(
    ("action", "what"),
    [(ActionType.LETTER, "Le PDF de l'impression"), (ActionType.EMAIL, "Le PDF de l'e-mail")],
)
def test_an_altered_pdf_is_named(team, action, what):
    a_batch(team)
    batch = a_batch(team, action=action)
    unprotect("recouvrement_printbatch")
    sql("UPDATE recouvrement_printbatch SET pdf = %s WHERE id = %s", [PDF + b"%", batch.pk])

    report = verify()

    assert report.checked["print_batches"] == 2
    assert report.problems == [
        f"{what} n° {batch.pk} du {timezone.localtime(batch.printed_at):%d/%m/%Y %H:%M} a été "
        "modifié (empreinte différente)."
    ]


def a_pack(team) -> EvidencePack:
    """A « dossier de preuve » as « Préparer le dossier contentieux » keeps it."""
    from recouvrement.services.evidence import build_evidence_pack

    customer = a_customer(team.company, name="Garage Petit", siren="801587858")
    dossier = a_dossier(
        customer,
        today=date(2026, 10, 1),
        receivables=[a_receivable(customer, "3000.00", date(2026, 9, 1))],
    )
    return build_evidence_pack(dossier, today=date(2026, 10, 20), user=None).pack


def test_an_evidence_packs_altered_pdf_or_zip_is_named(team, capsys):
    first = a_pack(team)
    pack = a_pack(team)
    assert verify().ok and verify().checked["evidence_packs"] == 2
    unprotect("recouvrement_evidencepack")
    table = "recouvrement_evidencepack"
    named = (
        f"dossier de preuve n° {pack.pk} (dossier {pack.dossier.number}) du "
        f"{timezone.localtime(pack.built_at):%d/%m/%Y %H:%M}"
    )

    sql(f"UPDATE {table} SET pdf = %s WHERE id = %s", [bytes(pack.pdf) + b"%", pack.pk])

    assert verify().problems == [f"Le PDF du {named} a été modifié (empreinte différente)."]

    sql(f"UPDATE {table} SET zip = %s WHERE id = %s", [b"PK\x05\x06" + bytes(18), pack.pk])

    report = verify()
    assert report.problems == [
        f"Le PDF et le ZIP du {named} ont été modifiés (empreinte différente)."
    ]
    assert report.failed == {"evidence_packs": 1}
    assert cli.main(["verify"]) == 1
    assert f"Le PDF et le ZIP du {named}" in capsys.readouterr().out

    sql(f"UPDATE {table} SET zip_sha256 = %s WHERE id = %s", ["0" * 64, first.pk])

    assert verify().problems == [
        f"Le ZIP du dossier de preuve n° {first.pk} (dossier {first.dossier.number}) du "
        f"{timezone.localtime(first.built_at):%d/%m/%Y %H:%M} a été modifié (empreinte "
        "différente).",
        "… et 1 autre(s) dossier(s) de preuve modifié(s).",
    ]


def test_only_the_first_of_many_broken_files_is_detailed(team, media):
    documents = [a_document(team) for _ in range(3)]
    for document in documents:
        media.remove(document.file.name)

    problems = verify().problems

    assert len(problems) == 2
    assert f"(intervention n° {documents[0].intervention_id}," in problems[0]
    assert problems[1] == "… et 2 autre(s) fichier(s) manquant(s) ou modifié(s)."


def test_a_company_without_its_chain_head_gets_one_at_its_first_row(team):
    JournalHead.objects.filter(company=team.company).delete()
    dossier = a_dossier(a_customer(team.company))

    save_entries([])
    record(dossier, "test", "Après.", user=None)

    assert verify().ok
    head = JournalHead.objects.get(company=team.company)
    assert head.rows == JournalEntry.objects.filter(company=team.company).count()
