"""The manager's figures (issue 14, B6): balance âgée, money recovered, DSO, promises,
workload and dossiers per month. Read-only (no transaction, no journal): the « Tableau de
bord », the `recouvrement report` command and the API call these same functions.

Who sees what (`report_scope`): a « Responsable recouvrement » and « Consultation » the
company's figures and their split per chargé; a « Chargé de recouvrement » only those of the
dossiers their own collaborator follows; anyone else is refused (PermissionDenied).
"""

from datetime import date
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from recouvrement.db import report_figures as figures
from recouvrement.db.models import Company
from recouvrement.db.reports import (
    ALL_COLLECTORS,
    DEFAULT_RECEIVABLE_ORDER,
    ReceivableRows,
    aged_groups,
    collaborators,
    receivable_rows,
)
from recouvrement.domain.money import format_amount
from recouvrement.domain.reports import (
    AgedBalance,
    ReportScope,
    check_report_date,
    covered_by,
    dso_countback,
    month_end,
    months_up_to,
    promise_totals,
    report_scope_of,
)
from recouvrement.domain.statuses import Role
from recouvrement.services.actors import collaborator_id_of, role_of
from recouvrement.services.dispute_reads import DisputeFigures, dispute_figures
from recouvrement.services.report_results import (
    AgedBalanceReport,
    CollectorBalance,
    Dashboard,
    DsoPoint,
    DsoReport,
    MonthAmount,
    MonthFlow,
    PromisesReport,
    RecoveredReport,
    Workload,
)
from recouvrement.services.use_case import rule_errors

NO_COLLECTOR = "Sans chargé"  # échéances no dossier (or a dossier without chargé) follows
MONTHS = 12

__all__ = [
    "AgedBalanceReport",
    "CollectorBalance",
    "Dashboard",
    "DsoReport",
    "MonthAmount",
    "MonthFlow",
    "PromisesReport",
    "RecoveredReport",
    "Workload",
    "aged_balance_report",
    "dashboard",
    "dispute_report",
    "dossier_flow_report",
    "dso_report",
    "promises_report",
    "receivable_list",
    "recovered_report",
    "report_scope",
    "workload_report",
]


def report_scope(user: AbstractBaseUser | None, company: Company) -> ReportScope:
    """Whose figures `user` sees in `company` (user None: the system, the whole company)."""
    with rule_errors():
        role = role_of(user, company.pk)
    return report_scope_of(role, collaborator_id_of(user) if role is Role.COLLECTOR else None)


def _scope(user: AbstractBaseUser | None, company: Company, *dates: date) -> ReportScope:
    scope = report_scope(user, company)
    with rule_errors():
        for day in dates:
            check_report_date(day)
    return scope


def _first_day(as_of: date, months: int) -> date:
    year, month = months_up_to(as_of, months)[0]
    return date(year, month, 1)


def _months(months: int) -> int:
    return min(max(int(months), 1), 120)


# --- balance âgée ---------------------------------------------------------------------------


def aged_balance_report(
    company: Company,
    *,
    as_of: date,
    user: AbstractBaseUser | None = None,
    collector_id: int | None = None,
    today: date | None = None,
) -> AgedBalanceReport:
    """The échéances still owed at `as_of` per bucket of days late, for the scope and (for a
    manager or « Consultation ») per chargé; `collector_id`: one chargé's only. Its total is
    the sum of the échéances owed at `as_of` (today: of their « reste dû »), to the cent."""
    scope = _scope(user, company, as_of)
    today = today or timezone.localdate()
    return _aged(company, as_of, today, scope, collector_id)


def _aged(
    company: Company, as_of: date, today: date, scope: ReportScope, collector_id: int | None
) -> AgedBalanceReport:
    collector = ALL_COLLECTORS if collector_id is None else collector_id
    groups = aged_groups(company, as_of=as_of, today=today, scope=scope, collector=collector)
    whole, split = AgedBalance(as_of), {}
    for key, collector_pk, amount, count in groups:
        for balance in (whole, split.setdefault(collector_pk, AgedBalance(as_of))):
            balance.lines[key].amount += amount
            balance.lines[key].count += count
    by_collector = []
    if scope.split:
        names = {c.pk: str(c) for c in collaborators(company)} if split else {}
        by_collector = sorted(
            (CollectorBalance(pk, names.get(pk, NO_COLLECTOR), bal) for pk, bal in split.items()),
            key=lambda line: (line.collector_id is None, line.name.lower()),
        )
    return AgedBalanceReport(as_of, whole, by_collector, scope)


