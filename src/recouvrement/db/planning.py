"""The batch's reads (B1): a chunk of dossiers, locked, and what the engine needs of their
interventions — plain SQL, since `prepare` reads 100 000 dossiers in its 2 s (PRODUCT §7).

Through the ORM each row costs a model iteration and each date a converter call; here rows
come as tuples and each distinct date is parsed once (SQLite hands dates over as text).
"""

from collections import defaultdict
from datetime import date

from django.db import connection

from recouvrement.db.models import Dossier, Intervention
from recouvrement.domain.scenario import InterventionState
from recouvrement.domain.statuses import DossierStatus, InterventionKind, InterventionStatus

KINDS = {kind.value: kind for kind in InterventionKind}
INTERVENTION_STATUSES = {status.value: status for status in InterventionStatus}
DOSSIER_STATUSES = {status.value: status for status in DossierStatus}


class _Dates(dict):
    """Raw value → date, parsed on first sight (a batch's rows share a handful of dates)."""

    def __missing__(self, raw):
        value = self[raw] = date.fromisoformat(raw) if isinstance(raw, str) else raw
        return value


def _date(column: str) -> str:
    # SQLite runs a Python converter per value of a column declared DATE; as text, it does not.
    return f"CAST({column} AS TEXT)" if connection.vendor == "sqlite" else column


def locked_dossiers(id_range: tuple[int, int]) -> list[tuple]:
    """(id, company id, status, start date, scenario id, priority, chargé id) of the dossiers
    whose id is in `id_range`, locked until the end of the transaction (PostgreSQL; SQLite's
    transactions take the whole database)."""
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    sql = (
        f"SELECT id, company_id, status, {_date('start_date')}, scenario_id, priority, "
        f"collector_id FROM {Dossier._meta.db_table} WHERE id BETWEEN %s AND %s{lock}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, id_range)
        rows = cursor.fetchall()
    dates = _Dates()
    return [
        (pk, company, DOSSIER_STATUSES[status], dates[start], scenario, priority, collector)
        for pk, company, status, start, scenario, priority, collector in rows
    ]


def planning_states(id_range: tuple[int, int]) -> dict[int, tuple[InterventionState, ...]]:
    """What `plan_next_step` looks at (the steps, the promises pending or broken) of the
    dossiers whose id is in `id_range`. Dossiers in alike states share one tuple object, so
    that the batch plans each distinct state once."""
    sql = (
        f"SELECT dossier_id, kind, status, {_date('planned_date')}, step_id, "
        f"{_date('done_date')} FROM {Intervention._meta.db_table} "
        "WHERE dossier_id BETWEEN %s AND %s AND (kind = %s OR (kind = %s AND status <> %s))"
    )
    params = (
        *id_range,
        InterventionKind.STEP.value,
        InterventionKind.PROMISE.value,
        InterventionStatus.DONE.value,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return shared_states(cursor.fetchall())


def shared_states(rows) -> dict[int, tuple[InterventionState, ...]]:
    """(dossier id, kind, status, planned date, step id, done date) rows → states by dossier,
    one tuple object per distinct set of raw rows."""
    raw: dict[int, list[tuple]] = defaultdict(list)
    for row in rows:
        raw[row[0]].append(row[1:])
    dates = _Dates()
    shared: dict[tuple, tuple[InterventionState, ...]] = {}
    states = {}
    for dossier_id, found in raw.items():
        key = tuple(found)
        if (same := shared.get(key)) is None:
            same = shared[key] = tuple(
                InterventionState(
                    KINDS[kind],
                    INTERVENTION_STATUSES[status],
                    dates[planned],
                    step_id,
                    dates[done] if done is not None else None,
                )
                for kind, status, planned, step_id, done in found
            )
        states[dossier_id] = same
    return states
