"""The journal (M9): one append-only audit row per change; triggers forbid UPDATE and DELETE.

Tamper evidence (O6): each row carries the hash of the previous row of its company and its
own (`domain.journal_chain`); `JournalHead` holds each company's last hash and row count, so
a deleted last row shows too. Rows are written by `services.journal` only, which chains them.
"""

from django.conf import settings
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import Exact

from recouvrement.db.models.company import Company
from recouvrement.db.models.dossiers import Dossier
from recouvrement.domain.journal_chain import GENESIS

UNCHAINED = "Une ligne du journal s'écrit par services.journal, qui la chaîne (O6)."


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
    # SHA-256 (hex) of the company's previous row (GENESIS for its first) and of this one.
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = "ligne du journal"
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["dossier", "at"], name="journal_by_dossier")]
        constraints = [
            # A row inserted without its chain (not through services.journal) is refused.
            models.CheckConstraint(
                condition=Exact(Length("hash"), 64) & Exact(Length("previous_hash"), 64),
                name="journal_row_chained",
            )
        ]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.message}"

    def save(self, *args, **kwargs) -> None:
        if not self.hash:
            raise ValueError(UNCHAINED)
        super().save(*args, **kwargs)


class JournalHead(models.Model):
    """A company's chain head: its last row's hash and id, and its number of rows. Locked
    (SELECT … FOR UPDATE) by each journal write, which serialises a company's journal."""

    company = models.OneToOneField(
        Company, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    last_hash = models.CharField(max_length=64, default=GENESIS)
    last_id = models.BigIntegerField(null=True)
    rows = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "tête du journal"

    def __str__(self) -> str:
        return f"{self.company_id}: {self.rows} ligne(s), {self.last_hash[:12]}…"
