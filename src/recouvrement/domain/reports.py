"""The manager's figures (issue 14, B6), as pure functions: the balance âgée by bucket, the DSO
by the countback method and the promises' outcome. No Django, no clock: the date is a parameter.
The database reads what they need; the page, the CLI and the API call them the same way.
"""

import calendar
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from recouvrement.domain.letters import MONTHS as MONTH_NAMES
from recouvrement.domain.rules import RuleViolation
from recouvrement.domain.statuses import Role

ZERO = Decimal("0.00")
# The dates a report is asked at: wide enough for any book, narrow enough that « 12 months
# before » and « 90 days before » stay real dates.
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2199, 12, 31)


def check_report_date(as_of: date) -> None:
    if not FIRST_DAY <= as_of <= LAST_DAY:
        raise RuleViolation(
            f"La date {as_of:%d/%m/%Y} est hors des dates possibles "
            f"(du {FIRST_DAY:%d/%m/%Y} au {LAST_DAY:%d/%m/%Y}).",
            "report_date_out_of_range",
        )


@dataclass(frozen=True)
class ReportScope:
    """Whose figures a user sees: the company's, split per chargé (a manager, « Consultation »,
    the system), or only the dossiers their own collaborator follows (a collector; None when
    their login is linked to no collaborator: they follow nothing)."""

    everyone: bool
    collector_id: int | None = None

    @property
    def split(self) -> bool:
        """Whether the figures are also given per chargé."""
        return self.everyone

    @property
    def nothing(self) -> bool:
        return not self.everyone and self.collector_id is None

    @property
    def description(self) -> str:
        return "toute la société" if self.everyone else "vos dossiers"


def report_scope_of(role: Role, collaborator_id: int | None) -> ReportScope:
    """A « Chargé de recouvrement » sees their own dossiers; every other role the company's."""
    if role is Role.COLLECTOR:
        return ReportScope(everyone=False, collector_id=collaborator_id)
    return ReportScope(everyone=True)


