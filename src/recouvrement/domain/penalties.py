"""Late-payment penalties and indemnity (B2): L441-10 II and D441-5 C. com., C. civ. 1231-6.

One engine, `late_interest`, computes interest on one échéance for any rate function
(B2B default rate, contractual rate, B2C legal rate); `dossier_penalties` applies the
B2B / B2C rules to the échéances of a dossier. Rates come in as `RateTable`s; no clock.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, localcontext
from functools import partial

from recouvrement.domain.customers import CustomerKind
from recouvrement.domain.money import check_amount, to_cents
from recouvrement.domain.rates import RateTable, format_rate, next_semester_start
from recouvrement.domain.rules import RuleViolation

RateFunction = Callable[[date], Decimal]
"""The annual rate in percent that applies on a day; constant within a semester."""

Payment = tuple[date, Decimal]
"""A payment (date, amount) received after the due date of the échéance it settles."""

ZERO = Decimal("0.00")
B2B_MARGIN_POINTS = Decimal("10")  # L441-10 II: ECB refinancing rate + 10 points
FLOOR_MULTIPLE = 3  # L441-10 II: a contractual rate may not go below 3 × the legal rate
FIXED_INDEMNITY = Decimal("40.00")  # D441-5, per invoice paid late, professionals only
YEAR_DAYS = 365  # the basis every public calculator uses (legal-formats §1.4)
ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class InterestPeriod:
    """Days with one balance and one rate; `interest` is exact, the total alone is rounded."""

    start: date
    end: date  # inclusive
    days: int
    balance: Decimal
    rate: Decimal  # annual, in percent
    interest: Decimal


@dataclass(frozen=True)
class LateInterest:
    """Interest on one échéance: the total to the cent and the periods a letter can print."""

    total: Decimal
    periods: tuple[InterestPeriod, ...] = ()


NO_INTEREST = LateInterest(ZERO)


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


def late_interest(
    amount_due: Decimal,
    due_date: date,
    as_of: date,
    payments: Iterable[Payment],
    rate: RateFunction,
    *,
    year_days: int = YEAR_DAYS,
) -> LateInterest:
    """Interest on one échéance from the day after `due_date` to `as_of` inclusive.

    `amount_due` is what was still unpaid at the due date; each payment, dated after the due
    date, lowers the balance from the day after its date. Periods split at every payment and
    every 1 January / 1 July; the exact interests are summed, then rounded once to the cent.
    """
    check_amount(amount_due, "montant dû à l'échéance")
    checked = _checked_payments(payments, due_date)
    return _accrue(amount_due, due_date, as_of, checked, rate, year_days)


def b2c_interest(
    amount_due: Decimal,
    due_date: date,
    as_of: date,
    payments: Iterable[Payment],
    legal: RateTable,
    formal_notice_date: date | None,
    *,
    year_days: int = YEAR_DAYS,
) -> LateInterest:
    """C. civ. 1231-6: a consumer owes legal interest only from the day after the formal notice."""
    if formal_notice_date is None:
        return NO_INTEREST
    check_amount(amount_due, "montant dû à l'échéance")
    checked = _checked_payments(payments, due_date)
    # Interest runs on what is still due once the notice is sent, whatever the due date was.
    start = max(due_date, formal_notice_date)
    return _accrue(amount_due, start, as_of, checked, legal.rate_for_semester, year_days)


def fixed_indemnity(kind: CustomerKind, late_invoices: int) -> Decimal:
    """D441-5: 40 € per invoice paid late, whole even after a partial payment; none for B2C."""
    if late_invoices < 0:
        raise RuleViolation(
            "Le nombre de factures en retard ne peut pas être négatif.", "late_invoices_negative"
        )
    if kind is not CustomerKind.B2B:
        return ZERO
    return FIXED_INDEMNITY * late_invoices


def _checked_payments(payments: Iterable[Payment], due_date: date) -> tuple[Payment, ...]:
    """Refuse what would count twice or raise the balance: early or negative payments."""
    checked = tuple(payments)
    for day, amount in checked:
        check_amount(amount, f"montant du règlement du {day:%d/%m/%Y}")
        if day <= due_date:
            raise RuleViolation(
                f"Le règlement du {day:%d/%m/%Y} n'est pas postérieur à l'échéance du "
                f"{due_date:%d/%m/%Y} : il doit déjà être déduit du montant dû à l'échéance.",
                "payment_not_after_due_date",
            )
    return checked


def _accrue(
    opening: Decimal,
    last_free_day: date,
    as_of: date,
    payments: Sequence[Payment],
    rate: RateFunction,
    year_days: int,
) -> LateInterest:
    """Interest from the day after `last_free_day`; payments up to that day reduce the opening."""
    first = last_free_day + ONE_DAY
    if as_of < first:
        return NO_INTEREST
    divisor = Decimal(100 * year_days)
    rows = _balance_periods(opening, first, as_of, _reductions(payments, first))
    with localcontext() as exact:
        exact.prec = 60  # Σ balance × rate × days is exact: one division, one rounding
        rated = [(start, end, days, balance, rate(start)) for start, end, days, balance in rows]
        numerator = sum((balance * annual * days for *_, days, balance, annual in rated), ZERO)
        total = to_cents(numerator / divisor)
    periods = tuple(
        InterestPeriod(start, end, days, balance, annual, balance * annual * days / divisor)
        for start, end, days, balance, annual in rated
    )
    return LateInterest(total, periods)


def _reductions(payments: Iterable[Payment], first: date) -> dict[date, Decimal]:
    """By day, what the payments take off the balance from that day on."""
    reductions: dict[date, Decimal] = {}
    for day, amount in payments:
        # The payment day still bears interest on the old balance (legal-formats §1.4 example).
        effective = max(day + ONE_DAY, first)
        reductions[effective] = reductions.get(effective, ZERO) + amount
    return reductions


def _balance_periods(
    opening: Decimal, first: date, as_of: date, reductions: dict[date, Decimal]
) -> list[tuple[date, date, int, Decimal]]:
    """(start, end, days, balance) for each stretch with one balance within one semester."""
    starts = _period_starts(first, as_of, reductions)
    ends = [start - ONE_DAY for start in starts[1:]] + [as_of]
    rows = []
    balance = opening
    for start, end in zip(starts, ends, strict=True):
        balance -= reductions.get(start, ZERO)
        if balance > 0:  # an overpayment never earns the debtor interest
            rows.append((start, end, (end - start).days + 1, balance))
    return rows


def _period_starts(first: date, as_of: date, reductions: dict[date, Decimal]) -> list[date]:
    """First day of each period: `first`, every semester start, every day a payment counts."""
    cuts = {first} | {day for day in reductions if first < day <= as_of}
    boundary = next_semester_start(first)
    while boundary <= as_of:
        cuts.add(boundary)
        boundary = next_semester_start(boundary)
    return sorted(cuts)


@dataclass(frozen=True)
class ReceivableDue:
    """An échéance as the engine sees it: unpaid at its due date, then paid (or not) after it."""

    amount_due: Decimal
    due_date: date
    payments: tuple[Payment, ...] = ()
    invoice: str = ""  # the 40 € is per invoice: échéances of one invoice share it


@dataclass(frozen=True)
class ReceivablePenalty:
    """One échéance's outcome: its interest, and whether it was paid (or is still unpaid) late."""

    receivable: ReceivableDue
    interest: LateInterest
    late: bool


