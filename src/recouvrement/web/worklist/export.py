"""« Gestion des actions » exported: every row the screen's filters keep (a collector's own
actions by default, as on the screen), in its order, each with its dossier's « Solde », and
the screen's totals row."""

from collections.abc import Iterable, Iterator
from itertools import islice

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from recouvrement.db.models import Company
from recouvrement.db.queries import dossier_balances
from recouvrement.db.worklist import worklist_query, worklist_totals
from recouvrement.domain.statuses import ActionType, InterventionKind
from recouvrement.exports.columns import Column, Kind, Table, Totals
from recouvrement.web.exports import export_response
from recouvrement.web.worklist.forms import WorklistFilterForm, WorklistFilters
from recouvrement.web.workspace import current_workspace

CHUNK = 2000  # rows read at once; their dossiers' « Solde » in two queries
FIELDS = (
    "dossier_id",
    "dossier__priority",
    "dossier__collector__first_name",
    "dossier__collector__last_name",
    "dossier__number",
    "dossier__customer__code",
    "dossier__customer__name",
    "label",
    "kind",
    "action_type",
    "planned_date",
    "comment",
)
KINDS_SHOWN = {
    kind.value: kind.label for kind in (InterventionKind.ALERT, InterventionKind.PROMISE)
}
ACTION_TYPES = {action.value: action.label for action in ActionType}


def _collector(row: dict) -> str:
    first, last = row["dossier__collector__first_name"], row["dossier__collector__last_name"]
    return f"{first or ''} {last or ''}".strip()


def _type(row: dict) -> str:
    """As the « Type » column shows it: an alert's or a promise's nature, else the action's."""
    return KINDS_SHOWN.get(row["kind"]) or ACTION_TYPES.get(row["action_type"] or "", "")


COLUMNS = (
    Column.of("Priorité", Kind.INT, "dossier__priority"),
    Column.of("Chargé", Kind.TEXT, _collector),
    Column.of("Dossier", Kind.TEXT, "dossier__number"),
    Column.of("Code client", Kind.TEXT, "dossier__customer__code"),
    Column.of("Client", Kind.TEXT, "dossier__customer__name"),
    Column.of("Étape", Kind.TEXT, "label"),
    Column.of("Type", Kind.TEXT, _type),
    Column.of("Date prévue", Kind.DATE, "planned_date"),
    Column.of("Commentaire", Kind.TEXT, "comment"),
    Column.of("Solde", Kind.MONEY, "balance"),
)


def _with_balances(rows: Iterable[dict]) -> Iterator[dict]:
    """Each row with its dossier's « Solde » (`dossier_balances`, as the screen reads it), read
    for `CHUNK` rows at a time."""
    rows = iter(rows)
    while chunk := list(islice(rows, CHUNK)):
        balances = dossier_balances({row["dossier_id"] for row in chunk})
        for row in chunk:
            row["balance"] = balances[row["dossier_id"]]
            yield row


def worklist_table(company: Company, filters: WorklistFilters) -> Table:
    where = filters.type_filter()

    def totals() -> Totals:
        figures = worklist_totals(
            company, filters.as_of, collector_id=filters.collector_id, where=where
        )
        plural = "s" if figures.dossiers != 1 else ""  # as the screen's `pluralize`
        return Totals(f"Total ({figures.dossiers} dossier{plural})", {"Solde": figures.balance})

    query = worklist_query(
        company,
        filters.as_of,
        collector_id=filters.collector_id,
        sort=[filters.sort],
        descending=filters.descending,
        where=where,
    )
    rows = _with_balances(query.values(*FIELDS).iterator(chunk_size=CHUNK))
    return Table("gestion-des-actions", "Gestion des actions", COLUMNS, rows, totals)


@login_required
def worklist_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The rows with the GET filters of the page, every page (a filter that does not validate
    falls back to its default, as on the page)."""
    workspace = current_workspace(request)
    own = workspace.collaborator if workspace.own_dossiers_by_default else None
    form = WorklistFilterForm(
        request.GET, company=workspace.company, today=timezone.localdate(), own=own
    )
    return export_response(worklist_table(workspace.company, form.filters()), fmt)
