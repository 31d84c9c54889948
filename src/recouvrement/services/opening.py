"""B5: one dossier per customer with overdue échéances not yet followed — `open-dossiers` and
« Ouvrir les dossiers des retards » (a preview, then the confirmed run).

Rules: never a second open dossier for a customer (a customer already followed by an open
dossier is only listed, its new overdue échéances « à ajouter au dossier … »); the default
scenario; the chargé is the customer's (`Customer.default_collector`), else the one the manager
chose in the preview, else none. The confirmed run computes the preview again and opens only
the customers whose échéances, amount and chargé are still those the manager saw.
"""

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, QuerySet

from recouvrement.db.models import (
    Collaborator,
    Company,
    Customer,
    Dossier,
    DossierReceivable,
    Receivable,
    Scenario,
)
from recouvrement.domain.money import format_amount
from recouvrement.domain.statuses import DossierStatus
from recouvrement.services.actors import require_manager
from recouvrement.services.dossiers import open_dossier
from recouvrement.services.use_case import use_case

OPEN_STATUSES = [DossierStatus.OPEN, DossierStatus.LITIGATION]


@dataclass
class OpeningSummary:
    opened: list[Dossier] = field(default_factory=list)
    below_minimum: int = 0
    refused: list[str] = field(default_factory=list)
    # Customers the manager saw in the preview and no longer as seen: not opened, told why.
    changed: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return {
            "opened": len(self.opened),
            "below_minimum": self.below_minimum,
            "refused": len(self.refused),
        }


@dataclass(frozen=True)
class OpeningRow:
    """A customer the run would open a dossier for (or, `dossier` set, one already followed)."""

    customer: Customer
    receivables: tuple[Receivable, ...]
    collector: Collaborator | None  # the customer's chargé; None: the manager chooses
    dossier: Dossier | None = None  # the open dossier already following the customer

    @property
    def count(self) -> int:
        return len(self.receivables)

    @property
    def total(self) -> Decimal:
        return sum((r.open_amount for r in self.receivables), Decimal("0"))

    @property
    def fingerprint(self) -> str:
        """What the manager saw: the échéances, their amounts and the chargé."""
        items = "-".join(f"{r.pk}={r.open_amount}" for r in self.receivables)
        return f"{items}/{self.collector.pk if self.collector else ''}"

    def describe(self) -> str:
        return f"{self.count} échéance(s), {format_amount(self.total)}"


@dataclass(frozen=True)
class OpeningPreview:
    scenario: Scenario | None
    minimum: Decimal
    rows: list[OpeningRow]  # a new dossier each
    followed: list[OpeningRow]  # already followed: nothing opened, échéances to add there
    below_minimum: list[OpeningRow]

    @property
    def total(self) -> Decimal:
        return sum((row.total for row in self.rows), Decimal("0"))

    @property
    def unassigned(self) -> int:
        return sum(1 for row in self.rows if row.collector is None)


def unfollowed_overdue(company: Company, today: date) -> QuerySet[Receivable]:
    """Échéances overdue on `today` that no open dossier follows (customers not excluded)."""
    followed = DossierReceivable.objects.filter(receivable=OuterRef("pk"), is_active=True)
    return Receivable.objects.filter(
        company=company,
        open_amount__gt=0,
        due_date__lt=today,
        customer__excluded_from_collection=False,
    ).filter(~Exists(followed))


def overdue_opening_preview(
    company: Company, *, today: date, min_amount: Decimal | None = None
) -> OpeningPreview:
    """What « Ouvrir les dossiers des retards » would do on `today`; reads, writes nothing."""
    minimum = company.minimum_balance if min_amount is None else min_amount
    overdue = (
        unfollowed_overdue(company, today)
        .select_related("customer__company", "customer__default_collector")
        .order_by("customer__code", "due_date", "reference")
    )
    by_customer: dict[Customer, list[Receivable]] = defaultdict(list)
    for receivable in overdue:
        by_customer[receivable.customer].append(receivable)
    open_dossiers = {}
    for dossier in Dossier.objects.filter(
        company=company, customer__in=list(by_customer), status__in=OPEN_STATUSES
    ).order_by("-start_date", "-pk"):
        open_dossiers.setdefault(dossier.customer_id, dossier)  # the latest one
    rows, followed, small = [], [], []
    for customer, receivables in by_customer.items():
        own = customer.default_collector
        row = OpeningRow(
            customer,
            tuple(receivables),
            own if own is not None and own.is_collector else None,
            open_dossiers.get(customer.pk),
        )
        if row.dossier is not None:
            followed.append(row)
        elif row.total < minimum:
            small.append(row)
        else:
            rows.append(row)
    scenario = Scenario.objects.filter(company=company, is_default=True).first()
    return OpeningPreview(scenario, minimum, rows, followed, small)


def _still_as_seen(
    company: Company,
    preview: OpeningPreview,
    confirmed: Mapping[int, str],
    summary: OpeningSummary,
) -> set[int]:
    """The customers to open: those confirmed and still as the manager saw them; the others
    (changed, gone or new since the preview) are told in `summary.changed`."""
    now = {row.customer.pk: row for row in preview.rows}
    keep = set()
    for pk, row in now.items():
        if pk not in confirmed:
            summary.changed.append(
                f"{row.customer} : en retard depuis l'aperçu ({row.describe()}) : "
                "aucun dossier ouvert, revoyez l'aperçu."
            )
        elif row.fingerprint == confirmed[pk]:
            keep.add(pk)
        else:
            summary.changed.append(
                f"{row.customer} : a changé depuis l'aperçu ({row.describe()} à présent) : "
                "aucun dossier ouvert, revoyez l'aperçu."
            )
    gone = Customer.objects.filter(company=company, pk__in=set(confirmed) - set(now))
    for customer in gone.order_by("code"):
        summary.changed.append(
            f"{customer} : plus rien à ouvrir depuis l'aperçu (réglé, suivi ou exclu) : "
            "aucun dossier ouvert."
        )
    return keep


@use_case
def open_overdue_dossiers(
    company: Company,
    *,
    today: date,
    user: AbstractBaseUser | None,
    min_amount: Decimal | None = None,
    collectors: Mapping[int, Collaborator | None] | None = None,
    confirmed: Mapping[int, str] | None = None,
) -> OpeningSummary:
    """Open a dossier for each customer of `overdue_opening_preview`: the default scenario,
    the customer's chargé, else `collectors[customer id]` (the manager's choice); customers
    « Exclu du recouvrement », already followed by an open dossier, or under the minimum balance
    (the company's unless given) are left alone. `confirmed` (customer id → the row's
    `fingerprint` shown in the preview): only those customers, if still as seen."""
    require_manager(user, company.pk, "ouvre les dossiers en série")
    collectors = collectors or {}
    preview = overdue_opening_preview(company, today=today, min_amount=min_amount)
    summary = OpeningSummary(below_minimum=len(preview.below_minimum))
    keep = None if confirmed is None else _still_as_seen(company, preview, confirmed, summary)
    for row in preview.rows:
        if keep is not None and row.customer.pk not in keep:
            continue
        try:
            summary.opened.append(
                open_dossier(
                    row.customer,
                    today=today,
                    user=user,
                    scenario=preview.scenario,
                    collector=row.collector or collectors.get(row.customer.pk),
                    receivables=row.receivables,
                    summary=f"{row.count} échéance(s) échue(s) — {format_amount(row.total)}"[:100],
                )
            )
        except ValidationError as refusal:
            summary.refused.append(f"{row.customer.code} : {' '.join(refusal.messages)}")
    return summary
