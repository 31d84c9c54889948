"""Accounting files in: bytes in, typed rows, line errors and an import plan out (no Django).

`read_fec` reads a FEC (A47 A-1 LPF), `read_open_items_csv` a CSV of open customer items; both
stream line by line, so memory does not grow with the file. `plan_fec` and `plan_open_items`
turn the rows into an `ImportPlan`: what each customer owes and what each payment paid.
"""

from recouvrement.imports.csv_items import CsvMapping, OpenItem, read_open_items_csv
from recouvrement.imports.fec import FecLine, FecReader, read_fec
from recouvrement.imports.fields import FileFormatError, LineError, parse_amount_text
from recouvrement.imports.plan import (
    ImportPlan,
    PlannedPayment,
    PlannedReceivable,
    plan_fec,
    plan_open_items,
)

__all__ = [
    "CsvMapping",
    "FecLine",
    "FecReader",
    "FileFormatError",
    "ImportPlan",
    "LineError",
    "OpenItem",
    "PlannedPayment",
    "PlannedReceivable",
    "parse_amount_text",
    "plan_fec",
    "plan_open_items",
    "read_fec",
    "read_open_items_csv",
]
