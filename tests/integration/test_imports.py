"""B4: importing a FEC or a CSV of open items — what the database holds afterwards."""

import hashlib
import io
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum

from recouvrement.bench.fec import HEADER, Invoice, write_fec
from recouvrement.db.models import (
    AccountingImport,
    Allocation,
    Customer,
    JournalEntry,
    Payment,
    Receivable,
)
from recouvrement.services.imports import ImportOptions, import_accounting_file
from tests.builders import a_customer, a_dossier
from tests.unit.test_csv_reader import CUSTOM

DATA = Path(__file__).parent.parent / "data"
TODAY = date(2026, 11, 30)
_numbers = iter(range(1, 100_000))


def line(day, piece, *, aux="C001", debit="0", credit="0", letter="", account="41100000",
         name="Boulangerie Martin", journal=None) -> str:  # fmt: skip
    """One customer line and its counterpart (sales or bank), as an accounting package writes."""
    journal = journal or ("VE" if Decimal(debit) else "BQ")
    number = next(_numbers)
    lettered = day.strftime("%Y%m%d") if letter else ""
    other = "70600000\tVentes" if journal == "VE" else "51200000\tBanque"
    return (
        f"{journal}\tJournal\t{number}\t{day:%Y%m%d}\t{account}\tClients\t{aux}\t{name}\t{piece}\t"
        f"{day:%Y%m%d}\t{piece}\t{debit.replace('.', ',')}\t{credit.replace('.', ',')}\t{letter}\t"
        f"{lettered}\t{day:%Y%m%d}\t\t\n"
        f"{journal}\tJournal\t{number}\t{day:%Y%m%d}\t{other}\t\t\t{piece}\t{day:%Y%m%d}\t{piece}\t"
        f"{credit.replace('.', ',')}\t{debit.replace('.', ',')}\t\t\t{day:%Y%m%d}\t\t\n"
    )


def fec(*lines: str) -> bytes:
    return ("\t".join(HEADER) + "\n" + "".join(lines)).encode("utf-8")


def run(team, data: bytes, *, today=TODAY, dry_run=False, user=None, **options):
    return import_accounting_file(
        team.company,
        io.BytesIO(data),
        today=today,
        user=user or team.manager,
        options=ImportOptions(**options),
        dry_run=dry_run,
    )


def open_items(company):
    return sorted(
        (r.customer.code, r.reference, r.due_date, r.open_amount)
        for r in Receivable.objects.filter(company=company, open_amount__gt=0).select_related(
            "customer"
        )
    )


def state(company):
    """Everything an import may change, to compare before and after."""
    return (
        sorted(Customer.objects.filter(company=company).values_list("code", "name")),
        sorted(
            Receivable.objects.filter(company=company).values_list(
                "reference", "due_date", "amount", "open_amount"
            )
        ),  # fmt: skip
        sorted(Payment.objects.filter(company=company).values_list("external_key", "amount")),
        sorted(
            Allocation.objects.values_list(
                "payment__external_key", "receivable__reference", "amount"
            )
        ),  # fmt: skip
        JournalEntry.objects.count(),
    )


def allocations_match_payments(company) -> bool:
    """Every échéance: what its allocations pay = amount − open amount (M4)."""
    return all(
        r.amount - r.open_amount == (r.allocated or 0)
        for r in Receivable.objects.filter(company=company).annotate(
            allocated=Sum("allocations__amount")
        )
    )


FIRST = fec(
    line(date(2026, 9, 1), "FA1", debit="1200.00"),
    line(date(2026, 9, 15), "FA2", debit="1000.00", letter="AA"),
    line(date(2026, 10, 5), "VIR-77", credit="400.00", letter="AA"),
    line(date(2026, 10, 1), "FB1", aux="C002", name="Garage du Pont", debit="300.00"),
)


def test_a_first_fec_creates_customers_open_echeances_and_the_payments_lettered(team):
    report = run(team, FIRST)

    assert open_items(team.company) == [
        ("C001", "FA1", date(2026, 10, 1), Decimal("1200.00")),  # piece date + 30 days
        ("C001", "FA2", date(2026, 10, 15), Decimal("600.00")),
        ("C002", "FB1", date(2026, 10, 31), Decimal("300.00")),
    ]
    assert report.as_json() | {} == {
        **report.as_json(),
        "customers": 2,
        "customers_created": 2,
        "receivables_created": 3,
        "payments": 1,
        "open_receivables": 3,
        "open_amount": "2100.00",
        "rejected_lines": 0,
        "as_of": "2026-10-05",  # the file's last entry
    }
    payment = Payment.objects.get()
    assert (payment.reference, payment.date, payment.amount) == (
        "VIR-77",
        date(2026, 10, 5),
        Decimal("400.00"),
    )
    assert allocations_match_payments(team.company)
    assert Customer.objects.get(code="C002").name == "Garage du Pont"
    assert AccountingImport.objects.get().status == "applied"


