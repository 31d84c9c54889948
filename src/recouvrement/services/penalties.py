"""Penalties of dossiers on a date (B2), read from the database for the pure engine.

Letters print them; a step with « Calcul des pénalités » stores them on its intervention.
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser

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
from recouvrement.domain.penalties import (
    DossierPenalties,
    ReceivableDue,
    check_contractual_rate,
    dossier_penalties,
)
from recouvrement.domain.rules import RuleViolation
from recouvrement.domain.statuses import ActionType, InterventionStatus
from recouvrement.services.actors import require_manager
from recouvrement.services.use_case import use_case

DueRows = dict[int, list[tuple[Receivable, ReceivableDue]]]


def receivables_due(dossier_ids: Iterable[int]) -> DueRows:
    """Each dossier's échéances still open, with what was paid after their due date."""
    links = (
        DossierReceivable.objects.filter(dossier_id__in=dossier_ids, receivable__open_amount__gt=0)
        .select_related("receivable")
        .order_by("receivable__due_date", "receivable__reference")
    )
    receivables = [(link.dossier_id, link.receivable) for link in links]
    paid_after: dict[int, list[tuple[date, Decimal]]] = defaultdict(list)
    for receivable_id, paid_on, amount, due in Allocation.objects.filter(
        receivable__in=[r for _, r in receivables]
    ).values_list("receivable_id", "payment__date", "amount", "receivable__due_date"):
        if paid_on > due:
            paid_after[receivable_id].append((paid_on, amount))
    by_dossier: DueRows = defaultdict(list)
    for dossier_id, receivable in receivables:
        payments = tuple(sorted(paid_after[receivable.pk]))
        # What was still due on the due date: today's open amount plus what came in after.
        due = ReceivableDue(
            amount_due=receivable.open_amount + sum((a for _, a in payments), Decimal("0")),
            due_date=receivable.due_date,
            payments=payments,
            invoice=receivable.reference,
        )
        by_dossier[dossier_id].append((receivable, due))
    return by_dossier


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
        rows = [] if customer.excluded_from_penalties else receivables.get(dossier.pk, [])
        try:
            results[dossier.pk] = dossier_penalties(
                [due for _, due in rows],
                CustomerKind(customer.kind),
                ecb=ecb,
                legal=legal,
                as_of=as_of,
                contractual_rate=customer.contractual_penalty_rate
                or company.contractual_penalty_rate,
                formal_notice_date=notices.get(dossier.pk),
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
