"""How an e-mail's times are shown on its row: « à 10:30 » today, « le 02/12/2026 à 10:30 »."""

from datetime import datetime

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def at_time(value: datetime | None) -> str:
    """An instant in the local time: « à 10:30 » when today, else « le 02/12/2026 à 10:30 »."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    if local.date() == timezone.localdate():
        return f"à {local:%H:%M}"
    return f"le {local:%d/%m/%Y} à {local:%H:%M}"
