"""« Structure › Taux » (B2, PRODUCT §9 O7): the ECB and legal rates; a manager adds one.

Also the banner that warns a manager, on every page, of a legal rate not entered for a semester
that has begun or begins within 15 days (a context processor: `rates_banner`).
"""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from recouvrement.domain.rates import RateKind, format_rate
from recouvrement.services.rates import add_rate, list_rates, missing_rates_on
from recouvrement.web.structure.access import structure_workspace
from recouvrement.web.workspace import current_workspace

# The columns of « Par semestre », in the order of the table's headers.
SEMESTER_COLUMNS = ("ecb", "default_penalty_rate", "legal_pro", "contractual_floor", "legal_part")


def _shown(rate) -> str:
    return format_rate(rate) if rate is not None else ""


class RateForm(forms.Form):
    kind = forms.ChoiceField(label="Taux", choices=[(kind.value, kind.label) for kind in RateKind])
    effective_date = forms.DateField(
        label="Date d'effet",
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        help_text="JJ/MM/AAAA ; intérêt légal : 1er janvier ou 1er juillet.",
    )
    rate = forms.DecimalField(label="Taux (%)", max_digits=6, decimal_places=3, localize=True)


@login_required
def rate_list(request: HttpRequest) -> HttpResponse:
    workspace = structure_workspace(request)  # a POST by anyone but a manager: 403
    errors: list[str] = []
    form = RateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            add_rate(
                RateKind(form.cleaned_data["kind"]),
                form.cleaned_data["effective_date"],
                form.cleaned_data["rate"],
                user=request.user,
                company=workspace.company,
            )
        except ValidationError as refused:
            errors = refused.messages
        else:
            return redirect("rate_list")
    overview = list_rates(timezone.localdate())
    return render(
        request,
        "structure/rate_list.html",
        {
            "overview": overview,
            "semesters": [
                (row.label, [_shown(getattr(row, name)) for name in SEMESTER_COLUMNS])
                for row in overview.semesters
            ],
            "ecb_rates": [
                (day, format_rate(rate))
                for day, rate in reversed(overview.tables[RateKind.ECB].entries)
            ],
            "form": form,
            "errors": errors,
        },
        status=400 if errors or form.errors else 200,
    )


def rates_banner(request: HttpRequest) -> dict:
    """Context processor: `missing_rates` for a manager, on every page; nothing otherwise."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    try:
        workspace = current_workspace(request)
    except PermissionDenied:  # the 403 page renders with this processor too
        return {}
    if not workspace.may_manage:
        return {}
    return {"missing_rates": missing_rates_on(timezone.localdate())}
