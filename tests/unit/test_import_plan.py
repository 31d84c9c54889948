"""Import plans: what customers owe out of FEC lines (legal-formats §4.2) and CSV rows."""

import dataclasses
import io
from datetime import date
from decimal import Decimal

from recouvrement.imports import OpenItem, plan_fec, plan_open_items, read_fec
from recouvrement.imports.fec import FecLine

_numbers = iter(range(1, 10_000))


def line(
    account="41100000",
    aux="C001",
    debit="0",
    credit="0",
    piece="FA1",
    on=date(2026, 9, 1),
    letter="",
    lettered_on=None,
    name="Boulangerie Martin",
    journal="VT",
    label="",
) -> FecLine:
    return FecLine(
        line_number=next(_numbers),
        JournalCode=journal,
        JournalLib="A nouveaux" if journal == "ANO" else "Ventes",
        EcritureNum=piece,
        EcritureDate=on,
        CompteNum=account,
        CompteLib="Clients",
        CompAuxNum=aux,
        CompAuxLib=name if aux else "",
        PieceRef=piece,
        PieceDate=on,
        EcritureLib=label or piece,
        Debit=Decimal(debit),
        Credit=Decimal(credit),
        EcritureLet=letter,
        DateLet=lettered_on,
        ValidDate=on,
        Montantdevise=None,
        Idevise="",
    )


def opened(plan):
    return sorted((r.customer_code, r.reference, r.open_amount) for r in plan.open_receivables)


def test_an_unlettered_invoice_is_open_for_its_whole_amount_and_its_due_date_is_left_to_terms():
    plan = plan_fec([line(debit="1200.00")])

    [item] = plan.receivables
    assert (item.customer_code, item.reference, item.amount, item.open_amount) == (
        "C001",
        "FA1",
        Decimal("1200.00"),
        Decimal("1200.00"),
    )
    assert item.due_date is None
    assert plan.customers == {"C001": "Boulangerie Martin"}


def test_a_balanced_lettering_group_is_settled_by_its_payment():
    plan = plan_fec(
        [
            line(debit="500", piece="FA1", letter="AA"),
            line(credit="500", piece="RG1", letter="AA", on=date(2026, 10, 1)),
        ]
    )

    assert opened(plan) == []
    [invoice] = plan.receivables
    [payment] = plan.payments
    assert invoice.open_amount == 0
    assert (payment.reference, payment.date, payment.allocations) == (
        "RG1",
        date(2026, 10, 1),
        [(invoice, Decimal("500"))],
    )


def test_a_partly_lettered_invoice_leaves_its_remainder_open():
    plan = plan_fec(
        [
            line(debit="1000", piece="FA2", letter="AB"),
            line(credit="400", piece="RG2", letter="AB", on=date(2026, 10, 1)),
        ]
    )

    [item] = plan.receivables
    assert (item.reference, item.amount, item.open_amount) == (
        "FA2",
        Decimal("1000"),
        Decimal("600"),
    )
    assert [(p.reference, p.unallocated) for p in plan.payments] == [("RG2", Decimal("0"))]


def test_a_lettering_group_pays_its_oldest_invoice_first():
    plan = plan_fec(
        [
            line(debit="300", piece="FA2", letter="AC", on=date(2026, 9, 20)),
            line(debit="200", piece="FA1", letter="AC", on=date(2026, 9, 5)),
            line(credit="350", piece="RG", letter="AC", on=date(2026, 10, 2)),
        ]
    )

    assert opened(plan) == [("C001", "FA2", Decimal("150"))]


def test_a_payment_lettered_after_the_analysis_date_still_counts_if_received_by_then():
    lines = [
        line(debit="800", piece="FA3", letter="AC", lettered_on=date(2027, 1, 15)),
        line(credit="800", piece="RG3", letter="AC", lettered_on=date(2027, 1, 15)),
        line(debit="90", piece="FA4", letter="AD", lettered_on=date(2027, 1, 20)),
        line(credit="90", piece="RG4", letter="AD", on=date(2027, 1, 12)),
    ]

    plan = plan_fec(lines, as_of=date(2026, 12, 31))

    # RG3 came in before the date (unlettered then: it pays the oldest invoice); RG4 after.
    assert opened(plan) == [("C001", "FA4", Decimal("90"))]
    assert [p.reference for p in plan.payments] == ["RG3"]


def test_unlettered_credits_pay_the_oldest_open_invoices_of_their_customer():
    plan = plan_fec(
        [
            line(debit="100", piece="FA1", on=date(2026, 9, 1)),
            line(debit="100", piece="FA2", on=date(2026, 8, 1)),
            line(credit="150", piece="RG", on=date(2026, 10, 1)),
            line(aux="C002", debit="70", piece="FB1", name="Autre client"),
        ]
    )

    assert opened(plan) == [("C001", "FA1", Decimal("50")), ("C002", "FB1", Decimal("70"))]


