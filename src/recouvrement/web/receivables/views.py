"""« Traitement › Recouvrement › Échéances »: the échéances still owed at a date, by tranche of
days late, chargé and client — what each figure of the balance âgée is made of. Read-only,
for every role; a collector sees the échéances of the dossiers they follow."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from recouvrement.db.reports import collaborators
from recouvrement.domain.reports import BUCKETS, report_scope_of
from recouvrement.services.reports import receivable_list as receivables_owed
from recouvrement.web.forms import ignored_filters
from recouvrement.web.receivables.forms import (
    NO_COLLECTOR,
    RECEIVABLE_COLUMNS,
    ReceivableFilterForm,
)
from recouvrement.web.sorting import sort_headers
from recouvrement.web.workspace import current_workspace

RECEIVABLES_PER_PAGE = 50


def filtered_receivables(request: HttpRequest, workspace, today, people):
    """The page's filter form, its filters and the échéances they keep (page and export);
    `people`: the company's collaborators (db.reports.collaborators)."""
    form = ReceivableFilterForm(request.GET, collector_ids={c.pk for c in people})
    filters = form.filters(today)
    rows = receivables_owed(
        workspace.company,
        as_of=filters.as_of,
        user=request.user,
        bucket=filters.bucket,
        collector=filters.collector,
        client=filters.client,
        order=filters.order,
        today=today,
    )
    return form, filters, rows


@login_required
@require_GET
def receivable_list(request: HttpRequest) -> HttpResponse:
    workspace = current_workspace(request)
    today = timezone.localdate()
    people = collaborators(workspace.company)
    form, filters, rows = filtered_receivables(request, workspace, today, people)
    for ignored in ignored_filters(form):
        messages.warning(request, ignored)
    totals = rows.totals()
    page = Paginator(rows, RECEIVABLES_PER_PAGE).get_page(request.GET.get("page"))
    buckets = {b.key: b for b in BUCKETS}
    return render(
        request,
        "receivables/receivable_list.html",
        {
            "page": page,
            "totals": totals,
            "filters": filters,
            "today": today,
            "headers": sort_headers(RECEIVABLE_COLUMNS, filters.order),
            "buckets": BUCKETS,
            "bucket": buckets.get(filters.bucket or ""),
            "scope": report_scope_of(workspace.role, workspace.collaborator_id),
            "collectors": [c for c in people if c.is_collector or c.pk == filters.collector],
            "collector": next((c for c in people if c.pk == filters.collector), None),
            "no_collector": NO_COLLECTOR,
        },
    )
