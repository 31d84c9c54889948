"""The API's « Interventions » (issue 14 §3): the list across the company's dossiers, one
intervention, « Créer une intervention » (Manuelle, Alerte, Promesse) and its status — the
services of the dossier's « Interventions » tab, with the same 403/404. « Préparer » the next
step of the scenario is `POST /dossiers/{id}/prepare-next` (api/dossiers.py)."""

from datetime import date
from typing import Literal

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.responses import Status
from pydantic import ConfigDict

from recouvrement import services
from recouvrement.api.auth import actor
from recouvrement.api.errors import ErrorOut
from recouvrement.api.fields import Id, Money, MoneyIn
from recouvrement.api.pagination import Page, PageParams, page_of
from recouvrement.db.models import Contact, Dossier, Intervention
from recouvrement.domain.reopening import REASON_MAX
from recouvrement.domain.statuses import ActionType, InterventionKind, InterventionStatus
from recouvrement.web.worklist.forms import TYPE_CHOICES

router = Router(tags=["Interventions"])

ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut}
# The « Type » filter of « Gestion des actions »: an action type, or « alert », « promise ».
TYPES = tuple(value for value, _ in TYPE_CHOICES if value)
TypeFilter = Literal[TYPES]  # type: ignore[valid-type]


class InterventionOut(Schema):
    id: int
    dossier_id: int
    dossier_number: str
    kind: InterventionKind = Field(description="Nature : step, manual, alert, promise.")
    status: InterventionStatus = Field(description="Statut : todo, done, skipped.")
    action_type: ActionType | None
    label: str
    planned_date: date = Field(description="Date prévue, de l'alerte, ou date promise.")
    done_date: date | None
    contact_id: int | None
    comment: str
    promise_amount: Money | None
    promise_kept: bool | None
    fee_amount: Money
    penalty_amount: Money
    step_id: int | None


def intervention_out(intervention: Intervention) -> dict:
    return {
        "id": intervention.pk,
        "dossier_id": intervention.dossier_id,
        "dossier_number": intervention.dossier.number,
        "kind": intervention.kind,
        "status": intervention.status,
        "action_type": intervention.action_type or None,
        "label": intervention.label,
        "planned_date": intervention.planned_date,
        "done_date": intervention.done_date,
        "contact_id": intervention.contact_id,
        "comment": intervention.comment,
        "promise_amount": intervention.promise_amount,
        "promise_kept": intervention.promise_kept,
        "fee_amount": intervention.fee_amount,
        "penalty_amount": intervention.penalty_amount,
        "step_id": intervention.step_id,
    }


class InterventionFilters(Schema):
    dossier: Id | None = Field(None, description="Id du dossier.")
    status: InterventionStatus | None = Field(None, description="todo, done ou skipped.")
    type: TypeFilter | None = Field(
        None, description="Type, comme « Gestion des actions » : action ou alert, promise."
    )
    collector: Id | None = Field(None, description="Id du chargé du dossier.")
    date_from: date | None = Field(None, description="Date prévue à partir du (AAAA-MM-JJ).")
    date_to: date | None = Field(None, description="Date prévue jusqu'au (AAAA-MM-JJ).")

    def apply(self, rows: QuerySet[Intervention]) -> QuerySet[Intervention]:
        if self.dossier is not None:
            rows = rows.filter(dossier_id=self.dossier)
        if self.status is not None:
            rows = rows.filter(status=self.status)
        if self.type:
            kinds = (InterventionKind.ALERT, InterventionKind.PROMISE)
            rows = rows.filter(**{"kind" if self.type in kinds else "action_type": self.type})
        if self.collector is not None:
            rows = rows.filter(dossier__collector_id=self.collector)
        if self.date_from is not None:
            rows = rows.filter(planned_date__gte=self.date_from)
        if self.date_to is not None:
            rows = rows.filter(planned_date__lte=self.date_to)
        return rows