def months_up_to(as_of: date, months: int) -> list[tuple[int, int]]:
    """The `months` (year, month) ending with the month of `as_of`, oldest first."""
    index = as_of.year * 12 + as_of.month - 1
    return [(i // 12, i % 12 + 1) for i in range(index - months + 1, index + 1)]


def month_label(year: int, month: int) -> str:
    return f"{MONTH_NAMES[month - 1]} {year}"


def month_end(year: int, month: int) -> date:
    return date(year, month, days_in_month(year, month))


def days_before(day: date, days: int) -> date:
    return day - timedelta(days=days)


@dataclass(frozen=True)
class Bucket:
    """One column of the balance âgée: days past due from `low` to `high` (None: no bound)."""

    key: str
    label: str
    low: int | None
    high: int | None

    def holds(self, days_late: int) -> bool:
        return (self.low is None or days_late >= self.low) and (
            self.high is None or days_late <= self.high
        )


# Sage's and the accountants' usual columns: « non échu », then by 30 days, then « > 90 jours ».
BUCKETS = (
    Bucket("not_due", "Non échu", None, 0),
    Bucket("d1_30", "1 à 30 jours", 1, 30),
    Bucket("d31_60", "31 à 60 jours", 31, 60),
    Bucket("d61_90", "61 à 90 jours", 61, 90),
    Bucket("over_90", "Plus de 90 jours", 91, None),
)


@dataclass
class AgedLine:
    amount: Decimal = ZERO
    count: int = 0


@dataclass
class AgedBalance:
    """Amounts and counts of open échéances per bucket at `as_of`; `total` is their sum."""

    as_of: date
    lines: dict[str, AgedLine] = field(default_factory=lambda: {b.key: AgedLine() for b in BUCKETS})

    @property
    def total(self) -> AgedLine:
        return AgedLine(
            sum((line.amount for line in self.lines.values()), ZERO),
            sum(line.count for line in self.lines.values()),
        )

    @property
    def overdue(self) -> Decimal:
        return self.total.amount - self.lines["not_due"].amount


def bucket_of(due_date: date, as_of: date) -> Bucket:
    days_late = (as_of - due_date).days
    return next(bucket for bucket in BUCKETS if bucket.holds(days_late))


def aged_balance(items: Iterable[tuple[date, Decimal]], as_of: date) -> AgedBalance:
    """The balance âgée of open items given as (due date, amount still owed at `as_of`).

    An item with nothing owed is left out (it is not an open échéance); a credit (negative
    amount, an unallocated credit note) counts in its bucket, as the accounts show it.
    """
    balance = AgedBalance(as_of)
    for due_date, amount in items:
        if amount == 0:
            continue
        line = balance.lines[bucket_of(due_date, as_of).key]
        line.amount += amount
        line.count += 1
    return balance


def days_in_month(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def dso_countback(
    receivables: Decimal,
    monthly_sales: Iterable[tuple[int, int, Decimal]],
    *,
    through: date | None = None,
) -> Decimal:
    """Days sales outstanding by the countback method.

    `receivables` is what customers owe at the end of the last month; `monthly_sales` the amounts
    invoiced per (year, month), most recent first. Each month whose sales the remaining balance
    still covers counts all its days; the month that covers the rest counts the share of its
    days that the rest is of its sales. Nothing owed: 0 days. More owed than every month given
    covers: the days of all those months (the answer is then « at least »).
    `through`: the day the balance is taken when it is not a month's end; its month (its sales
    up to that day) counts only its days up to it.
    """
    remaining, days = receivables, Decimal(0)
    if remaining <= 0:
        return Decimal("0.0")
    for year, month, sales in monthly_sales:
        length = days_in_month(year, month)
        if through is not None and (year, month) == (through.year, through.month):
            length = through.day
        if sales <= 0:
            days += length
            continue
        if remaining <= sales:
            days += Decimal(length) * remaining / sales
            return days.quantize(Decimal("0.1"), ROUND_HALF_UP)
        remaining -= sales
        days += length
    return days.quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass
class PromiseFigures:
    """The promises of payment made in a period: kept, broken and still pending."""

    made: AgedLine = field(default_factory=AgedLine)
    kept: AgedLine = field(default_factory=AgedLine)
    broken: AgedLine = field(default_factory=AgedLine)
    pending: AgedLine = field(default_factory=AgedLine)

    @property
    def kept_rate(self) -> Decimal | None:
        """Share of the judged promises that were kept, in %; None before any was judged."""
        judged = self.kept.count + self.broken.count
        if not judged:
            return None
        return (Decimal(100) * self.kept.count / judged).quantize(Decimal("0.1"), ROUND_HALF_UP)


def promise_figures(promises: Iterable[tuple[Decimal, bool | None]]) -> PromiseFigures:
    """From (amount promised, kept: True / False / None while the payments have not judged it)."""
    figures = PromiseFigures()
    for amount, kept in promises:
        outcome = figures.pending if kept is None else figures.kept if kept else figures.broken
        for line in (figures.made, outcome):
            line.amount += amount
            line.count += 1
    return figures


def covered_by(receivables: Decimal, monthly_sales: Iterable[tuple[int, int, Decimal]]) -> bool:
    """Whether the months given cover what is owed (else the DSO is « at least » its days)."""
    return receivables <= sum((sales for _, _, sales in monthly_sales), ZERO)


def promise_totals(rows: Iterable[tuple[bool | None, Decimal, int]]) -> PromiseFigures:
    """`promise_figures` from totals already summed: (kept or None, amount, count) per group."""
    figures = PromiseFigures()
    for kept, amount, count in rows:
        outcome = figures.pending if kept is None else figures.kept if kept else figures.broken
        for line in (figures.made, outcome):
            line.amount += amount
            line.count += count
    return figures
