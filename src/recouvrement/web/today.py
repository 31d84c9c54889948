"""« Aujourd'hui » (issue 13 §6): the user's alerts and promises « A faire » due today or
overdue — a panel on the landing page, a page, and a count in the menu bar.

`today_items` (context processor) is lazy: a page that shows only the menu's count runs one
COUNT query; the panel's rows are read only by the page that includes the panel.
"""

from datetime import date
from functools import cached_property

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from recouvrement.db.models import Company
from recouvrement.db.today import today_count, today_rows
from recouvrement.domain.today import TodayScope, today_scope
from recouvrement.web.workspace import Workspace, current_workspace

PANEL_ROWS = 8
PAGE_ROWS = 100


class TodayItems:
    """What « Aujourd'hui » shows one user on one day, each part read when first asked."""

    def __init__(self, company: Company, scope: TodayScope, as_of: date) -> None:
        self.company, self.scope, self.as_of = company, scope, as_of

    @classmethod
    def of(cls, workspace: Workspace, as_of: date) -> "TodayItems":
        chargé = workspace.collaborator_id if workspace.own_dossiers_by_default else None
        return cls(workspace.company, today_scope(workspace.role, chargé), as_of)

    @cached_property
    def count(self) -> int:
        return today_count(self.company, self.as_of, self.scope)

    @cached_property
    def first(self) -> list:
        """The panel's rows: the oldest first."""
        return list(today_rows(self.company, self.as_of, self.scope)[:PANEL_ROWS])

    @property
    def more(self) -> bool:
        return self.count > len(self.first)

    def rows(self):
        return today_rows(self.company, self.as_of, self.scope)


def today_items(request: HttpRequest) -> dict:
    """Context processor: `today_items` for the menu's count and the landing page's panel."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    try:
        workspace = current_workspace(request)
    except PermissionDenied:
        return {}  # the 403 page renders with the processors too
    return {"today_items": TodayItems.of(workspace, timezone.localdate())}


@login_required
@require_GET
def today(request: HttpRequest) -> HttpResponse:
    """« Aujourd'hui »: every alert and promise due, oldest first, 100 a page."""
    items = TodayItems.of(current_workspace(request), timezone.localdate())
    # A page number that is none (« abc », -1, 10**30) shows the first or the last page.
    page = Paginator(items.rows(), PAGE_ROWS).get_page(request.GET.get("page"))
    return render(request, "today/today.html", {"items": items, "page": page})
