"""Read queries behind the manager's figures other than the balance âgée (issue 14, B6):
money recovered, invoicing for the DSO, promises, workload, dossiers opened and closed. Each
is one query summed by the database (GROUP BY, conditional counts), whatever the volume."""

from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Case, CharField, Count, Exists, Func, OuterRef, Q, Sum, Value, When

from recouvrement.db.models import (
    Allocation,
    Company,
    Dossier,
    DossierReceivable,
    Intervention,
    Receivable,
)
from recouvrement.db.reports import EVERYONE, TOTAL
from recouvrement.db.worklist import STATUS_TODO, literal_condition
from recouvrement.domain.money import to_cents
from recouvrement.domain.reports import ZERO, ReportScope
from recouvrement.domain.statuses import DossierStatus, InterventionKind, InterventionStatus

NO_RESOLUTION = "Sans résolution"
# Literals: SQLite reads a partial index only when the WHERE names its condition as written.
STATUS_DONE = literal_condition("status", InterventionStatus.DONE.value)
KIND_PROMISE = literal_condition("kind", InterventionKind.PROMISE.value)
Month = tuple[int, int]


class MonthOf(Func):
    """« 2026-11 »: the month of a date column, by the engine's own string functions (SQLite's
    TruncMonth calls Python once per row: seconds on 100 000 rows)."""

    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra):  # dates are stored « AAAA-MM-JJ »
        return self.as_sql(
            compiler,
            connection,
            function="SUBSTR",
            template="%(function)s(%(expressions)s, 1, 7)",
            **extra,
        )

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            function="TO_CHAR",
            template="%(function)s(%(expressions)s, 'YYYY-MM')",
            **extra,
        )


def _month(value: str) -> Month:
    year, month = value.split("-")
    return int(year), int(month)


def _cents(amount: Decimal | None) -> Decimal:
    """A sum as the database gave it, to the cent (SQLite sums decimals as floats)."""
    return to_cents(Decimal(amount or 0))


def _ever_followed_by(collector_id: int | None, receivable: str) -> Exists:
    """Whether a dossier of the chargé has ever followed the échéance `receivable` (OuterRef)."""
    return Exists(
        DossierReceivable.objects.filter(
            receivable=OuterRef(receivable), dossier__collector_id=collector_id
        )
    )


def recovered_by_month(
    company: Company, *, start: date, end: date, scope: ReportScope = EVERYONE
) -> dict[Month, tuple[Decimal, int]]:
    """The allocations of the règlements dated `start`…`end` to échéances a dossier followed
    when the money came (opened by then), by month: (amount, number of règlements)."""
    if scope.nothing:
        return {}
    followed = DossierReceivable.objects.filter(
        receivable=OuterRef("receivable_id"), dossier__start_date__lte=OuterRef("payment__date")
    )
    if not scope.everyone:
        followed = followed.filter(dossier__collector_id=scope.collector_id)
    rows = (
        Allocation.objects.filter(
            payment__company=company, payment__date__gte=start, payment__date__lte=end
        )
        .filter(Exists(followed))
        .annotate(month=MonthOf("payment__date"))
        .order_by()
        .values("month")
        .annotate(total=Sum("amount", output_field=TOTAL), count=Count("payment", distinct=True))
    )
    return {_month(row["month"]): (_cents(row["total"]), row["count"]) for row in rows}


def monthly_invoicing(
    company: Company, *, as_of: date, scope: ReportScope = EVERYONE
) -> list[tuple[int, int, Decimal, Decimal]]:
    """(year, month, amount invoiced, still open today) per month of the pieces dated up to
    `as_of`, most recent first: one query."""
    if scope.nothing:
        return []
    rows = Receivable.objects.filter(company=company, piece_date__lte=as_of)
    if not scope.everyone:
        rows = rows.filter(_ever_followed_by(scope.collector_id, "pk"))
    # By day, folded into months here: grouping by the column itself is the cheapest sort.
    grouped = (
        rows.order_by()
        .values("piece_date")
        .annotate(
            sales=Sum("amount", output_field=TOTAL), open=Sum("open_amount", output_field=TOTAL)
        )
    )
    months: dict[Month, list[Decimal]] = {}
    for r in grouped:
        sums = months.setdefault((r["piece_date"].year, r["piece_date"].month), [ZERO, ZERO])
        sums[0] += Decimal(r["sales"] or 0)
        sums[1] += Decimal(r["open"] or 0)
    found = [(y, m, _cents(sales), _cents(still)) for (y, m), (sales, still) in months.items()]
    return sorted(found, reverse=True)


