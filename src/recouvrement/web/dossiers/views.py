"""« Traitement › Recouvrement › Dossiers de recouvrement »: read the request, call a read
query or a service, render French HTML."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.utils import timezone
from django.views.decorators.http import require_POST

from recouvrement.db.models import Collaborator, Dossier
from recouvrement.db.queries import dossier_page, dossier_rows
from recouvrement.domain.statuses import DossierStatus
from recouvrement.services import open_overdue_dossiers
from recouvrement.web.dossiers.forms import DossierFilterForm
from recouvrement.web.forms import ignored_filters
from recouvrement.web.workspace import current_workspace

DOSSIERS_PER_PAGE = 50


@login_required
def dossier_list(request: HttpRequest) -> HttpResponse:
    """« Traitement › Recouvrement › Dossiers de recouvrement »."""
    workspace = current_workspace(request)
    form = DossierFilterForm(request.GET)
    for ignored in ignored_filters(form):
        messages.warning(request, ignored)
    filters = form.filters()
    own_only = workspace.own_dossiers_by_default and not filters.show_all
    collector = workspace.collaborator if own_only else filters.collector_id
    rows = dossier_rows(
        workspace.company,
        status=filters.status,
        collector=collector,
        priority=filters.priority,
        search=filters.search,
        order=filters.order,
    )
    page = Paginator(rows, DOSSIERS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "dossiers/dossier_list.html",
        {
            "page": page,
            "filters": filters,
            "own_only": own_only,
            "statuses": list(DossierStatus),
            "collectors": Collaborator.objects.filter(company=workspace.company, is_collector=True),
        },
    )


@login_required
def dossier_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The dossier de recouvrement, read-only: header, figures, échéances, interventions."""
    workspace = current_workspace(request)
    try:
        page = dossier_page(workspace.company, pk)
    except Dossier.DoesNotExist:
        raise Http404("Ce dossier de recouvrement n'existe pas.") from None
    return render(request, "dossiers/dossier_detail.html", {"page": page})


@login_required
@require_POST
def dossiers_open_overdue(request: HttpRequest) -> HttpResponse:
    """B5, the button: a dossier per customer with overdue échéances nobody follows yet (the
    service refuses anyone but a manager)."""
    workspace = current_workspace(request)
    summary = open_overdue_dossiers(
        workspace.company, today=timezone.localdate(), user=request.user
    )
    opened = len(summary.opened)
    messages.success(request, f"{opened} dossier{pluralize(opened)} ouvert{pluralize(opened)}.")
    for refusal in summary.refused:
        messages.error(request, refusal)
    return redirect("dossier_list")