def test_the_customers_payment_terms_give_the_due_date(team):
    a_customer(team.company, code="C001", name="Boulangerie Martin", payment_terms_days=45)

    run(team, fec(line(date(2026, 9, 1), "FA1", debit="100.00")))

    assert open_items(team.company) == [("C001", "FA1", date(2026, 10, 16), Decimal("100.00"))]
    assert Customer.objects.get(code="C001").name == "Boulangerie Martin"  # kept as typed


def test_importing_the_same_file_twice_changes_nothing_the_second_time(team):
    run(team, FIRST)
    before = state(team.company)

    again = run(team, FIRST)

    assert state(team.company) == before
    assert again.changes == 0
    assert again.already_imported  # and it says so


def test_a_later_file_closes_what_was_paid_and_the_dossier_follows_with_resolution_paye(team):
    run(team, FIRST)
    customer = Customer.objects.get(code="C001")
    customer.default_collector = team.collector
    customer.save()
    dossier = a_dossier(
        customer,
        today=date(2026, 11, 2),
        receivables=list(Receivable.objects.filter(customer=customer)),
    )

    later = fec(
        line(date(2026, 9, 1), "FA1", debit="1200.00", letter="AB"),
        line(date(2026, 9, 15), "FA2", debit="1000.00", letter="AA"),
        line(date(2026, 10, 5), "VIR-77", credit="400.00", letter="AA"),
        line(date(2026, 11, 20), "VIR-91", credit="600.00", letter="AA"),
        line(date(2026, 11, 25), "CHQ-5", credit="1200.00", letter="AB"),
        line(date(2026, 10, 1), "FB1", aux="C002", name="Garage du Pont", debit="300.00"),
    )
    report = run(team, later)

    assert open_items(team.company) == [("C002", "FB1", date(2026, 10, 31), Decimal("300.00"))]
    assert (report.receivables_closed, report.payments) == (2, 2)
    assert report.dossiers_closed == [dossier.number]
    dossier.refresh_from_db()
    assert (dossier.status, dossier.resolution.label, dossier.end_date) == (
        "closed",
        "Payé",
        TODAY,
    )
    assert list(dossier.journal.values_list("action", flat=True))[-2:] == [
        "receivables_imported",
        "dossier_closed",
    ]
    assert sorted(Payment.objects.values_list("reference", "date")) == [
        ("CHQ-5", date(2026, 11, 25)),
        ("VIR-77", date(2026, 10, 5)),
        ("VIR-91", date(2026, 11, 20)),
    ]
    assert allocations_match_payments(team.company)


def test_an_echeance_the_accounts_no_longer_list_was_paid_by_the_file_date(team):
    run(team, FIRST)

    report = run(team, fec(line(date(2026, 11, 28), "FB2", aux="C002", debit="50.00")))

    assert [r for _, r, _, _ in open_items(team.company)] == ["FB2"]
    assert report.receivables_closed == 3
    noted = Payment.objects.filter(reference="Règlement constaté")
    assert {(p.date, p.amount) for p in noted} == {
        (date(2026, 11, 28), Decimal("1200.00")),
        (date(2026, 11, 28), Decimal("600.00")),
        (date(2026, 11, 28), Decimal("300.00")),
    }
    assert allocations_match_payments(team.company)


def test_a_payment_lettered_to_another_invoice_later_moves_without_being_recorded_twice(team):
    unlettered = fec(
        line(date(2026, 9, 1), "FA1", debit="500.00"),
        line(date(2026, 9, 20), "FA2", debit="500.00"),
        line(date(2026, 10, 10), "VIR-1", credit="500.00"),
    )
    run(team, unlettered)
    assert [r for _, r, _, _ in open_items(team.company)] == ["FA2"]  # oldest first

    lettered = fec(
        line(date(2026, 9, 1), "FA1", debit="500.00"),
        line(date(2026, 9, 20), "FA2", debit="500.00", letter="AA"),
        line(date(2026, 10, 10), "VIR-1", credit="500.00", letter="AA"),
    )
    run(team, lettered)

    assert [r for _, r, _, _ in open_items(team.company)] == ["FA1"]
    assert Payment.objects.count() == 1
    assert Allocation.objects.get().receivable.reference == "FA2"
    assert allocations_match_payments(team.company)


