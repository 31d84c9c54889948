"""Reading a CSV of open customer items, with the default French headers or a saved mapping."""

import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from recouvrement.imports import (
    CsvMapping,
    FileFormatError,
    LineError,
    OpenItem,
    parse_amount_text,
    read_open_items_csv,
)

DATA = Path(__file__).parent.parent / "data"

CUSTOM = CsvMapping(
    customer_code="Tiers",
    customer_name="Raison sociale",
    piece_ref="N° facture",
    piece_date="Date facture",
    due_date="Date échéance",
    amount="TTC",
    open_amount="Solde",
)


def read_sample(name: str, mapping: CsvMapping | None = None) -> list[OpenItem | LineError]:
    with (DATA / name).open("rb") as stream:
        return list(read_open_items_csv(stream, mapping))


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("1 234,56", "1234.56"),
        ("1234.56", "1234.56"),
        ("-12,00", "-12.00"),
        (" 000000000001437,12", "1437.12"),
        ("-000000000001437,12", "-1437.12"),
        ("1437,12-", "-1437.12"),
        ("1\u202f234,56", "1234.56"),
        ("1.234,56", "1234.56"),
        ("1,234.56", "1234.56"),
        ("", "0"),
    ],
)
def test_amounts_are_read_in_every_usual_spelling(text, amount):
    assert parse_amount_text(text) == Decimal(amount)


def test_a_semicolon_csv_with_decimal_commas_and_french_headers_is_read():
    items = read_sample("open_items_semicolon.csv")

    assert items[0] == OpenItem(
        line_number=2,
        customer_code="C001",
        customer_name="Boulangerie Exemple",
        piece_ref="F2026-001",
        piece_date=date(2026, 1, 5),
        due_date=date(2026, 2, 4),
        amount=Decimal("1437.12"),
        open_amount=Decimal("1437.12"),
    )
    assert items[1].open_amount == Decimal("240.00")
    assert items[2].open_amount == Decimal("-12.00")


def test_a_comma_csv_with_decimal_points_quotes_latin9_and_crlf_is_read():
    items = read_sample("open_items_comma_latin9.csv")

    assert [item.customer_name for item in items] == [
        "Boulangerie Exemple, SARL",
        "Atelier Témoin",
    ]
    assert items[1].due_date == date(2026, 1, 14)
    assert (items[1].amount, items[1].open_amount) == (Decimal("1840.00"), Decimal("240.50"))


def test_a_custom_mapping_reads_other_headers_and_reports_bad_rows():
    rows = read_sample("open_items_custom.csv", CUSTOM)

    assert rows[0] == OpenItem(
        line_number=2,
        customer_code="411ALPHA",
        customer_name="Alpha Conseil",
        piece_ref="FA-10",
        piece_date=date(2026, 1, 10),
        due_date=date(2026, 2, 9),
        amount=Decimal("2400.00"),
        open_amount=Decimal("1200.00"),
    )
    assert [str(row) for row in rows[1:]] == [
        "Ligne 3 : date « 31/13/2026 » invalide (Date échéance)",
        "Ligne 4 : montant « 15O,00 » invalide (Solde)",
    ]


def test_a_mapping_survives_being_saved_and_loaded():
    assert CsvMapping.from_dict(CUSTOM.to_dict()) == CUSTOM


def test_optional_columns_may_be_left_out_of_the_mapping():
    data = "Client;Pièce;Échéance;Reste dû\nC9;F9;2026-03-31;10,5\n".encode()
    mapping = CsvMapping(customer_code="Client", customer_name=None, piece_date=None, amount=None)

    (item,) = read_open_items_csv(io.BytesIO(data), mapping)

    assert (item.customer_code, item.customer_name, item.amount) == ("C9", "", None)
    assert item.open_amount == Decimal("10.5")


def test_missing_columns_are_refused_naming_each_of_them():
    mapping = CsvMapping(open_amount="Solde", due_date="Date limite")

    with pytest.raises(FileFormatError, match="colonne « Date limite », « Solde » dans"):
        read_sample("open_items_semicolon.csv", mapping)
