"""« Traitement › Recouvrement › Importer » (B4): upload, preview (dry run), then import."""

import hashlib
import re
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from recouvrement.db.models import (
    AccountingImport,
    Customer,
    Dossier,
    JournalEntry,
    Payment,
    Receivable,
    SavedCsvMapping,
)
from recouvrement.domain.statuses import DossierStatus
from tests.builders import a_company, a_dossier
from tests.jobs import queued_jobs, run_queued_jobs
from tests.web.pages import table_headers

HEADER = (
    "JournalCode\tJournalLib\tEcritureNum\tEcritureDate\tCompteNum\tCompteLib\tCompAuxNum\t"
    "CompAuxLib\tPieceRef\tPieceDate\tEcritureLib\tDebit\tCredit\tEcritureLet\tDateLet\t"
    "ValidDate\tMontantdevise\tIdevise\n"
)
INVOICES = (
    "VE\tVentes\t1\t20260105\t41100000\tClients\tC001\tBoulangerie Exemple\tF2026-001\t20260105"
    "\tFacture F2026-001\t1437,12\t0,00\t\t\t20260106\t\t\n"
    "VE\tVentes\t1\t20260105\t70600000\tPrestations\t\t\tF2026-001\t20260105"
    "\tFacture F2026-001\t0,00\t1437,12\t\t\t20260106\t\t\n"
    "VE\tVentes\t2\t20260110\t41100000\tClients\tC002\tAtelier Témoin\tF2026-002\t20260110"
    "\tFacture F2026-002\t600,00\t0,00\t\t\t20260111\t\t\n"
    "VE\tVentes\t2\t20260110\t70600000\tPrestations\t\t\tF2026-002\t20260110"
    "\tFacture F2026-002\t0,00\t600,00\t\t\t20260111\t\t\n"
)
FEC = (HEADER + INVOICES).encode("utf-8")
# The next month's FEC: F2026-001 lettered with the bank transfer that paid it.
PAID_FEC = (
    HEADER
    + INVOICES.replace("\t1437,12\t0,00\t\t\t", "\t1437,12\t0,00\tAA\t20260215\t")
    + "BQ\tBanque\t3\t20260215\t41100000\tClients\tC001\tBoulangerie Exemple\tVIR-88\t20260215"
    "\tVirement Boulangerie\t0,00\t1437,12\tAA\t20260215\t20260216\t\t\n"
    "BQ\tBanque\t3\t20260215\t51200000\tBanque\t\t\tVIR-88\t20260215"
    "\tVirement Boulangerie\t1437,12\t0,00\t\t\t20260216\t\t\n"
).encode("utf-8")
# Line 4 (the header is line 1): a customer amount with a letter O instead of a zero.
BAD_FEC = FEC.replace(b"600,00\t0,00", b"6O0,00\t0,00", 1)
CUSTOM_CSV = (
    "Tiers;Raison sociale;N° facture;Date facture;Date échéance;TTC;Solde\n"
    "411ALPHA;Alpha Conseil;FA-10;10/01/2026;09/02/2026;2400,00;1200,00\n"
    "411BETA;Beta Services;FA-11;12/01/2026;11/02/2026;300,00;300,00\n"
).encode()
CEGID_FORMAT = {
    "name": "Export Cegid",
    "customer_code": "Tiers",
    "customer_name": "Raison sociale",
    "piece_ref": "N° facture",
    "piece_date": "Date facture",
    "due_date": "Date échéance",
    "amount": "TTC",
    "open_amount": "Solde",
    "decimal_separator": ",",
}


STALE_AGE = timedelta(days=1, minutes=1)
REFUSED = "Seul un responsable recouvrement peut importer un fichier comptable."


@pytest.fixture(autouse=True)
def stored_files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "documents"


def upload(client, content: bytes, name: str = "FEC.txt", **fields):
    return client.post(
        reverse("import_upload"), {"file": SimpleUploadedFile(name, content), **fields}
    )


