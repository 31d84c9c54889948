"""What the dashboard's sections show, from `services.reports.Dashboard`: each figure with the
link to the list behind it, and the charts. Presentation only: the figures are the service's."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from urllib.parse import urlencode

from django.urls import reverse

from recouvrement.domain.reports import BUCKETS, AgedBalance, AgedLine, month_label
from recouvrement.domain.statuses import DossierStatus
from recouvrement.services.dispute_reads import DisputeFigures
from recouvrement.services.reports import Dashboard, Workload
from recouvrement.web.dashboard import charts
from recouvrement.web.dashboard.charts import Chart

NO_COLLECTOR = "aucun"  # « Échéances »: the échéances no dossier (or no chargé) follows


def decimal_comma(value: Decimal | None) -> str | None:
    """`Decimal("42.3")` → « 42,3 »."""
    return None if value is None else str(value).replace(".", ",")


def _url(name: str, **params) -> str:
    query = urlencode({key: value for key, value in params.items() if value is not None})
    return f"{reverse(name)}?{query}" if query else reverse(name)


@dataclass(frozen=True)
class Cell:
    label: str
    amount: Decimal
    count: int
    url: str


@dataclass(frozen=True)
class BalanceRow:
    name: str
    cells: list[Cell]  # BUCKETS' order
    total: Cell


def _balance_row(name: str, balance: AgedBalance, as_of: date, charge: str | None) -> BalanceRow:
    def cell(line: AgedLine, key: str | None, label: str) -> Cell:
        url = _url("receivable_list", tranche=key, charge=charge, date=as_of.isoformat())
        return Cell(label, line.amount, line.count, url)

    cells = [cell(balance.lines[b.key], b.key, b.label) for b in BUCKETS]
    return BalanceRow(name, cells, cell(balance.total, None, "Total"))


@dataclass(frozen=True)
class WorkloadRow:
    workload: Workload
    url_today: str | None  # « Gestion des actions » of that chargé, through today
    url_overdue: str | None  # … through yesterday: what is late
    url_dossiers: str | None


def _workload_row(workload: Workload, today: date) -> WorkloadRow:
    pk = workload.collector_id
    if pk is None:  # the worklist has no « without chargé » filter
        return WorkloadRow(workload, None, None, None)
    yesterday = today - timedelta(days=1)
    return WorkloadRow(
        workload,
        _url("worklist", charge=pk, jusqu_au=today.isoformat()),
        _url("worklist", charge=pk, jusqu_au=yesterday.isoformat()),
        _url("dossier_list", charge=pk),
    )


@dataclass(frozen=True)
class Page:
    """Everything the template shows, built from the one `Dashboard` the service returned."""

    board: Dashboard
    bucket_labels: list[str]
    balance: BalanceRow
    by_collector: list[BalanceRow]
    workload: list[WorkloadRow]
    dossier_links: list[tuple[str, str]]
    dso_days: str  # « 42,3 »
    dso_trend: list[tuple[str, str]]  # (« mars 2026 », « 41,0 »)
    kept_rate: str | None  # « 66,7 »
    balance_chart: Chart
    recovered_chart: Chart
    dso_chart: Chart
    flow_chart: Chart
    # « Litiges » (B10), open today; the dossier list has no « in litige » filter yet, so
    # the amount links nowhere.
    disputes: DisputeFigures | None = None


def page(board: Dashboard, disputes: DisputeFigures | None = None) -> Page:
    as_of, scope = board.as_of, board.scope
    own = None if scope.everyone else scope.collector_id
    company = _balance_row("Total", board.aged.company, as_of, None)
    split = [
        _balance_row(
            line.name,
            line.balance,
            as_of,
            NO_COLLECTOR if line.collector_id is None else str(line.collector_id),
        )
        for line in board.aged.by_collector
    ]
    mine = {"charge": own} if own is not None else {"all": 1}
    dossier_links = [
        (status.label, _url("dossier_list", status=status.value, **mine))
        for status in DossierStatus
    ]
    return Page(
        board=board,
        bucket_labels=[b.label for b in BUCKETS],
        balance=company,
        by_collector=split,
        workload=[_workload_row(w, board.today) for w in board.workload],
        dossier_links=dossier_links,
        dso_days=decimal_comma(board.dso.days),
        dso_trend=[(month_label(p.year, p.month), decimal_comma(p.days)) for p in board.dso.trend],
        kept_rate=decimal_comma(board.promises.figures.kept_rate),
        balance_chart=_balance_chart(board),
        recovered_chart=_recovered_chart(board),
        dso_chart=_dso_chart(board),
        flow_chart=_flow_chart(board),
        disputes=disputes,
    )


def _balance_chart(board: Dashboard) -> Chart:
    lines = board.aged.company.lines
    return charts.bars(
        [b.label for b in BUCKETS],
        [("Montant dû", [lines[b.key].amount for b in BUCKETS])],
        ident="balance-chart",
        alt=f"Diagramme en barres : montant dû par tranche de retard au {board.as_of:%d/%m/%Y}.",
    )


def _recovered_chart(board: Dashboard) -> Chart:
    months = board.recovered.months
    return charts.bars(
        [charts.month_label(m.year, m.month) for m in months],
        [("Encaissé", [m.amount for m in months])],
        ident="recovered-chart",
        alt="Diagramme en barres : montants encaissés par mois sur les douze derniers mois.",
        rotate=True,
    )


def _dso_chart(board: Dashboard) -> Chart:
    trend = board.dso.trend
    return charts.line(
        [charts.month_label(p.year, p.month) for p in trend],
        "DSO",
        [p.days for p in trend],
        ident="dso-chart",
        alt="Courbe : DSO en jours à la fin de chacun des derniers mois.",
    )


def _flow_chart(board: Dashboard) -> Chart:
    flow = board.flow
    return charts.bars(
        [charts.month_label(m.year, m.month) for m in flow],
        [("Ouverts", [m.opened for m in flow]), ("Clos", [m.closed for m in flow])],
        ident="flow-chart",
        alt="Diagramme en barres : dossiers ouverts et clos par mois sur les douze derniers mois.",
        formatter=charts.count,
        rotate=True,
    )
