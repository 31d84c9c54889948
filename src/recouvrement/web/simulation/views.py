"""« Traitement › Recouvrement › Simulation » (B12): what « Préparer » would create on a date,
grouped by channel, and whether old payments would stop it. Nothing is written: the service
runs Préparer and rolls it back."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from recouvrement.services import dry_run_prepare
from recouvrement.web.workspace import current_workspace

# Ends the domain's sentence: « Seul un responsable recouvrement peut simuler … »
SIMULATE = "peut simuler le traitement « Préparer »"
FIRST_YEAR, LAST_YEAR = 2000, 2099  # a treatment date, not any date Python can hold


class SimulationForm(forms.Form):
    date = forms.DateField(
        label="Date de traitement",
        required=False,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={"invalid": "Date invalide : saisissez-la au format JJ/MM/AAAA."},
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    force = forms.BooleanField(label="Simuler un traitement forcé (--force)", required=False)

    def clean_date(self):
        on = self.cleaned_data.get("date")
        if on is not None and not FIRST_YEAR <= on.year <= LAST_YEAR:
            raise forms.ValidationError(
                f"Date hors des années {FIRST_YEAR} à {LAST_YEAR} : saisissez une autre date."
            )
        return on


@login_required
@require_GET
def simulation(request: HttpRequest) -> HttpResponse:
    workspace = current_workspace(request)
    workspace.require_manager(SIMULATE)
    today = timezone.localdate()
    form = SimulationForm(request.GET or {"date": today.isoformat()})
    run = None
    if form.is_valid():
        on = form.cleaned_data["date"] or today
        run = dry_run_prepare(
            on, company=workspace.company, user=request.user, force=form.cleaned_data["force"]
        )
    return render(
        request,
        "simulation/simulation.html",
        {"form": form, "run": run},
        status=200 if run is not None else 400,
    )
