"""Read queries behind the manager's balance âgée (issue 14, B6) and its drill-down, the
« Échéances » list: summed by the database (GROUP BY, conditional sums), never a Python loop
over the rows. The other figures (recovered, DSO, promises, workload, dossiers): db.report_figures.

The « Échéances » list (the drill-down of each balance figure; the exports reuse it):

    receivable_rows(company, *, as_of, today, scope=EVERYONE, bucket=None,
                    collector=ALL_COLLECTORS, client=None, order="echeance") -> ReceivableRows

    The échéances still owed at `as_of`: issued by then and not settled by then (what is left
    today plus the règlements dated after `as_of`; from `today` on, the « reste dû »). `scope`
    (domain.reports.ReportScope): a collector's own échéances only. `bucket`: a key of
    domain.reports.BUCKETS. `collector`: a collaborator id, None for the échéances no dossier
    (or a dossier without chargé) follows, ALL_COLLECTORS for every one. `client`: a text in
    the customer's code or name, accents and case ignored. `order`: a RECEIVABLE_ORDERS key,
    « -key » reversed. ReceivableRows: `.count()`, `[a:b]` (a list of ReceivableRow, for a
    Paginator), iteration (streams every row, constant memory), `.totals()`.
    ReceivableRow: receivable_id, customer_id, customer_code, customer_name, reference,
    piece_date, due_date, amount, owed (« reste dû à la date »), days_late, dossier_id,
    dossier_number, collector_id, collector_name.

The chargé of an échéance is the collector of the dossier that followed it at `as_of`: from
today on, its open dossier; before, the dossier opened by then and not yet closed.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import (
    Case,
    CharField,
    Count,
    DecimalField,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import Coalesce

from recouvrement.db.functions import SearchKey
from recouvrement.db.models import (
    Allocation,
    Collaborator,
    Company,
    Dossier,
    DossierReceivable,
    Receivable,
)
from recouvrement.domain.balances import days_overdue
from recouvrement.domain.money import to_cents
from recouvrement.domain.reports import BUCKETS, ZERO, ReportScope, days_before
from recouvrement.domain.text import search_key

EVERYONE = ReportScope(everyone=True)
ALL_COLLECTORS = "all"  # the `collector` filter's « every chargé »
TOTAL = DecimalField(max_digits=16, decimal_places=2)


def _zero() -> Value:
    return Value(ZERO, output_field=TOTAL)


# --- the échéances owed at a date, with the dossier and chargé following each ---------------


def _followed_at(as_of: date) -> QuerySet[DossierReceivable]:
    """The link of the dossier that followed the échéance (OuterRef pk) at `as_of`."""
    return (
        DossierReceivable.objects.filter(receivable=OuterRef("pk"), dossier__start_date__lte=as_of)
        .filter(Q(is_active=True) | Q(dossier__end_date__gt=as_of))
        .order_by("-dossier__start_date", "-pk")
    )


def owed_expression(as_of: date, today: date) -> F | CombinedExpression:
    """What an échéance (the outer row) still owed at `as_of`: its « reste dû » plus the
    règlements dated later allocated to it (from today on, the « reste dû »)."""
    if as_of >= today:
        return F("open_amount")
    paid_later = (
        Allocation.objects.filter(receivable=OuterRef("pk"), payment__date__gt=as_of)
        .order_by()
        .values("receivable")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return F("open_amount") + Coalesce(
        Subquery(paid_later, output_field=TOTAL), _zero(), output_field=TOTAL
    )


def owed_receivables(
    company: Company,
    *,
    as_of: date,
    today: date,
    scope: ReportScope = EVERYONE,
    collector: int | None | str = ALL_COLLECTORS,
    client: str | None = None,
) -> QuerySet[Receivable]:
    """The échéances owed at `as_of` annotated with `owed`, `follow_dossier_id` and
    `follow_collector_id` (see the module), within `scope`, one chargé's or none's."""
    rows = Receivable.objects.filter(company=company)
    if as_of >= today:  # today's figures: the « reste dû » and the open dossier, by a join
        rows = rows.filter(open_amount__gt=0).annotate(
            active=FilteredRelation("links", condition=Q(links__is_active=True)),
            owed=owed_expression(as_of, today),
            follow_dossier_id=F("active__dossier_id"),
            follow_collector_id=F("active__dossier__collector_id"),
        )
    else:
        followed = _followed_at(as_of)
        rows = (
            rows.filter(piece_date__lte=as_of)
            .annotate(
                owed=owed_expression(as_of, today),
                follow_dossier_id=Subquery(followed.values("dossier_id")[:1]),
                follow_collector_id=Subquery(followed.values("dossier__collector_id")[:1]),
            )
            .filter(owed__gt=0)
        )
    if scope.nothing:
        return rows.none()
    if not scope.everyone:
        rows = rows.filter(follow_collector_id=scope.collector_id)
    if collector is None:
        rows = rows.filter(follow_collector_id__isnull=True)
    elif collector != ALL_COLLECTORS:
        rows = rows.filter(follow_collector_id=collector)
    if client and (key := search_key("".join(c for c in client if c.isprintable()).strip())):
        rows = rows.alias(
            client_name=SearchKey("customer__name"), client_code=SearchKey("customer__code")
        ).filter(Q(client_name__contains=key) | Q(client_code__contains=key))
    return rows


def _bucket_bounds(as_of: date, key: str) -> Q:
    bucket = next(b for b in BUCKETS if b.key == key)
    bounds = Q()
    if bucket.high is not None:
        bounds &= Q(due_date__gte=days_before(as_of, bucket.high))
    if bucket.low is not None:
        bounds &= Q(due_date__lte=days_before(as_of, bucket.low))
    return bounds


def bucket_case(as_of: date) -> Case:
    """The key of the BUCKETS column each échéance falls in at `as_of`, by its due date."""
    whens = [When(_bucket_bounds(as_of, b.key), then=Value(b.key)) for b in BUCKETS]
    return Case(*whens, output_field=CharField())


def aged_groups(
    company: Company,
    *,
    as_of: date,
    today: date,
    scope: ReportScope = EVERYONE,
    collector: int | None | str = ALL_COLLECTORS,
) -> list[tuple[str, int | None, Decimal, int]]:
    """(bucket key, chargé id or None, amount owed, count) per bucket and chargé: one query."""
    rows = (
        owed_receivables(company, as_of=as_of, today=today, scope=scope, collector=collector)
        .annotate(bucket=bucket_case(as_of))
        .order_by()
        .values("bucket", "follow_collector_id")
        .annotate(total=Sum("owed", output_field=TOTAL), count=Count("pk"))
    )
    return [
        (row["bucket"], row["follow_collector_id"], to_cents(row["total"]), row["count"])
        for row in rows
    ]


def collaborators(company: Company) -> list[Collaborator]:
    """The company's collaborators (a few dozen rows): the names of the chargés."""
    return list(Collaborator.objects.filter(company=company))


