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


def insert_rows(
    model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """INSERT `rows` (values in the order of `columns`, Python values); returns the count."""
    fields = [model._meta.get_field(name) for name in columns]
    if connection.vendor == "postgresql":
        return _copy(model, fields, rows)
    adapters = [
        (i, adapt) for i, field in enumerate(fields) if (adapt := _adapter(field)) is not None
    ]
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} "
        f"({', '.join(quote(f.column) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    params = []
    for row in rows:
        values = list(row)
        for i, memo in adapters:
            # `memo(value)` inlined: a batch adapts a million values.
            value = values[i]
            hit = memo.get(id(value))
            values[i] = hit[1] if hit is not None and hit[0] is value else memo(value)
        params.append(values)
    if params:
        with connection.cursor() as cursor:
            cursor.executemany(sql, params)
    return len(params)


def _copy(model: type[models.Model], fields: list[models.Field], rows) -> int:
    """PostgreSQL's COPY: one stream for the whole batch, values dumped by psycopg in C."""
    json_columns = [i for i, f in enumerate(fields) if isinstance(f, models.JSONField)]
    dumps = _Memo(lambda v: None if v is None else json.dumps(v))
    quote = connection.ops.quote_name
    sql = (
        f"COPY {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
        "FROM STDIN"
    )
    count = 0
    # Raw psycopg errors become Django's (IntegrityError…), as for any other query.
    with (
        connection.wrap_database_errors,
        connection.cursor() as cursor,
        cursor.cursor.copy(sql) as copy,
    ):
        for row in rows:
            if json_columns:
                row = list(row)
                for i in json_columns:
                    row[i] = dumps(row[i])
            copy.write_row(row)
            count += 1
    return count
