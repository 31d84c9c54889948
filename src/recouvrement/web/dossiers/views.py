"""« Traitement › Recouvrement › Dossiers de recouvrement »: read the request, call a read
query or a service, render French HTML."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from recouvrement.db.dossier_list import PagedDossiers
from recouvrement.db.models import Collaborator, Dossier
from recouvrement.db.queries import dossier_page
from recouvrement.domain.statuses import DossierStatus
from recouvrement.services.evidence import evidence_packs
from recouvrement.services.priority import dossier_suggestion
from recouvrement.web.disputes.views import dispute_section
from recouvrement.web.dossiers.forms import DOSSIER_COLUMNS, DossierFilterForm
from recouvrement.web.dossiers.listing import dossier_listing
from recouvrement.web.forms import ignored_filters
from recouvrement.web.sorting import sort_headers
from recouvrement.web.workspace import current_workspace

DOSSIERS_PER_PAGE = 50


@login_required
def dossier_list(request: HttpRequest) -> HttpResponse:
    """« Traitement › Recouvrement › Dossiers de recouvrement »."""
    workspace = current_workspace(request)
    form = DossierFilterForm(request.GET)
    for ignored in ignored_filters(form):
        messages.warning(request, ignored)
    listing = dossier_listing(workspace, form)
    filters = listing.filters
    paged = PagedDossiers(listing.rows)
    page = Paginator(paged, DOSSIERS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "dossiers/dossier_list.html",
        {
            "page": page,
            "headers": sort_headers(DOSSIER_COLUMNS, filters.order),
            "filters": filters,
            "own_only": listing.own_only,
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
    may_edit = workspace.may_change_dossier(page.dossier)
    disputes = dispute_section(workspace, page.dossier)
    context = {"page": page, "may_edit": may_edit, "packs": evidence_packs(page.dossier)}
    context["suggestion"] = dossier_suggestion(page.dossier, today=timezone.localdate())  # B11
    return render(request, "dossiers/dossier_detail.html", {**context, **disputes})
