"""« Traitement › Recouvrement › Gestion des actions » (S9); its batch actions: `batch`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from recouvrement.db.worklist import WorklistPage, worklist_rows
from recouvrement.services.dispute_reads import dossiers_in_dispute
from recouvrement.services.step_emails import attach_step_emails
from recouvrement.web.forms import ignored_filters
from recouvrement.web.sorting import sort_headers
from recouvrement.web.worklist.batch import batch_bar
from recouvrement.web.worklist.columns import WORKLIST_COLUMNS
from recouvrement.web.worklist.forms import (
    ALL_COLLECTORS,
    SORT_CHOICES,
    TYPE_CHOICES,
    WorklistFilterForm,
    WorklistFilters,
)
from recouvrement.web.workspace import Workspace, current_workspace

ROWS_PER_PAGE = 50


def _page(workspace: Workspace, filters: WorklistFilters) -> WorklistPage:
    """One page and one row more, to know whether a next page exists without counting."""
    options = {
        "collector_id": filters.collector_id,
        "sort": [filters.sort],
        "descending": filters.descending,
    }
    offset, limit = (filters.page - 1) * ROWS_PER_PAGE, ROWS_PER_PAGE + 1
    return worklist_rows(
        workspace.company,
        filters.as_of,
        where=filters.type_filter(),
        offset=offset,
        limit=limit,
        **options,
    )


@login_required
def worklist(request: HttpRequest) -> HttpResponse:
    """The actions « A faire » due by a date, across the company's open dossiers."""
    workspace = current_workspace(request)
    today = timezone.localdate()
    own = workspace.collaborator if workspace.own_dossiers_by_default else None
    form = WorklistFilterForm(request.GET, company=workspace.company, today=today, own=own)
    for ignored in ignored_filters(form):
        messages.warning(request, ignored)
    filters = form.filters()
    page = _page(workspace, filters)
    rows = page.rows[:ROWS_PER_PAGE]
    attach_step_emails(rows)  # each « E-mail » row's latest e-mail, one query for the page
    disputed = dossiers_in_dispute({row.dossier_id for row in rows})  # B10, one query
    for row in rows:
        row.balance = page.balances.get(row.dossier_id)
        row.disputed = row.dossier_id in disputed
    return render(
        request,
        "worklist/worklist.html",
        {
            "rows": rows,
            "filters": filters,
            "form": form,
            "collectors": form.collectors,
            "own": own,
            "all_collectors": ALL_COLLECTORS,
            "sorts": SORT_CHOICES,
            "types": TYPE_CHOICES,
            "has_next": len(page.rows) > ROWS_PER_PAGE,
            "has_previous": filters.page > 1,
            "first_number": (filters.page - 1) * ROWS_PER_PAGE + 1,
            "last_number": (filters.page - 1) * ROWS_PER_PAGE + len(rows),
            "may_change": workspace.may_change,
            "batch": batch_bar(request, workspace, rows),
            "today": today,
            "headers": sort_headers(WORKLIST_COLUMNS, filters.tri),
        },
    )
