"""Open customer items out of FEC lines (legal-formats §4.2)."""

import io
from datetime import date
from decimal import Decimal

from recouvrement.imports import extract_open_items, read_fec
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
) -> FecLine:
    return FecLine(
        line_number=next(_numbers),
        JournalCode="VT",
        JournalLib="Ventes",
        EcritureNum=piece,
        EcritureDate=on,
        CompteNum=account,
        CompteLib="Clients",
        CompAuxNum=aux,
        CompAuxLib=name if aux else "",
        PieceRef=piece,
        PieceDate=on,
        EcritureLib=piece,
        Debit=Decimal(debit),
        Credit=Decimal(credit),
        EcritureLet=letter,
        DateLet=lettered_on,
        ValidDate=on,
        Montantdevise=None,
        Idevise="",
    )


def test_an_unlettered_invoice_is_open_for_its_whole_amount():
    result = extract_open_items([line(debit="1200.00")])

    [item] = result.items
    assert (item.customer_code, item.reference, item.amount, item.open_amount) == (
        "C001",
        "FA1",
        Decimal("1200.00"),
        Decimal("1200.00"),
    )
    assert result.customers == {"C001": "Boulangerie Martin"}


def test_a_balanced_lettering_group_is_settled():
    lines = [
        line(debit="500", piece="FA1", letter="AA"),
        line(credit="500", piece="RG1", letter="AA", on=date(2026, 10, 1)),
    ]

    assert extract_open_items(lines).items == []


def test_a_partly_lettered_invoice_leaves_its_remainder_open():
    lines = [
        line(debit="1000", piece="FA2", letter="AB"),
        line(credit="400", piece="RG2", letter="AB", on=date(2026, 10, 1)),
    ]

    [item] = extract_open_items(lines).items

    assert (item.reference, item.amount, item.open_amount, item.lettrage) == (
        "FA2",
        Decimal("1000"),
        Decimal("600"),
        "AB",
    )


def test_a_lettering_done_after_the_analysis_date_does_not_count():
    lines = [
        line(debit="800", piece="FA3", letter="AC", lettered_on=date(2027, 1, 15)),
        line(credit="800", piece="RG3", letter="AC", lettered_on=date(2027, 1, 15)),
    ]

    result = extract_open_items(lines, as_of=date(2026, 12, 31))

    assert [i.reference for i in result.items] == ["FA3"]
    assert [(c.reference, c.amount) for c in result.credits] == [("RG3", Decimal("800"))]


def test_letter_codes_are_matched_within_one_customer_only():
    lines = [
        line(aux="C001", debit="300", letter="AA"),
        line(aux="C002", credit="300", letter="AA", name="Autre client"),
    ]

    result = extract_open_items(lines)

    assert [(i.customer_code, i.open_amount) for i in result.items] == [("C001", Decimal("300"))]
    assert [(c.customer_code, c.amount) for c in result.credits] == [("C002", Decimal("300"))]


def test_only_customer_accounts_count_and_the_sub_account_names_a_customer_without_auxiliary():
    lines = [
        line(account="40100000", aux="F001", credit="900"),
        line(account="41600012", aux="", debit="250", name="Clients douteux"),
        line(account="70600000", aux="", credit="1200"),
    ]

    result = extract_open_items(lines)

    assert [(i.customer_code, i.open_amount) for i in result.items] == [
        ("41600012", Decimal("250"))
    ]


def test_lines_written_after_the_analysis_date_are_left_out():
    lines = [line(debit="100", on=date(2026, 12, 20)), line(debit="200", on=date(2027, 1, 3))]

    result = extract_open_items(lines, as_of=date(2026, 12, 31))

    assert result.open_amount == Decimal("100")


def test_a_fec_file_read_then_extracted_gives_the_open_items_back():
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

    lines = [row for row in read_fec(io.BytesIO(data)) if isinstance(row, FecLine)]
    result = extract_open_items(lines, as_of=date(2026, 12, 31))

    assert sorted((i.reference, i.open_amount) for i in result.items) == [
        ("FA1", Decimal("1234.56")),
        ("FA2", Decimal("265.44")),
    ]
    assert result.open_amount == Decimal("1500.00")