def _intervention(request, pk: int) -> Intervention:
    """The company's intervention `pk` (404 for any other), as the tab reads it."""
    company = actor(request).workspace.company
    return get_object_or_404(
        Intervention.objects.select_related("dossier__customer", "dossier__company"),
        pk=pk,
        dossier__company=company,
    )


@router.get("/", response={200: Page[InterventionOut], 400: ErrorOut}, summary="Interventions")
def list_interventions(
    request, filters: Query[InterventionFilters], page: Query[PageParams]
) -> dict:
    """The interventions of the company's dossiers, oldest first (by id); a collector
    reads them all, as the UI shows every dossier."""
    company = actor(request).workspace.company
    rows = filters.apply(Intervention.objects.filter(company=company).select_related("dossier"))
    items, cursor = page_of(rows, cursor=page.cursor, limit=page.limit, order=("pk",))
    return {"items": [intervention_out(i) for i in items], "next_cursor": cursor}


@router.get("/{intervention_id}/", response={200: InterventionOut, 404: ErrorOut})
def get_intervention(request, intervention_id: Id) -> dict:
    """One intervention of the company."""
    return intervention_out(_intervention(request, intervention_id))


class InterventionIn(Schema):
    """« Créer une intervention »: Manuelle (intitulé), Alerte (message) or Promesse (montant,
    date promise pas encore passée)."""

    model_config = ConfigDict(extra="forbid")

    dossier_id: Id
    kind: InterventionKind = Field(
        InterventionKind.MANUAL, description="manual, alert ou promise (une étape : Préparer)."
    )
    planned_date: date = Field(description="Date prévue, de l'alerte, ou date promise.")
    label: str = ""
    comment: str = ""
    action_type: ActionType | None = None
    contact_id: Id | None = None
    promise_amount: MoneyIn | None = None


@router.post("/", response={201: InterventionOut, **ERRORS}, summary="Créer une intervention")
def create_intervention(request, payload: InterventionIn) -> Status:
    """A dossier of another company: 404; a dossier the caller may not change: 403."""
    workspace = actor(request).workspace
    dossier = get_object_or_404(
        Dossier.objects.select_related("customer"),
        pk=payload.dossier_id,
        company=workspace.company,
    )
    workspace.require_change_dossier(dossier)
    contact = None
    if payload.contact_id is not None:
        contact = Contact.objects.filter(
            pk=payload.contact_id, customer_id=dossier.customer_id
        ).first()
        if contact is None:
            raise ValidationError(
                {"contact_id": f"Contact n° {payload.contact_id} introuvable chez ce client."},
                code="not_found",
            )
    created = services.create_intervention(
        dossier,
        payload.kind,
        today=timezone.localdate(),
        user=actor(request).user,
        planned_date=payload.planned_date,
        label=payload.label,
        comment=payload.comment,
        action_type=payload.action_type or "",
        contact=contact,
        promise_amount=payload.promise_amount,
    )
    return Status(201, intervention_out(created))


class StatusIn(Schema):
    """« Réalisée » or « Ignorée » (the « Statut » drop-down); back to « A faire »: a
    manager's « Remettre A faire », with its reason."""

    model_config = ConfigDict(extra="forbid")

    status: InterventionStatus
    reason: str = Field("", description=f"Pour « todo » : la raison ({REASON_MAX} car. au plus).")


@router.post(
    "/{intervention_id}/status/", response={200: InterventionOut, **ERRORS}, summary="Statut"
)
def change_status(request, intervention_id: Id, payload: StatusIn) -> dict:
    workspace, user = actor(request).workspace, actor(request).user
    intervention = _intervention(request, intervention_id)
    today = timezone.localdate()
    if payload.status is InterventionStatus.TODO:
        workspace.require_manager("peut remettre une intervention « A faire »")
        changed = services.reopen_intervention(
            intervention, reason=payload.reason, user=user, today=today
        )
    else:
        workspace.require_change_dossier(intervention.dossier)
        changed = services.set_intervention_status(
            intervention, payload.status, today=today, user=user
        )
    changed.dossier = intervention.dossier
    return intervention_out(changed)
