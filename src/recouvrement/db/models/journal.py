"""The journal (M9): one append-only audit row per change; triggers forbid UPDATE and DELETE."""

from django.conf import settings
from django.db import models

from recouvrement.db.models.company import Company
from recouvrement.db.models.dossiers import Dossier


class JournalEntry(models.Model):
    # Few indexes on the busiest table: journal_by_dossier serves the timeline, and companies
    # are never deleted. The company is the dossier's (whose key is checked) or the acting
    # one's: no foreign-key check per row, which on PostgreSQL cost the batch ~0.8 s per
    # 100 000 rows (PRODUCT §7); deleting a company is still refused (PROTECT, by Django).
    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, db_index=False, db_constraint=False
    )
    dossier = models.ForeignKey(
        Dossier, on_delete=models.PROTECT, null=True, related_name="journal", db_index=False
    )
    # A plain id, not a key: the row outlives a deleted intervention (S12).
    intervention_id = models.BigIntegerField(null=True)
    at = models.DateTimeField("date")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        db_index=False,  # users are deactivated, not deleted
    )
    action = models.CharField("action", max_length=40)
    message = models.CharField("description", max_length=255)
    before = models.JSONField("avant", null=True)
    after = models.JSONField("après", null=True)

    class Meta:
        verbose_name = "ligne du journal"
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["dossier", "at"], name="journal_by_dossier")]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.message}"
