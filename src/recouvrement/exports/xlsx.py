"""The XLSX writer (XlsxWriter in constant memory: each row goes to disk as soon as the next
one starts). A bold header row, frozen under it, with filters over the data; amounts as
numbers in euros, dates as dates, the screen's totals row under the data."""

import tempfile
from datetime import date, datetime
from typing import IO, Any

from xlsxwriter import Workbook
from xlsxwriter.worksheet import Worksheet

from recouvrement.exports.columns import WIDEST, WIDTHS, Kind, Table, local

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NUMBER_FORMATS = {
    Kind.MONEY: '#,##0.00 "€"',
    Kind.DATE: "dd/mm/yyyy",
    Kind.DATETIME: "dd/mm/yyyy hh:mm:ss",
    Kind.INT: "0",
    Kind.PERCENT: "0.0 %",
}
MEASURED_ROWS = 200  # a text column is as wide as its header and its first rows' values
SHEET_NAME_FORBIDDEN = str.maketrans({c: " " for c in "[]:*?/\\"})


def xlsx_file(table: Table) -> IO[bytes]:
    """The table written to an anonymous temporary file (gone once closed), rewound."""
    # Closed by the response once sent (or here on failure): no context manager.
    target = tempfile.TemporaryFile(prefix="recouvrement-export-", suffix=".xlsx")  # noqa: SIM115
    try:
        write_xlsx(table, target)
    except BaseException:
        target.close()
        raise
    target.seek(0)
    return target


def _writers(sheet: Worksheet, table: Table, formats: dict) -> list:
    """A function per column writing one value in its cell (the innermost loop)."""

    def text(row: int, col: int, value: Any) -> None:
        sheet.write_string(row, col, str(value))

    def number(fmt):
        return lambda row, col, value: sheet.write_number(row, col, float(value), fmt)

    def day(fmt):
        def write(row: int, col: int, value: date) -> None:
            if isinstance(value, datetime):
                value = local(value)
            sheet.write_datetime(row, col, value, fmt)

        return write

    writers = []
    for column in table.columns:
        fmt = formats.get(column.kind)
        if column.kind is Kind.TEXT:
            writers.append(text)
        elif column.kind in (Kind.DATE, Kind.DATETIME):
            writers.append(day(fmt))
        else:
            writers.append(number(fmt))
    return writers


def write_xlsx(table: Table, target: str | IO[bytes]) -> int:
    """Writes `table` to `target` (a path or a binary file); returns the number of rows."""
    workbook = Workbook(target, {"constant_memory": True})
    try:
        count = _write_sheet(workbook, table)
    finally:
        workbook.close()
    return count


def _write_sheet(workbook: Workbook, table: Table) -> int:
    sheet = workbook.add_worksheet(table.title.translate(SHEET_NAME_FORBIDDEN)[:31])
    formats = {kind: workbook.add_format({"num_format": f}) for kind, f in NUMBER_FORMATS.items()}
    bold = {
        kind: workbook.add_format({"num_format": f, "bold": True})
        for kind, f in NUMBER_FORMATS.items()
    }
    bold[Kind.TEXT] = workbook.add_format({"bold": True})
    header = workbook.add_format({"bold": True, "bottom": 1, "bg_color": "#F2F4F7"})
    columns = table.columns
    widths = [len(column.header) + 3 for column in columns]  # room for the filter's arrow
    for col, column in enumerate(columns):
        sheet.write_string(0, col, column.header, header)
    writers = list(enumerate(_writers(sheet, table, formats)))
    measured = [col for col, column in enumerate(columns) if column.kind is Kind.TEXT]
    row = 0
    for row, values in enumerate(map(table.values, table.rows), start=1):
        for col, write in writers:
            value = values[col]
            if value is not None and value != "":
                write(row, col, value)
        if row <= MEASURED_ROWS:
            for col in measured:
                widths[col] = max(widths[col], len(str(values[col] or "")))
    last = row
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, last, len(columns) - 1)
    if table.totals is not None:
        _write_totals(sheet, table, last + 1, bold)
    for col, column in enumerate(columns):
        width = column.width or max(widths[col], WIDTHS[column.kind])
        sheet.set_column(col, col, min(width, WIDEST))
    return last


def _write_totals(sheet: Worksheet, table: Table, row: int, bold: dict) -> None:
    """The totals row, in bold: its label, then the screen's totals under their columns."""
    for col, (column, value) in enumerate(
        zip(table.columns, table.totals().cells(table.columns), strict=True)
    ):
        if value is None:
            continue
        if col == 0 or column.kind is Kind.TEXT:
            sheet.write_string(row, col, str(value), bold[Kind.TEXT])
        elif column.kind in (Kind.DATE, Kind.DATETIME):
            value = local(value) if isinstance(value, datetime) else value
            sheet.write_datetime(row, col, value, bold[column.kind])
        else:
            sheet.write_number(row, col, float(value), bold[column.kind])