def receivable_list(
    company: Company,
    *,
    as_of: date,
    user: AbstractBaseUser | None = None,
    bucket: str | None = None,
    collector: int | None | str = ALL_COLLECTORS,
    client: str | None = None,
    order: str = DEFAULT_RECEIVABLE_ORDER,
    today: date | None = None,
) -> ReceivableRows:
    """The « Échéances » list behind each balance figure (db.reports.receivable_rows), within
    what the user may see: a collector, their own échéances only."""
    scope = _scope(user, company, as_of)
    return receivable_rows(
        company,
        as_of=as_of,
        today=today or timezone.localdate(),
        scope=scope,
        bucket=bucket,
        collector=collector,
        client=client,
        order=order,
    )


# --- money recovered and DSO ----------------------------------------------------------------


def recovered_report(
    company: Company, *, as_of: date, user: AbstractBaseUser | None = None, months: int = MONTHS
) -> RecoveredReport:
    return _recovered(company, as_of, _scope(user, company, as_of), _months(months))


def _recovered(company: Company, as_of: date, scope: ReportScope, months: int) -> RecoveredReport:
    start = _first_day(as_of, months)
    found = figures.recovered_by_month(company, start=start, end=as_of, scope=scope)
    rows = [
        MonthAmount(year, month, *found.get((year, month), (Decimal("0.00"), 0)))
        for year, month in months_up_to(as_of, months)
    ]
    return RecoveredReport(as_of, start, rows)


def dso_report(
    company: Company,
    *,
    as_of: date,
    user: AbstractBaseUser | None = None,
    months: int = MONTHS,
    today: date | None = None,
) -> DsoReport:
    scope = _scope(user, company, as_of)
    today = today or timezone.localdate()
    owed = _aged(company, as_of, today, scope, None).total.amount
    return _dso(company, as_of, scope, owed, _months(months))


def _dso(
    company: Company, as_of: date, scope: ReportScope, receivables: Decimal, months: int
) -> DsoReport:
    """The DSO at `as_of` from what is owed then, and at each previous month's end from the
    sums per month (invoiced, open today, paid after): two grouped queries, not one per month."""
    invoicing = figures.monthly_invoicing(company, as_of=as_of, scope=scope)
    sales = [(year, month, amount) for year, month, amount, _ in invoicing]
    days = dso_countback(receivables, sales, through=as_of)
    trend_months = months_up_to(as_of, months)[:-1]
    trend = []
    if trend_months:
        after = month_end(*trend_months[0])
        paid_after = figures.paid_after_by_month(company, after=after, as_of=as_of, scope=scope)
        for key in trend_months:
            owed = sum((o for y, m, _, o in invoicing if (y, m) <= key), Decimal(0))
            owed += sum((a for piece, paid, a in paid_after if piece <= key < paid), Decimal(0))
            earlier = [(y, m, s) for y, m, s in sales if (y, m) <= key]
            trend.append(DsoPoint(*key, dso_countback(owed, earlier)))
    trend.append(DsoPoint(as_of.year, as_of.month, days))
    at_least = not covered_by(receivables, sales)
    return DsoReport(
        as_of, days, receivables, _formula(as_of, receivables, days, at_least), trend, at_least
    )


def _formula(as_of: date, receivables: Decimal, days: Decimal, at_least: bool) -> str:
    result = f"{'au moins ' if at_least else ''}{str(days).replace('.', ',')} jours"
    return (
        "DSO (méthode de l'épuisement) : le solde clients au "
        f"{as_of:%d/%m/%Y} ({format_amount(receivables)}) est épuisé par le chiffre d'affaires "
        "facturé, du mois le plus récent au plus ancien ; chaque mois entièrement couvert compte "
        "tous ses jours (le mois en cours, ses jours écoulés), le mois qui couvre le reste la "
        f"part de ses jours égale à la part de ses factures restant à couvrir. Résultat : {result}."
    )


