"""Read queries behind the screens: one function per list or page, a fixed number of queries."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    DecimalField,
    Expression,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from recouvrement.db.models import (
    Allocation,
    Collaborator,
    Company,
    Dossier,
    DossierReceivable,
    Intervention,
    JournalEntry,
    Receivable,
)
from recouvrement.domain.balances import DossierFigures, dossier_charges, dossier_figures
from recouvrement.domain.statuses import DossierStatus

# The dossier list's sorts (column headers), each ending with the number: a stable order.
DOSSIER_ORDERS = {
    "date": ("-start_date", "-number"),
    "priorite": ("priority", "-start_date", "-number"),
    "client": ("customer__name", "-number"),
    "solde": ("-balance", "-number"),
}
TIMELINE_LENGTH = 200  # the dossier page shows the latest changes; the journal keeps all

# Wider than a MoneyField: a sum of many amounts must not overflow.
TOTAL = DecimalField(max_digits=16, decimal_places=2)
_ZERO = Value(Decimal("0.00"), output_field=TOTAL)


def _total_per_dossier(rows: QuerySet, amount: Expression) -> Coalesce:
    """`SUM(amount)` over `rows` of the outer dossier, as a correlated subquery.

    A subquery per figure rather than joins: joining the échéances and the interventions
    together would multiply each amount by the number of rows of the other table.
    """
    total = (
        rows.filter(dossier=OuterRef("pk"))
        .order_by()
        .values("dossier")
        .annotate(total=Sum(amount, output_field=TOTAL))
        .values("total")
    )
    return Coalesce(Subquery(total, output_field=TOTAL), _ZERO, output_field=TOTAL)


def dossier_rows(
    company: Company,
    *,
    status: DossierStatus | str | None = None,
    collector: Collaborator | int | None = None,
    priority: int | None = None,
    search: str = "",
    order: str = "date",
) -> QuerySet[Dossier]:
    """The dossier list: client, chargé and the figures « Factures », « Règlements », « Solde ».

    Each row carries `invoices`, `payments`, `charges` and `balance` (Decimal); `search`
    matches the dossier number, the client code or the client name.
    """
    invoices = _total_per_dossier(DossierReceivable.objects.all(), F("receivable__amount"))
    open_amount = _total_per_dossier(DossierReceivable.objects.all(), F("receivable__open_amount"))
    # The rule of domain.balances.dossier_charges, in SQL: fees add up, the latest penalty.
    latest_penalty = Coalesce(
        Subquery(
            Intervention.objects.filter(dossier=OuterRef("pk"), penalty_amount__gt=0)
            .order_by("-planned_date", "-pk")
            .values("penalty_amount")[:1],
            output_field=TOTAL,
        ),
        _ZERO,
        output_field=TOTAL,
    )
    charges = ExpressionWrapper(
        _total_per_dossier(Intervention.objects.all(), F("fee_amount")) + latest_penalty,
        output_field=TOTAL,
    )
    rows = (
        Dossier.objects.filter(company=company)
        .select_related("customer", "collector")
        .annotate(invoices=invoices, charges=charges)
        .alias(open_total=open_amount)
        .annotate(
            # Same arithmetic as domain.balances.DossierFigures, so list and page agree.
            payments=F("invoices") - F("open_total"),
            balance=F("open_total") + F("charges"),
        )
        .order_by(*DOSSIER_ORDERS.get(order, DOSSIER_ORDERS["date"]))
    )
    if priority is not None:
        rows = rows.filter(priority=priority)
    if status:
        rows = rows.filter(status=DossierStatus(status))
    if collector is not None:
        rows = rows.filter(collector=collector)
    if search := search.strip():
        rows = rows.filter(
            Q(number__icontains=search)
            | Q(customer__code__icontains=search)
            | Q(customer__name__icontains=search)
        )
    return rows


@dataclass(frozen=True)
class DossierPage:
    """Everything the dossier page shows, read in three queries."""

    dossier: Dossier
    receivables: list[Receivable]
    interventions: list[Intervention]
    figures: DossierFigures
    journal: list[JournalEntry]  # « Historique », newest first
    allocations: list[Allocation]  # the règlements paid on its échéances, oldest first


def dossier_page(company: Company, pk: int) -> DossierPage:
    """The dossier `pk` of `company`; raises `Dossier.DoesNotExist` for any other dossier."""
    dossier = Dossier.objects.select_related(
        "customer", "collector", "contact", "scenario", "dispute_reason", "resolution"
    ).get(company=company, pk=pk)
    receivables = list(
        Receivable.objects.filter(links__dossier=dossier).order_by("due_date", "reference", "pk")
    )
    interventions = list(
        Intervention.objects.filter(dossier=dossier)
        .select_related("step", "contact", "user__collaborator", "document")
        .order_by("planned_date", "id")
    )
    charges = dossier_charges(
        (i.fee_amount for i in interventions),
        ((i.planned_date, i.pk, i.penalty_amount) for i in interventions if i.penalty_amount),
    )
    figures = dossier_figures(((r.amount, r.open_amount) for r in receivables), [charges])
    journal = list(
        JournalEntry.objects.filter(dossier=dossier)
        .select_related("user")
        .order_by("-at", "-id")[:TIMELINE_LENGTH]
    )
    allocations = list(
        Allocation.objects.filter(receivable__in=receivables)
        .select_related("payment", "receivable")
        .order_by("payment__date", "pk")
    )
    return DossierPage(dossier, receivables, interventions, figures, journal, allocations)
