"""How values are shown: amounts `1 234,56 €`, dates `27/11/2026`, people, documents."""

from datetime import date
from decimal import Decimal

from django import template

from recouvrement.db.models import AttachedDocument, Intervention
from recouvrement.domain.money import format_amount

register = template.Library()


@register.filter
def euros(amount: Decimal | None) -> str:
    """`Decimal("1234.56")` → « 1 234,56 € »; nothing for a missing amount."""
    return "" if amount is None else format_amount(Decimal(amount))


@register.filter
def short_date(value: date | None) -> str:
    """`date(2026, 11, 27)` → « 27/11/2026 »."""
    return "" if value is None else value.strftime("%d/%m/%Y")


@register.filter
def person(user) -> str:
    """A user as their collaborator's name when linked, else their full name or login."""
    if user is None:
        return ""
    collaborator = getattr(user, "collaborator", None)
    if collaborator is not None:
        return str(collaborator)
    return user.get_full_name() or user.get_username()


@register.filter
def attached(intervention: Intervention) -> AttachedDocument | None:
    """The intervention's document (S10), or None; the reverse one-to-one raises otherwise."""
    return getattr(intervention, "document", None)


@register.filter
def tel_href(phone: str) -> str:
    """A `tel:` address for a phone number as typed: « 04 78 42 17 30 » → « tel:0478421730 »."""
    kept = "".join(c for c in phone if c.isascii() and (c.isdigit() or c == "+"))
    return f"tel:{kept}"
