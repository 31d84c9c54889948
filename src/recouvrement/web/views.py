"""Views: read the request, call a read query or a service, render French HTML."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from recouvrement.db.models import Collaborator, Dossier
from recouvrement.db.queries import dossier_page, dossier_rows
from recouvrement.domain.statuses import DossierStatus
from recouvrement.web.forms import DossierFilterForm
from recouvrement.web.workspace import current_workspace

DOSSIERS_PER_PAGE = 50


@login_required
def dossier_list(request: HttpRequest) -> HttpResponse:
    """« Traitement › Recouvrement › Dossiers de recouvrement »."""
    workspace = current_workspace(request)
    filters = DossierFilterForm(request.GET).filters()
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