def test_letter_codes_are_matched_within_one_customer_only():
    plan = plan_fec(
        [
            line(aux="C001", debit="300", letter="AA"),
            line(aux="C002", credit="300", letter="AA", name="Autre client"),
        ]
    )

    assert opened(plan) == [("C001", "FA1", Decimal("300"))]
    [payment] = plan.payments
    assert (payment.customer_code, payment.unallocated) == ("C002", Decimal("300"))


def test_only_customer_accounts_count_and_the_sub_account_names_a_customer_without_auxiliary():
    plan = plan_fec(
        [
            line(account="40100000", aux="F001", credit="900"),
            line(account="41600012", aux="", debit="250", name="Clients douteux"),
            line(account="70600000", aux="", credit="1200"),
        ]
    )

    assert opened(plan) == [("41600012", "FA1", Decimal("250"))]
    assert plan.error_count == 0


def test_the_collective_account_without_an_auxiliary_is_one_account_of_many_customers():
    plan = plan_fec(
        [
            line(account="41100000", aux="", debit="250", piece="FA1"),
            line(account="41100000", aux="", debit="90", piece="FA2"),
            line(account="41100000", aux="C001", debit="100", piece="FA3"),
        ]
    )

    assert plan.error_count == 0
    assert plan.customers == {"41100000": "Clients", "C001": "Boulangerie Martin"}
    assert plan.collective == {"41100000"}  # the import proposes it « Exclu »
    assert opened(plan) == [
        ("41100000", "FA1", Decimal("250")),
        ("41100000", "FA2", Decimal("90")),
        ("C001", "FA3", Decimal("100")),
    ]


def entry(number, piece, debit="0", credit="0", on=date(2026, 5, 31), journal="VT", **kw):
    """A line of entry `number` (the helper above numbers entries by their piece)."""
    row = line(piece=piece, debit=debit, credit=credit, on=on, journal=journal, **kw)
    return dataclasses.replace(row, EcritureNum=number)


def test_two_invoices_sharing_a_batch_reference_stay_two_invoices():
    plan = plan_fec(
        [
            entry("101", "LOT-05", debit="1200"),  # first invoice of the batch
            entry("101", "LOT-05", debit="34"),  # … the same entry: the same invoice
            entry("102", "LOT-05", debit="300"),  # same day, another entry: another invoice
            entry("140", "LOT-05", debit="80", on=date(2026, 6, 2)),
            entry("150", "LOT-05", credit="300", journal="BQ"),  # a payment: no invoice
            entry("102", "LOT-05", debit="50", aux="C002"),  # another customer's invoice
        ]
    )

    assert [(r.customer_code, r.reference, r.amount) for r in plan.receivables] == [
        ("C001", "LOT-05", Decimal("1200")),
        ("C001", "LOT-05", Decimal("34")),
        ("C001", "LOT-05 écr. 102", Decimal("300")),
        ("C001", "LOT-05 écr. 140", Decimal("80")),
        ("C002", "LOT-05", Decimal("50")),
    ]
    [payment] = plan.payments
    assert payment.reference == "LOT-05"


def test_a_batch_reference_without_entry_numbers_is_told_apart_by_the_date():
    plan = plan_fec(
        [
            entry("", "LOT-05", debit="100", on=date(2026, 5, 2)),
            entry("", "LOT-05", debit="200", on=date(2026, 5, 9)),
            entry("", "X" * 35, debit="1", on=date(2026, 5, 2)),
            entry("", "X" * 35, debit="2", on=date(2026, 5, 9)),
        ]
    )

    assert sorted(r.reference for r in plan.receivables) == [
        "LOT-05",
        "LOT-05 du 09/05/2026",
        "X" * 21 + " du 09/05/2026",  # 35 characters at most
        "X" * 35,
    ]


def test_the_files_first_and_last_entry_dates_are_known_whatever_the_analysis_date():
    rows = [line(debit="100", on=date(2022, 3, 1)), line(debit="200", on=date(2023, 12, 28))]

    plan = plan_fec(rows, as_of=date(2021, 12, 31))

    assert (plan.first_date, plan.latest_date) == (date(2022, 3, 1), date(2023, 12, 28))
    assert plan.receivables == [] and plan.customers == {}


def test_lines_written_after_the_analysis_date_are_left_out():
    plan = plan_fec(
        [line(debit="100", on=date(2026, 12, 20)), line(debit="200", on=date(2027, 1, 3))],
        as_of=date(2026, 12, 31),
    )

    assert plan.open_amount == Decimal("100")
    assert plan.last_date == date(2026, 12, 20)


def test_an_opening_balance_posted_as_one_line_per_customer_is_one_echeance_due_at_once():
    plan = plan_fec(
        [
            line(
                journal="ANO",
                piece="RAN",
                label="Report à nouveau",
                debit="6135.88",
                on=date(2021, 9, 1),
            ),
            line(journal="ANO", piece="FA0099", debit="40", on=date(2021, 9, 1)),
        ]
    )

    balance, detail = sorted(plan.receivables, key=lambda r: r.amount, reverse=True)
    assert (balance.reference, balance.due_date) == (
        "Report à nouveau 01/09/2021",
        date(2021, 9, 1),
    )
    assert (detail.reference, detail.due_date) == ("FA0099", None)  # à-nouveau en détail


