"""Read a CSV of open customer items (one row per unpaid piece) with a per-source column mapping."""

import csv
from collections.abc import Iterator
from dataclasses import asdict, dataclass, fields
from datetime import date, datetime
from decimal import Decimal
from typing import BinaryIO

from recouvrement.domain.text import CONTROL_CHARACTERS
from recouvrement.imports.encoding import Progress, bounded_lines, first_line, open_text
from recouvrement.imports.fields import (
    FieldValueError,
    FileFormatError,
    LineError,
    columns_read,
    header_key,
    line_error,
    parse_amount_text,
    parse_compact_date,
)

DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y")
DELIMITERS = (";", ",", "\t")
OPTIONAL = frozenset({"customer_name", "piece_date", "amount"})


@dataclass(frozen=True)
class CsvMapping:
    """Which header names hold which field; saved per source (`to_dict` / `from_dict`).

    A `None` column is absent from the file (allowed for name, piece date and amount only).
    `decimal_separator=None` guesses it per value.
    """

    customer_code: str = "Code client"
    customer_name: str | None = "Nom"
    piece_ref: str = "Pièce"
    piece_date: str | None = "Date pièce"
    due_date: str = "Échéance"
    amount: str | None = "Montant"
    open_amount: str = "Reste dû"
    decimal_separator: str | None = None

    def to_dict(self) -> dict[str, str | None]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, str | None]) -> "CsvMapping":
        known = {f.name for f in fields(cls)}
        return cls(**{key: value for key, value in data.items() if key in known})


@dataclass(frozen=True, slots=True)
class OpenItem:
    """One open customer piece: what is still owed on it and when it fell due."""

    line_number: int
    customer_code: str
    customer_name: str
    piece_ref: str
    piece_date: date | None
    due_date: date
    amount: Decimal | None
    open_amount: Decimal


def read_open_items_csv(
    stream: BinaryIO, mapping: CsvMapping | None = None, progress: Progress | None = None
) -> Iterator[OpenItem | LineError]:
    """Read the header now (a missing column raises `FileFormatError`), then yield row by row
    (`progress`: told the lines read, every `encoding.PROGRESS_EVERY`)."""
    mapping = mapping or CsvMapping()
    text, _encoding = open_text(stream, newline="")
    header_line = first_line(text)
    delimiter = max(DELIMITERS, key=header_line.count)
    header = next(csv.reader([header_line], delimiter=delimiter), [])
    positions = {header_key(name): index for index, name in enumerate(header) if name.strip()}
    columns: dict[str, int] = {}
    missing = []
    for attribute in (f.name for f in fields(CsvMapping) if f.name != "decimal_separator"):
        name = getattr(mapping, attribute)
        if name is None and attribute in OPTIONAL:
            continue
        if name is None or header_key(name) not in positions:
            missing.append(f"« {name or attribute} »")
        else:
            columns[attribute] = positions[header_key(name)]
    if missing:
        raise FileFormatError(
            f"Le fichier n'a pas de colonne {', '.join(missing)} dans sa première ligne "
            f"(colonnes lues : {columns_read(header)}).",
            "csv_missing_column",
        )
    return _rows(
        csv.reader(bounded_lines(text, 2, progress), delimiter=delimiter), columns, mapping
    )


def _rows(
    reader: Iterator[list[str]], columns: dict[str, int], mapping: CsvMapping
) -> Iterator[OpenItem | LineError]:
    for row in csv_rows(reader):
        # reader.line_num counts physical lines read, after the header line.
        number = reader.line_num + 1  # type: ignore[attr-defined]
        if not any(cell.strip() for cell in row):
            continue
        yield _item(number, row, columns, mapping)


def csv_rows(reader) -> Iterator[list[str]]:
    """The rows of a `csv.reader`; its own errors (a quoted cell never closed that grows past
    the module's limit…) become a FileFormatError naming the line."""
    try:
        yield from reader
    except csv.Error as error:
        raise FileFormatError(
            f"Ligne {reader.line_num + 1} : le fichier CSV est illisible à partir d'ici "
            f"(un guillemet jamais refermé ?) : {error}. Rien n'a été importé.",
            "csv_unreadable",
        ) from None


def _item(
    number: int, row: list[str], columns: dict[str, int], mapping: CsvMapping
) -> OpenItem | LineError:
    def cell(attribute: str) -> str:
        index = columns.get(attribute)
        return row[index].strip() if index is not None and index < len(row) else ""

    field = mapping.customer_code
    for attribute, index in columns.items():
        if index < len(row) and (found := CONTROL_CHARACTERS.search(row[index])):
            name = getattr(mapping, attribute)
            return LineError(
                number,
                name,
                row[index],
                f"Ligne {number} : caractère de contrôle U+{ord(found.group()):04X} dans "
                f"« {name} » (un fichier texte n'en contient pas)",
            )
    try:
        if not cell("customer_code"):
            raise FieldValueError("code client", "")
        field = mapping.piece_date or ""
        piece_date = _date(cell("piece_date")) if cell("piece_date") else None
        field = mapping.due_date
        due_date = _date(cell("due_date"))
        field = mapping.amount or ""
        amount = (
            parse_amount_text(cell("amount"), mapping.decimal_separator) if cell("amount") else None
        )
        field = mapping.open_amount
        open_amount = parse_amount_text(cell("open_amount"), mapping.decimal_separator)
    except FieldValueError as problem:
        return line_error(number, field, problem)
    return OpenItem(
        number,
        cell("customer_code"),
        cell("customer_name"),
        cell("piece_ref"),
        piece_date,
        due_date,
        amount,
        open_amount,
    )


def _date(text: str) -> date:
    """Read JJ/MM/AAAA, AAAA-MM-JJ, JJ-MM-AAAA, JJ.MM.AAAA, JJ/MM/AA or AAAAMMJJ."""
    if text.isdigit():
        return parse_compact_date(text)
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise FieldValueError("date", text)
