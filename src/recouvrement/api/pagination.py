"""Cursor pagination (issue 14 §3): pages of a queryset ordered by a unique key.

The cursor is opaque: the base64 of the last item's key values (JSON). The next page starts
after it (keyset: no OFFSET, so a page costs the same at row 10 or 100,000 and rows added
meanwhile neither repeat nor vanish). `limit` is 1..500, 100 by default; a cursor that does
not decode answers 400 with a French message.

An endpoint:

    @router.get("/", response=Page[CustomerOut])
    def customers(request, q: str = "", page: Query[PageParams]):
        return paginate(queryset, page, order=("code", "pk"))
"""

import base64
import binascii
import json
from datetime import date, datetime
from decimal import Decimal
from typing import Generic, TypeVar

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from ninja import Field, Schema

T = TypeVar("T")

DEFAULT_LIMIT = 100
MAX_LIMIT = 500
BAD_CURSOR = (
    "Curseur de pagination invalide : reprenez la valeur « next_cursor » de la page "
    "précédente telle quelle."
)


class Page(Schema, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


class PageParams(Schema):
    cursor: str | None = Field(None, description="La valeur « next_cursor » de la page précédente.")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Éléments par page.")


def _plain(value):
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def encode_cursor(values: list) -> str:
    text = json.dumps([_plain(value) for value in values], separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, size: int) -> list:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")).decode())
    except (ValueError, UnicodeError, binascii.Error) as error:
        raise ValidationError(BAD_CURSOR, code="bad_cursor") from error
    if not isinstance(values, list) or len(values) != size:
        raise ValidationError(BAD_CURSOR, code="bad_cursor")
    if any(value is not None and not isinstance(value, str | int | float) for value in values):
        raise ValidationError(BAD_CURSOR, code="bad_cursor")
    return values


def _after(order: tuple[str, ...], values: list) -> Q:
    """Rows strictly after `values` in `order` (each key "field" or "-field")."""
    condition = Q()
    for index in range(len(order) - 1, -1, -1):
        name = order[index].lstrip("-")
        lookup = "lt" if order[index].startswith("-") else "gt"
        step = Q(**{f"{name}__{lookup}": values[index]})
        if index < len(order) - 1:
            step |= Q(**{name: values[index]}) & condition
        condition = step
    return condition


def _value(item, path: str):
    for name in path.split("__"):
        item = getattr(item, name)
    return item


def _key(item, order: tuple[str, ...]) -> list:
    return [_value(item, name.lstrip("-")) for name in order]


def page_of(
    queryset: QuerySet,
    *,
    cursor: str | None,
    limit: int = DEFAULT_LIMIT,
    order: tuple[str, ...] = ("pk",),
) -> tuple[list, str | None]:
    """One page of `queryset` ordered by `order` (its last key unique, e.g. "pk") and the
    cursor of the next page (None on the last). The keys must not be null."""
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationError(f"« limit » doit être entre 1 et {MAX_LIMIT}.", code="bad_limit")
    queryset = queryset.order_by(*order)
    if cursor:
        values = decode_cursor(cursor, len(order))
        try:
            queryset = queryset.filter(_after(order, values))
        except (ValueError, TypeError, ValidationError) as error:
            raise ValidationError(BAD_CURSOR, code="bad_cursor") from error
    try:
        rows = list(queryset[: limit + 1])
    except (ValueError, TypeError) as error:
        raise ValidationError(BAD_CURSOR, code="bad_cursor") from error
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    return rows, encode_cursor(_key(rows[-1], order))


def paginate(queryset: QuerySet, params: PageParams, *, order=("pk",)) -> dict:
    """`page_of` as the body of a `Page[...]` response."""
    items, next_cursor = page_of(queryset, cursor=params.cursor, limit=params.limit, order=order)
    return {"items": items, "next_cursor": next_cursor}