# --- the « Échéances » list ---------------------------------------------------------------

# `?tri=` keys of the list and the columns they sort by (the last ones break ties).
RECEIVABLE_ORDERS = {
    "client": ("customer__name", "customer__code"),
    "piece": ("reference",),
    "date": ("piece_date",),
    "echeance": ("due_date",),
    "montant": ("amount",),
    "reste": ("owed",),
    "retard": ("-due_date",),
    "dossier": ("follow_dossier_number",),
    "charge": ("follow_collector_last", "follow_collector_first"),
}
DEFAULT_RECEIVABLE_ORDER = "echeance"
_TIES = ("due_date", "reference", "pk")


@dataclass(frozen=True)
class ReceivableRow:
    receivable_id: int
    customer_id: int
    customer_code: str
    customer_name: str
    reference: str
    piece_date: date
    due_date: date
    amount: Decimal
    owed: Decimal
    days_late: int
    dossier_id: int | None
    dossier_number: str
    collector_id: int | None
    collector_name: str


@dataclass(frozen=True)
class RowTotals:
    count: int
    amount: Decimal
    owed: Decimal


_FIELDS = (
    "pk",
    "customer_id",
    "customer__code",
    "customer__name",
    "reference",
    "piece_date",
    "due_date",
    "amount",
    "owed",
    "follow_dossier_id",
    "follow_dossier_number",
    "follow_collector_id",
    "follow_collector_first",
    "follow_collector_last",
)


