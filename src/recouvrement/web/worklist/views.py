"""« Traitement › Recouvrement › Gestion des actions » (S9) and its batch actions."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from recouvrement import services
from recouvrement.db.models import Intervention
from recouvrement.db.worklist import WorklistPage, worklist_rows
from recouvrement.domain.statuses import PRINTED_ACTIONS, InterventionStatus
from recouvrement.services.letters import LETTERS_SKIPPED
from recouvrement.web.forms import ignored_filters
from recouvrement.web.worklist.forms import (
    ALL_COLLECTORS,
    BATCH_ACTIONS,
    SORT_CHOICES,
    TYPE_CHOICES,
    BatchForm,
    WorklistFilterForm,
    WorklistFilters,
)
from recouvrement.web.workspace import Workspace, current_workspace

ROWS_PER_PAGE = 50


def _page(workspace: Workspace, filters: WorklistFilters) -> WorklistPage:
    """One page and one row more, to know whether a next page exists without counting."""
    options = {
        "collector_id": filters.collector_id,
        "sort": [filters.sort],
    }
    offset, limit = (filters.page - 1) * ROWS_PER_PAGE, ROWS_PER_PAGE + 1
    return worklist_rows(
        workspace.company,
        filters.as_of,
        where=filters.type_filter(),
        offset=offset,
        limit=limit,
        **options,
    )


@login_required
def worklist(request: HttpRequest) -> HttpResponse:
    """The actions « A faire » due by a date, across the company's open dossiers."""
    workspace = current_workspace(request)
    today = timezone.localdate()
    own = workspace.collaborator if workspace.own_dossiers_by_default else None
    form = WorklistFilterForm(request.GET, company=workspace.company, today=today, own=own)
    for ignored in ignored_filters(form):
        messages.warning(request, ignored)
    filters = form.filters()
    page = _page(workspace, filters)
    rows = page.rows[:ROWS_PER_PAGE]
    for row in rows:
        row.balance = page.balances.get(row.dossier_id)
    return render(
        request,
        "worklist/worklist.html",
        {
            "rows": rows,
            "filters": filters,
            "form": form,
            "collectors": form.collectors,
            "own": own,
            "all_collectors": ALL_COLLECTORS,
            "sorts": SORT_CHOICES,
            "types": TYPE_CHOICES,
            "has_next": len(page.rows) > ROWS_PER_PAGE,
            "has_previous": filters.page > 1,
            "first_number": (filters.page - 1) * ROWS_PER_PAGE + 1,
            "last_number": (filters.page - 1) * ROWS_PER_PAGE + len(rows),
            "may_change": workspace.may_change,
            "batch_actions": BATCH_ACTIONS,
            "today": today,
        },
    )


@dataclass
class _Outcome:
    ok: list[str]
    refused: list[str]


def _refusal(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or "Action refusée."


def _prepare(rows: list[Intervention], request: HttpRequest, today) -> _Outcome:
    outcome = _Outcome([], [])
    seen: set[int] = set()
    for row in rows:
        number = row.dossier.number
        if row.dossier_id in seen:
            continue  # one Préparer per dossier, whatever the number of its rows selected
        seen.add(row.dossier_id)
        try:
            created = services.prepare_next_intervention(
                row.dossier, today=today, user=request.user
            )
        except (ValidationError, PermissionDenied) as error:
            outcome.refused.append(f"{number} : {_refusal(error)}")
        else:
            outcome.ok.append(
                f"{number} : « {created.label} » préparée pour le {created.planned_date:%d/%m/%Y}."
            )
    return outcome


def _mark_done(rows: list[Intervention], request: HttpRequest, today) -> _Outcome:
    outcome = _Outcome([], [])
    for row in rows:
        name = f"{row.dossier.number} « {row.label} »"
        try:
            services.set_intervention_status(
                row, InterventionStatus.DONE, today=today, user=request.user
            )
        except (ValidationError, PermissionDenied) as error:
            outcome.refused.append(f"{name} : {_refusal(error)}")
        else:
            outcome.ok.append(f"{name} : Réalisée.")
    return outcome


def _printable(rows: list[Intervention], workspace: Workspace) -> tuple[list, list[str]]:
    """The selected letters « A faire » the user may print, and why the others are skipped."""
    letters, refused = [], []
    for row in rows:
        name = f"{row.dossier.number} « {row.label} »"
        if row.action_type not in PRINTED_ACTIONS:
            refused.append(f"{name} : ce n'est pas un courrier, il n'est pas imprimé.")
        elif row.status != InterventionStatus.TODO:
            refused.append(f"{name} : n'est plus « A faire ».")
        else:
            try:  # the service checks it too, but refuses the whole batch: sort them out first
                workspace.require_change_dossier(row.dossier)
            except PermissionDenied as refusal:  # the domain's own message
                refused.append(f"{name} : {_refusal(refusal)}")
            else:
                letters.append(row)
    return letters, refused


def _back(form: BatchForm) -> str:
    target = form.cleaned_data.get("retour") if form.is_valid() else ""
    # A path of this site only: « 0 » or « dossier_list » would be taken for a view's name.
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts=None):
        return target
    return reverse("worklist")


def _report(request: HttpRequest, outcome: _Outcome) -> None:
    for line in outcome.ok:
        messages.success(request, line)
    for line in outcome.refused:
        messages.error(request, line)


@login_required
@require_POST
def worklist_batch(request: HttpRequest) -> HttpResponse:
    """Préparer, Imprimer or Marquer réalisée on the selected rows; each row reported."""
    workspace = current_workspace(request)
    workspace.require_change()
    form = BatchForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, "Action inconnue : choisissez Préparer, Imprimer ou Marquer réalisée."
        )
        return redirect(_back(form))
    ids = form.cleaned_data["ids"]
    rows = list(
        Intervention.objects.filter(company=workspace.company, pk__in=ids)
        .select_related("dossier")
        .order_by("dossier__number", "planned_date", "pk")
    )
    if not rows:
        messages.error(request, "Aucune action sélectionnée.")
        return redirect(_back(form))
    today = timezone.localdate()
    action = form.cleaned_data["action"]
    if action == "preparer":
        _report(request, _prepare(rows, request, today))
    elif action == "realisee":
        _report(request, _mark_done(rows, request, today))
    else:
        letters, refused = _printable(rows, workspace)
        outcome = _Outcome([], refused)
        if letters:
            try:
                printed = services.print_letters(letters, today=today, user=request.user)
            except ValidationError as error:
                if all(e.code == LETTERS_SKIPPED for e in error.error_list):
                    outcome.refused.extend(error.messages)  # none printable: one line each
                else:
                    outcome.refused.append(f"Impression refusée : {_refusal(error)}")
            except PermissionDenied as error:
                outcome.refused.append(f"Impression refusée : {_refusal(error)}")
            else:
                outcome.ok.append(f"{len(printed.interventions)} courrier(s) imprimé(s).")
                outcome.refused.extend(skipped.line for skipped in printed.skipped)
                _report(request, outcome)
                response = HttpResponse(printed.pdf, content_type="application/pdf")
                response["Content-Disposition"] = (
                    f'inline; filename="courriers-{today:%Y-%m-%d}-{printed.batch.pk}.pdf"'
                )
                return response
        _report(request, outcome)
    return redirect(_back(form))
