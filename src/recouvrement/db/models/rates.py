"""Rates as data (B2): the ECB refinancing rate and the legal interest rates, by effective date.

Seeded with the published values (domain.rates); a manager adds each new rate, never replaces
one. The legal rate has two kinds (« autres cas », « particuliers »), one row per semester each.
"""

from django.db import models
from django.db.models import Q

from recouvrement.domain.rates import SEED_RATES, RateKind, RateTable

LEGAL_KINDS = (RateKind.LEGAL_PRO, RateKind.LEGAL_PART)


class _Rate(models.Model):
    effective_date = models.DateField("date d'effet", unique=True)
    rate = models.DecimalField("taux (%)", max_digits=6, decimal_places=3)
    source = models.CharField("source", max_length=200, blank=True)

    class Meta:
        abstract = True
        ordering = ["effective_date"]

    def __str__(self) -> str:
        return f"{self.rate} % au {self.effective_date:%d/%m/%Y}"


class EcbRate(_Rate):
    """Taux des opérations principales de refinancement de la BCE."""

    class Meta(_Rate.Meta):
        verbose_name = "taux BCE"
        constraints = [
            models.CheckConstraint(condition=Q(rate__gte=-5, rate__lte=50), name="ecb_rate_range")
        ]

    @classmethod
    def table(cls) -> RateTable:
        rows = cls.objects.order_by("effective_date").values_list("effective_date", "rate")
        return RateTable.of(RateKind.ECB, rows)


class LegalRate(_Rate):
    """Taux de l'intérêt légal d'un semestre: « tous les autres cas » (the creditor is a
    professional: the one L441-10 and the B2C interest of a company use) or « particuliers »."""

    effective_date = models.DateField("date d'effet")
    kind = models.CharField(
        "type",
        max_length=10,
        choices=[(kind.value, kind.label) for kind in LEGAL_KINDS],
        default=RateKind.LEGAL_PRO.value,
    )

    class Meta(_Rate.Meta):
        verbose_name = "taux légal"
        constraints = [
            models.CheckConstraint(condition=Q(rate__gte=0, rate__lte=50), name="legal_rate_range"),
            models.UniqueConstraint(fields=["kind", "effective_date"], name="legal_rate_once"),
        ]

    @classmethod
    def table(cls, kind: RateKind = RateKind.LEGAL_PRO) -> RateTable:
        rows = (
            cls.objects.filter(kind=kind.value)
            .order_by("effective_date")
            .values_list("effective_date", "rate")
        )
        return RateTable.of(kind, rows)


SOURCES = {
    RateKind.ECB: "BCE, « Key ECB interest rates » (opérations principales de refinancement)",
    RateKind.LEGAL_PRO: "Arrêté semestriel (C. mon. fin. L313-2), « tous les autres cas »",
    RateKind.LEGAL_PART: "Arrêté semestriel (C. mon. fin. L313-2), « personnes physiques »",
}


def rate_tables() -> dict[RateKind, RateTable]:
    """The three live tables, by kind."""
    return {
        RateKind.ECB: EcbRate.table(),
        **{kind: LegalRate.table(kind) for kind in LEGAL_KINDS},
    }


def seed_published_rates(ecb_model=EcbRate, legal_model=LegalRate) -> int:
    """The published rates of domain.rates, added where missing: a rate already stored for a
    date (seeded or entered) is kept. The migrations pass their historical models (before
    0007 the legal rate has no kind: only « autres cas » is seeded); tests put them back after
    a `flush`. Returns how many rows were added."""
    kinded = any(field.name == "kind" for field in legal_model._meta.get_fields())
    added = 0
    for kind, rows in SEED_RATES.items():
        model = ecb_model if kind is RateKind.ECB else legal_model
        if kind is RateKind.LEGAL_PART and not kinded:
            continue
        existing = model.objects.all()
        if model is legal_model and kinded:
            existing = existing.filter(kind=kind.value)
        known = set(existing.values_list("effective_date", flat=True))
        new = [
            model(effective_date=day, rate=rate, source=SOURCES[kind])
            for day, rate in rows
            if day not in known
        ]
        if model is legal_model and kinded:
            for row in new:
                row.kind = kind.value
        model.objects.bulk_create(new)
        added += len(new)
    return added
