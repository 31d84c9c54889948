"""The API's « Dossiers » (issue 14 §3): the list with the filters of « Dossiers de
recouvrement » (its form and query), a dossier with the figures and échéances of its page,
opening one (« Nouveau dossier »), changing it (« Modifier le dossier »), closing it (« Clore
le dossier ») and « Préparer » its next step — the UI's services, with the same 403/404."""

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Query, Router
from ninja.responses import Status

from recouvrement import services
from recouvrement.api.auth import actor
from recouvrement.api.dossier_schemas import (
    DossierDetailOut,
    DossierFilters,
    DossierIn,
    DossierOut,
    DossierPatch,
    dossier_detail,
    dossier_row,
)
from recouvrement.api.errors import ErrorOut
from recouvrement.api.fields import Id
from recouvrement.api.interventions import InterventionOut, intervention_out
from recouvrement.api.pagination import Page, PageParams, page_of
from recouvrement.db.models import (
    Collaborator,
    Contact,
    Customer,
    DisputeReason,
    Dossier,
    Receivable,
    Scenario,
)
from recouvrement.db.queries import dossier_page
from recouvrement.domain.statuses import DossierStatus
from recouvrement.services import DossierChanges
from recouvrement.web.dossiers.edit_forms import DossierClosureForm
from recouvrement.web.dossiers.forms import DossierFilterForm
from recouvrement.web.dossiers.listing import dossier_listing
from recouvrement.web.workspace import Workspace

router = Router(tags=["Dossiers"])

ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut}
# The list pages by cursor in the screen's default order, the latest dossiers first.
LIST_ORDER = ("-start_date", "-pk")
CLOSING_ONLY = (
    "Clore le dossier se fait seul : envoyez « status »: « closed » avec « resolution_id » "
    "et « result » uniquement, puis modifiez le dossier par un autre appel."
)
CLOSING_FIELDS = "« resolution_id » et « result » vont avec la clôture (« status »: « closed »)."


def _dossier(workspace: Workspace, pk: int) -> Dossier:
    return get_object_or_404(
        Dossier.objects.select_related("company", "customer", "collector"),
        pk=pk,
        company=workspace.company,
    )


def _pick(model: type[Model], field: str, pk: int | None, label: str, **scope) -> Model | None:
    """The row `pk` of `model` within `scope` (the caller's company, the dossier's client), or
    a 400 naming the field; None stays None."""
    if pk is None:
        return None
    found = model._default_manager.filter(pk=pk, **scope).first()
    if found is None:
        raise ValidationError({field: f"{label} n° {pk} introuvable."}, code="not_found")
    return found


def _receivables(field: str, ids: list[int], **scope) -> list[Receivable]:
    found = Receivable.objects.filter(pk__in=ids, **scope).in_bulk()
    missing = [str(pk) for pk in dict.fromkeys(ids) if pk not in found]
    if missing:
        raise ValidationError(
            {field: f"Échéance(s) introuvable(s) chez ce client : {', '.join(missing)}."},
            code="not_found",
        )
    return [found[pk] for pk in dict.fromkeys(ids)]


@router.get("/", response={200: Page[DossierOut], 400: ErrorOut}, summary="Dossiers")
def list_dossiers(request, filters: Query[DossierFilters], page: Query[PageParams]) -> dict:
    """« Dossiers de recouvrement » with the same filters (a collector sees their own unless
    `all` or `charge`), the latest first."""
    workspace = actor(request).workspace
    form = DossierFilterForm(filters.form_data())
    if not form.is_valid():  # the screen ignores such a filter with a warning; here: 400
        raise ValidationError(dict(form.errors), code="invalid_filter")
    listing = dossier_listing(workspace, form)
    rows, cursor = page_of(listing.rows, cursor=page.cursor, limit=page.limit, order=LIST_ORDER)
    return {"items": [dossier_row(d) for d in rows], "next_cursor": cursor}


@router.get("/{dossier_id}/", response={200: DossierDetailOut, 404: ErrorOut}, summary="Dossier")
def get_dossier(request, dossier_id: Id) -> dict:
    """The dossier page: its fields, figures (Factures, Règlements, Frais et pénalités,
    Solde), échéances and the penalties of the invoices settled late."""
    return get_dossier_detail(actor(request).workspace, dossier_id)


def get_dossier_detail(workspace: Workspace, pk: int) -> dict:
    """`DossierDetailOut` of the company's dossier `pk` (another company's: 404)."""
    page = dossier_page(workspace.company, pk)
    return dossier_detail(page, may_change=workspace.may_change_dossier(page.dossier))


