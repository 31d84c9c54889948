"""« Dossier de preuve » (B8): the pack handed to the court, kept like printed letters —
exactly as built, hashed, never updated nor deleted (triggers of migration 0020)."""

from django.conf import settings
from django.db import models

from recouvrement.db.models.company import Company
from recouvrement.db.models.dossiers import Dossier
from recouvrement.domain.court_route import route_label


class EvidencePack(models.Model):
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="+")
    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="evidence_packs")
    pdf = models.BinaryField("PDF")
    sha256 = models.CharField(max_length=64)
    zip = models.BinaryField("ZIP")
    zip_sha256 = models.CharField(max_length=64)
    pieces = models.PositiveIntegerField("pièces")
    route = models.CharField("voie proposée", max_length=40)
    amount_claimed = models.DecimalField("montant réclamé", max_digits=14, decimal_places=2)
    built_at = models.DateTimeField("préparé le")
    built_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = "dossier de preuve"

    def __str__(self) -> str:
        return f"Dossier de preuve du {self.built_at:%d/%m/%Y %H:%M}"

    @property
    def route_label(self) -> str:
        return route_label(self.route)
