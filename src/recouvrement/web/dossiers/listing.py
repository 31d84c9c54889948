"""« Dossiers de recouvrement »: the dossiers the filters keep, and their totals row, which the
page loads after its rows (summing every dossier's figures would slow the page)."""

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from recouvrement.db.dossier_list import dossier_totals
from recouvrement.db.models import Dossier
from recouvrement.db.queries import dossier_rows
from recouvrement.web.dossiers.forms import DossierFilterForm, DossierFilters
from recouvrement.web.workspace import Workspace, current_workspace


@dataclass(frozen=True)
class DossierListing:
    rows: QuerySet[Dossier]
    filters: DossierFilters
    own_only: bool  # « Mes dossiers »: a collector's own, the default for them


def dossier_listing(workspace: Workspace, form: DossierFilterForm) -> DossierListing:
    """The dossiers the GET filters keep, in the order asked for."""
    filters = form.filters()
    own_only = workspace.own_dossiers_by_default and not filters.show_all
    rows = dossier_rows(
        workspace.company,
        status=filters.status,
        collector=workspace.collaborator if own_only else filters.collector_id,
        priority=filters.priority,
        search=filters.search,
        order=filters.order,
        in_dispute=filters.in_dispute,
    )
    return DossierListing(rows, filters, own_only)


@login_required
def dossier_list_totals(request: HttpRequest) -> HttpResponse:
    """The list's totals row for the same GET filters: every dossier, not only the page's."""
    listing = dossier_listing(current_workspace(request), DossierFilterForm(request.GET))
    return render(request, "dossiers/_totals.html", {"totals": dossier_totals(listing.rows)})
