"""Read a FEC (A47 A-1 LPF) line by line into `FecLine` values or `LineError` values.

Tolerates what real exports do (legal-formats.md §4.1): tab, `|` or `;` separators, UTF-8
with or without BOM or ISO 8859-15, CR/LF/CRLF, header case variants, a trailing separator,
fields padded with spaces, zero-padded signed amounts, the Montant/Sens variant and extra
trailing columns (BA/BNC 21–22 columns, software-specific ones).
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import BinaryIO

from recouvrement.domain.text import CONTROL_CHARACTERS
from recouvrement.imports.encoding import Progress, bounded_lines, first_line, open_text
from recouvrement.imports.fields import (
    ZERO,
    FieldValueError,
    FileFormatError,
    LineError,
    columns_read,
    header_key,
    line_error,
    parse_amount_text,
    parse_compact_date,
)

_PLAIN_AMOUNT = re.compile(r" *[+-]?\d*(?:[,.]\d+)? *")

OPTIONAL_DATE_COLUMNS = ("PieceDate", "DateLet", "ValidDate")
DEBIT_CREDIT = ("Debit", "Credit")
AMOUNT_DIRECTION = ("Montant", "Sens")
# The 18 columns of A47 A-1 VII 1°, in their order (a FEC we write has this header).
COLUMNS = (
    "JournalCode",
    "JournalLib",
    "EcritureNum",
    "EcritureDate",
    "CompteNum",
    "CompteLib",
    "CompAuxNum",
    "CompAuxLib",
    "PieceRef",
    "PieceDate",
    "EcritureLib",
    "Debit",
    "Credit",
    "EcritureLet",
    "DateLet",
    "ValidDate",
    "Montantdevise",
    "Idevise",
)
# Besides the amounts (Debit/Credit, or Montant/Sens), found by name.
STANDARD_COLUMNS = tuple(name for name in COLUMNS if name not in DEBIT_CREDIT)
SEPARATORS = ("\t", "|", ";")
DEBIT_DIRECTIONS = frozenset({"D", "+1", "1", "+"})
CREDIT_DIRECTIONS = frozenset({"C", "-1", "-"})
_KNOWN = {header_key(name): name for name in (*STANDARD_COLUMNS, *DEBIT_CREDIT, *AMOUNT_DIRECTION)}


@dataclass(frozen=True, slots=True)
class FecLine:
    """One accounting entry line; amounts as `Decimal`, text fields stripped of padding."""

    line_number: int
    JournalCode: str
    JournalLib: str
    EcritureNum: str
    EcritureDate: date
    CompteNum: str
    CompteLib: str
    CompAuxNum: str
    CompAuxLib: str
    PieceRef: str
    PieceDate: date | None
    EcritureLib: str
    Debit: Decimal
    Credit: Decimal
    EcritureLet: str
    DateLet: date | None
    ValidDate: date | None
    Montantdevise: Decimal | None
    Idevise: str
    extras: tuple[tuple[str, str], ...] = ()  # non-empty columns after the 18 (IdClient…)


class FecReader:
    """Iterate a FEC: yields `FecLine` or `LineError`; the header is read when it is built."""

    def __init__(
        self,
        stream: BinaryIO,
        accounts: tuple[str, ...] | None = None,
        progress: Progress | None = None,
    ) -> None:
        """`accounts`: yield only the lines of accounts starting so; the others are checked
        (column count, date, amounts) and counted in `other_lines`, their dates in
        `first_other_date` and `last_other_date`. `progress`: told the lines read, every
        `encoding.PROGRESS_EVERY`."""
        self._progress = progress
        self._text, self.encoding = open_text(stream)
        self._accounts = accounts
        self.other_lines = 0
        self.first_other_date: date | None = None
        self.last_other_date: date | None = None
        header = first_line(self._text).rstrip("\n")
        self.separator = max(SEPARATORS, key=header.count)
        names = [name.strip() for name in header.split(self.separator)]
        while names and not names[-1]:
            names.pop()  # a separator at the end of the line
        self.column_count = len(names)
        self._names = names
        positions = {}
        self.extra_columns: list[tuple[int, str]] = []
        for index, name in enumerate(names):
            canonical = _KNOWN.get(header_key(name))
            if canonical and canonical not in positions:
                positions[canonical] = index
            else:
                self.extra_columns.append((index, name))
        self.has_amount_direction = "Debit" not in positions and "Montant" in positions
        amounts = AMOUNT_DIRECTION if self.has_amount_direction else DEBIT_CREDIT
        missing = [f"« {name} »" for name in (*STANDARD_COLUMNS, *amounts) if name not in positions]
        if missing:
            raise FileFormatError(
                f"Le fichier FEC n'a pas de colonne {', '.join(missing)} dans sa première ligne "
                f"(colonnes lues : {columns_read(names)}).",
                "fec_missing_column",
            )
        self._positions = positions
        self._amount_columns = ("Montant",) if self.has_amount_direction else DEBIT_CREDIT
        self._line_number = 1
        self._lines = self._parse_all()

    def __iter__(self) -> "FecReader":
        return self

    def __next__(self) -> FecLine | LineError:
        return next(self._lines)

    def _parse_all(self) -> Iterator[FecLine | LineError]:
        separator, expected = self.separator, self.column_count
        account = self._positions["CompteNum"]
        for raw in bounded_lines(self._text, first_number=2, progress=self._progress):
            self._line_number += 1
            line = raw.rstrip("\r\n")
            if not line.strip():
                continue
            fields = line.split(separator)
            if len(fields) > expected and not any(f.strip() for f in fields[expected:]):
                del fields[expected:]  # a separator at the end of the line
            if len(fields) != expected:
                yield LineError(
                    self._line_number,
                    "",
                    line,
                    f"Ligne {self._line_number} : {len(fields)} zones au lieu de {expected} "
                    f"(un « {separator.replace(chr(9), 'tabulation')} » dans un libellé ?)",
                )
                continue
            if self._accounts is None or fields[account].lstrip().startswith(self._accounts):
                if CONTROL_CHARACTERS.search(line):
                    yield self._control_character(self._line_number, fields)
                else:
                    yield self._parse_line(self._line_number, fields)
            elif problem := self._check_other(self._line_number, fields):
                yield problem

    def _check_other(self, number: int, fields: list[str]) -> LineError | None:
        """A line the caller does not want: valid or not, and its date; None when valid."""
        at, field = self._positions, "EcritureDate"
        try:
            day = parse_compact_date(fields[at[field]].strip())
            for field in self._amount_columns:
                if not _PLAIN_AMOUNT.fullmatch(fields[at[field]]):
                    parse_amount_text(fields[at[field]])
            if self.has_amount_direction:
                self._debit_credit(fields)
        except FieldValueError as problem:
            return line_error(number, problem.field or field, problem)
        self.other_lines += 1
        if self.last_other_date is None or day > self.last_other_date:
            self.last_other_date = day
        if self.first_other_date is None or day < self.first_other_date:
            self.first_other_date = day
        return None

    def _parse_line(self, number: int, fields: list[str]) -> FecLine | LineError:
        at = self._positions
        field = "EcritureDate"
        try:
            entry_date = parse_compact_date(fields[at[field]].strip())
            dates = {}
            for field in OPTIONAL_DATE_COLUMNS:
                text = fields[at[field]].strip()
                dates[field] = parse_compact_date(text) if text else None
            field = "Montantdevise"
            text = fields[at[field]].strip()
            currency_amount = parse_amount_text(text) if text else None
            debit, credit = self._debit_credit(fields)
        except FieldValueError as problem:
            return line_error(number, problem.field or field, problem)
        extras = tuple(
            (name, value) for index, name in self.extra_columns if (value := fields[index].strip())
        )
        return FecLine(
            number,
            fields[at["JournalCode"]].strip(),
            fields[at["JournalLib"]].strip(),
            fields[at["EcritureNum"]].strip(),
            entry_date,
            fields[at["CompteNum"]].strip(),
            fields[at["CompteLib"]].strip(),
            fields[at["CompAuxNum"]].strip(),
            fields[at["CompAuxLib"]].strip(),
            fields[at["PieceRef"]].strip(),
            dates["PieceDate"],
            fields[at["EcritureLib"]].strip(),
            debit,
            credit,
            fields[at["EcritureLet"]].strip(),
            dates["DateLet"],
            dates["ValidDate"],
            currency_amount,
            fields[at["Idevise"]].strip(),
            extras,
        )

    def _control_character(self, number: int, fields: list[str]) -> LineError:
        """A NUL or another control character in a line the import keeps: refused with its
        column (PostgreSQL refuses NUL, a letter prints none of them)."""
        index, found = next(
            (i, match)
            for i, value in enumerate(fields)
            if (match := CONTROL_CHARACTERS.search(value))
        )
        column = self._names[index]
        return LineError(
            number,
            column,
            fields[index],
            f"Ligne {number} : caractère de contrôle U+{ord(found.group()):04X} dans "
            f"« {column} » (un fichier texte n'en contient pas)",
        )

    def _debit_credit(self, fields: list[str]) -> tuple[Decimal, Decimal]:
        at = self._positions
        if not self.has_amount_direction:
            return (
                _amount(fields[at["Debit"]], "Debit"),
                _amount(fields[at["Credit"]], "Credit"),
            )
        amount = _amount(fields[at["Montant"]], "Montant")
        direction = fields[at["Sens"]].strip().upper()
        if direction in DEBIT_DIRECTIONS:
            return amount, ZERO
        if direction in CREDIT_DIRECTIONS:
            return ZERO, amount
        raise FieldValueError("sens", fields[at["Sens"]].strip(), "Sens")


def _amount(text: str, field: str) -> Decimal:
    try:
        return parse_amount_text(text)
    except FieldValueError as problem:
        problem.field = field
        raise


def read_fec(
    stream: BinaryIO, accounts: tuple[str, ...] | None = None, progress: Progress | None = None
) -> FecReader:
    """Open a FEC from a binary stream; raises `FileFormatError` if a required column is missing.

    With `accounts` (prefixes), only those accounts' lines come out as `FecLine`s."""
    return FecReader(stream, accounts, progress)
