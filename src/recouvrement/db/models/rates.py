"""Rates as data (B2): the ECB refinancing rate and the legal interest rate, by effective date.

Seeded with the published values (domain.rates); a manager adds each new semester's rate.
"""

from django.db import models
from django.db.models import Q

from recouvrement.domain.rates import ECB_REFI_RATES, LEGAL_RATES_OTHER_CASES, RateTable


class _Rate(models.Model):
    effective_date = models.DateField("date d'effet", unique=True)
    rate = models.DecimalField("taux (%)", max_digits=6, decimal_places=3)
    source = models.CharField("source", max_length=200, blank=True)

    class Meta:
        abstract = True
        ordering = ["effective_date"]

    def __str__(self) -> str:
        return f"{self.rate} % au {self.effective_date:%d/%m/%Y}"

    @classmethod
    def table(cls) -> RateTable:
        rows = cls.objects.order_by("effective_date").values_list("effective_date", "rate")
        return RateTable(tuple(rows), cls.LABEL, per_semester=cls.PER_SEMESTER)


class EcbRate(_Rate):
    """Taux des opérations principales de refinancement de la BCE."""

    LABEL = "refi BCE"
    PER_SEMESTER = False

    class Meta(_Rate.Meta):
        verbose_name = "taux BCE"
        constraints = [
            models.CheckConstraint(condition=Q(rate__gte=-5, rate__lte=50), name="ecb_rate_range")
        ]


class LegalRate(_Rate):
    """Taux de l'intérêt légal « tous les autres cas » (the creditor is a professional)."""

    LABEL = "de l'intérêt légal « autres cas »"
    PER_SEMESTER = True

    class Meta(_Rate.Meta):
        verbose_name = "taux légal"
        constraints = [
            models.CheckConstraint(condition=Q(rate__gte=0, rate__lte=50), name="legal_rate_range")
        ]


ECB_SOURCE = "BCE, taux des opérations principales de refinancement"
LEGAL_SOURCE = "Arrêté semestriel, taux de l'intérêt légal « tous les autres cas »"


def seed_published_rates(ecb_model=EcbRate, legal_model=LegalRate) -> None:
    """The published rates of domain.rates, added where missing (the migration passes its
    historical models; tests put them back after a `flush`)."""
    for model, rows, source in (
        (ecb_model, ECB_REFI_RATES, ECB_SOURCE),
        (legal_model, LEGAL_RATES_OTHER_CASES, LEGAL_SOURCE),
    ):
        for day, rate in rows:
            model.objects.get_or_create(
                effective_date=day, defaults={"rate": rate, "source": source}
            )
