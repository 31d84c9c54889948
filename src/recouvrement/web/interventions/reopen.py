"""« Remettre A faire » on the ligne de saisie of a « Réalisée » or « Ignorée » intervention
(issue 13 §6): a manager's undo, with a reason; the rules are the service's
(`services.intervention_undo`)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from recouvrement import services
from recouvrement.db.models import Intervention
from recouvrement.domain.reopening import REASON_MAX
from recouvrement.web.workspace import current_workspace


class ReopenForm(forms.Form):
    raison = forms.CharField(label="Raison", max_length=REASON_MAX)


def _tab_url(dossier_id: int, selected: int | None = None) -> str:
    url = reverse("dossier_detail", args=[dossier_id])
    return f"{url}?modifier={selected}#interventions" if selected else f"{url}#interventions"


@login_required
@require_POST
def reopen(request: HttpRequest, pk: int) -> HttpResponse:
    """POST « raison »: the intervention « A faire » again, or the refusal's French message on
    its ligne de saisie."""
    workspace = current_workspace(request)
    intervention = get_object_or_404(
        Intervention.objects.select_related("dossier"), pk=pk, dossier__company=workspace.company
    )
    workspace.require_manager("peut remettre une intervention « A faire »")
    form = ReopenForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("raison", []):
            messages.error(request, f"Raison : {error}")
        return redirect(_tab_url(intervention.dossier_id, pk))
    try:
        services.reopen_intervention(
            intervention,
            reason=form.cleaned_data["raison"],
            user=request.user,
            today=timezone.localdate(),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_tab_url(intervention.dossier_id, pk))
    messages.success(request, f"« {intervention.label} » est de nouveau « A faire ».")
    return redirect(_tab_url(intervention.dossier_id))
