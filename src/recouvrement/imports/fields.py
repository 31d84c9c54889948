"""Field parsers shared by the readers (amounts, dates, header names) and their error values."""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from recouvrement.domain.money import MAX_AMOUNT
from recouvrement.domain.rules import RuleViolation

ZERO = Decimal("0")
_SPACES = str.maketrans("", "", " \u00a0\u202f\t")
_DIGITS = re.compile(r"\d+(?:\.\d+)?|\.\d+")
_PLAIN = re.compile(r" *[+-]?\d+(?:[,.]\d+)? *")


class FileFormatError(RuleViolation):
    """The file cannot be read at all (e.g. a required column is missing); message in French."""


@dataclass(frozen=True, slots=True)
class LineError:
    """One rejected line: its number in the file, the field at fault and the French message."""

    line_number: int
    field: str
    value: str
    message: str

    def __str__(self) -> str:
        return self.message


class FieldValueError(ValueError):
    """Raised by the field parsers; the reader turns it into a `LineError`."""

    def __init__(self, kind: str, value: str, field: str = "") -> None:
        super().__init__(kind, value, field)
        self.kind = kind
        self.value = value
        self.field = field


def line_error(line_number: int, field: str, problem: FieldValueError) -> LineError:
    if problem.value:
        message = f"Ligne {line_number} : {problem.kind} « {problem.value} » invalide ({field})"
    else:
        message = f"Ligne {line_number} : {problem.kind} manquant(e) ({field})"
    return LineError(line_number, field, problem.value, message)


def parse_amount_text(text: str, decimal_separator: str | None = None) -> Decimal:
    """Read `1 234,56`, `1234.56`, `-12,00`, ` 000000000001437,12` or `1437,12-`; empty is 0.

    The sign may lead or trail (A47 A-1 XII 2°). With `decimal_separator=None`, a lone `,` or
    `.` is the decimal mark and, when both appear, the last one is.
    """
    if decimal_separator is None and _PLAIN.fullmatch(text):
        # The usual FEC spelling (« 1437,12 », « -000000001437,12 »): Decimal reads it as is.
        return _bounded(Decimal(text.replace(",", ".")), text)
    cleaned = text.translate(_SPACES)
    if not cleaned:
        return ZERO
    sign = ""
    if cleaned[0] in "+-":
        sign, cleaned = cleaned[0], cleaned[1:]
    elif cleaned[-1] in "+-":
        sign, cleaned = cleaned[-1], cleaned[:-1]
    mark = decimal_separator or _guess_decimal_mark(cleaned)
    grouping = "." if mark == "," else ","
    cleaned = cleaned.replace(grouping, "").replace(mark, ".")
    if not _DIGITS.fullmatch(cleaned):
        raise FieldValueError("montant", text)
    try:
        value = Decimal(cleaned)
    except InvalidOperation:  # pragma: no cover - the pattern above only lets digits through
        raise FieldValueError("montant", text) from None
    return _bounded(-value if sign == "-" else value, text)


def _bounded(value: Decimal, text: str) -> Decimal:
    """An amount the money columns hold (12 digits, 2 decimals); a larger one is a wrong column
    or a typing error, refused rather than stored cut."""
    if -MAX_AMOUNT <= value <= MAX_AMOUNT:
        return value
    raise FieldValueError("montant (plus de 9\u202f999\u202f999\u202f999,99)", text)


def _guess_decimal_mark(text: str) -> str:
    comma, point = text.rfind(","), text.rfind(".")
    if comma < 0 and point >= 0 and text.count(".") > 1:
        return ","  # 1.234.567: points group thousands
    if point < 0 and comma >= 0 and text.count(",") > 1:
        return "."
    return "," if comma > point else "."


@lru_cache(maxsize=8192)
def parse_compact_date(text: str) -> date:
    """Read a date written AAAAMMJJ (A47 A-1 XII 4°), the text already stripped."""
    if len(text) != 8 or not text.isdigit():
        raise FieldValueError("date", text)
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        raise FieldValueError("date", text) from None


def columns_read(names, limit: int = 300) -> str:
    """The header's column names for an error message: « aucune », or at most `limit`
    characters of them (a header of 60 000 characters is a wrong file, not a list to show)."""
    shown = ", ".join(name.strip() for name in names if name.strip()) or "aucune"
    return shown if len(shown) <= limit else shown[:limit] + "…"


def header_key(name: str) -> str:
    """Compare header names loosely: no case, no accents, no spaces (« Crédit » = « credit »)."""
    decomposed = unicodedata.normalize("NFKD", name.strip().casefold())
    return "".join(c for c in decomposed if c.isalnum())