class ReceivableRows:
    """The list's rows, read a page or a stream at a time (see the module)."""

    def __init__(self, queryset: QuerySet[Receivable], as_of: date, today: date) -> None:
        self.queryset, self.as_of, self.today = queryset, as_of, today
        self._totals: RowTotals | None = None

    def count(self) -> int:
        return self._totals.count if self._totals else self.queryset.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[ReceivableRow]:
        return [self._row(values) for values in self.queryset.values(*_FIELDS)[index]]

    def __iter__(self) -> Iterator[ReceivableRow]:
        for values in self.queryset.values(*_FIELDS).iterator(chunk_size=2000):
            yield self._row(values)

    def totals(self) -> RowTotals:
        """Count and sums of every row (not only a page's); read once."""
        if self._totals is not None:
            return self._totals
        found = self.queryset.order_by().aggregate(
            count=Count("pk"),
            amount=Coalesce(Sum("amount", output_field=TOTAL), _zero()),
            # The expression, not the « owed » alias: Django loses the alias in an aggregate.
            owed=Coalesce(
                Sum(owed_expression(self.as_of, self.today), output_field=TOTAL), _zero()
            ),
        )
        # SQLite sums decimals as floats: back to the cent.
        self._totals = RowTotals(found["count"], to_cents(found["amount"]), to_cents(found["owed"]))
        return self._totals

    def _row(self, v: dict) -> ReceivableRow:
        name = f"{v['follow_collector_first'] or ''} {v['follow_collector_last'] or ''}".strip()
        return ReceivableRow(
            receivable_id=v["pk"],
            customer_id=v["customer_id"],
            customer_code=v["customer__code"],
            customer_name=v["customer__name"],
            reference=v["reference"],
            piece_date=v["piece_date"],
            due_date=v["due_date"],
            amount=v["amount"],
            owed=v["owed"],
            days_late=days_overdue(v["due_date"], self.as_of),
            dossier_id=v["follow_dossier_id"],
            dossier_number=v["follow_dossier_number"] or "",
            collector_id=v["follow_collector_id"],
            collector_name=name,
        )


def receivable_rows(
    company: Company,
    *,
    as_of: date,
    today: date,
    scope: ReportScope = EVERYONE,
    bucket: str | None = None,
    collector: int | None | str = ALL_COLLECTORS,
    client: str | None = None,
    order: str = DEFAULT_RECEIVABLE_ORDER,
) -> ReceivableRows:
    """The « Échéances » list: see the module's docstring."""
    rows = owed_receivables(
        company, as_of=as_of, today=today, scope=scope, collector=collector, client=client
    )
    if bucket:
        rows = rows.filter(_bucket_bounds(as_of, bucket))
    dossier = Dossier.objects.filter(pk=OuterRef("follow_dossier_id"))
    collaborator = Collaborator.objects.filter(pk=OuterRef("follow_collector_id"))
    rows = rows.annotate(
        follow_dossier_number=Subquery(dossier.values("number")[:1]),
        follow_collector_first=Subquery(collaborator.values("first_name")[:1]),
        follow_collector_last=Subquery(collaborator.values("last_name")[:1]),
    ).select_related(None)
    key = order.removeprefix("-")
    columns = RECEIVABLE_ORDERS.get(key, RECEIVABLE_ORDERS[DEFAULT_RECEIVABLE_ORDER])
    if order.startswith("-"):
        columns = tuple(c[1:] if c.startswith("-") else f"-{c}" for c in columns)
    return ReceivableRows(rows.order_by(*columns, *_TIES), as_of, today)
