"""Late-payment penalties and indemnity (B2): L441-10 II and D441-5 C. com., C. civ. 1231-6.

One engine, `domain.interest.late_interest`, computes interest on one échéance for any rate
function (B2B default rate, contractual rate, B2C legal rate); `dossier_penalties` applies
the B2B / B2C rules to the échéances of a dossier, and `late_paid_penalties` to those settled
after their due date. Rates come in as `RateTable`s; no clock.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import partial

from recouvrement.domain.customers import CustomerKind
from recouvrement.domain.interest import (  # noqa: F401 — the engine, re-exported
    NO_INTEREST,
    ONE_DAY,
    YEAR_DAYS,
    ZERO,
    InterestPeriod,
    LateInterest,
    Payment,
    RateFunction,
    b2c_interest,
    late_interest,
)
from recouvrement.domain.rates import RateTable, format_rate, next_semester_start, semester_start
from recouvrement.domain.rules import RuleViolation

B2B_MARGIN_POINTS = Decimal("10")  # L441-10 II: ECB refinancing rate + 10 points
FLOOR_MULTIPLE = 3  # L441-10 II: a contractual rate may not go below 3 × the legal rate
FIXED_INDEMNITY = Decimal("40.00")  # D441-5, per invoice paid late, professionals only


def b2b_default_rate(ecb: RateTable, day: date) -> Decimal:
    """L441-10 II: ECB rate in force on the semester's first day + 10 points, for `day`."""
    return ecb.rate_for_semester(day) + B2B_MARGIN_POINTS


def contractual_rate_floor(legal: RateTable, day: date) -> Decimal:
    """L441-10 II: a contractual rate may not be below 3 × the legal rate « autres cas »."""
    return FLOOR_MULTIPLE * legal.rate_for_semester(day)


def check_contractual_rate(rate: Decimal, legal: RateTable, day: date) -> None:
    """Refuse a contractual rate that the law would void for `day`'s semester."""
    floor = contractual_rate_floor(legal, day)
    if rate < floor:
        raise RuleViolation(
            f"Le taux contractuel de {format_rate(rate)} est inférieur au minimum légal de "
            f"{format_rate(floor)} au {day:%d/%m/%Y} (3 fois le taux de l'intérêt légal, "
            "article L441-10 II du Code de commerce).",
            "contractual_rate_too_low",
        )


def contractual_rate_function(rate: Decimal, legal: RateTable) -> RateFunction:
    """The contractual rate, raised to the legal floor in a semester where it falls below it.

    The rate is checked when it is agreed (`check_contractual_rate`); the legal rate moves each
    semester, and a clause cannot fix less than 3 × the rate in force (L441-10 II).
    """

    def rate_on(day: date) -> Decimal:
        return max(rate, contractual_rate_floor(legal, day))

    return rate_on


def fixed_indemnity(kind: CustomerKind, late_invoices: int) -> Decimal:
    """D441-5: 40 € per invoice paid late, whole even after a partial payment; none for B2C."""
    if late_invoices < 0:
        raise RuleViolation(
            "Le nombre de factures en retard ne peut pas être négatif.", "late_invoices_negative"
        )
    if kind is not CustomerKind.B2B:
        return ZERO
    return FIXED_INDEMNITY * late_invoices


@dataclass(frozen=True)
class ReceivableDue:
    """An échéance as the engine sees it: unpaid at its due date, then paid (or not) after it."""

    amount_due: Decimal
    due_date: date
    payments: tuple[Payment, ...] = ()
    invoice: str = ""  # the 40 € is per invoice: échéances of one invoice share it

    @property
    def paid_late(self) -> bool:
        """Settled in full, after its due date: it still owes the days it was late."""
        return bool(self.payments) and sum(a for _, a in self.payments) >= self.amount_due


def receivable_due(
    open_amount: Decimal, due_date: date, invoice: str, paid: Iterable[Payment]
) -> ReceivableDue:
    """An échéance from what is still open and what was paid on it (date, amount): what was
    paid by the due date is already deducted; what came after lowers the balance then."""
    payments = tuple(sorted((day, amount) for day, amount in paid if day > due_date))
    amount_due = open_amount + sum((amount for _, amount in payments), ZERO)
    return ReceivableDue(amount_due, due_date, payments, invoice)


