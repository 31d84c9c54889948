"""« Gestion des actions »: the columns a click on their header sorts by, both ways."""

from recouvrement.domain.worklist import WorklistSort
from recouvrement.web.sorting import ASCENDING, DESCENDING, Column, sort_values

# `?tri=` key → the worklist's order (domain.worklist), in the order of the columns.
WORKLIST_SORTS = {
    "priorite": WorklistSort.PRIORITY,
    "suggeree": WorklistSort.SUGGESTED,  # B11: the most urgent suggestion first
    "charge": WorklistSort.COLLECTOR,
    "dossier": WorklistSort.DOSSIER,
    "client": WorklistSort.CUSTOMER,
    "etape": WorklistSort.STEP,
    "type": WorklistSort.TYPE,
    "date": WorklistSort.DATE,
    "solde": WorklistSort.BALANCE,
}
WORKLIST_COLUMNS = tuple(
    Column(key, DESCENDING if sort is WorklistSort.BALANCE else ASCENDING)
    for key, sort in WORKLIST_SORTS.items()
)
DEFAULT_WORKLIST_SORT = "priorite"
# The values of the former « Tri » links (`?tri=priority`), still in bookmarks.
FORMER_SORTS = {"priority": "priorite", "collector": "charge"}
SORT_VALUES = [*sort_values(WORKLIST_COLUMNS), *FORMER_SORTS]


def parse_sort(value: str) -> tuple[str, WorklistSort, bool]:
    """`?tri=` (a value of SORT_VALUES, or "") → the current `tri`, the order, descending."""
    value = FORMER_SORTS.get(value, value) or DEFAULT_WORKLIST_SORT
    key = value.removeprefix("-")
    return value, WORKLIST_SORTS[key], value.startswith("-")
