"""« Ouvrir les dossiers des retards » (B5): a preview, then the confirmed run (manager only)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from recouvrement import services
from recouvrement.web.dossiers.opening_form import OverdueOpeningForm
from recouvrement.web.workspace import current_workspace

CONFIRM = "confirmer"


@login_required
@require_http_methods(["GET", "POST"])
def dossiers_open_overdue(request: HttpRequest) -> HttpResponse:
    """GET: the customers that would get a dossier, their amounts, chargé and scenario. POST
    with « confirmer »: the run, which checks the preview again and says what changed."""
    workspace = current_workspace(request)
    workspace.require_manager("ouvre les dossiers en série")
    company, today = workspace.company, timezone.localdate()
    if request.method == "POST" and CONFIRM not in request.POST:
        return redirect("dossiers_open_overdue")  # a button without the preview: show it first
    preview = services.overdue_opening_preview(company, today=today)
    posted = request.method == "POST"
    form = OverdueOpeningForm(request.POST if posted else None, company=company, preview=preview)
    if posted and form.is_valid():
        summary = services.open_overdue_dossiers(
            company,
            today=today,
            user=request.user,
            collectors=form.chosen,
            confirmed=form.confirmed,
        )
        opened = len(summary.opened)
        messages.success(request, f"{opened} dossier{pluralize(opened)} ouvert{pluralize(opened)}.")
        for line in [*summary.refused, *summary.changed]:
            messages.error(request, line)
        return redirect("dossiers_open_overdue" if summary.changed else "dossier_list")
    return render(
        request,
        "dossiers/open_overdue.html",
        {"preview": preview, "form": form, "rows": _rows(form)},
        status=400 if form.errors else 200,
    )


def _rows(form: OverdueOpeningForm) -> list[dict]:
    return [{"row": row, "choice": form.row_choice(row)} for row in form.preview.rows]