@dataclass(frozen=True)
class ReceivablePenalty:
    """One échéance's outcome: its interest, and whether it was paid (or is still unpaid) late."""

    receivable: ReceivableDue
    interest: LateInterest
    late: bool

    @property
    def days_late(self) -> int:
        """Days from the due date to the last payment (or to the day of the computation)."""
        return sum(period.days for period in self.interest.periods)


@dataclass(frozen=True)
class RateSpan:
    """Consecutive semesters charged at one rate: a letter prints each rate applied."""

    rate: Decimal
    first_day: date
    last_day: date


@dataclass(frozen=True)
class LatePaidPenalties:
    """Invoices settled after their due date: L441-10 penalties for the days they were late
    and the 40 € per invoice (B2B); the company decides whether its letters claim them."""

    penalties: Decimal = ZERO
    indemnity: Decimal = ZERO
    details: tuple[ReceivablePenalty, ...] = ()

    @property
    def total(self) -> Decimal:
        return self.penalties + self.indemnity


NO_LATE_PAID = LatePaidPenalties()


@dataclass(frozen=True)
class DossierPenalties:
    """« Frais et pénalités » of a dossier on `as_of`, and the rate its letters print.

    `penalties` and `indemnity` are what letters claim: the open échéances', plus the invoices
    paid late when `claims_late_paid`; `late_paid` holds those apart, claimed or not.
    """

    penalties: Decimal
    indemnity: Decimal
    rate: Decimal
    details: tuple[ReceivablePenalty, ...]
    late_paid: LatePaidPenalties = NO_LATE_PAID
    claims_late_paid: bool = False

    @property
    def total(self) -> Decimal:
        """Penalties plus indemnities, what the letters add to the principal."""
        return self.penalties + self.indemnity

    @property
    def rate_spans(self) -> tuple[RateSpan, ...]:
        """The rates of the claimed days, oldest first, one span per change of rate."""
        claimed = self.details + (self.late_paid.details if self.claims_late_paid else ())
        return rate_spans(claimed)


def rate_spans(details: Iterable[ReceivablePenalty]) -> tuple[RateSpan, ...]:
    """Each semester with late days and its rate, consecutive equal rates merged."""
    by_semester = {
        semester_start(period.start): period.rate
        for detail in details
        for period in detail.interest.periods
    }
    spans: list[RateSpan] = []
    for start in sorted(by_semester):
        rate, end = by_semester[start], next_semester_start(start) - ONE_DAY
        if spans and spans[-1].rate == rate:
            spans[-1] = RateSpan(rate, spans[-1].first_day, end)
        else:
            spans.append(RateSpan(rate, start, end))
    return tuple(spans)


def dossier_penalties(
    receivables: Iterable[ReceivableDue],
    kind: CustomerKind,
    *,
    ecb: RateTable,
    legal: RateTable,
    as_of: date,
    contractual_rate: Decimal | None = None,
    formal_notice_date: date | None = None,
    late_paid: Iterable[ReceivableDue] = (),
    claim_late_paid: bool = False,
) -> DossierPenalties:
    """Penalties and indemnities of a dossier's échéances on `as_of`, by the debtor's kind (B2).

    B2B: L441-10 penalties (contractual rate if given, checked against its floor in every
    semester, else ECB + 10) from the day after each due date, plus 40 € per late invoice.
    B2C: legal interest « autres cas » from the day after the formal notice, nothing else;
    a contractual rate is ignored. Totals are sums of the per-échéance amounts to the cent.
    The échéances `late_paid` (settled after their due date) are reckoned apart and added to
    what is claimed only with `claim_late_paid`; an invoice owes its 40 € once.
    """
    penalty = _penalty_function(kind, ecb, legal, contractual_rate, formal_notice_date)
    details = tuple(penalty(receivable, as_of) for receivable in receivables)
    open_late = _late_invoices(details)
    paid = late_paid_penalties(
        late_paid,
        kind,
        ecb=ecb,
        legal=legal,
        contractual_rate=contractual_rate,
        formal_notice_date=formal_notice_date,
        charged_invoices=open_late,
    )
    claimed = details + (paid.details if claim_late_paid else ())
    return DossierPenalties(
        penalties=sum((detail.interest.total for detail in claimed), ZERO),
        indemnity=fixed_indemnity(kind, len(open_late))
        + (paid.indemnity if claim_late_paid else ZERO),
        rate=letter_rate(kind, ecb, legal, as_of, contractual_rate),
        details=details,
        late_paid=paid,
        claims_late_paid=claim_late_paid,
    )


