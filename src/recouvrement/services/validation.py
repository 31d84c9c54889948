"""Text checked before it is stored (PRODUCT §8): never cut to fit its column — SQLite would
keep 5 000 characters in a 100-character column and PostgreSQL refuse them with a 500 — and
never a character a database refuses (PostgreSQL: NUL) or a control character a letter
cannot print. The message names the field the way the model labels it."""

from collections.abc import Mapping

from django.db import models
from django.utils.text import capfirst

from recouvrement.domain.rules import RuleViolation
from recouvrement.domain.text import control_character


def check_text(model: type[models.Model], values: Mapping[str, object]) -> None:
    """Each value meant for the text column of that name: at most its max_length, no control
    character. RuleViolation (French, naming the field) for the first one refused."""
    for name, value in values.items():
        if not isinstance(value, str):
            continue
        field = model._meta.get_field(name)
        label = capfirst(str(field.verbose_name))
        limit = getattr(field, "max_length", None)
        if limit and len(value) > limit:
            raise RuleViolation(
                f"{label} : {len(value)} caractères, {limit} au plus.",
                "text_too_long",
            )
        if (char := control_character(value)) is not None:
            raise RuleViolation(
                f"{label} : caractère de contrôle {char} refusé.", "text_control_character"
            )
