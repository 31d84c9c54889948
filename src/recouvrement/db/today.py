"""« Aujourd'hui » (issue 13 §6): the read queries behind the landing page's panel, the page
and the menu's count (`domain.today` says whose rows)."""

from datetime import date

from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL

from recouvrement.db.models import Company, Intervention
from recouvrement.db.worklist import STATUS_TODO, NotIndexed
from recouvrement.domain.today import TODAY_KINDS, TodayScope

# Literals, as `db.worklist` writes them: SQLite reads a partial index only when the query
# names the index's condition as written (« A faire » rows; an index of the alerts and
# promises « A faire » would be read the same way).
_TABLE = Intervention._meta.db_table
_KINDS = ", ".join(f"'{kind.value}'" for kind in TODAY_KINDS)
_ALERT_OR_PROMISE = RawSQL(f"{_TABLE}.kind IN ({_KINDS})", (), output_field=BooleanField())


def today_interventions(company: Company, as_of: date, scope: TodayScope) -> QuerySet:
    """The alerts and promises « A faire » due by `as_of` in the scope's open dossiers (closing a
    dossier skips its rows « A faire »: no join on its status), oldest first."""
    if scope.nothing:
        return Intervention.objects.none()
    rows = Intervention.objects.filter(
        STATUS_TODO, _ALERT_OR_PROMISE, company=company, planned_date__lte=as_of
    )
    if scope.collector_id is not None:
        rows = rows.filter(queue_collector_id=scope.collector_id)
    # Ordered by `+planned_date` on SQLite: the date index of every row « A faire » would give
    # the order for free, but read all of them to find the few alerts and promises.
    return rows.alias(due=NotIndexed("planned_date")).order_by("due", "id")


def today_count(company: Company, as_of: date, scope: TodayScope) -> int:
    """The menu's count: one COUNT query (none for an empty scope)."""
    return today_interventions(company, as_of, scope).order_by().count()


def today_rows(company: Company, as_of: date, scope: TodayScope) -> QuerySet:
    """The rows with what the lists show of their dossier: number, client, chargé."""
    return today_interventions(company, as_of, scope).select_related(
        "dossier__customer", "dossier__collector"
    )
