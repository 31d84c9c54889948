"""« Gestion des actions » (S9): the read query behind the worklist."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import F, Sum

from recouvrement.db.models import Company, DossierReceivable, Intervention
from recouvrement.domain.statuses import DossierStatus, InterventionStatus
from recouvrement.domain.worklist import WorklistSort, worklist_order

_ORDER_FIELDS = {
    WorklistSort.PRIORITY: ("dossier__priority",),
    WorklistSort.COLLECTOR: (
        F("dossier__collector__last_name").asc(nulls_last=True),
        F("dossier__collector__first_name").asc(nulls_last=True),
    ),
    WorklistSort.DATE: ("planned_date",),
}


@dataclass(frozen=True)
class WorklistPage:
    rows: list[Intervention]
    balances: dict[int, Decimal]  # dossier id → open amount of its échéances


def worklist_rows(
    company: Company,
    as_of: date,
    *,
    collector_id: int | None = None,
    sort: Sequence[str] = (),
    offset: int = 0,
    limit: int = 50,
) -> WorklistPage:
    """Interventions « A faire » due by `as_of` in the company's open dossiers, one page."""
    order = [f for key in worklist_order(sort) for f in _ORDER_FIELDS[key]]
    rows = (
        Intervention.objects.filter(
            status=InterventionStatus.TODO,
            planned_date__lte=as_of,
            dossier__company=company,
            dossier__status__in=[DossierStatus.OPEN, DossierStatus.LITIGATION],
        )
        .select_related("dossier__customer", "dossier__collector", "step")
        .order_by(*order, "dossier__number", "id")
    )
    if collector_id is not None:
        rows = rows.filter(dossier__collector_id=collector_id)
    page = list(rows[offset : offset + limit])
    balances = dict(
        DossierReceivable.objects.filter(dossier_id__in={r.dossier_id for r in page})
        .values("dossier_id")
        .annotate(balance=Sum("receivable__open_amount"))
        .values_list("dossier_id", "balance")
    )
    return WorklistPage(page, balances)