def preview_of(client, content: bytes, **fields) -> tuple[AccountingImport, str]:
    """Upload a file; the row stored and the preview page it leads to."""
    response = upload(client, content, **fields)
    assert response.status_code == 302, response.content.decode()
    record = AccountingImport.objects.latest("pk")
    assert response["Location"] == reverse("import_preview", args=[record.pk])
    return record, client.get(response["Location"]).content.decode()


def apply_url(record: AccountingImport) -> str:
    return reverse("import_apply", args=[record.pk])


def import_now(client, record: AccountingImport, data: dict | None = None):
    """« Importer » clicked, then the job it queued run by the worker (`recouvrement worker`)."""
    response = client.post(apply_url(record), data or {})
    run_queued_jobs()
    return response


def figure(page: str, label: str) -> str:
    """The value of one row of the counts table, as the page shows it."""
    start = page.index(f'<th scope="row">{label}</th>')
    cell = page[start:].split('<td class="num">', 1)[1]
    return cell.split("</td>", 1)[0].strip()


def test_the_upload_page_offers_the_file_its_format_and_the_saved_csv_formats(client, team):
    SavedCsvMapping.objects.create(company=team.company, name="Export Cegid", mapping={})
    elsewhere = a_company()
    SavedCsvMapping.objects.create(company=elsewhere, name="Format d'une autre société", mapping={})
    client.force_login(team.manager)

    page = client.get(reverse("import_upload")).content.decode()

    for label in ("Fichier", "Format", "Arrêté au", "Format CSV", "Enregistrer un format CSV"):
        assert label in page
    assert "Reconnaître automatiquement" in page and "CSV des échéances ouvertes" in page
    assert "Colonnes par défaut" in page and "Export Cegid" in page
    assert "Format d'une autre société" not in page
    assert 'enctype="multipart/form-data"' in page
    assert f'href="{reverse("import_upload")}"' in page  # the menu entry « Importer »
    assert table_headers(page)[0][:5] == ["Déposé le", "Fichier", "Format", "Arrêté au", "Statut"]


def test_the_preview_shows_the_counts_and_writes_nothing(client, team):
    client.force_login(team.manager)

    record, page = preview_of(client, FEC, file_format="")

    assert (record.status, record.file_format) == ("preview", "fec")
    assert record.original_name == "FEC.txt"
    assert record.size == len(FEC) and record.sha256 == hashlib.sha256(FEC).hexdigest()
    assert record.file.name == f"imports/{record.sha256[:2]}/{record.sha256}"
    assert record.file.read() == FEC  # the file is kept with the row
    assert "Aperçu de l'import" in page and "FEC (fichier des écritures comptables)" in page
    assert "10/01/2026" in page  # arrêté au: the file's last date
    assert figure(page, "Clients dans le fichier") == "2"
    assert figure(page, "dont nouveaux clients") == "2"
    assert figure(page, "Échéances créées") == "2"
    assert figure(page, "Échéances soldées") == "0"
    assert figure(page, "Échéances ouvertes après l&#x27;import") == "2"
    assert figure(page, "Reste dû total après l&#x27;import") == "2\u202f037,12\u00a0€"
    assert f'action="{apply_url(record)}"' in page and ">Importer</button>" in page
    assert Receivable.objects.count() == Customer.objects.count() == 0


def test_importer_applies_the_file_once_even_on_a_double_click(client, team):
    client.force_login(team.manager)
    record, _ = preview_of(client, FEC)

    response = client.post(apply_url(record))
    assert queued_jobs() == 1 and Receivable.objects.count() == 0  # the worker imports
    run_queued_jobs()

    assert response["Location"] == reverse("import_preview", args=[record.pk])
    assert sorted(
        Receivable.objects.filter(company=team.company).values_list(
            "customer__code", "reference", "open_amount"
        )
    ) == [("C001", "F2026-001", Decimal("1437.12")), ("C002", "F2026-002", Decimal("600.00"))]
    record.refresh_from_db()
    assert record.status == "applied" and record.as_of == date(2026, 1, 10)
    assert record.summary["receivables_created"] == 2
    applied_at = record.applied_at

    again = client.post(apply_url(record))

    assert again.status_code == 302 and queued_jobs() == 0
    assert Receivable.objects.count() == 2 and Customer.objects.count() == 2
    record.refresh_from_db()
    assert record.applied_at == applied_at and record.summary["receivables_created"] == 2
    page = client.get(reverse("import_preview", args=[record.pk])).content.decode()
    assert "Importé le" in page and "Résultat de l'import" in page
    assert figure(page, "Échéances créées") == "2"
    assert f'action="{apply_url(record)}"' not in page


