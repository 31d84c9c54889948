"""The API's « Gestion des actions » (issue 14 §3, S9): the actions « A faire » due by a date
across the company's open dossiers, with the screen's filters (its form and query) and its
orders, paged by cursor."""

from datetime import date
from typing import Literal

from django.core.exceptions import ValidationError
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from recouvrement.api.auth import actor
from recouvrement.api.dossier_schemas import CustomerRef, Ref
from recouvrement.api.errors import ErrorOut
from recouvrement.api.fields import Money
from recouvrement.api.pagination import Page, PageParams, page_of
from recouvrement.db.models import Intervention
from recouvrement.db.queries import dossier_balances
from recouvrement.db.worklist import worklist_query
from recouvrement.domain.statuses import ActionType, InterventionKind
from recouvrement.domain.worklist import WorklistSort, worklist_order
from recouvrement.web.worklist.forms import ALL_COLLECTORS, WorklistFilterForm

router = Router(tags=["Gestion des actions"])

# The orders a cursor can follow: the keys are the rows' own columns (S9's orders, indexed)
# or the dossier's number; the screen's other columns sort every row at each page.
KEYS = {
    WorklistSort.PRIORITY: "queue_priority",
    WorklistSort.COLLECTOR: "queue_collector",
    WorklistSort.DATE: "planned_date",
    WorklistSort.DOSSIER: "dossier__number",
}
Sort = Literal["priorite", "-priorite", "charge", "-charge", "date", "-date", "dossier", "-dossier"]


class WorklistFilters(Schema):
    """The filters of « Gestion des actions » (web/worklist/forms.py), same names."""

    jusqu_au: date | None = Field(None, description="Actions jusqu'au (par défaut : le jour).")
    charge: str | None = Field(
        None,
        description=f"Id du chargé, ou « {ALL_COLLECTORS} » ; par défaut, un chargé de "
        "recouvrement voit ses actions, les autres toutes.",
        max_length=20,
    )
    type: str | None = Field(
        None, description="letter, email, phone, task, formal_notice, alert ou promise."
    )
    tri: Sort | None = Field(
        None, description="priorite (par défaut), charge, date ou dossier ; « - » : à rebours."
    )


class WorklistRowOut(Schema):
    id: int = Field(description="Id de l'intervention.")
    dossier_id: int
    dossier_number: str
    customer: CustomerRef
    collector: Ref | None
    priority: int
    kind: InterventionKind
    action_type: ActionType | None
    label: str
    planned_date: date
    comment: str
    promise_amount: Money | None
    balance: Money = Field(description="Solde du dossier, comme la liste des dossiers.")


def _row(intervention: Intervention, balances: dict) -> dict:
    dossier = intervention.dossier
    customer, collector = dossier.customer, dossier.collector
    return {
        "id": intervention.pk,
        "dossier_id": dossier.pk,
        "dossier_number": dossier.number,
        "customer": {"id": customer.pk, "code": customer.code, "name": customer.name},
        "collector": {"id": collector.pk, "name": str(collector)} if collector else None,
        "priority": dossier.priority,
        "kind": intervention.kind,
        "action_type": intervention.action_type or None,
        "label": intervention.label,
        "planned_date": intervention.planned_date,
        "comment": intervention.comment,
        "promise_amount": intervention.promise_amount,
        "balance": balances.get(dossier.pk, 0),
    }


@router.get("/", response={200: Page[WorklistRowOut], 400: ErrorOut}, summary="Gestion des actions")
def worklist(request, filters: Query[WorklistFilters], page: Query[PageParams]) -> dict:
    """The interventions « A faire » due by `jusqu_au`, in the order asked for (the row's id
    last), each with its dossier's « Solde »."""
    workspace = actor(request).workspace
    own = workspace.collaborator if workspace.own_dossiers_by_default else None
    form = WorklistFilterForm(
        filters.model_dump(exclude_none=True),
        company=workspace.company,
        today=timezone.localdate(),
        own=own,
    )
    if not form.is_valid():
        raise ValidationError(dict(form.errors), code="invalid_filter")
    chosen = form.filters()
    rows = worklist_query(
        workspace.company,
        chosen.as_of,
        collector_id=chosen.collector_id,
        sort=[chosen.sort],
        where=chosen.type_filter(),
    )
    order = worklist_order([chosen.sort])
    if chosen.collector_id is not None:  # one chargé: the chargé drops out of the order
        order = tuple(key for key in order if key is not WorklistSort.COLLECTOR)
    sign = "-" if chosen.descending else ""
    keys = tuple(f"{sign}{KEYS[key]}" for key in order) + (f"{sign}pk",)
    items, cursor = page_of(rows, cursor=page.cursor, limit=page.limit, order=keys)
    balances = dossier_balances({row.dossier_id for row in items})
    return {"items": [_row(row, balances) for row in items], "next_cursor": cursor}
