"""SQL functions both engines answer the same way.

`recouvrement_search_key(text)`: the text without accents, in lower case (`domain.text.
search_key`). SQLite gets it from Python on every connection (db/backends/sqlite3);
PostgreSQL from migration 0013_search_key, over the `unaccent` extension (trusted: the database's
owner may create it).
"""

from django.db.models import CharField, Func, Value
from django.db.models.functions import Replace

SEARCH_KEY = "recouvrement_search_key"


class SearchKey(Func):
    """The search key of a text column (see the module)."""

    function = SEARCH_KEY
    output_field = CharField()


def phone_digits(column: str) -> Func:
    """The column without the separators a phone number is written with."""
    expression = Func(column, function="COALESCE", template="%(function)s(%(expressions)s, '')")
    for separator in (" ", ".", "-", "/", "(", ")", "+"):
        expression = Replace(expression, Value(separator), Value(""))
    return expression
