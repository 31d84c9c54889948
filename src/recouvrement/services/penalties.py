"""Penalties of dossiers on a date (B2), read from the database for the pure engine.

Letters print them; a step with « Calcul des pénalités » stores them on its intervention.
Invoices settled after their due date are reckoned too, and claimed when the company says so.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Exists, OuterRef, Q

from recouvrement.db.models import (
    Allocation,
    Company,
    Customer,
    Dossier,
    DossierReceivable,
    EcbRate,
    Intervention,
    LegalRate,
    Receivable,
)
from recouvrement.domain.customers import CustomerKind
from recouvrement.domain.disputes import OpenDispute, claimable
from recouvrement.domain.penalties import (
    DossierPenalties,
    ReceivableDue,
    check_contractual_rate,
    dossier_penalties,
    receivable_due,
)
from recouvrement.domain.rules import RuleViolation
from recouvrement.domain.statuses import ActionType, InterventionStatus
from recouvrement.services.actors import require_manager
from recouvrement.services.dispute_reads import open_disputes
from recouvrement.services.use_case import use_case

DueRow = tuple[Receivable, ReceivableDue]


@dataclass
class DossierDues:
    """A dossier's échéances still open (oldest due first), and those settled after their due
    date, each with what the penalty engine needs."""

    open: list[DueRow] = field(default_factory=list)
    late_paid: list[DueRow] = field(default_factory=list)
    disputed: list[DueRow] = field(default_factory=list)  # B10: left out of every claim
    disputed_total: Decimal = Decimal("0.00")


DueRows = dict[int, DossierDues]


def receivables_due(dossier_ids: Iterable[int]) -> DueRows:
    """Each dossier's échéances still open or paid late, with what was paid after their due
    date (four queries); those in an open litige are set apart (B10, `domain.disputes`)."""
    dossier_ids = list(dossier_ids)
    linked = DossierReceivable.objects.filter(dossier_id__in=dossier_ids).select_related(
        "receivable"
    )
    paid_late = Allocation.objects.filter(
        receivable=OuterRef("receivable"), payment__date__gt=OuterRef("receivable__due_date")
    )
    links = list(
        linked.filter(Q(receivable__open_amount__gt=0) | Exists(paid_late)).order_by(
            "receivable__due_date", "receivable__reference", "receivable__pk"
        )
    )
    paid: dict[int, list[tuple[date, Decimal]]] = defaultdict(list)
    for receivable_id, paid_on, amount in Allocation.objects.filter(
        receivable__in={link.receivable_id for link in links}
    ).values_list("receivable_id", "payment__date", "amount"):
        paid[receivable_id].append((paid_on, amount))
    by_dossier: DueRows = defaultdict(DossierDues)
    for link in links:
        receivable = link.receivable
        due = receivable_due(
            receivable.open_amount,
            receivable.due_date,
            receivable.reference,
            paid[receivable.pk],
        )
        dues = by_dossier[link.dossier_id]
        if receivable.open_amount > 0:
            dues.open.append((receivable, due))
        elif due.paid_late:
            dues.late_paid.append((receivable, due))
    disputes = open_disputes(by_dossier)
    for dossier_id, dues in by_dossier.items():
        if dossier_id in disputes:
            _set_disputed_apart(dues, disputes[dossier_id])
    return by_dossier


def _set_disputed_apart(dues: DossierDues, disputes: list[OpenDispute]) -> None:
    claim = claimable(((r.pk, r.open_amount) for r, _ in dues.open), disputes)
    disputed = set(claim.disputed)
    dues.disputed = [row for row in dues.open if row[0].pk in disputed]
    dues.open = [row for row in dues.open if row[0].pk not in disputed]
    dues.disputed_total = claim.disputed_total
    late = set(claimable(((r.pk, r.open_amount) for r, _ in dues.late_paid), disputes).claimable)
    dues.late_paid = [row for row in dues.late_paid if row[0].pk in late]


def formal_notice_dates(dossier_ids: Iterable[int]) -> dict[int, date]:
    """B2C: legal interest runs from the formal notice, the first mise en demeure done."""
    notices: dict[int, date] = {}
    for dossier_id, done in (
        Intervention.objects.filter(
            dossier_id__in=dossier_ids,
            action_type__in=[action for action in ActionType if action.is_formal_notice],
            status=InterventionStatus.DONE,
        )
        .order_by("done_date")
        .values_list("dossier_id", "done_date")
    ):
        notices.setdefault(dossier_id, done)
    return notices


def dossier_penalties_on(
    dossier_ids: Iterable[int],
    as_of: date,
    *,
    company: Company,
    receivables: DueRows | None = None,
) -> dict[int, DossierPenalties]:
    """Penalties and indemnities of each dossier on `as_of`; a missing rate raises."""
    results, failures = penalties_or_reasons(
        dossier_ids, as_of, company=company, receivables=receivables
    )
    if failures:
        raise next(iter(failures.values()))
    return results


def penalties_or_reasons(
    dossier_ids: Iterable[int],
    as_of: date,
    *,
    company: Company,
    receivables: DueRows | None = None,
) -> tuple[dict[int, DossierPenalties], dict[int, RuleViolation]]:
    """Each dossier's penalties, or why they cannot be computed (e.g. a rate not entered),
    so that a batch goes on for the others; a fixed number of queries."""
    dossier_ids = set(dossier_ids)
    receivables = receivables if receivables is not None else receivables_due(dossier_ids)
    notices = formal_notice_dates(dossier_ids)
    ecb, legal = EcbRate.table(), LegalRate.table()
    results: dict[int, DossierPenalties] = {}
    failures: dict[int, RuleViolation] = {}
    for dossier in Dossier.objects.filter(pk__in=dossier_ids).select_related("customer"):
        customer = dossier.customer
        dues = DossierDues()
        if not customer.excluded_from_penalties:
            dues = receivables.get(dossier.pk, dues)
        try:
            results[dossier.pk] = dossier_penalties(
                [due for _, due in dues.open],
                CustomerKind(customer.kind),
                ecb=ecb,
                legal=legal,
                as_of=as_of,
                contractual_rate=customer.contractual_penalty_rate
                or company.contractual_penalty_rate,
                formal_notice_date=notices.get(dossier.pk),
                late_paid=[due for _, due in dues.late_paid],
                claim_late_paid=company.claim_late_paid_penalties,
            )
        except RuleViolation as violation:
            failures[dossier.pk] = violation
    return results, failures


@use_case
def set_contractual_rate(
    party: Company | Customer,
    rate: Decimal | None,
    *,
    today: date,
    user: AbstractBaseUser | None,
) -> Company | Customer:
    """A manager sets the company's (terms of sale) or a customer's contractual penalty rate;
    a rate below 3 × the legal rate in force is refused (L441-10 II); None: ECB + 10 points."""
    company_id = party.pk if isinstance(party, Company) else party.company_id
    require_manager(user, company_id, "peut fixer un taux de pénalités")
    if rate is not None:
        check_contractual_rate(rate, LegalRate.table(), today)
    party.contractual_penalty_rate = rate
    party.save(update_fields=["contractual_penalty_rate"])
    return party