def test_importer_clicked_while_the_same_file_is_being_imported_does_nothing(client, team):
    client.force_login(team.manager)
    record, _ = preview_of(client, FEC)
    started = timezone.now() - timedelta(seconds=5)
    AccountingImport.objects.filter(pk=record.pk).update(applied_at=started)  # the first click

    response = client.post(apply_url(record))

    assert response["Location"] == reverse("import_preview", args=[record.pk])
    assert run_queued_jobs() == 0 and Receivable.objects.count() == 0
    record.refresh_from_db()
    assert (record.status, record.applied_at) == ("preview", started)
    page = client.get(reverse("import_preview", args=[record.pk])).content.decode()
    assert "Import en cours" in page and f'action="{apply_url(record)}"' not in page


def test_an_import_left_running_for_long_is_taken_over(client, team):
    client.force_login(team.manager)
    record, _ = preview_of(client, FEC)
    crashed = timezone.now() - timedelta(hours=1)
    AccountingImport.objects.filter(pk=record.pk).update(applied_at=crashed)

    import_now(client, record)

    record.refresh_from_db()
    assert record.status == "applied" and record.applied_at > crashed
    assert Receivable.objects.count() == 2


def test_a_file_with_a_bad_line_lists_it_and_cannot_be_imported(client, team):
    client.force_login(team.manager)

    record, page = preview_of(client, BAD_FEC)

    assert "Lignes rejetées" in page
    assert ["N° de ligne", "Zone", "Motif"] in table_headers(page)
    rejected = page.split("Lignes rejetées", 1)[1]
    assert "Ligne 4" in rejected and "6O0,00" in rejected
    assert "Rien ne sera importé tant que le fichier n'est pas corrigé" in page
    assert f'action="{apply_url(record)}"' not in page

    import_now(client, record)  # even posted by hand

    record.refresh_from_db()
    assert record.status == "preview" and record.applied_at is None
    assert Receivable.objects.count() == Customer.objects.count() == 0


def test_a_binary_file_is_refused(client, team):
    client.force_login(team.manager)

    response = upload(client, b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + b"\x00" * 100, "ventes.xlsx")

    assert response.status_code == 400
    assert "Ce fichier n&#x27;est pas un fichier texte (FEC ou CSV)" in response.content.decode()
    assert not AccountingImport.objects.exists()


def test_a_file_over_the_size_limit_is_refused(client, team, settings):
    settings.RECOUVREMENT_IMPORT_MAX_BYTES = 100
    client.force_login(team.manager)

    response = upload(client, FEC)

    assert response.status_code == 400
    assert "dépasse la taille maximale de 100 octets" in response.content.decode()
    assert not AccountingImport.objects.exists()


def test_the_arrete_au_is_typed_jj_mm_aaaa(client, team):
    client.force_login(team.manager)

    record, page = preview_of(client, FEC, as_of="31/01/2026")

    assert record.as_of == date(2026, 1, 31)
    assert "31/01/2026" in page


@pytest.mark.parametrize("persona", ["collector_user", "reader"])
def test_only_a_manager_may_import(client, team, persona):
    client.force_login(team.manager)
    record, _ = preview_of(client, FEC)
    client.force_login(getattr(team, persona))

    for response in (
        client.get(reverse("import_upload")),
        upload(client, FEC),
        client.get(reverse("import_preview", args=[record.pk])),
        client.post(apply_url(record)),
        client.post(reverse("import_csv_mapping_create"), CEGID_FORMAT),
    ):
        assert response.status_code == 403
        assert REFUSED in response.content.decode()  # the domain rule's own message
    assert AccountingImport.objects.count() == 1 and not SavedCsvMapping.objects.exists()
    assert Receivable.objects.count() == 0
    # The menu does not offer what the role may not open.
    page = client.get(reverse("dossier_list")).content.decode()
    assert f'href="{reverse("import_upload")}"' not in page


