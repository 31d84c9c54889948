"""The API's request parser: ninja's JSON parser, refusing the NUL character.

A NUL (U+0000) in a text is refused by PostgreSQL (a 500) and stored by SQLite; the UI's forms
refuse it (Django's ProhibitNullCharactersValidator): the API does the same, for the body and
the query string, with a 422 naming where it was.
"""

from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from ninja.errors import ValidationError
from ninja.parser import Parser

NUL_TYPE = "nul_character"


def _nul_at(value, path: tuple) -> tuple | None:
    if isinstance(value, str):
        return path if "\x00" in value else None
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        if isinstance(key, str) and "\x00" in key:
            return (*path, key)
        if (found := _nul_at(item, (*path, key))) is not None:
            return found
    return None


def _refuse(path: tuple) -> ValidationError:
    return ValidationError([{"loc": path, "type": NUL_TYPE, "msg": "NUL character"}])


class StrictParser(Parser):
    def parse_body(self, request: HttpRequest):
        data = super().parse_body(request)
        if (path := _nul_at(data, ("body",))) is not None:
            raise _refuse(path)
        return data

    def parse_querydict(self, data: MultiValueDict, list_fields: list[str], request: HttpRequest):
        result = super().parse_querydict(data, list_fields, request)
        if (path := _nul_at(result, ("query",))) is not None:
            raise _refuse(path)
        return result