def late_paid_penalties(
    receivables: Iterable[ReceivableDue],
    kind: CustomerKind,
    *,
    ecb: RateTable,
    legal: RateTable,
    contractual_rate: Decimal | None = None,
    formal_notice_date: date | None = None,
    charged_invoices: frozenset[str] = frozenset(),
) -> LatePaidPenalties:
    """What échéances settled after their due date still owe: interest up to their last
    payment, and 40 € per invoice (B2B) not already in `charged_invoices`."""
    penalty = _penalty_function(kind, ecb, legal, contractual_rate, formal_notice_date)
    details = tuple(
        penalty(receivable, receivable.payments[-1][0])
        for receivable in receivables
        if receivable.paid_late
    )
    invoices = _late_invoices(details) - charged_invoices
    return LatePaidPenalties(
        penalties=sum((detail.interest.total for detail in details), ZERO),
        indemnity=fixed_indemnity(kind, len(invoices)),
        details=details,
    )


def _penalty_function(
    kind: CustomerKind,
    ecb: RateTable,
    legal: RateTable,
    contractual_rate: Decimal | None,
    formal_notice_date: date | None,
) -> Callable[[ReceivableDue, date], ReceivablePenalty]:
    if kind is CustomerKind.B2B:
        return partial(_b2b_penalty, rate=b2b_rate_function(ecb, legal, contractual_rate))
    return partial(_b2c_penalty, legal=legal, formal_notice_date=formal_notice_date)


def b2b_rate_function(
    ecb: RateTable, legal: RateTable, contractual_rate: Decimal | None = None
) -> RateFunction:
    """L441-10 II: the contractual rate when there is one, otherwise ECB + 10 points."""
    if contractual_rate is not None:
        return contractual_rate_function(contractual_rate, legal)
    return partial(b2b_default_rate, ecb)


def letter_rate(
    kind: CustomerKind,
    ecb: RateTable,
    legal: RateTable,
    day: date,
    contractual_rate: Decimal | None = None,
) -> Decimal:
    """The rate letters print for `day`: the B2B penalty rate; none for B2C (letters to a
    consumer print no rate, and legal interest is reckoned only once notice has been given)."""
    if kind is CustomerKind.B2B:
        return b2b_rate_function(ecb, legal, contractual_rate)(day)
    return ZERO


def _b2b_penalty(
    receivable: ReceivableDue, as_of: date, *, rate: RateFunction
) -> ReceivablePenalty:
    """L441-10: interest from the day after the due date, no reminder needed."""
    interest = late_interest(
        receivable.amount_due, receivable.due_date, as_of, receivable.payments, rate
    )
    return ReceivablePenalty(receivable, interest, _is_late(receivable, as_of))


def _b2c_penalty(
    receivable: ReceivableDue, as_of: date, *, legal: RateTable, formal_notice_date: date | None
) -> ReceivablePenalty:
    """C. civ. 1231-6: legal interest once the consumer has been given formal notice."""
    interest = b2c_interest(
        receivable.amount_due,
        receivable.due_date,
        as_of,
        receivable.payments,
        legal,
        formal_notice_date,
    )
    return ReceivablePenalty(receivable, interest, _is_late(receivable, as_of))


def _is_late(receivable: ReceivableDue, as_of: date) -> bool:
    """Unpaid at its due date and `as_of` past it: paid late, or not paid yet."""
    return receivable.amount_due > 0 and as_of > receivable.due_date


def _late_invoices(details: Sequence[ReceivablePenalty]) -> frozenset[str]:
    """The invoices with a late échéance; an échéance without invoice counts alone."""
    return frozenset(
        # An échéance without invoice: a key of its own, unique while the details live.
        detail.receivable.invoice or f"\0{id(detail)}"
        for detail in details
        if detail.late
    )
