"""« Structure › Priorité suggérée » (B11): the manager sets the company's weights; and
« Appliquer la priorité suggérée » on a dossier. Thin: read the request, call the service."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from recouvrement.db.models import Dossier
from recouvrement.domain.priority import PRIORITY_THRESHOLDS
from recouvrement.services import adopt_suggested_priority, save_priority_weights
from recouvrement.services.priority import MAY_SET_WEIGHTS, company_weights
from recouvrement.web.priority.forms import WeightsForm
from recouvrement.web.workspace import current_workspace


@login_required
def priority_weights(request: HttpRequest) -> HttpResponse:
    workspace = current_workspace(request)
    workspace.require_manager(MAY_SET_WEIGHTS)
    company = workspace.company
    errors: list[str] = []
    if request.method == "POST":
        form = WeightsForm(request.POST)
        if form.is_valid():
            try:
                saved = save_priority_weights(
                    company, form.weights(), user=request.user, today=timezone.localdate()
                )
            except ValidationError as refused:
                errors = refused.messages
            else:
                if saved.refreshed is not None:
                    messages.success(request, f"Poids enregistrés. {saved.refreshed.line}")
                else:
                    messages.info(request, "Aucun poids n'a changé.")
                return redirect("priority_weights")
        else:
            errors = form.error_lines()
    else:
        form = WeightsForm(initial=company_weights(company).as_dict())
    return render(
        request,
        "priority/weights.html",
        {"form": form, "errors": errors, "thresholds": PRIORITY_THRESHOLDS},
        status=400 if errors else 200,
    )


@login_required
@require_POST
def adopt_priority(request: HttpRequest, pk: int) -> HttpResponse:
    workspace = current_workspace(request)
    try:
        dossier = Dossier.objects.get(company=workspace.company, pk=pk)
    except Dossier.DoesNotExist:
        raise Http404("Ce dossier de recouvrement n'existe pas.") from None
    workspace.require_change_dossier(dossier)
    try:
        adopted = adopt_suggested_priority(dossier, today=timezone.localdate(), user=request.user)
    except ValidationError as refused:
        for message in refused.messages:
            messages.error(request, message)
    else:
        priority = adopted.suggestion.priority
        if adopted.update.message:
            messages.success(request, f"Priorité suggérée appliquée : {priority}.")
        else:
            messages.info(request, f"La priorité est déjà la priorité suggérée ({priority}).")
    return redirect("dossier_detail", pk=pk)
