"""Reads of the open litiges (B10) for the paths that claim money, the worklist and the
dossier page; no use case here, nothing written."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from recouvrement.db.models import Dispute, DisputeStatus, DossierReceivable
from recouvrement.domain.disputes import Claim, OpenDispute, claimable

LONG_LIST = 1000  # dossier ids sent as an IN list up to this many


def open_disputes(dossier_ids: Iterable[int]) -> dict[int, list[OpenDispute]]:
    """Each dossier's open disputes, with the échéances they name (two queries)."""
    wanted = set(dossier_ids)
    found = Dispute.objects.filter(status=DisputeStatus.OPEN)
    if len(wanted) <= LONG_LIST:
        found = found.filter(dossier_id__in=wanted)
    # Else the open litiges, a few hundred, are read whole: `prepare`'s 100 000 ids in an IN
    # list cost seconds to send and plan (issue 16: 2.7 s of 12 at 50 000 dossiers).
    disputes = [row for row in found.values_list("pk", "dossier_id", "amount") if row[1] in wanted]
    if not disputes:
        return {}
    named: dict[int, set[int]] = defaultdict(set)
    through = Dispute.receivables.through.objects.filter(
        dispute_id__in=[pk for pk, _, _ in disputes]
    )
    for dispute_id, receivable_id in through.values_list("dispute_id", "receivable_id"):
        named[dispute_id].add(receivable_id)
    by_dossier: dict[int, list[OpenDispute]] = defaultdict(list)
    for pk, dossier_id, amount in disputes:
        by_dossier[dossier_id].append(OpenDispute(frozenset(named[pk]), amount))
    return dict(by_dossier)


def claims(dossier_ids: Iterable[int]) -> dict[int, Claim]:
    """What each dossier with an open litige may claim of its open échéances (B10); the
    dossiers without any open litige are not in the answer (three queries at most)."""
    disputes = open_disputes(dossier_ids)
    if not disputes:
        return {}
    items: dict[int, list[tuple[int, Decimal]]] = defaultdict(list)
    for dossier_id, receivable_id, open_amount in DossierReceivable.objects.filter(
        dossier_id__in=list(disputes), is_active=True, receivable__open_amount__gt=0
    ).values_list("dossier_id", "receivable_id", "receivable__open_amount"):
        items[dossier_id].append((receivable_id, open_amount))
    return {pk: claimable(items[pk], found) for pk, found in disputes.items()}


def wholly_disputed(dossier_ids: Iterable[int]) -> set[int]:
    """The dossiers whose whole open balance is in litige: `prepare` leaves them alone."""
    return {pk for pk, claim in claims(dossier_ids).items() if claim.whole_balance_disputed}


def dossiers_in_dispute(dossier_ids: Iterable[int]) -> set[int]:
    """Which of these dossiers have an open litige (« En litige » in the worklist; one query)."""
    return set(
        Dispute.objects.filter(
            dossier_id__in=list(dossier_ids), status=DisputeStatus.OPEN
        ).values_list("dossier_id", flat=True)
    )


@dataclass(frozen=True)
class DisputeFigures:
    """Dashboard-ready: the open litiges of a company, their amount and average age."""

    count: int
    amount: Decimal
    average_age_days: int
    oldest_age_days: int


EVERYONE = object()  # `dispute_figures` of the whole company, not of one collector's dossiers


def dispute_figures(company_id: int, today: date, collector_id=EVERYONE) -> DisputeFigures:
    """The company's open litiges on `today` (one query), or those of the dossiers one
    collector follows (`collector_id`; None: a user linked to no collaborator follows none)."""
    found = Dispute.objects.filter(company_id=company_id, status=DisputeStatus.OPEN)
    if collector_id is not EVERYONE:
        found = found.filter(dossier__collector_id=collector_id) if collector_id else found.none()
    rows = list(found.values_list("amount", "opened_on"))
    ages = [max((today - opened).days, 0) for _, opened in rows]
    return DisputeFigures(
        count=len(rows),
        amount=sum((amount for amount, _ in rows), Decimal("0.00")),
        average_age_days=sum(ages) // len(ages) if ages else 0,
        oldest_age_days=max(ages, default=0),
    )