def test_another_companys_import_is_not_found(client, team):
    theirs = AccountingImport.objects.create(
        company=a_company(), original_name="FEC.txt", size=1, sha256="0" * 64, file_format="fec"
    )
    client.force_login(team.manager)

    assert client.get(reverse("import_preview", args=[theirs.pk])).status_code == 404
    assert client.post(apply_url(theirs)).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "preview"


def test_a_saved_csv_format_reads_a_csv_with_those_columns(client, team):
    client.force_login(team.manager)

    saved = client.post(reverse("import_csv_mapping_create"), CEGID_FORMAT)

    assert saved.status_code == 302
    mapping = SavedCsvMapping.objects.get(company=team.company)
    assert mapping.name == "Export Cegid"
    assert mapping.mapping["customer_code"] == "Tiers"
    assert mapping.mapping["decimal_separator"] == ","
    assert "Export Cegid" in client.get(reverse("import_upload")).content.decode()

    record, page = preview_of(
        client, CUSTOM_CSV, name="echeances.csv", as_of="2026-02-01", csv_mapping=mapping.pk
    )

    assert record.file_format == "csv" and record.csv_mapping["open_amount"] == "Solde"
    assert figure(page, "Échéances créées") == "2"
    assert figure(page, "Reste dû total après l&#x27;import") == "1\u202f500,00\u00a0€"
    import_now(client, record)
    assert sorted(
        Receivable.objects.filter(company=team.company).values_list(
            "customer__code", "reference", "due_date", "amount", "open_amount"
        )
    ) == [
        ("411ALPHA", "FA-10", date(2026, 2, 9), Decimal("2400.00"), Decimal("1200.00")),
        ("411BETA", "FA-11", date(2026, 2, 11), Decimal("300.00"), Decimal("300.00")),
    ]


def test_a_csv_format_name_already_saved_is_refused(client, team):
    SavedCsvMapping.objects.create(company=team.company, name="Export Cegid", mapping={})
    client.force_login(team.manager)

    response = client.post(reverse("import_csv_mapping_create"), CEGID_FORMAT)

    assert response.status_code == 400
    assert "Un format CSV porte déjà ce nom." in response.content.decode()
    assert SavedCsvMapping.objects.count() == 1


def test_a_csv_without_the_needed_columns_shows_the_services_message(client, team):
    client.force_login(team.manager)

    record, page = preview_of(client, CUSTOM_CSV, name="echeances.csv", file_format="csv")

    assert record.file_format == "csv"
    assert "Import impossible." in page
    assert "Le fichier n&#x27;a pas de colonne « Code client »" in page
    assert f'action="{apply_url(record)}"' not in page
    assert Receivable.objects.count() == 0


def test_an_older_file_than_the_last_import_is_refused_with_the_services_message(client, team):
    client.force_login(team.manager)
    newer, _ = preview_of(client, PAID_FEC)
    import_now(client, newer)

    older, page = preview_of(client, FEC)
    response = import_now(client, older)  # the worker's engine refuses it

    assert "avant le dernier import" in page
    assert response.status_code == 302
    result = client.get(response["Location"]).content.decode()
    assert "avant le dernier import" in result
    older.refresh_from_db()
    assert older.job_state == "failed" and "avant le dernier import" in older.job_message
    assert older.status == "preview" and older.applied_at is None


def test_a_dossier_paid_by_the_file_is_closed_and_linked_from_the_result(client, team):
    client.force_login(team.manager)
    first, _ = preview_of(client, FEC)
    import_now(client, first)
    receivable = Receivable.objects.get(reference="F2026-001")
    dossier = a_dossier(receivable.customer, receivables=[receivable])

    second, page = preview_of(client, PAID_FEC)

    assert figure(page, "Échéances soldées") == "1"
    assert figure(page, "Règlements enregistrés") == "1"
    assert figure(page, "Dossiers clos (Payé)") == "1"
    assert "Dossiers qui seront clos (Payé)" in page and dossier.number in page
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.OPEN

    import_now(client, second)

    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.CLOSED and dossier.resolution.label == "Payé"
    assert Payment.objects.get(company=team.company).reference == "VIR-88"
    page = client.get(reverse("import_preview", args=[second.pk])).content.decode()
    assert "Importé le" in page
    assert f'href="{reverse("dossier_detail", args=[dossier.pk])}"' in page
    history = client.get(reverse("import_upload")).content.decode()
    assert "Importé le" in history and "FEC.txt" in history


