"""« Structure › Journal » (M9): the company's own journal rows — configuration, users,
logins, imports — newest first, for a responsable recouvrement. Read-only."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from recouvrement.db.company_journal import company_actions, company_rows, journal_lines
from recouvrement.web.workspace import current_workspace

ROWS_PER_PAGE = 50
# Ends the domain's sentence: « Seul un responsable recouvrement peut consulter le journal. »
READ_JOURNAL = "peut consulter le journal de la société"


@login_required
def journal_list(request: HttpRequest) -> HttpResponse:
    workspace = current_workspace(request)
    workspace.require_manager(READ_JOURNAL)
    actions = company_actions(workspace.company)
    action = request.GET.get("action", "")
    if action not in dict(actions):  # only a code the journal holds: anything else shows all
        action = ""
    rows = company_rows(workspace.company, action=action)
    page = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "structure/journal_list.html",
        {
            "page": page,
            "lines": journal_lines(page.object_list),
            "actions": actions,
            "action": action,
        },
    )