def test_a_csv_of_open_items_then_a_newer_one_records_what_was_paid_in_between(team):
    first = (
        "Code client;Nom;Pièce;Date pièce;Échéance;Montant;Reste dû\n"
        "C010;Hôtel des Brotteaux;F-100;01/09/2026;01/10/2026;1 500,00;1 500,00\n"
        "C010;Hôtel des Brotteaux;F-101;15/09/2026;15/10/2026;800,00;800,00\n"
    ).encode()
    run(team, first, as_of=date(2026, 11, 1))
    second = (
        "Code client;Nom;Pièce;Date pièce;Échéance;Montant;Reste dû\n"
        "C010;Hôtel des Brotteaux;F-100;01/09/2026;01/10/2026;1 500,00;500,00\n"
    ).encode()

    report = run(team, second, as_of=date(2026, 11, 20))

    assert open_items(team.company) == [("C010", "F-100", date(2026, 10, 1), Decimal("500.00"))]
    assert (report.receivables_updated, report.receivables_closed, report.payments) == (1, 1, 2)
    assert set(Payment.objects.values_list("reference", "date", "amount")) == {
        ("Règlement constaté", date(2026, 11, 20), Decimal("1000.00")),
        ("Règlement constaté", date(2026, 11, 20), Decimal("800.00")),
    }
    assert allocations_match_payments(team.company)


SOURCE_COLUMNS = CUSTOM  # the mapping the reader tests use for the same sample


def test_another_sources_columns_are_read_with_its_mapping_and_its_bad_lines_named(team):
    data = (DATA / "open_items_custom.csv").read_bytes()
    with pytest.raises(ValidationError, match="n'a pas de colonne « Code client »"):
        run(team, data, file_format="csv")

    report = run(team, data, file_format="csv", mapping=SOURCE_COLUMNS)
    assert [e.line_number for e in report.errors] == [3, 4]  # 31/13/2026, « 15O,00 »
    assert not Receivable.objects.exists()

    good = b"\n".join(data.splitlines()[:2])
    report = run(team, good, file_format="csv", mapping=SOURCE_COLUMNS)
    assert open_items(team.company) == [("411ALPHA", "FA-10", date(2026, 2, 9), Decimal("1200.00"))]


@pytest.mark.parametrize(
    ("sample", "still_open"),
    [
        ("fec_tab.txt", "1437.12"),
        ("fec_pipe.txt", "1437.12"),
        ("fec_crlf.txt", "1437.12"),
        ("fec_utf8_bom.txt", "1437.12"),
        ("fec_iso8859_15.txt", "1437.12"),
        ("fec_header_case.txt", "1437.12"),
        ("fec_trailing_separator.txt", "1437.12"),
        ("fec_fixed_width.txt", "1425.12"),  # its signed −12,00 debit is a credit note
        ("fec_montant_sens.txt", "1437.12"),
        ("fec_bnc_22_columns.txt", "1437.12"),
    ],
)
def test_every_fec_variant_imports_the_same_open_items(team, sample, still_open):
    report = run(team, (DATA / sample).read_bytes())

    assert report.rejected_lines == 0
    assert open_items(team.company) == [
        ("C001", "F2026-001", date(2026, 2, 4), Decimal(still_open)),
    ]
    # C002's payment paid an invoice of the previous year: nothing open, a credit kept.
    assert Payment.objects.get(customer__code="C002").amount == Decimal("600.00")


@pytest.mark.parametrize(
    ("sample", "mapping"),
    [
        ("open_items_semicolon.csv", None),
        ("open_items_comma_latin9.csv", None),
    ],
)
def test_the_csv_variants_import(team, sample, mapping):
    report = run(team, (DATA / sample).read_bytes(), file_format="csv", mapping=mapping)

    assert report.rejected_lines == 0
    assert report.open_receivables == len(open_items(team.company)) > 0


def test_a_malformed_file_names_its_lines_and_imports_nothing(team):
    data = (DATA / "fec_bad_lines.txt").read_bytes()

    report = run(team, data)

    assert report.rejected_lines > 0 and not report.applied
    assert all(e.message.startswith(f"Ligne {e.line_number} :") for e in report.errors)
    assert state(team.company)[:4] == ([], [], [], [])
    assert not AccountingImport.objects.exists()


def test_a_missing_column_is_refused_with_a_french_message(team):
    with pytest.raises(ValidationError, match="Debit"):
        run(team, (DATA / "fec_missing_column.txt").read_bytes())


def test_a_preview_shows_what_applying_would_do_and_changes_nothing(team):
    preview = run(team, FIRST, dry_run=True)
    assert state(team.company)[:4] == ([], [], [], [])

    applied = run(team, FIRST)

    assert preview.as_json() | {"dry_run": False, "applied": True} == applied.as_json()


def test_an_older_file_than_the_last_import_is_refused(team):
    run(team, FIRST)

    with pytest.raises(ValidationError, match="avant le dernier import"):
        run(team, fec(line(date(2026, 9, 1), "FA1", debit="1200.00")))


