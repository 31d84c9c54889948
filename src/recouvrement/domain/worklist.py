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
    DOSSIER = "dossier"
    CUSTOMER = "customer"
    STEP = "step"
    TYPE = "type"
    BALANCE = "balance"
    SUGGESTED = "suggested"  # B11: the stored suggested priority, the highest score first

    @property
    def label(self) -> str:
        return _SORT_LABELS[self]

    @property
    def is_indexed(self) -> bool:
        """The order S9 names (priority, chargé, date): a database index gives its first page
        without sorting the rows « A faire », both ways. The other columns sort them all."""
        return self in (WorklistSort.PRIORITY, WorklistSort.COLLECTOR, WorklistSort.DATE)


_SORT_LABELS = {
    WorklistSort.PRIORITY: "Priorité",
    WorklistSort.COLLECTOR: "Chargé",
    WorklistSort.DATE: "Date prévue",
    WorklistSort.DOSSIER: "Dossier",
    WorklistSort.CUSTOMER: "Client",
    WorklistSort.STEP: "Étape",
    WorklistSort.TYPE: "Type",
    WorklistSort.BALANCE: "Solde",
    WorklistSort.SUGGESTED: "Priorité suggérée",
}

# The orders « Gestion des actions » offers: S9's (by priority and/or chargé, or by date) and one
# per other column. The query ends each with the row's id, so a page always holds the same rows;
# read backwards, each gives the descending order.
ORDERS_BY_PRIORITY = (WorklistSort.PRIORITY, WorklistSort.COLLECTOR, WorklistSort.DATE)
ORDERS: dict[WorklistSort, tuple[WorklistSort, ...]] = {
    WorklistSort.PRIORITY: ORDERS_BY_PRIORITY,
    WorklistSort.COLLECTOR: (WorklistSort.COLLECTOR, WorklistSort.PRIORITY, WorklistSort.DATE),
    WorklistSort.DATE: (WorklistSort.DATE,),
    WorklistSort.DOSSIER: (WorklistSort.DOSSIER, WorklistSort.DATE),
    WorklistSort.CUSTOMER: (WorklistSort.CUSTOMER, WorklistSort.DOSSIER, WorklistSort.DATE),
    WorklistSort.STEP: (WorklistSort.STEP, WorklistSort.DOSSIER, WorklistSort.DATE),
    WorklistSort.TYPE: (WorklistSort.TYPE, WorklistSort.DOSSIER, WorklistSort.DATE),
    WorklistSort.BALANCE: (WorklistSort.BALANCE, WorklistSort.DOSSIER, WorklistSort.DATE),
    # Ties (the same score) in the usual order.
    WorklistSort.SUGGESTED: (WorklistSort.SUGGESTED, *ORDERS_BY_PRIORITY),
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