def test_payment_keys_stay_the_same_across_files_and_tell_repeated_payments_apart():
    def keys():
        plan = plan_fec(
            [
                line(debit="500", piece="FA1"),
                line(credit="100", piece="CHQ", on=date(2026, 10, 1)),
                line(credit="100", piece="CHQ", on=date(2026, 10, 1)),
            ]
        )
        return [p.key for p in plan.payments]

    assert keys() == keys() == ["CHQ|2026-10-01|100", "CHQ|2026-10-01|100#2"]


def test_dates_out_of_range_are_rejected_with_their_line():
    plan = plan_fec([line(debit="10", on=date(1901, 1, 1))])

    assert "hors des bornes" in plan.errors[0].message
    assert plan.receivables == []


def item(number=2, open_amount="100", amount="100", due=date(2026, 10, 1), piece="FA1"):
    return OpenItem(
        number,
        "C001",
        "Boulangerie",
        piece,
        date(2026, 9, 1),
        due,
        None if amount is None else Decimal(amount),
        Decimal(open_amount),
    )


def test_a_csv_row_is_one_receivable_with_its_own_due_date_and_no_payment():
    plan = plan_open_items([item(open_amount="40")])

    [receivable] = plan.receivables
    assert (receivable.due_date, receivable.amount, receivable.open_amount) == (
        date(2026, 10, 1),
        Decimal("100"),
        Decimal("40"),
    )
    assert plan.payments == []


def test_a_csv_credit_note_pays_its_customers_oldest_open_pieces():
    credit_note = OpenItem(4, "C001", "", "AV-3", date(2026, 9, 20), date(2026, 9, 20),
                           Decimal("-30"), Decimal("-30"))  # fmt: skip
    plan = plan_open_items([item(2, due=date(2026, 11, 1), piece="FA2"), item(3), credit_note])

    assert sorted((r.reference, r.open_amount) for r in plan.receivables) == [
        ("FA1", Decimal("70")),
        ("FA2", Decimal("100")),
    ]
    [payment] = plan.payments
    assert (payment.reference, payment.amount, payment.unallocated) == ("AV-3", 30, 0)


def test_csv_rows_with_impossible_amounts_are_rejected_with_their_line():
    plan = plan_open_items(
        [
            item(2, open_amount="-5"),  # a credit note's amount is negative too
            item(3, open_amount="150", amount="100"),
            item(4, amount="0"),
            item(5, piece=""),
            item(6, due=date(2150, 1, 1)),
        ]
    )

    assert [e.line_number for e in plan.errors] == [2, 3, 4, 5, 6]
    assert "un avoir a ses deux montants négatifs" in plan.errors[0].message
    assert "supérieur au montant" in plan.errors[1].message
    assert "hors des bornes" in plan.errors[4].message
    assert plan.receivables == []


def test_a_fec_file_read_then_planned_gives_the_open_items_back():
    header = (
        "JournalCode\tJournalLib\tEcritureNum\tEcritureDate\tCompteNum\tCompteLib\tCompAuxNum\t"
        "CompAuxLib\tPieceRef\tPieceDate\tEcritureLib\tDebit\tCredit\tEcritureLet\tDateLet\t"
        "ValidDate\tMontantdevise\tIdevise"
    )
    rows = [
        "VT\tVentes\tVT1\t20260901\t41100000\tClients\tC001\tBoulangerie Martin\tFA1\t20260901"
        "\tFacture FA1\t1234,56\t0,00\t\t\t20260901\t\t",
        "VT\tVentes\tVT1\t20260901\t70600000\tVentes\t\t\tFA1\t20260901\tFacture FA1\t0,00"
        "\t1234,56\t\t\t20260901\t\t",
        "BQ\tBanque\tBQ1\t20261005\t41100000\tClients\tC001\tBoulangerie Martin\tRG1\t20261005"
        "\tRèglement\t0,00\t234,56\tAA\t20261005\t20261005\t\t",
        "VT\tVentes\tVT2\t20260915\t41100000\tClients\tC001\tBoulangerie Martin\tFA2\t20260915"
        "\tFacture FA2\t500,00\t0,00\tAA\t20261005\t20260915\t\t",
    ]
    data = "\r\n".join([header, *rows]).encode("utf-8")

    plan = plan_fec(read_fec(io.BytesIO(data)), as_of=date(2026, 12, 31))

    assert opened(plan) == [("C001", "FA1", Decimal("1234.56")), ("C001", "FA2", Decimal("265.44"))]
    assert plan.open_amount == Decimal("1500.00")
    assert (plan.lines, plan.error_count) == (4, 0)