# --- promises, workload, dossiers -----------------------------------------------------------


def promises_report(
    company: Company, *, as_of: date, user: AbstractBaseUser | None = None, months: int = MONTHS
) -> PromisesReport:
    return _promises(company, as_of, _scope(user, company, as_of), _months(months))


def _promises(company: Company, as_of: date, scope: ReportScope, months: int) -> PromisesReport:
    start = _first_day(as_of, months)
    groups = figures.promise_groups(company, start=start, end=as_of, scope=scope)
    return PromisesReport(start, as_of, promise_totals(groups))


def workload_report(
    company: Company, *, today: date, user: AbstractBaseUser | None = None
) -> list[Workload]:
    """Per chargé: interventions « A faire » due today, overdue, and « Réalisée » this week."""
    return _workload(company, today, _scope(user, company, today))


def _workload(company: Company, today: date, scope: ReportScope) -> list[Workload]:
    counts = figures.workload_counts(company, today=today, scope=scope)
    people = collaborators(company)
    names = {c.pk: str(c) for c in people}
    if scope.everyone:  # every chargé, and whoever else has interventions
        shown = {c.pk for c in people if c.is_collector} | set(counts)
    else:
        shown = {scope.collector_id} if scope.collector_id is not None else set()
    rows = [Workload(pk, names.get(pk, NO_COLLECTOR), *counts.get(pk, (0, 0, 0))) for pk in shown]
    return sorted(rows, key=lambda w: (w.collector_id is None, w.name.lower(), w.collector_id or 0))


def dossier_flow_report(
    company: Company, *, as_of: date, user: AbstractBaseUser | None = None, months: int = MONTHS
) -> list[MonthFlow]:
    return _flow(company, as_of, _scope(user, company, as_of), _months(months))


def _flow(company: Company, as_of: date, scope: ReportScope, months: int) -> list[MonthFlow]:
    opened, closed = figures.dossier_flow(
        company, start=_first_day(as_of, months), end=as_of, scope=scope
    )
    by_month: dict[tuple[int, int], dict[str, int]] = {}
    for key, label, count in closed:
        by_month.setdefault(key, {})[label] = count
    return [
        MonthFlow(
            year,
            month,
            opened.get((year, month), 0),
            sum(by_month.get((year, month), {}).values()),
            dict(sorted(by_month.get((year, month), {}).items())),
        )
        for year, month in months_up_to(as_of, months)
    ]


# --- the dashboard --------------------------------------------------------------------------


def dashboard(
    company: Company,
    *,
    as_of: date,
    user: AbstractBaseUser | None = None,
    today: date | None = None,
) -> Dashboard:
    """Every figure of « Tableau de bord » at `as_of` (the workload: at `today`), one call."""
    scope = _scope(user, company, as_of)
    today = today or timezone.localdate()
    aged = _aged(company, as_of, today, scope, None)
    return Dashboard(
        as_of=as_of,
        today=today,
        scope=scope,
        aged=aged,
        recovered=_recovered(company, as_of, scope, MONTHS),
        dso=_dso(company, as_of, scope, aged.total.amount, MONTHS),
        promises=_promises(company, as_of, scope, MONTHS),
        workload=_workload(company, today, scope),
        flow=_flow(company, as_of, scope, MONTHS),
    )


# --- litiges (B10) --------------------------------------------------------------------------


def dispute_report(
    company: Company, *, user: AbstractBaseUser | None = None, today: date | None = None
) -> DisputeFigures:
    """The « Litiges » panel: the litiges open `today` (count, amount, average and oldest age
    in days), the company's or, for a collector, those of the dossiers they follow."""
    scope = report_scope(user, company)
    today = today or timezone.localdate()
    if scope.everyone:
        return dispute_figures(company.pk, today)
    return dispute_figures(company.pk, today, scope.collector_id)