def test_reimporting_the_same_file_says_so_and_changes_nothing(client, team):
    client.force_login(team.manager)
    first, _ = preview_of(client, FEC)
    import_now(client, first)

    second, page = preview_of(client, FEC)

    assert "Ce fichier a déjà été importé le" in page
    assert figure(page, "Échéances créées") == "0"
    response = import_now(client, second)
    assert (
        "Ce fichier avait déjà été importé le" in client.get(response["Location"]).content.decode()
    )
    assert Receivable.objects.count() == 2


def test_after_an_import_the_overdue_echeances_nobody_follows_are_one_click_away(client, team):
    client.force_login(team.manager)
    record, _ = preview_of(client, FEC)
    import_now(client, record)
    result = reverse("import_preview", args=[record.pk])

    page = client.get(result).content.decode()
    assert "Retards sans dossier" in page
    assert "2 clients ont des échéances échues (2\u202f037,12\u00a0€)" in page
    assert reverse("dossiers_open_overdue") in page
    opening = client.get(reverse("dossiers_open_overdue"))  # the preview, then the confirmation

    client.post(
        reverse("dossiers_open_overdue"),
        {
            "confirmer": "1",
            "apercu": opening.context["form"]["apercu"].value(),
            "charge_defaut": team.collector.pk,
        },
    )

    assert Dossier.objects.filter(company=team.company).count() == 2
    assert "Retards sans dossier" not in client.get(result).content.decode()


def test_importing_through_the_page_is_journaled_once_for_the_company(client, team):
    client.force_login(team.manager)
    record, _ = preview_of(client, FEC)

    client.post(apply_url(record))
    client.post(apply_url(record))  # the double click
    assert run_queued_jobs() == 1

    entry = JournalEntry.objects.get(action="accounting_file_imported")
    record.refresh_from_db()
    assert (entry.company, entry.dossier, entry.user) == (team.company, None, team.manager)
    assert entry.message == (
        "Import comptable « FEC.txt » arrêté au 10/01/2026 : 2 clients créés, 2 échéances créées."
    )
    assert entry.after["import_id"] == record.pk and entry.after["receivables_created"] == 2
    assert entry.at == record.applied_at

    again, _ = preview_of(client, FEC)
    import_now(client, again)  # the same file: nothing changes, nothing journaled

    assert AccountingImport.objects.filter(status="applied").count() == 2
    assert JournalEntry.objects.filter(action="accounting_file_imported").count() == 1


def test_a_file_previewed_and_never_imported_goes_after_a_day_with_its_file(
    client, team, django_capture_on_commit_callbacks
):
    client.force_login(team.manager)
    stale, _ = preview_of(client, FEC)
    imported, _ = preview_of(client, PAID_FEC)
    import_now(client, imported)
    running, _ = preview_of(client, FEC.replace(b"Ventes", b"VENTES"))
    yesterday = timezone.now() - STALE_AGE
    AccountingImport.objects.update(created_at=yesterday)
    AccountingImport.objects.filter(pk=running.pk).update(applied_at=timezone.now())
    storage, stale_name = stale.file.storage, stale.file.name  # the database, or a bucket

    with django_capture_on_commit_callbacks(execute=True):
        fresh, page = preview_of(client, FEC)  # the very same file as the stale one

    assert not AccountingImport.objects.filter(pk=stale.pk).exists()
    assert not storage.exists(stale_name)
    assert set(AccountingImport.objects.values_list("pk", flat=True)) == {
        imported.pk,
        running.pk,
        fresh.pk,
    }
    for kept in (imported, running, fresh):
        assert storage.exists(kept.file.name)
    assert fresh.file.name != stale.file.name and fresh.file.read() == FEC
    assert "avant le dernier import" in page  # the dry run read the fresh file