@router.post("/", response={201: DossierDetailOut, **ERRORS}, summary="Nouveau dossier")
def create_dossier(request, payload: DossierIn) -> Status:
    """Open a dossier on the client's free échéances (`services.open_dossier`): with a
    scenario, its first step is « A faire » at once. « Consultation »: 403."""
    workspace, user = actor(request).workspace, actor(request).user
    workspace.require_change()
    company = workspace.company
    customer = _pick(Customer, "customer_id", payload.customer_id, "Client", company=company)
    dossier = services.open_dossier(
        customer,
        today=timezone.localdate(),
        user=user,
        scenario=_pick(Scenario, "scenario_id", payload.scenario_id, "Scénario", company=company),
        collector=_pick(
            Collaborator, "collector_id", payload.collector_id, "Chargé", company=company
        ),
        contact=_pick(Contact, "contact_id", payload.contact_id, "Contact", customer=customer),
        priority=payload.priority,
        receivables=_receivables("receivable_ids", payload.receivable_ids, customer=customer),
        dispute_reason=_pick(
            DisputeReason,
            "dispute_reason_id",
            payload.dispute_reason_id,
            "Motif de litige",
            company=company,
        ),
        summary=payload.summary,
        comment=payload.comment,
    )
    return Status(201, get_dossier_detail(workspace, dossier.pk))


def _changes(dossier: Dossier, payload: DossierPatch, given: set[str]) -> DossierChanges:
    """The fields sent, as « Modifier le dossier » passes them to `update_dossier`."""
    company, customer = dossier.company, dossier.customer
    values: dict = {}
    for name in ("priority", "status", "summary", "comment"):
        if name in given and getattr(payload, name) is not None:
            values[name] = getattr(payload, name)
    picked = {
        "collector": (Collaborator, "Chargé", {"company": company}),
        "contact": (Contact, "Contact", {"customer": customer}),
        "scenario": (Scenario, "Scénario", {"company": company}),
        "dispute_reason": (DisputeReason, "Motif de litige", {"company": company}),
    }
    for name, (model, label, scope) in picked.items():
        field = f"{name}_id"
        if field in given:
            values[name] = _pick(model, field, getattr(payload, field), label, **scope)
    of_customer = {"customer": customer}
    return DossierChanges(
        **values,
        add_receivables=_receivables(
            "add_receivable_ids", payload.add_receivable_ids, **of_customer
        ),
        remove_receivables=_receivables(
            "remove_receivable_ids", payload.remove_receivable_ids, **of_customer
        ),
    )


@router.patch("/{dossier_id}/", response={200: DossierDetailOut, **ERRORS}, summary="Modifier")
def change_dossier(request, dossier_id: Id, payload: DossierPatch) -> dict:
    """« Modifier le dossier » (`services.update_dossier`): a collector changes their own
    dossiers, only a manager hands one to another chargé; `status` « closed » closes it
    (`services.close_dossier`, as « Clore le dossier »)."""
    workspace, user = actor(request).workspace, actor(request).user
    dossier = _dossier(workspace, dossier_id)
    workspace.require_change_dossier(dossier)
    given = set(payload.model_fields_set)
    today = timezone.localdate()
    if payload.status is DossierStatus.CLOSED:
        if given - {"status", "resolution_id", "result"}:
            raise ValidationError(CLOSING_ONLY, code="closing_alone")
        form = DossierClosureForm(
            {"resolution": payload.resolution_id or "", "result": payload.result or ""},
            dossier=dossier,
        )
        if not form.is_valid():
            raise ValidationError(_closure_errors(form), code="invalid")
        services.close_dossier(
            dossier,
            today=today,
            user=user,
            resolution=form.cleaned_data["resolution"],
            result=form.cleaned_data["result"],
        )
    else:
        if given & {"resolution_id", "result"}:
            raise ValidationError(CLOSING_FIELDS, code="closing_fields")
        services.update_dossier(
            dossier, today=today, user=user, changes=_changes(dossier, payload, given)
        )
    return get_dossier_detail(workspace, dossier.pk)


def _closure_errors(form: DossierClosureForm) -> dict:
    fields = {"resolution": "resolution_id", "result": "result", "__all__": "status"}
    return {fields.get(name, name): errors for name, errors in form.errors.items()}


@router.post(
    "/{dossier_id}/prepare-next/",
    response={201: InterventionOut, **ERRORS},
    summary="Préparer l'étape suivante",
)
def prepare_next(request, dossier_id: Id) -> Status:
    """« Fonctions › Préparer »: the scenario's next step « A faire », its action run (a
    letter left to print, an e-mail queued); 400 with the reason when there is none."""
    workspace = actor(request).workspace
    dossier = _dossier(workspace, dossier_id)
    workspace.require_change_dossier(dossier)
    step = services.prepare_next_intervention(
        dossier, today=timezone.localdate(), user=actor(request).user
    )
    step.dossier = dossier
    return Status(201, intervention_out(step))
