"""« Dossiers de recouvrement »: the order of each column, both ways, and the totals row."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    Expression,
    F,
    IntegerField,
    OrderBy,
    QuerySet,
    Sum,
    Value,
    When,
)

from recouvrement.db.functions import SearchKey
from recouvrement.db.priority_facts import suggested_urgency
from recouvrement.domain.statuses import DossierStatus

# The list's default: the latest dossiers first.
DEFAULT_DOSSIER_ORDER = "-date"


def _status_rank() -> Case:
    """« Statut » in the dossier's life: En cours, Contentieux, Clos."""
    return Case(
        *(When(status=status.value, then=Value(n)) for n, status in enumerate(DossierStatus)),
        output_field=IntegerField(),
    )


def _column_keys(column: str) -> list[Expression] | None:
    """What a column sorts by, before the number; None for no such column. Names by their
    search key (accents and case ignored), « Statut » in the dossier's life, the figures by
    the amounts the list shows (annotations of `dossier_rows`)."""
    match column:
        case "numero":
            return []
        case "client":
            return [SearchKey("customer__name")]
        case "charge":  # no chargé first, as « Gestion des actions » orders them
            return [SearchKey("collector__last_name"), SearchKey("collector__first_name")]
        case "priorite":
            return [F("priority")]
        case "suggeree":  # B11: the highest stored score first, never scored last
            return [suggested_urgency()]
        case "statut":
            return [_status_rank()]
        case "date":
            return [F("start_date")]
        case "factures":
            return [F("invoices")]
        case "reglements":
            return [F("payments")]
        case "solde":
            return [F("balance")]
    return None


def dossier_order(order: str) -> list[OrderBy]:
    """`order` is a column (ascending) or `-column` (descending); each ends with the dossier's
    number then its id, the same way: a stable order. An unknown column: the default."""
    column = order.removeprefix("-")
    keys = _column_keys(column)
    if keys is None:
        return dossier_order(DEFAULT_DOSSIER_ORDER)
    descending = order.startswith("-")
    return [
        key.desc(nulls_last=True) if descending else key.asc(nulls_first=True)
        for key in (*keys, F("number"), F("pk"))
    ]


@dataclass(frozen=True)
class DossierTotals:
    dossiers: int
    invoices: Decimal
    payments: Decimal
    balance: Decimal


def dossier_totals(rows: QuerySet) -> DossierTotals:
    """The totals row: every dossier of `rows` (`dossier_rows`, filtered), not only the
    page's, in one aggregate query."""
    totals = rows.order_by().aggregate(
        count=Count("pk"),
        invoices_total=Sum("invoices"),
        payments_total=Sum("payments"),
        balance_total=Sum("balance"),
    )
    zero = Decimal("0.00")
    return DossierTotals(
        dossiers=totals["count"],
        invoices=totals["invoices_total"] or zero,
        payments=totals["payments_total"] or zero,
        balance=totals["balance_total"] or zero,
    )


class PagedDossiers:
    """`dossier_rows` for a paginator: the order picks a page's ids first, then the figures
    (a correlated subquery each) are computed for that page's dossiers only — SQLite would
    otherwise compute them for every dossier the sort reads."""

    def __init__(self, rows: QuerySet):
        self.rows = rows

    def count(self) -> int:
        return self.rows.count()

    def __getitem__(self, page: slice) -> list:
        ids = list(self.rows.values_list("pk", flat=True)[page])
        found = self.rows.order_by().in_bulk(ids)
        return [found[pk] for pk in ids]
