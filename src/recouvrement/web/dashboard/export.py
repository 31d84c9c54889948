"""« Balance âgée » of the « Tableau de bord » exported at the page's date: a row per chargé
(a manager's and « Consultation »'s split), then the total of what the user sees (the
company's, or a collector's own), in amount and count per tranche of days late."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from recouvrement.domain.reports import BUCKETS, AgedBalance
from recouvrement.exports.columns import Column, Kind, Table, Totals
from recouvrement.services import reports
from recouvrement.services.reports import AgedBalanceReport
from recouvrement.web.dashboard.forms import DashboardForm
from recouvrement.web.exports import export_response
from recouvrement.web.workspace import current_workspace


def _amount(key: str):
    return lambda balance: balance.lines[key].amount


def _count(key: str):
    return lambda balance: balance.lines[key].count


# (header, kind, the figure of an AgedBalance)
FIGURES = (
    *(
        figure
        for bucket in BUCKETS
        for figure in (
            (f"{bucket.label} — montant", Kind.MONEY, _amount(bucket.key)),
            (f"{bucket.label} — échéances", Kind.INT, _count(bucket.key)),
        )
    ),
    ("Total — montant", Kind.MONEY, lambda balance: balance.total.amount),
    ("Total — échéances", Kind.INT, lambda balance: balance.total.count),
)
COLUMNS = (
    Column.of("Chargé de recouvrement", Kind.TEXT, lambda line: line.name),
    *(
        Column.of(header, kind, lambda line, figure=figure: figure(line.balance))
        for header, kind, figure in FIGURES
    ),
)


def _figures(balance: AgedBalance) -> dict:
    return {header: figure(balance) for header, _, figure in FIGURES}


def aged_balance_table(report: AgedBalanceReport) -> Table:
    label = "Total société" if report.scope.split else "Total"

    def totals() -> Totals:
        return Totals(label, _figures(report.company))

    title = f"Balance âgée au {report.as_of:%d-%m-%Y}"
    return Table(
        "balance-agee", title, COLUMNS, iter(report.by_collector), totals, totals_in_csv=True
    )


def _refused(message: str) -> HttpResponse:
    return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")


@login_required
@require_GET
def aged_balance_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """At `?date=` as the page (ISO or JJ/MM/AAAA, default today); a date refused: 400 with
    the page's message."""
    workspace = current_workspace(request)
    as_of, problem = DashboardForm(request.GET).as_of(timezone.localdate())
    if as_of is None:
        return _refused(problem)
    try:
        report = reports.aged_balance_report(workspace.company, as_of=as_of, user=request.user)
    except ValidationError as error:  # a date the reports cannot read
        return _refused(" ".join(error.messages))
    return export_response(aged_balance_table(report), fmt)
