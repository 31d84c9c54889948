"""Fast inserts for batches: COPY on PostgreSQL, one `executemany` on SQLite.

Django's `bulk_create` spends ~80 % of a large batch preparing each value of each object;
the batch (`prepare_due`) writes 200 000 rows for 100 000 dossiers and has a 2 s budget.
"""

import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import connection, models


class _Memo(dict):
    """Each object adapted once while it repeats: a batch's rows share their time stamp,
    planned date, amounts and the journal's « after » dict. Keyed by identity (the object is
    kept, so its id is not reused); a few thousand entries at most, rows of distinct values
    just pass through."""

    def __init__(self, adapt: Callable[[Any], Any]) -> None:
        super().__init__()
        self.adapt = adapt

    def __call__(self, value: Any) -> Any:
        hit = self.get(id(value))
        if hit is None or hit[0] is not value:
            if len(self) >= 4096:
                self.clear()
            hit = self[id(value)] = (value, self.adapt(value))
        return hit[1]


def _adapter(field: models.Field) -> _Memo | None:
    ops = connection.ops
    if isinstance(field, models.DateTimeField):
        return _Memo(ops.adapt_datetimefield_value)
    if isinstance(field, models.DateField):
        return _Memo(ops.adapt_datefield_value)
    if isinstance(field, models.DecimalField):
        return _Memo(
            lambda v: ops.adapt_decimalfield_value(v, field.max_digits, field.decimal_places)
        )
    if isinstance(field, models.JSONField):
        return _Memo(lambda v: None if v is None else ops.adapt_json_value(v, field.encoder))
    return None  # passed as is


class RowAdapter:
    """Turns rows of Python values into what `insert_rows` sends (SQLite: Django's adapters;
    PostgreSQL's COPY: JSON as text), each repeated object once. A batch whose rows share
    their parts adapts those once and passes `adapted=True`."""

    def __init__(self, model: type[models.Model], columns: Sequence[str]) -> None:
        fields = [model._meta.get_field(name) for name in columns]
        if connection.vendor == "postgresql":
            dumps = lambda v: None if v is None else json.dumps(v)  # noqa: E731
            found = [(i, _Memo(dumps)) for i, f in enumerate(fields) if _is_json(f)]
        else:
            found = [(i, a) for i, f in enumerate(fields) if (a := _adapter(f)) is not None]
        self.adapters = found

    def __call__(self, row: Sequence[Any]) -> list[Any]:
        values = list(row)
        for i, memo in self.adapters:
            # `memo(value)` inlined: a batch adapts a million values.
            value = values[i]
            hit = memo.get(id(value))
            values[i] = hit[1] if hit is not None and hit[0] is value else memo(value)
        return values


def _is_json(field: models.Field) -> bool:
    return isinstance(field, models.JSONField)


def insert_rows(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    adapted: bool = False,
) -> int:
    """INSERT `rows` (values in the order of `columns`: Python values, or already through
    a `RowAdapter` of the same columns with `adapted=True`); returns the count."""
    if not adapted:
        rows = map(RowAdapter(model, columns), rows)
    quote = connection.ops.quote_name
    table, names = (
        quote(model._meta.db_table),
        ", ".join(quote(model._meta.get_field(name).column) for name in columns),
    )
    if connection.vendor == "postgresql":
        return _copy(f"COPY {table} ({names}) FROM STDIN", rows)
    params = list(rows)
    if params:
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})",
                params,
            )
    return len(params)


def _copy(sql: str, rows: Iterable[Sequence[Any]]) -> int:
    """PostgreSQL's COPY: one stream for the whole batch, values dumped by psycopg in C."""
    count = 0
    # Raw psycopg errors become Django's (IntegrityError…), as for any other query.
    with (
        connection.wrap_database_errors,
        connection.cursor() as cursor,
        cursor.cursor.copy(sql) as copy,
    ):
        for row in rows:
            copy.write_row(row)
            count += 1
    return count
