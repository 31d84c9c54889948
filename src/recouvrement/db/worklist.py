"""« Gestion des actions » (S9): the read query behind the worklist."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import BooleanField, Func, QuerySet
from django.db.models.expressions import RawSQL

from recouvrement.db.models import Collaborator, Company, Intervention
from recouvrement.db.queries import dossier_balances
from recouvrement.domain.statuses import InterventionStatus
from recouvrement.domain.worklist import WorklistSort, collector_sort_key, worklist_order

# The intervention's own copies of its dossier's priority and chargé: each order the worklist
# offers has its partial index (db.models.interventions.WORKLIST_INDEXES).
_ORDER_FIELDS = {
    WorklistSort.PRIORITY: "queue_priority",
    WorklistSort.COLLECTOR: "queue_collector",
    WorklistSort.DATE: "planned_date",
}

# A literal, not a parameter: SQLite uses a partial index only when the query's WHERE names
# the index's condition as written (`status = 'todo'`).
_TODO = RawSQL(
    f"{Intervention._meta.db_table}.status = '{InterventionStatus.TODO.value}'",
    (),
    output_field=BooleanField(),
)


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
    where: Mapping[str, object] | None = None,
) -> QuerySet[Intervention]:
    """Interventions « A faire » due by `as_of` in the company's open dossiers, in order.

    Closing a dossier skips its interventions « A faire », so no join on its status.
    """
    order = worklist_order(sort)
    rows = Intervention.objects.alias(due=NotIndexed("planned_date")).filter(
        _TODO, company=company, due__lte=as_of
    )
    if where:
        # e.g. {"action_type": "letter"} or {"kind": "alert"}: filtered while read in order.
        rows = rows.filter(**where)
    if collector_id is not None:
        # One chargé: the chargé drops out of the order. By date, the date index holds the
        # chargé; by priority, the chargé's range of the « chargé, priority » index is read
        # (its rows carry the chargé's sort key: `services.queue`).
        rows = rows.filter(queue_collector_id=collector_id)
        order = tuple(key for key in order if key is not WorklistSort.COLLECTOR)
        if order[0] is not WorklistSort.DATE:
            rows = rows.filter(queue_collector=collector_key(collector_id))
    return rows.select_related("dossier__customer", "dossier__collector", "step").order_by(
        *(_ORDER_FIELDS[key] for key in order), "id"
    )


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
    where: Mapping[str, object] | None = None,
    offset: int = 0,
    limit: int = 50,
) -> WorklistPage:
    """One page of the worklist, with each row's dossier balance."""
    query = worklist_query(company, as_of, collector_id=collector_id, sort=sort, where=where)
    page = list(query[offset : offset + limit])
    return WorklistPage(page, dossier_balances({r.dossier_id for r in page}))