def test_only_a_manager_imports(team):
    for user in (team.collector_user, team.reader):
        with pytest.raises(PermissionDenied):
            run(team, FIRST, user=user)
    assert not Receivable.objects.exists()


def test_round_trip_known_open_items_written_as_a_fec_come_back(team):
    def invoice(code, reference, day, amount, still_open, paid_on=None):
        name = f"Client {code}"
        return Invoice(code, name, reference, day, Decimal(amount), Decimal(still_open), paid_on)

    known = [
        invoice("C100", "FA-1", date(2026, 3, 2), "1000.00", "1000.00"),
        invoice("C100", "FA-2", date(2026, 4, 2), "500.00", "120.50", date(2026, 5, 1)),
        invoice("C200", "FB-1", date(2026, 6, 30), "99.99", "99.99"),
        invoice("C200", "FB-2", date(2026, 7, 1), "75.00", "0", date(2026, 7, 20)),
        invoice("C300", "FC-1", date(2026, 8, 1), "10.00", "0", date(2026, 8, 2)),
    ]
    out = io.StringIO()
    write_fec(out, known)

    report = run(team, out.getvalue().encode("utf-8"))

    assert open_items(team.company) == sorted(
        (i.customer_code, i.reference, i.piece_date + timedelta(days=30), i.open_amount)
        for i in known
        if i.open_amount
    )
    assert report.open_amount == sum(i.open_amount for i in known)
    assert report.customers == 3


def test_the_customer_accounts_are_configurable(team):
    data = fec(
        line(date(2026, 9, 1), "FA1", debit="100.00"),
        line(date(2026, 9, 2), "FJ1", debit="40.00", account="41800000", aux="C003"),
    )

    run(team, data, accounts=("411", "418"))

    assert [r for _, r, _, _ in open_items(team.company)] == ["FA1", "FJ1"]


def test_an_import_that_changes_something_is_journaled_for_the_company(team):
    report = run(team, FIRST, file_name="FEC.txt")

    entry = JournalEntry.objects.get(action="accounting_file_imported")
    record = AccountingImport.objects.get()
    assert (entry.company, entry.dossier, entry.user) == (team.company, None, team.manager)
    assert entry.message == (
        "Import comptable « FEC.txt » arrêté au 05/10/2026 : 2 clients créés, "
        "3 échéances créées, 1 règlement enregistré."
    )
    summary = report.as_json()
    del summary["dossiers_closed_numbers"]  # the dossiers closed have their own lines
    del summary["new_customers"]  # the customers are in the customers' list
    assert entry.after == summary | {"import_id": record.pk}


# --- The « Importer » page's use cases, without the page ---------------------------------------


def test_storing_a_file_is_for_managers_only_and_keeps_its_sha256(team, settings, tmp_path):
    from recouvrement.services.import_files import store_accounting_file

    settings.MEDIA_ROOT = tmp_path
    for user in (team.collector_user, team.reader):
        with pytest.raises(PermissionDenied, match="peut importer un fichier comptable"):
            store_accounting_file(team.company, user, io.BytesIO(FIRST), name="FEC.txt")

    record = store_accounting_file(
        team.company, team.manager, io.BytesIO(FIRST), name="../../etc/FEC.txt"
    )

    assert (record.status, record.file_format, record.original_name) == (
        "preview",
        "fec",
        "FEC.txt",
    )
    assert record.sha256 == hashlib.sha256(FIRST).hexdigest() and record.size == len(FIRST)
    assert record.file.name == f"imports/{record.sha256[:2]}/{record.sha256}"
    # The refused attempts changed nothing; the stored upload is journaled (issue 12), once.
    assert AccountingImport.objects.count() == 1
    assert list(JournalEntry.objects.values_list("action", flat=True)) == ["import_file_stored"]


def test_a_csv_format_saved_twice_at_the_same_instant_gets_the_models_message(team, monkeypatch):
    from recouvrement.db.models import SavedCsvMapping
    from recouvrement.imports import CsvMapping
    from recouvrement.services.import_files import save_csv_mapping

    save_csv_mapping(team.company, team.manager, "Export Cegid", CsvMapping())
    monkeypatch.setattr(SavedCsvMapping, "full_clean", lambda self: None)  # the race

    with pytest.raises(ValidationError, match="Un format CSV porte déjà ce nom."):
        save_csv_mapping(team.company, team.manager, "Export Cegid", CsvMapping())
    with pytest.raises(PermissionDenied):
        save_csv_mapping(team.company, team.collector_user, "Autre", CsvMapping())
    assert SavedCsvMapping.objects.count() == 1
