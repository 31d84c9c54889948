"""« Traitement › Recouvrement › Tableau de bord » (issue 14 §1, B6) and the landing page."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from recouvrement.services import reports
from recouvrement.web.dashboard import sections
from recouvrement.web.dashboard.forms import DashboardForm
from recouvrement.web.workspace import current_workspace


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """`/`: a « Responsable recouvrement » lands on the dashboard, the others on the dossiers."""
    return redirect("dashboard" if current_workspace(request).may_manage else "dossier_list")


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """Every figure at `?date=` (ISO or JJ/MM/AAAA, default today) within what the user sees:
    the company's and per chargé, or a collector's own."""
    workspace = current_workspace(request)
    today = timezone.localdate()
    as_of, problem = DashboardForm(request.GET).as_of(today)
    page = None
    if as_of is not None:
        try:
            board = reports.dashboard(workspace.company, as_of=as_of, user=request.user)
        except ValidationError as error:  # a date the reports cannot read
            problem = " ".join(error.messages)
        else:
            disputes = reports.dispute_report(workspace.company, user=request.user, today=today)
            page = sections.page(board, disputes)
    context = {"page": page, "problem": problem, "as_of": as_of or today, "today": today}
    return render(request, "dashboard/dashboard.html", context, status=400 if problem else 200)
