"""The export writers (issue 14 §2), read back as a spreadsheet would: XLSX with openpyxl (a
header row, numbers in euros, dates as dates, frozen panes, filters, the totals row), CSV as
French Excel reads it (BOM, `;`, decimal comma, JJ/MM/AAAA, quoting). Both read the rows one
at a time: the memory they use does not grow with the number of rows."""

import io
import tracemalloc
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import openpyxl
import pytest

from recouvrement.exports.columns import Column, Kind, Table, Totals
from recouvrement.exports.csv import BOM, chunks, csv_lines
from recouvrement.exports.xlsx import write_xlsx, xlsx_file

COLUMNS = (
    Column.of("N° dossier", Kind.TEXT, "number"),
    Column.of("Client", Kind.TEXT, "name"),
    Column.of("Priorité", Kind.INT, "priority"),
    Column.of("Date de début", Kind.DATE, "start"),
    Column.of("Modifié le", Kind.DATETIME, "at"),
    Column.of("Taux", Kind.PERCENT, "rate"),
    Column.of("Solde", Kind.MONEY, "balance"),
)
ROWS = [
    {
        "number": "D2026-000001",
        "name": 'Boulangerie; « Durand » "fils"',
        "priority": 1,
        "start": date(2026, 3, 5),
        "at": datetime(2026, 11, 27, 9, 30, tzinfo=UTC),  # 10:30 in Paris
        "rate": Decimal("0.125"),
        "balance": Decimal("1234567.89"),
    },
    {
        "number": "D2026-000002",
        "name": '=HYPERLINK("http://example.com")',
        "priority": 5,
        "start": None,
        "at": None,
        "rate": None,
        "balance": Decimal("-12.5"),
    },
]


def _table(rows=ROWS, totals=True) -> Table:
    return Table(
        "dossiers",
        "Dossiers de recouvrement",
        COLUMNS,
        iter(rows),
        (lambda: Totals("Total (2 dossiers)", {"Solde": Decimal("1234555.39")}))
        if totals
        else None,
    )


def _sheet(table: Table):
    with xlsx_file(table) as file:
        return openpyxl.load_workbook(io.BytesIO(file.read())).active


