"""« Gestion des actions » (S9): what is due, and the order a credit controller wants it in."""

import unicodedata
from collections.abc import Sequence
from datetime import date
from enum import StrEnum

from recouvrement.domain.rules import RuleViolation
from recouvrement.domain.statuses import InterventionStatus


class WorklistSort(StrEnum):
    PRIORITY = "priority"
    COLLECTOR = "collector"
    DATE = "date"

    @property
    def label(self) -> str:
        return {"priority": "Priorité", "collector": "Chargé", "date": "Date prévue"}[self]


# The orders « Gestion des actions » offers (S9: by priority and/or chargé, or by date). Each
# ends with the date, so a page always holds the same rows; each has its database index.
ORDERS: dict[WorklistSort, tuple[WorklistSort, ...]] = {
    WorklistSort.PRIORITY: (WorklistSort.PRIORITY, WorklistSort.COLLECTOR, WorklistSort.DATE),
    WorklistSort.COLLECTOR: (WorklistSort.COLLECTOR, WorklistSort.PRIORITY, WorklistSort.DATE),
    WorklistSort.DATE: (WorklistSort.DATE,),
}
DEFAULT_SORT = ORDERS[WorklistSort.PRIORITY]


def worklist_order(keys: Sequence[str] = ()) -> tuple[WorklistSort, ...]:
    """The order for the keys asked for: the first key decides, the others follow it."""
    try:
        first = WorklistSort(keys[0]) if keys else WorklistSort.PRIORITY
    except ValueError:
        allowed = ", ".join(s.value for s in WorklistSort)
        raise RuleViolation(
            f"Tri inconnu : {keys[0]} (tris possibles : {allowed}).", "unknown_sort"
        ) from None
    return ORDERS[first]


def is_actionable(status: InterventionStatus, planned_date: date, as_of: date) -> bool:
    """An intervention, alert or promise to act on: still « A faire » and due by `as_of`."""
    return status is InterventionStatus.TODO and planned_date <= as_of


def collector_sort_key(last_name: str, first_name: str) -> str:
    """How the worklist orders chargés: by name, accents and case ignored, the same on every
    database engine; an unassigned dossier (no chargé) sorts first, to be assigned."""
    plain = unicodedata.normalize("NFKD", f"{last_name} {first_name}".strip())
    return "".join(c for c in plain if not unicodedata.combining(c)).upper()