def paid_after_by_month(
    company: Company, *, after: date, as_of: date, scope: ReportScope = EVERYONE
) -> list[tuple[Month, Month, Decimal]]:
    """(month of the piece, month of the règlement, amount allocated) for the règlements dated
    after `after` to pieces dated up to `as_of`: what was still owed at each month's end."""
    if scope.nothing:
        return []
    rows = Allocation.objects.filter(  # from the règlements: few, next to every piece
        payment__company=company, payment__date__gt=after, receivable__piece_date__lte=as_of
    )
    if not scope.everyone:
        rows = rows.filter(_ever_followed_by(scope.collector_id, "receivable_id"))
    grouped = (
        rows.annotate(piece=MonthOf("receivable__piece_date"), paid=MonthOf("payment__date"))
        .order_by()
        .values("piece", "paid")
        .annotate(total=Sum("amount", output_field=TOTAL))
    )
    return [(_month(r["piece"]), _month(r["paid"]), _cents(r["total"])) for r in grouped]


# --- promises, workload, dossiers ---------------------------------------------------------


def promise_groups(
    company: Company, *, start: date, end: date, scope: ReportScope = EVERYONE
) -> list[tuple[bool | None, Decimal, int]]:
    """The promises made `start`…`end`, judged at `end`: (kept, broken: False, pending: None,
    amount, count). A promise the money has not judged counts by its status: « Réalisée »
    kept, « Ignorée » broken; one decided after `end` was still pending then."""
    if scope.nothing:
        return []
    decided = Q(done_date__lte=end) & ~Q(status=InterventionStatus.TODO)
    kept = Q(promise_kept=True) | Q(promise_kept__isnull=True, status=InterventionStatus.DONE)
    outcome = Case(
        When(decided & kept, then=Value("kept")),
        When(decided, then=Value("broken")),
        default=Value("pending"),
        output_field=CharField(),
    )
    rows = Intervention.objects.filter(KIND_PROMISE, company=company).filter(
        Q(promise_made_on__gte=start, promise_made_on__lte=end)
        | Q(promise_made_on__isnull=True, created_at__date__gte=start, created_at__date__lte=end)
    )
    if not scope.everyone:
        rows = rows.filter(dossier__collector_id=scope.collector_id)
    grouped = (
        rows.annotate(outcome=outcome)
        .order_by()
        .values("outcome")
        .annotate(total=Sum("promise_amount", output_field=TOTAL), count=Count("pk"))
    )
    kinds = {"kept": True, "broken": False, "pending": None}
    return [(kinds[r["outcome"]], _cents(r["total"]), r["count"]) for r in grouped]


def workload_counts(
    company: Company, *, today: date, scope: ReportScope = EVERYONE
) -> dict[int | None, tuple[int, int, int]]:
    """Per chargé: interventions « A faire » planned today, planned before today, and
    « Réalisée » since Monday. Two queries, each reading a partial index (the worklist's by
    date, and the done rows' by date) instead of the million rows of the table."""
    if scope.nothing:
        return {}
    monday = today - timedelta(days=today.weekday())
    todo = Intervention.objects.filter(STATUS_TODO, company=company, planned_date__lte=today)
    done = Intervention.objects.filter(
        STATUS_DONE, company=company, done_date__gte=monday, done_date__lte=today
    )
    if not scope.everyone:
        todo = todo.filter(queue_collector_id=scope.collector_id)
        done = done.filter(queue_collector_id=scope.collector_id)
    counts: dict[int | None, tuple[int, int, int]] = {}
    for row in (
        todo.order_by()
        .values("queue_collector_id")
        .annotate(
            due_today=Count("pk", filter=Q(planned_date=today)),
            overdue=Count("pk", filter=Q(planned_date__lt=today)),
        )
    ):
        counts[row["queue_collector_id"]] = (row["due_today"], row["overdue"], 0)
    for row in done.order_by().values("queue_collector_id").annotate(done=Count("pk")):
        due_today, overdue, _ = counts.get(row["queue_collector_id"], (0, 0, 0))
        counts[row["queue_collector_id"]] = (due_today, overdue, row["done"])
    return counts


def dossier_flow(
    company: Company, *, start: date, end: date, scope: ReportScope = EVERYONE
) -> tuple[dict[Month, int], list[tuple[Month, str, int]]]:
    """Dossiers opened per month, and closed per month and résolution, `start`…`end`."""
    if scope.nothing:
        return {}, []
    dossiers = Dossier.objects.filter(company=company)
    if not scope.everyone:
        dossiers = dossiers.filter(collector_id=scope.collector_id)
    opened_by_day = (  # by day, folded into months here: the cheapest sort
        dossiers.filter(start_date__gte=start, start_date__lte=end)
        .order_by()
        .values("start_date")
        .annotate(count=Count("pk"))
    )
    opened: dict[Month, int] = {}
    for r in opened_by_day:
        key = (r["start_date"].year, r["start_date"].month)
        opened[key] = opened.get(key, 0) + r["count"]
    closed = (
        dossiers.filter(status=DossierStatus.CLOSED, end_date__gte=start, end_date__lte=end)
        .annotate(month=MonthOf("end_date"))
        .order_by()
        .values("month", "resolution__label")
        .annotate(count=Count("pk"))
    )
    return (
        opened,
        [(_month(r["month"]), r["resolution__label"] or NO_RESOLUTION, r["count"]) for r in closed],
    )
