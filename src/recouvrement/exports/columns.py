"""What an export holds: a table of columns (French header, kind of value, how a row gives
the cell) over an iterator of rows, and the totals row of the screen when it has one."""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from operator import itemgetter
from typing import Any

from django.utils import timezone


class Kind(StrEnum):
    """How a value is written: text as text, amounts and counts as numbers, dates as dates."""

    TEXT = "text"
    MONEY = "money"  # Decimal, euros
    DATE = "date"
    DATETIME = "datetime"  # shown in the company's time zone
    INT = "int"
    PERCENT = "percent"  # a ratio: Decimal("0.125") is 12,5 %


# Characters a column of each kind is wide, at least (its header may ask for more).
WIDTHS = {
    Kind.TEXT: 12,
    Kind.MONEY: 14,
    Kind.DATE: 11,
    Kind.DATETIME: 19,
    Kind.INT: 8,
    Kind.PERCENT: 9,
}
WIDEST = 60


@dataclass(frozen=True)
class Column:
    header: str
    kind: Kind
    get: Callable[[Any], Any]  # row → the cell's value; None leaves the cell empty
    width: int | None = None  # characters; None: measured on the header and the first rows

    @classmethod
    def of(cls, header: str, kind: Kind, key: str | Callable[[Any], Any], width: int | None = None):
        """A column reading `row[key]` (rows from `.values()`), or calling `key(row)`."""
        return cls(header, kind, itemgetter(key) if isinstance(key, str) else key, width)


@dataclass(frozen=True)
class Totals:
    """The totals row: its label under the first column, then a value per column header."""

    label: str
    values: Mapping[str, Any] = field(default_factory=dict)

    def cells(self, columns: Sequence[Column]) -> list[Any]:
        return [self.label, *(self.values.get(column.header) for column in columns[1:])]


@dataclass(frozen=True)
class Table:
    """One list to export. `rows` is read once, lazily (a queryset's `.iterator()`);
    `totals` is called after the rows (the screen's own aggregate query)."""

    name: str  # the file's name before its date: « dossiers »
    title: str  # the sheet's name (31 characters at most)
    columns: Sequence[Column]
    rows: Iterable[Any]
    totals: Callable[[], Totals] | None = None
    # The CSV holds the rows only (another tool reads them), unless the totals are data too
    # (the balance âgée's line of the company).
    totals_in_csv: bool = False

    def values(self, row: Any) -> list[Any]:
        return [column.get(row) for column in self.columns]


def local(value: datetime) -> datetime:
    """A stored (aware) date and time as the company reads it, without its zone (a
    spreadsheet has none)."""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.replace(tzinfo=None)
