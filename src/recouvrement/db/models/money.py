"""The one money column type: 2 decimals, up to 9 999 999 999,99."""

from django.db import models


def MoneyField(verbose_name: str, **kwargs) -> models.DecimalField:  # noqa: N802 (a field factory)
    return models.DecimalField(verbose_name, max_digits=12, decimal_places=2, **kwargs)
