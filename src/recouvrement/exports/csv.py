"""The CSV writer, as French spreadsheets read it: `;` between cells, UTF-8 with a BOM (Excel
then reads the accents), decimal comma without thousands separator, dates JJ/MM/AAAA. A
generator of lines: the response streams them as the rows are read."""

import csv
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from recouvrement.exports.columns import Kind, Table, local

CONTENT_TYPE = "text/csv; charset=utf-8"
BOM = "\ufeff"
CHUNK = 64 * 1024  # characters sent at once by `chunks`
# A text cell starting so is a formula to a spreadsheet (« =HYPERLINK(…) » in a client's name):
# it is written after an apostrophe, which the spreadsheet shows as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class _Line:
    """The csv module's file: `write` hands back the line instead of storing it."""

    def write(self, line: str) -> str:
        return line


def _text(value: Any) -> str:
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _decimal(value: Any, places: int) -> str:
    return f"{Decimal(value):.{places}f}".replace(".", ",")


def _day(value: date) -> str:
    if isinstance(value, datetime):
        return local(value).strftime("%d/%m/%Y %H:%M:%S")
    return value.strftime("%d/%m/%Y")


FORMATTERS: dict[Kind, Callable[[Any], str]] = {
    Kind.TEXT: _text,
    Kind.MONEY: lambda value: _decimal(value, 2),
    Kind.DATE: _day,
    Kind.DATETIME: _day,
    Kind.INT: lambda value: str(int(value)),
    Kind.PERCENT: lambda value: f"{_decimal(Decimal(value) * 100, 2)} %",
}


def csv_lines(table: Table) -> Iterator[str]:
    """The header line (after the BOM), then a line per row, read one at a time (then the
    totals when they are data: `Table.totals_in_csv`)."""
    writer = csv.writer(_Line(), delimiter=";", lineterminator="\r\n")
    formatters = [FORMATTERS[column.kind] for column in table.columns]
    yield BOM + writer.writerow([column.header for column in table.columns])
    for row in table.rows:
        yield writer.writerow(_cells(formatters, table.values(row)))
    if table.totals is not None and table.totals_in_csv:
        label, *values = table.totals().cells(table.columns)
        yield writer.writerow([_text(label), *_cells(formatters[1:], values)])


def _cells(formatters: list[Callable[[Any], str]], values: list[Any]) -> list[str]:
    return [
        "" if value is None else format_(value)
        for format_, value in zip(formatters, values, strict=True)
    ]


def chunks(lines: Iterable[str], size: int = CHUNK) -> Iterator[str]:
    """The lines grouped by about `size` characters: fewer, larger writes to the client."""
    waiting: list[str] = []
    length = 0
    for line in lines:
        waiting.append(line)
        length += len(line)
        if length >= size:
            yield "".join(waiting)
            waiting, length = [], 0
    if waiting:
        yield "".join(waiting)
