"""« Structure › Scénarios de recouvrement » (M6): the scenarios and their steps."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render

from recouvrement.db.models import Scenario
from recouvrement.services.configuration import create_scenario_with_steps, update_scenario_steps
from recouvrement.web.forms import tampered_formset
from recouvrement.web.structure.access import structure_workspace
from recouvrement.web.structure.forms import ScenarioForm, StepFormSet, ordered_rows
from recouvrement.web.workspace import current_workspace

STEPS_PREFIX = "steps"
STEPS = "des étapes"


@login_required
def scenario_list(request: HttpRequest) -> HttpResponse:
    workspace = structure_workspace(request)
    scenarios = Scenario.objects.filter(company=workspace.company).annotate(
        step_count=Count("steps")
    )
    return render(request, "structure/scenario_list.html", {"scenarios": scenarios})


def _step_initial(scenario: Scenario) -> list[dict]:
    return [
        {
            "step_id": step.pk,
            "order": step.order,
            "label": step.label,
            "delay_days": step.delay_days,
            "action_type": step.action_type,
            "letter_template": step.letter_template_id,
            "compute_penalties": step.compute_penalties,
            "fee_amount": step.fee_amount,
            "sets_dossier_status": step.sets_dossier_status,
        }
        for step in scenario.steps.all()
    ]


def _with_new_row(data: QueryDict, count: int) -> QueryDict:
    """The posted rows plus an empty one at the end (« Ajouter une étape » without script)."""
    data = data.copy()
    data[f"{STEPS_PREFIX}-TOTAL_FORMS"] = str(count + 1)
    data[f"{STEPS_PREFIX}-{count}-order"] = str(count + 1)
    data[f"{STEPS_PREFIX}-{count}-action_type"] = "letter"
    data[f"{STEPS_PREFIX}-{count}-delay_days"] = "0"
    return data


def _scenario_page(request: HttpRequest, scenario: Scenario | None) -> HttpResponse:
    workspace = structure_workspace(request)
    company = workspace.company
    errors: list[str] = []
    checked = False
    kwargs = {"prefix": STEPS_PREFIX, "form_kwargs": {"company": company}}
    if request.method != "POST":
        initial = (
            {"name": scenario.name, "is_default": scenario.is_default}
            if scenario
            else {"is_default": False}
        )
        header = ScenarioForm(initial=initial)
        rows = _step_initial(scenario) if scenario else [{"order": 1, "action_type": "email"}]
        formset = StepFormSet(initial=rows, **kwargs)
    elif (tampered := tampered_formset(StepFormSet(request.POST, **kwargs), STEPS)) is not None:
        header = ScenarioForm(request.POST)
        formset = StepFormSet(initial=_step_initial(scenario) if scenario else [], **kwargs)
        errors = [tampered]
    elif "add_step" in request.POST:
        header = ScenarioForm(request.POST)
        count = StepFormSet(request.POST, **kwargs).total_form_count()
        if count < StepFormSet.max_num:
            formset = StepFormSet(_with_new_row(request.POST, count), **kwargs)
        else:
            formset = StepFormSet(request.POST, **kwargs)
            errors = [f"Un scénario a au plus {StepFormSet.max_num} étapes."]
    else:
        checked = True
        header = ScenarioForm(request.POST)
        formset = StepFormSet(request.POST, **kwargs)
        if header.is_valid() and formset.is_valid():
            name, is_default = header.cleaned_data["name"], header.cleaned_data["is_default"]
            rows = ordered_rows(formset)
            try:
                if scenario is None:
                    scenario = create_scenario_with_steps(
                        company, name, rows, user=request.user, is_default=is_default
                    )
                else:
                    update_scenario_steps(
                        scenario, rows, user=request.user, name=name, is_default=is_default
                    )
            except ValidationError as error:
                errors = error.messages
            else:
                return redirect("scenario_detail", scenario.pk)
        else:
            errors = ["Corrigez les champs signalés.", *formset.non_form_errors()]
    return render(
        request,
        "structure/scenario_form.html",
        {
            "scenario": scenario,
            "header": header,
            "formset": formset,
            "errors": errors,
            "checked": checked,
        },
    )


@login_required
def scenario_create(request: HttpRequest) -> HttpResponse:
    current_workspace(request).require_manager("peut créer un scénario")
    return _scenario_page(request, None)


@login_required
def scenario_detail(request: HttpRequest, pk: int) -> HttpResponse:
    company = current_workspace(request).company
    scenario = get_object_or_404(Scenario, pk=pk, company=company)
    return _scenario_page(request, scenario)
