"""« Gestion des actions »: the totals row, loaded after the page's rows (summing the « Solde »
of every dossier the filters keep reads them all: the first page would wait for it)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from recouvrement.db.worklist import worklist_totals
from recouvrement.web.worklist.forms import WorklistFilterForm
from recouvrement.web.workspace import current_workspace

# The columns before « Solde »: Priorité, Suggérée to Date prévue, and the selection box.
COLUMNS_BEFORE_BALANCE = 8


@login_required
def worklist_totals_row(request: HttpRequest) -> HttpResponse:
    """The worklist's totals row for the same GET filters: every row, not only the page's."""
    workspace = current_workspace(request)
    own = workspace.collaborator if workspace.own_dossiers_by_default else None
    form = WorklistFilterForm(
        request.GET, company=workspace.company, today=timezone.localdate(), own=own
    )
    filters = form.filters()
    totals = worklist_totals(
        workspace.company,
        filters.as_of,
        collector_id=filters.collector_id,
        where=filters.type_filter(),
    )
    span = COLUMNS_BEFORE_BALANCE + (1 if workspace.may_change else 0)
    return render(request, "worklist/_totals.html", {"totals": totals, "span": span})
