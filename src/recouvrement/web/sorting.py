"""Lists sorted by a click on a column header, both ways (`?tri=colonne` / `?tri=-colonne`)."""

from collections.abc import Iterable
from dataclasses import dataclass

ASCENDING, DESCENDING = "ascending", "descending"


@dataclass(frozen=True)
class Column:
    """A sortable column: its `?tri=` key and the way its first click sorts (amounts and
    dates of a dossier's start: the largest and latest first)."""

    key: str
    first: str = ASCENDING


@dataclass(frozen=True)
class SortHeader:
    """What a column header shows: the link that sorts by it, and whether it is the order."""

    param: str  # the `tri` its link sets
    state: str  # `aria-sort`: ascending, descending, or "" when the list is not in its order
    mark: str  # ▲ / ▼ on the current order


def sort_values(columns: Iterable[Column]) -> list[str]:
    """Every `tri` value the columns accept: `key` and `-key`."""
    return [value for column in columns for value in (column.key, f"-{column.key}")]


def sort_headers(columns: Iterable[Column], current: str) -> dict[str, SortHeader]:
    """The header of each column for the list sorted by `current` (`key` or `-key`): the
    current column's link reverses its order, the others sort by them their first way."""
    key = current.removeprefix("-")
    state = DESCENDING if current.startswith("-") else ASCENDING
    headers = {}
    for column in columns:
        if column.key == key:
            reverse = ASCENDING if state == DESCENDING else DESCENDING
            headers[column.key] = SortHeader(
                _param(column.key, reverse), state, "▲" if state == ASCENDING else "▼"
            )
        else:
            headers[column.key] = SortHeader(_param(column.key, column.first), "", "")
    return headers


def _param(key: str, direction: str) -> str:
    return f"-{key}" if direction == DESCENDING else key
