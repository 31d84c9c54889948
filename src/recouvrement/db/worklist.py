"""« Gestion des actions » (S9): the read query behind the worklist."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Expression,
    F,
    Func,
    IntegerField,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import RawSQL

from recouvrement.db.functions import SearchKey
from recouvrement.db.models import Collaborator, Company, Intervention
from recouvrement.db.priority_facts import suggested_urgency
from recouvrement.db.queries import dossier_balance, dossier_balances
from recouvrement.domain.statuses import ActionType, InterventionKind, InterventionStatus
from recouvrement.domain.text import search_key
from recouvrement.domain.worklist import WorklistSort, collector_sort_key, worklist_order


def _type_rank() -> Case:
    """The « Type » column in the alphabetical order of what the page shows (an alert's or a
    promise's nature, else the action's type), accents ignored, the same on every engine."""
    shown = [
        *(
            ({"kind": kind.value}, kind.label)
            for kind in (InterventionKind.ALERT, InterventionKind.PROMISE)
        ),
        *(({"action_type": action.value}, action.label) for action in ActionType),
    ]
    ranks = {
        label: n for n, label in enumerate(sorted({label for _, label in shown}, key=search_key))
    }
    return Case(
        *(When(**condition, then=Value(ranks[label])) for condition, label in shown),
        default=Value(len(ranks)),
        output_field=IntegerField(),
    )


def _order_expression(key: WorklistSort) -> Expression:
    """What each column sorts by. S9's orders (`WorklistSort.is_indexed`) read the
    intervention's own copies of its dossier's priority and chargé, each with its partial
    index (db.models.interventions.WORKLIST_INDEXES); the other columns sort the rows."""
    match key:
        case WorklistSort.PRIORITY:
            return F("queue_priority")
        case WorklistSort.COLLECTOR:
            return F("queue_collector")
        case WorklistSort.DATE:
            return F("planned_date")
        case WorklistSort.DOSSIER:
            return F("dossier__number")
        case WorklistSort.CUSTOMER:
            return SearchKey("dossier__customer__name")
        case WorklistSort.STEP:
            return SearchKey("label")
        case WorklistSort.TYPE:
            return _type_rank()
        case WorklistSort.BALANCE:
            return dossier_balance("dossier_id")
        case WorklistSort.SUGGESTED:
            return suggested_urgency("dossier__suggested_score")
    raise ValueError(key)


# A literal, not a parameter: SQLite uses a partial index only when the query's WHERE names
# the index's condition as written (`status = 'todo'`).
def literal_condition(column: str, value: str) -> RawSQL:
    """`intervention.column = 'value'` written out (the values are our own enum members)."""
    return RawSQL(
        f"{Intervention._meta.db_table}.{column} = '{value}'", (), output_field=BooleanField()
    )


STATUS_TODO = literal_condition("status", InterventionStatus.TODO.value)


class NotIndexed(Func):
    """The column itself, which SQLite must not pick an index range for (`+column`).

    Rows « A faire » are nearly all due: reading them in the index order of the page and
    dropping the few not yet due beats SQLite's choice, a date range then a sort of 10⁵ rows.
    """

    template = "%(expressions)s"

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, template="+%(expressions)s", **extra)


@dataclass(frozen=True)
class WorklistPage:
    rows: list[Intervention]
    balances: dict[int, Decimal]  # dossier id → « Solde », as the dossier list shows it


def worklist_query(
    company: Company,
    as_of: date,
    *,
    collector_id: int | None = None,
    sort: Sequence[str] = (),
    descending: bool = False,
    where: Mapping[str, object] | None = None,
) -> QuerySet[Intervention]:
    """Interventions « A faire » due by `as_of` in the company's open dossiers, in order
    (`descending`: the same order read backwards, the row's id last both ways).

    Closing a dossier skips its interventions « A faire », so no join on its status.
    """
    order = worklist_order(sort)
    rows = _matching(company, as_of, collector_id=collector_id, where=where)
    if collector_id is not None:
        # One chargé: the chargé drops out of the order. By date, the date index holds the
        # chargé; by priority, the chargé's range of the « chargé, priority » index is read
        # (its rows carry the chargé's sort key: `services.queue`).
        order = tuple(key for key in order if key is not WorklistSort.COLLECTOR)
        if order[0] is not WorklistSort.DATE:
            rows = rows.filter(queue_collector=collector_key(collector_id))
    keys = [*(_order_expression(key) for key in order), F("id")]
    return rows.select_related(
        "dossier__customer", "dossier__collector", "dossier__contact", "step"
    ).order_by(*(key.desc() if descending else key.asc() for key in keys))


def _matching(
    company: Company,
    as_of: date,
    *,
    collector_id: int | None = None,
    where: Mapping[str, object] | None = None,
) -> QuerySet[Intervention]:
    """The rows of the worklist, in no order."""
    rows = Intervention.objects.alias(due=NotIndexed("planned_date")).filter(
        STATUS_TODO, company=company, due__lte=as_of
    )
    if where:
        # e.g. {"action_type": "letter"} or {"kind": "alert"}: filtered while read in order.
        rows = rows.filter(**where)
    if collector_id is not None:
        rows = rows.filter(queue_collector_id=collector_id)
    return rows


def collector_key(collector_id: int) -> str:
    """The chargé's sort key, as copied on their interventions « A faire »."""
    found = Collaborator.objects.filter(pk=collector_id).values_list("last_name", "first_name")
    return collector_sort_key(*found[0]) if found else ""


def worklist_rows(
    company: Company,
    as_of: date,
    *,
    collector_id: int | None = None,
    sort: Sequence[str] = (),
    descending: bool = False,
    where: Mapping[str, object] | None = None,
    offset: int = 0,
    limit: int = 50,
) -> WorklistPage:
    """One page of the worklist, with each row's dossier balance."""
    query = worklist_query(
        company, as_of, collector_id=collector_id, sort=sort, descending=descending, where=where
    )
    page = list(query[offset : offset + limit])
    return WorklistPage(page, dossier_balances({r.dossier_id for r in page}))


@dataclass(frozen=True)
class WorklistTotals:
    dossiers: int  # the dossiers of the rows: one with a step and an alert due counts once
    balance: Decimal  # the sum of their « Solde »


def worklist_totals(
    company: Company,
    as_of: date,
    *,
    collector_id: int | None = None,
    where: Mapping[str, object] | None = None,
) -> WorklistTotals:
    """The totals row of the worklist: every row the filters keep, not only the page's, in
    one aggregate query."""
    dossiers = (
        _matching(company, as_of, collector_id=collector_id, where=where)
        .values("dossier_id")
        .distinct()
        .annotate(balance=dossier_balance("dossier_id"))
    )
    totals = dossiers.aggregate(dossiers=Count("dossier_id"), total=Sum("balance"))
    return WorklistTotals(totals["dossiers"], totals["total"] or Decimal("0.00"))