def test_a_stored_file_gone_is_said_and_nothing_is_imported(client, team):
    client.force_login(team.manager)
    record, _ = preview_of(client, FEC)
    record.file.storage.delete(record.file.name)

    page = client.get(reverse("import_preview", args=[record.pk])).content.decode()
    response = client.post(apply_url(record))

    assert "Le fichier déposé est introuvable : déposez-le de nouveau." in page
    assert response.status_code == 400
    assert "Le fichier déposé est introuvable" in response.content.decode()
    assert queued_jobs() == 0  # said at once: nothing queued
    record.refresh_from_db()
    assert (record.status, record.applied_at) == ("preview", None)  # nothing claimed
    assert Receivable.objects.count() == 0


# --- Faithful import (issue 11 §3): new customers, non-debtors, dates, the customers' file ---

BOOKS = (Path(__file__).parent.parent / "data" / "fec_real_books.txt").read_bytes()
NON_DEBTORS = {"41100000", "ATTENTE", "CAISSE", "DIVERS", "RECCB", "RECESP"}


def listed_codes(page: str) -> list[str]:
    """The new customers' rows of the preview, in order (their hidden « code » inputs)."""
    return re.findall(r'name="clients-\d+-code" value="([^"]+)"', page)


def choices_post(codes: list[str], changes: dict[str, dict], **extra) -> dict:
    """What the preview's form posts: every listed row as proposed, but for `changes`."""
    data = {"clients-TOTAL_FORMS": str(len(codes)), "clients-INITIAL_FORMS": str(len(codes))}
    for index, code in enumerate(codes):
        row = {"code": code, "kind": "", "payment_terms_days": "30"}
        if code in NON_DEBTORS:
            row["excluded"] = "on"
        row |= changes.get(code, {})
        data |= {f"clients-{index}-{name}": value for name, value in row.items() if value}
    return data | extra


def test_the_preview_lists_the_new_customers_with_what_the_import_proposes_and_why(client, team):
    client.force_login(team.manager)

    record, page = preview_of(client, BOOKS, name="fec_real_books.txt")

    assert "Nouveaux clients" in page
    assert sorted(listed_codes(page)) == sorted(
        {"CLI001", "CLI002", "CLI003", "CLI004"} | NON_DEBTORS
    )
    assert "proposé : forme juridique SARL" in page
    assert "à vérifier : rien dans le nom n'indique une société" in page
    assert "Recettes de caisse (« RECETTE CB ») : des ventes encaissées au comptant" in page
    assert "Compte collectif 41100000 utilisé sans compte auxiliaire" in page
    assert page.count('type="checkbox" name="clients-') == 10
    checked = re.findall(r'<input type="checkbox" name="clients-(\d+)-excluded"[^>]* checked', page)
    codes = listed_codes(page)
    assert {codes[int(i)] for i in checked} == NON_DEBTORS  # « Exclu » proposed for each
    assert "Les clients laissés « à vérifier » sont créés en" in page
    assert figure(page, "dont exclus du recouvrement") == "6"
    assert figure(page, "dont à vérifier (type inconnu)") == "1"
    assert not Customer.objects.exists()


def test_importer_creates_the_new_customers_as_the_manager_set_them(client, team):
    client.force_login(team.manager)
    record, page = preview_of(client, BOOKS, name="fec_real_books.txt")
    changes = {
        "CLI002": {"kind": "b2b", "payment_terms_days": "45"},
        "DIVERS": {"excluded": ""},  # chased after all
    }

    response = import_now(client, record, choices_post(listed_codes(page), changes))

    assert response.status_code == 302, response.content.decode()
    created = {
        c.code: (c.kind, c.excluded_from_collection, c.payment_terms_days)
        for c in Customer.objects.all()
    }
    assert created["CLI002"] == ("b2b", False, 45)
    assert created["CLI001"] == ("b2b", False, 30)
    assert created["DIVERS"] == ("b2c", False, 30)
    assert {code for code, (_, excluded, _) in created.items() if excluded} == NON_DEBTORS - {
        "DIVERS"
    }
    result = client.get(response["Location"]).content.decode()
    assert "Clients créés" in result
    brasserie = Customer.objects.get(code="CLI001")
    assert f'href="{reverse("customer_edit", args=[brasserie.pk])}"' in result
    assert "Le type, le délai de paiement et l'exclusion se changent sur la fiche" in result


