"""« Gestion des actions » (S9): what is due, and the order a credit controller wants it in."""

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


DEFAULT_SORT: tuple[WorklistSort, ...] = (
    WorklistSort.PRIORITY,
    WorklistSort.COLLECTOR,
    WorklistSort.DATE,
)


def worklist_order(keys: Sequence[str] = ()) -> tuple[WorklistSort, ...]:
    """The requested sort keys, then the date: rows are always sorted the same way (paging)."""
    try:
        chosen = [WorklistSort(k) for k in keys] or list(DEFAULT_SORT)
    except ValueError:
        allowed = ", ".join(s.value for s in WorklistSort)
        raise RuleViolation(
            f"Tri inconnu : {', '.join(keys)} (tris possibles : {allowed}).", "unknown_sort"
        ) from None
    ordered = list(dict.fromkeys(chosen))
    if WorklistSort.DATE not in ordered:
        ordered.append(WorklistSort.DATE)
    return tuple(ordered)


def is_actionable(status: InterventionStatus, planned_date: date, as_of: date) -> bool:
    """An intervention, alert or promise to act on: still « A faire » and due by `as_of`."""
    return status is InterventionStatus.TODO and planned_date <= as_of
