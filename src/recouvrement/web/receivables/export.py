"""« Échéances » exported: the échéances still owed at the screen's date with its filters (a
collector's own only, as on the screen), in its order, with its totals row."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from recouvrement.db.reports import ReceivableRows, collaborators
from recouvrement.exports.columns import Column, Kind, Table, Totals
from recouvrement.web.exports import export_response
from recouvrement.web.receivables.views import filtered_receivables
from recouvrement.web.workspace import current_workspace

COLUMNS = (
    Column.of("Code client", Kind.TEXT, lambda row: row.customer_code),
    Column.of("Client", Kind.TEXT, lambda row: row.customer_name),
    Column.of("Pièce", Kind.TEXT, lambda row: row.reference),
    Column.of("Date de pièce", Kind.DATE, lambda row: row.piece_date),
    Column.of("Échéance", Kind.DATE, lambda row: row.due_date),
    Column.of("Montant", Kind.MONEY, lambda row: row.amount),
    Column.of("Reste dû à la date", Kind.MONEY, lambda row: row.owed),
    Column.of("Retard (jours)", Kind.INT, lambda row: row.days_late),
    Column.of("Dossier", Kind.TEXT, lambda row: row.dossier_number),
    Column.of("Chargé", Kind.TEXT, lambda row: row.collector_name),
)


def receivable_table(rows: ReceivableRows) -> Table:
    def totals() -> Totals:
        figures = rows.totals()
        plural = "s" if figures.count != 1 else ""  # as the screen's `pluralize`
        return Totals(
            f"Total ({figures.count} échéance{plural})",
            {"Montant": figures.amount, "Reste dû à la date": figures.owed},
        )

    return Table("echeances", "Échéances", COLUMNS, iter(rows), totals)


@login_required
@require_GET
def receivable_list_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The échéances with the GET filters of the page (a filter that does not validate is
    ignored, as on the page)."""
    workspace = current_workspace(request)
    people = collaborators(workspace.company)
    _, _, rows = filtered_receivables(request, workspace, timezone.localdate(), people)
    return export_response(receivable_table(rows), fmt)