def test_the_kind_given_to_the_customers_left_to_check(client, team):
    client.force_login(team.manager)
    record, page = preview_of(client, BOOKS, name="fec_real_books.txt")

    import_now(client, record, choices_post(listed_codes(page), {}, unchecked_kind="b2b"))

    assert Customer.objects.get(code="CLI002").kind == "b2b"


def test_a_wrong_choice_is_shown_on_the_preview_and_nothing_is_imported(client, team):
    client.force_login(team.manager)
    record, page = preview_of(client, BOOKS, name="fec_real_books.txt")
    wrong = {"CLI001": {"payment_terms_days": "400"}}

    response = client.post(apply_url(record), choices_post(listed_codes(page), wrong))
    assert queued_jobs() == 0

    assert response.status_code == 400
    assert "inférieure ou égale à 365" in response.content.decode()
    assert not Customer.objects.exists()
    record.refresh_from_db()
    assert (record.status, record.applied_at) == ("preview", None)


def test_a_date_before_every_entry_is_said_on_the_preview(client, team):
    client.force_login(team.manager)

    record, page = preview_of(client, BOOKS, as_of="30/06/2022")

    assert "Import impossible." in page
    assert (
        "Aucune écriture au 30/06/2022 : les écritures du fichier vont du 01/07/2022 au 30/06/2023."
    ) in page
    assert f'action="{apply_url(record)}"' not in page


CUSTOMERS_FILE = (
    "Code client;Raison sociale;Type;Délai de paiement;E-mail;Tél;Adresse;CP;Ville\n"
    "C001;;B2B;45 jours;compta@boulangerie-exemple.fr;04 78 00 00 01;;;\n"
    "C002;;particulier;;;;;;\n"
    "C003;Traiteur des Pentes;B2B;30;;;12 montée de la Grande Côte;69001;Lyon\n"
).encode()


def test_the_customers_file_sets_kinds_and_terms_in_bulk(client, team):
    client.force_login(team.manager)
    record, _ = preview_of(client, FEC)
    import_now(client, record)  # C001 and C002, created by the accounting import

    response = client.post(
        reverse("import_customers"),
        {"customers_file": SimpleUploadedFile("clients.csv", CUSTOMERS_FILE)},
        follow=True,
    )

    page = response.content.decode()
    assert "Fichier des clients « clients.csv » importé : 1 client créé, 2 clients modifiés" in page
    rows = {
        c.code: (c.kind, c.payment_terms_days, c.email, c.postal_code, c.name)
        for c in Customer.objects.all()
    }
    assert rows["C001"] == ("b2b", 45, "compta@boulangerie-exemple.fr", "", "Boulangerie Exemple")
    assert rows["C002"][:2] == ("b2c", 30)
    assert rows["C003"] == ("b2b", 30, "", "69001", "Traiteur des Pentes")
    entry = JournalEntry.objects.get(action="customers_imported")
    assert (entry.company, entry.dossier, entry.user) == (team.company, None, team.manager)
    assert entry.before["C001"] == {"payment_terms_days": 30, "email": "", "phone": ""}


def test_a_customers_file_with_bad_lines_changes_nothing_and_names_them(client, team):
    client.force_login(team.manager)
    bad = (
        "Code;Nom;Type;Délai\n"
        "C010;Nouveau client;;30\n"
        "C011;Garage Central;B2B;trente\n"
        "C012;Hôtel du Parc;B3B;30\n"
    ).encode()

    response = client.post(
        reverse("import_customers"), {"customers_file": SimpleUploadedFile("clients.csv", bad)}
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "3 erreurs dans le fichier des clients : aucun client n'a été modifié." in page
    assert "Ligne 2 : nouveau client C010 sans type" in page
    assert "Ligne 3 : délai de paiement « trente » invalide" in page
    assert "Ligne 4 : type « B3B » invalide (B2B ou B2C)" in page
    assert not Customer.objects.exists()
