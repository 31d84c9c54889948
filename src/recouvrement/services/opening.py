"""B5: one dossier per customer with overdue échéances not yet followed — `open-dossiers`."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, QuerySet

from recouvrement.db.models import Company, Dossier, DossierReceivable, Receivable, Scenario
from recouvrement.domain.money import format_amount
from recouvrement.services.actors import require_manager
from recouvrement.services.dossiers import open_dossier
from recouvrement.services.use_case import use_case


@dataclass
class OpeningSummary:
    opened: list[Dossier] = field(default_factory=list)
    below_minimum: int = 0
    refused: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return {
            "opened": len(self.opened),
            "below_minimum": self.below_minimum,
            "refused": len(self.refused),
        }


def unfollowed_overdue(company: Company, today: date) -> QuerySet[Receivable]:
    """Échéances overdue on `today` that no open dossier follows (customers not excluded)."""
    followed = DossierReceivable.objects.filter(receivable=OuterRef("pk"), is_active=True)
    return Receivable.objects.filter(
        company=company,
        open_amount__gt=0,
        due_date__lt=today,
        customer__excluded_from_collection=False,
    ).filter(~Exists(followed))


@use_case
def open_overdue_dossiers(
    company: Company,
    *,
    today: date,
    user: AbstractBaseUser | None,
    min_amount: Decimal | None = None,
) -> OpeningSummary:
    """Open a dossier for each customer whose overdue échéances no open dossier follows, with
    the default scenario and the customer's chargé; customers « Exclu du recouvrement » and
    totals under the minimum balance (the company's unless given) are left alone."""
    require_manager(user, company.pk, "ouvre les dossiers en série")
    minimum = company.minimum_balance if min_amount is None else min_amount
    overdue = (
        unfollowed_overdue(company, today)
        .select_related("customer__company", "customer__default_collector")
        .order_by("customer__code", "due_date", "reference")
    )
    by_customer = defaultdict(list)
    for receivable in overdue:
        by_customer[receivable.customer].append(receivable)
    scenario = Scenario.objects.filter(company=company, is_default=True).first()
    summary = OpeningSummary()
    for customer, receivables in by_customer.items():
        total = sum((r.open_amount for r in receivables), Decimal("0"))
        if total < minimum:
            summary.below_minimum += 1
            continue
        try:
            summary.opened.append(
                open_dossier(
                    customer,
                    today=today,
                    user=user,
                    scenario=scenario,
                    receivables=receivables,
                    summary=f"{len(receivables)} échéance(s) échue(s) — {format_amount(total)}"[
                        :100
                    ],
                )
            )
        except ValidationError as refusal:
            summary.refused.append(f"{customer.code} : {' '.join(refusal.messages)}")
    return summary
