"""What the reports of services.reports return: plain values, amounts in Decimal, each with
`.as_dict()` giving JSON-ready data (amounts as strings « 1234.56 », dates ISO) for the
command line and the API."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from recouvrement.domain.money import to_cents
from recouvrement.domain.reports import (
    BUCKETS,
    ZERO,
    AgedBalance,
    AgedLine,
    PromiseFigures,
    ReportScope,
    month_label,
)


def money(amount: Decimal) -> str:
    return str(to_cents(Decimal(amount)) + 0)  # « -0.00 » is 0.00


def line_dict(line: AgedLine) -> dict:
    return {"amount": money(line.amount), "count": line.count}


def balance_dict(balance: AgedBalance) -> dict:
    return {
        "lines": {key: line_dict(line) for key, line in balance.lines.items()},
        "total": line_dict(balance.total),
        "overdue": money(balance.overdue),
    }


def scope_dict(scope: ReportScope) -> dict:
    return {"everyone": scope.everyone, "collector_id": scope.collector_id}


@dataclass(frozen=True)
class CollectorBalance:
    """One chargé's line of the balance âgée (collector_id None: « Sans chargé »)."""

    collector_id: int | None
    name: str
    balance: AgedBalance

    def as_dict(self) -> dict:
        return {
            "collector_id": self.collector_id,
            "name": self.name,
            "balance": balance_dict(self.balance),
        }


@dataclass(frozen=True)
class AgedBalanceReport:
    as_of: date
    company: AgedBalance  # the scope's figures: the company's, or a collector's own
    by_collector: list[CollectorBalance]  # the split per chargé (empty for a collector)
    scope: ReportScope

    @property
    def total(self) -> AgedLine:
        return self.company.total

    def as_dict(self) -> dict:
        return {
            "as_of": self.as_of.isoformat(),
            "scope": scope_dict(self.scope),
            "buckets": [{"key": b.key, "label": b.label} for b in BUCKETS],
            "company": balance_dict(self.company),
            "by_collector": [line.as_dict() for line in self.by_collector],
        }


@dataclass(frozen=True)
class MonthAmount:
    year: int
    month: int
    amount: Decimal
    count: int  # règlements

    @property
    def label(self) -> str:
        return month_label(self.year, self.month)

    def as_dict(self) -> dict:
        return {
            "year": self.year,
            "month": self.month,
            "amount": money(self.amount),
            "count": self.count,
        }


@dataclass(frozen=True)
class RecoveredReport:
    """Règlements allocated to échéances a dossier followed, per month, oldest first."""

    as_of: date
    start: date
    months: list[MonthAmount]

    @property
    def total(self) -> Decimal:
        return sum((m.amount for m in self.months), ZERO)

    def as_dict(self) -> dict:
        return {
            "as_of": self.as_of.isoformat(),
            "start": self.start.isoformat(),
            "months": [m.as_dict() for m in self.months],
            "total": money(self.total),
        }


class DsoPoint(NamedTuple):
    year: int
    month: int
    days: Decimal


@dataclass(frozen=True)
class DsoReport:
    as_of: date
    days: Decimal
    receivables: Decimal  # owed at `as_of`: the balance âgée's total
    formula: str  # the method, in a French sentence the page and the command show
    trend: list[DsoPoint]  # at each of the last months' end, oldest first; the last at `as_of`
    at_least: bool = False  # more is owed than every month invoiced: « at least » `days`

    def as_dict(self) -> dict:
        return {
            "as_of": self.as_of.isoformat(),
            "days": str(self.days),
            "receivables": money(self.receivables),
            "at_least": self.at_least,
            "formula": self.formula,
            "trend": [{"year": p.year, "month": p.month, "days": str(p.days)} for p in self.trend],
        }


@dataclass(frozen=True)
class PromisesReport:
    """The promises made `start`…`end`, as judged at `end`."""

    start: date
    end: date
    figures: PromiseFigures

    def as_dict(self) -> dict:
        f = self.figures
        rate = f.kept_rate
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "made": line_dict(f.made),
            "kept": line_dict(f.kept),
            "broken": line_dict(f.broken),
            "pending": line_dict(f.pending),
            "kept_rate": None if rate is None else str(rate),
        }


@dataclass(frozen=True)
class Workload:
    collector_id: int | None
    name: str
    due_today: int
    overdue: int
    done_this_week: int

    def as_dict(self) -> dict:
        return {
            "collector_id": self.collector_id,
            "name": self.name,
            "due_today": self.due_today,
            "overdue": self.overdue,
            "done_this_week": self.done_this_week,
        }


@dataclass(frozen=True)
class MonthFlow:
    year: int
    month: int
    opened: int
    closed: int
    closed_by_resolution: dict[str, int] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return month_label(self.year, self.month)

    def as_dict(self) -> dict:
        return {
            "year": self.year,
            "month": self.month,
            "opened": self.opened,
            "closed": self.closed,
            "closed_by_resolution": dict(self.closed_by_resolution),
        }


@dataclass(frozen=True)
class Dashboard:
    """Everything « Tableau de bord » shows, read in one call."""

    as_of: date
    today: date
    scope: ReportScope
    aged: AgedBalanceReport
    recovered: RecoveredReport
    dso: DsoReport
    promises: PromisesReport
    workload: list[Workload]
    flow: list[MonthFlow]

    def as_dict(self) -> dict:
        return {
            "as_of": self.as_of.isoformat(),
            "today": self.today.isoformat(),
            "scope": scope_dict(self.scope),
            "aged_balance": self.aged.as_dict(),
            "recovered": self.recovered.as_dict(),
            "dso": self.dso.as_dict(),
            "promises": self.promises.as_dict(),
            "workload": [w.as_dict() for w in self.workload],
            "dossier_flow": [m.as_dict() for m in self.flow],
        }