@dataclass(frozen=True)
class DossierPenalties:
    """« Frais et pénalités » of a dossier on `as_of`, and the rate its letters print."""

    penalties: Decimal
    indemnity: Decimal
    rate: Decimal
    details: tuple[ReceivablePenalty, ...]

    @property
    def total(self) -> Decimal:
        """Penalties plus indemnities, what the letters add to the principal."""
        return self.penalties + self.indemnity


def dossier_penalties(
    receivables: Iterable[ReceivableDue],
    kind: CustomerKind,
    *,
    ecb: RateTable,
    legal: RateTable,
    as_of: date,
    contractual_rate: Decimal | None = None,
    formal_notice_date: date | None = None,
) -> DossierPenalties:
    """Penalties and indemnities of a dossier's échéances on `as_of`, by the debtor's kind (B2).

    B2B: L441-10 penalties (contractual rate if given, checked against its floor in every
    semester, else ECB + 10) from the day after each due date, plus 40 € per late invoice.
    B2C: legal interest « autres cas » from the day after the formal notice, nothing else;
    a contractual rate is ignored. Totals are sums of the per-échéance amounts to the cent.
    """
    if kind is CustomerKind.B2B:
        rate = b2b_rate_function(ecb, legal, contractual_rate)
        details = tuple(_b2b_penalty(receivable, rate, as_of) for receivable in receivables)
    else:
        details = tuple(
            _b2c_penalty(receivable, legal, as_of, formal_notice_date) for receivable in receivables
        )
    return DossierPenalties(
        penalties=sum((detail.interest.total for detail in details), ZERO),
        indemnity=fixed_indemnity(kind, _late_invoice_count(details)),
        rate=letter_rate(kind, ecb, legal, as_of, contractual_rate),
        details=details,
    )


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


def _b2b_penalty(receivable: ReceivableDue, rate: RateFunction, as_of: date) -> ReceivablePenalty:
    """L441-10: interest from the day after the due date, no reminder needed."""
    interest = late_interest(
        receivable.amount_due, receivable.due_date, as_of, receivable.payments, rate
    )
    return ReceivablePenalty(receivable, interest, _is_late(receivable, as_of))


def _b2c_penalty(
    receivable: ReceivableDue, legal: RateTable, as_of: date, formal_notice_date: date | None
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


def _late_invoice_count(details: Sequence[ReceivablePenalty]) -> int:
    """Distinct invoices with a late échéance; an échéance without invoice counts alone."""
    late = [detail.receivable for detail in details if detail.late]
    named = {receivable.invoice for receivable in late if receivable.invoice}
    return len(named) + sum(1 for receivable in late if not receivable.invoice)