def test_the_xlsx_has_a_bold_header_row_frozen_under_it_and_filters_over_the_data():
    sheet = _sheet(_table())

    assert sheet.title == "Dossiers de recouvrement"
    assert [cell.value for cell in sheet[1]] == [column.header for column in COLUMNS]
    assert all(cell.font.b for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:G3"  # the header and the two rows, not the totals
    assert sheet.column_dimensions["B"].width >= len(ROWS[0]["name"])  # fits its text


def test_the_xlsx_writes_amounts_as_numbers_in_euros_and_dates_as_dates():
    sheet = _sheet(_table())
    number, name, priority, start, at, rate, balance = sheet[2]

    assert balance.value == pytest.approx(1234567.89)
    assert balance.data_type == "n"
    assert balance.number_format == '#,##0.00 "€"'
    assert sheet["G3"].value == pytest.approx(-12.5)
    assert priority.value == 1 and priority.data_type == "n"
    assert start.is_date and start.value == datetime(2026, 3, 5)
    assert start.number_format == "dd/mm/yyyy"
    assert at.is_date and at.value == datetime(2026, 11, 27, 10, 30)  # Europe/Paris
    assert rate.value == pytest.approx(0.125) and "%" in rate.number_format
    assert name.value == ROWS[0]["name"]


def test_a_missing_value_leaves_its_cell_empty_and_a_formula_stays_text():
    sheet = _sheet(_table())

    assert [sheet[f"{c}3"].value for c in "DEF"] == [None, None, None]
    assert sheet["B3"].value == ROWS[1]["name"]
    assert sheet["B3"].data_type == "s"  # text, never run as a formula


def test_the_xlsx_totals_row_is_under_the_data_in_bold():
    sheet = _sheet(_table())

    assert sheet["A4"].value == "Total (2 dossiers)"
    assert sheet["G4"].value == pytest.approx(1234555.39)
    assert sheet["G4"].number_format == '#,##0.00 "€"'
    assert sheet["A4"].font.b and sheet["G4"].font.b
    assert [sheet[f"{c}4"].value for c in "BCDEF"] == [None] * 5


def test_an_empty_list_gives_the_header_row_alone(tmp_path):
    path = tmp_path / "vide.xlsx"

    assert write_xlsx(_table(rows=[], totals=False), str(path)) == 0

    sheet = openpyxl.load_workbook(path).active
    assert sheet.max_row == 1
    assert sheet.auto_filter.ref == "A1:G1"


def _csv(table: Table) -> str:
    return "".join(csv_lines(table))


def test_the_csv_is_utf8_with_a_bom_semicolons_and_crlf_lines():
    text = _csv(_table())

    assert text.startswith(BOM)
    assert text.encode("utf-8").startswith(b"\xef\xbb\xbf")
    lines = text.removeprefix(BOM).split("\r\n")
    assert lines[0] == "N° dossier;Client;Priorité;Date de début;Modifié le;Taux;Solde"
    assert lines[-1] == ""  # every line ends with CRLF
    assert len(lines) == 4  # header and two rows: the totals row is the spreadsheet's only


def test_the_csv_writes_a_decimal_comma_without_thousands_separator_and_french_dates():
    lines = _csv(_table()).removeprefix(BOM).split("\r\n")

    assert lines[1].endswith(";1;05/03/2026;27/11/2026 10:30:00;12,50 %;1234567,89")
    assert lines[2].endswith(";5;;;;-12,50")  # nothing for what is missing


def test_the_csv_quotes_a_text_holding_a_semicolon_or_a_quote_and_defuses_formulas():
    lines = _csv(_table()).removeprefix(BOM).split("\r\n")

    assert lines[1].startswith('D2026-000001;"Boulangerie; « Durand » ""fils""";')
    # A spreadsheet shows « '= … » as text instead of running it.
    assert lines[2].startswith('D2026-000002;"\'=HYPERLINK(""http://example.com"")";')


def test_the_csv_holds_the_totals_only_when_they_are_data():
    lines = _csv(replace(_table(), totals_in_csv=True)).removeprefix(BOM).split("\r\n")

    assert lines[-2] == "Total (2 dossiers);;;;;;1234555,39"


def test_the_csv_is_a_generator_reading_one_row_at_a_time():
    read = []

    def rows():
        for row in ROWS:
            read.append(row["number"])
            yield row

    lines = csv_lines(_table(rows=rows()))

    assert next(lines).startswith(BOM) and read == []
    next(lines)
    assert read == ["D2026-000001"]
    assert list(chunks(lines, size=1)) != [] and read == ["D2026-000001", "D2026-000002"]


def test_chunks_groups_lines_without_losing_any():
    lines = [f"{n};x\r\n" for n in range(1000)]

    grouped = list(chunks(iter(lines), size=100))

    assert "".join(grouped) == "".join(lines)
    assert 1 < len(grouped) < len(lines)


def _many(count: int) -> Table:
    """`count` rows of three columns, made one at a time."""
    columns = (COLUMNS[0], COLUMNS[3], COLUMNS[-1])
    rows = ({**ROWS[0], "number": f"D{n:06d}"} for n in range(count))
    return Table("dossiers", "Dossiers", columns, rows)


def _peak(write) -> int:
    tracemalloc.start()
    try:
        write()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize(
    ("write", "rows"),
    [
        (lambda table: xlsx_file(table).close(), 2_000),
        # Past the first 64 KiB sent at once (`chunks`): the peak the CSV stays at.
        (lambda table: sum(len(part) for part in chunks(csv_lines(table))), 10_000),
    ],
    ids=["xlsx", "csv"],
)
def test_the_memory_used_does_not_grow_with_the_number_of_rows(write, rows):
    small = _peak(lambda: write(_many(rows)))
    large = _peak(lambda: write(_many(4 * rows)))

    # Four times the rows, the same peak give or take (a list of the rows would be ×4).
    assert large < small * 1.3 + 64 * 1024
