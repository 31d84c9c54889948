"""Interest on one échéance (B2): the engine behind L441-10 penalties and legal interest.

`late_interest` reckons interest day by day for any rate function, split at every payment and
every 1 January / 1 July; `b2c_interest` is the consumer's case (C. civ. 1231-6). Pure Python.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, localcontext

from recouvrement.domain.money import check_amount, to_cents
from recouvrement.domain.rates import RateTable, next_semester_start
from recouvrement.domain.rules import RuleViolation

RateFunction = Callable[[date], Decimal]
"""The annual rate in percent that applies on a day; constant within a semester."""

Payment = tuple[date, Decimal]
"""A payment (date, amount) received after the due date of the échéance it settles."""

ZERO = Decimal("0.00")
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
