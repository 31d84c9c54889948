"""« Modifier le dossier » and « Clore le dossier » (M7): read the request, call the service,
render French HTML or go back to the dossier page with what was done."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from recouvrement import services
from recouvrement.db.models import Dossier
from recouvrement.domain.statuses import InterventionStatus
from recouvrement.services.dossier_changes import DOSSIER_CLOSED, SCENARIO_RULE
from recouvrement.web.dossiers.edit_forms import DossierClosureForm, DossierEditForm
from recouvrement.web.workspace import Workspace, current_workspace

RELATED = ("company", "customer", "collector", "contact", "scenario")


def changeable_dossier(workspace: Workspace, pk: int) -> Dossier:
    """The company's dossier `pk`, once checked the user may change it (404 for a dossier of
    another company, 403 for one they may not change): its edit, closure and litiges forms."""
    dossier = Dossier.objects.select_related(*RELATED).filter(company=workspace.company, pk=pk)
    found = dossier.first()
    if found is None:
        raise Http404("Ce dossier de recouvrement n'existe pas.")
    workspace.require_change_dossier(found)
    return found


def show_refusal(form, error: ValidationError) -> None:
    """A service's refusal shown on the form, one line per message."""
    for message in error.messages:
        form.add_error(None, message)


@login_required
def dossier_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The dossier's fields, scenario and échéances, changed through `update_dossier`."""
    workspace = current_workspace(request)
    dossier = changeable_dossier(workspace, pk)
    if not dossier.status_enum.is_open:
        messages.error(request, DOSSIER_CLOSED.message)
        return redirect("dossier_detail", dossier.pk)
    data = request.POST if request.method == "POST" else None
    form = DossierEditForm(data, dossier=dossier, may_assign=workspace.may_manage)
    if data is not None and form.is_valid():
        try:
            update = services.update_dossier(
                dossier, today=timezone.localdate(), user=request.user, changes=form.changes()
            )
        except ValidationError as error:
            show_refusal(form, error)
        else:
            if update.message:
                messages.success(request, update.message)
            else:
                messages.info(request, "Aucune modification : le dossier est inchangé.")
            return redirect("dossier_detail", dossier.pk)
    return render(
        request,
        "dossiers/dossier_edit.html",
        {
            "dossier": dossier,
            "form": form,
            "scenario_rule": SCENARIO_RULE,
            "adding": form.chosen("add"),
            "removing": form.chosen("remove"),
        },
    )


@login_required
def dossier_close_form(request: HttpRequest, pk: int) -> HttpResponse:
    """« Clore le dossier »: résolution and result, then `close_dossier`."""
    workspace = current_workspace(request)
    dossier = changeable_dossier(workspace, pk)
    if not dossier.status_enum.is_open:
        messages.error(request, DOSSIER_CLOSED.message)
        return redirect("dossier_detail", dossier.pk)
    data = request.POST if request.method == "POST" else None
    form = DossierClosureForm(data, dossier=dossier)
    if data is not None and form.is_valid():
        try:
            services.close_dossier(
                dossier,
                today=timezone.localdate(),
                user=request.user,
                resolution=form.cleaned_data["resolution"],
                result=form.cleaned_data["result"],
            )
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, f"Dossier {dossier.number} clos.")
            return redirect("dossier_detail", dossier.pk)
    links = dossier.links.filter(is_active=True)
    return render(
        request,
        "dossiers/dossier_closure.html",
        {
            "dossier": dossier,
            "form": form,
            "todo": dossier.interventions.filter(status=InterventionStatus.TODO).count(),
            "receivables": links.count(),
            "open_amount": links.aggregate(total=Sum("receivable__open_amount"))["total"],
        },
    )
