"""Readers for accounting files: bytes in, typed rows or line errors out (plain Python, no Django).

`read_fec` reads a FEC (A47 A-1 LPF), `read_open_items_csv` a CSV of open customer items.
Both stream line by line: memory does not grow with the file.
"""

from recouvrement.imports.csv_items import CsvMapping, OpenItem, read_open_items_csv
from recouvrement.imports.extraction import (
    Extraction,
    FecCredit,
    FecOpenItem,
    extract_open_items,
)
from recouvrement.imports.fec import FecLine, FecReader, read_fec
from recouvrement.imports.fields import FileFormatError, LineError, parse_amount_text

__all__ = [
    "CsvMapping",
    "Extraction",
    "FecCredit",
    "FecOpenItem",
    "extract_open_items",
    "FecLine",
    "FecReader",
    "FileFormatError",
    "LineError",
    "OpenItem",
    "parse_amount_text",
    "read_fec",
    "read_open_items_csv",
]
