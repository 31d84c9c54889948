"""« Dossiers de recouvrement » exported: the dossiers the screen's filters keep (a collector's
« Mes dossiers » by default, as on the screen), in its order, with its totals row."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse

from recouvrement.db.dossier_list import dossier_totals
from recouvrement.domain.statuses import DossierStatus
from recouvrement.exports.columns import Column, Kind, Table, Totals
from recouvrement.web.dossiers.forms import DossierFilterForm
from recouvrement.web.dossiers.listing import DossierListing, dossier_listing
from recouvrement.web.exports import export_response
from recouvrement.web.workspace import current_workspace

CHUNK = 2000  # rows read from the database at once
FIELDS = (
    "number",
    "customer__code",
    "customer__name",
    "collector__first_name",
    "collector__last_name",
    "priority",
    "status",
    "start_date",
    "invoices",
    "payments",
    "balance",
)
STATUSES = {status.value: status.label for status in DossierStatus}


def _collector(row: dict) -> str:
    return f"{row['collector__first_name'] or ''} {row['collector__last_name'] or ''}".strip()


COLUMNS = (
    Column.of("N° dossier", Kind.TEXT, "number"),
    Column.of("Code client", Kind.TEXT, "customer__code"),
    Column.of("Client", Kind.TEXT, "customer__name"),
    Column.of("Chargé de recouvrement", Kind.TEXT, _collector),
    Column.of("Priorité", Kind.INT, "priority"),
    Column.of("Statut", Kind.TEXT, lambda row: STATUSES.get(row["status"], row["status"])),
    Column.of("Date de début", Kind.DATE, "start_date"),
    Column.of("Factures", Kind.MONEY, "invoices"),
    Column.of("Règlements", Kind.MONEY, "payments"),
    Column.of("Solde", Kind.MONEY, "balance"),
)


def dossier_table(listing: DossierListing) -> Table:
    def totals() -> Totals:
        figures = dossier_totals(listing.rows)
        plural = "s" if figures.dossiers != 1 else ""  # as the screen's `pluralize`
        return Totals(
            f"Total ({figures.dossiers} dossier{plural})",
            {
                "Factures": figures.invoices,
                "Règlements": figures.payments,
                "Solde": figures.balance,
            },
        )

    rows = listing.rows.values(*FIELDS).iterator(chunk_size=CHUNK)
    return Table("dossiers", "Dossiers de recouvrement", COLUMNS, rows, totals)


@login_required
def dossier_list_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The list's rows with the GET filters of the page (a filter that does not validate is
    ignored, as on the page)."""
    listing = dossier_listing(current_workspace(request), DossierFilterForm(request.GET))
    return export_response(dossier_table(listing), fmt)
