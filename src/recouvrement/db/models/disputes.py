"""Litiges (B10): a dispute on some échéances of a dossier, or on the whole dossier."""

from django.db import models
from django.db.models import Q

from recouvrement.db.models.company import Collaborator, Company
from recouvrement.db.models.dossiers import Dossier
from recouvrement.db.models.lists import DisputeReason, Resolution
from recouvrement.db.models.money import MoneyField
from recouvrement.db.models.receivables import Receivable


class DisputeStatus(models.TextChoices):
    OPEN = "open", "En cours"
    RESOLVED = "resolved", "Résolu"


class DisputeResult(models.TextChoices):
    CREDIT_NOTE = "avoir", "Avoir"
    PAYMENT = "paiement", "Paiement"
    ABANDONED = "abandon", "Abandon"
    MAINTAINED = "maintenu", "Maintenu"


class Dispute(models.Model):
    """No échéance listed means the whole dossier is disputed."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="disputes")
    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="disputes")
    receivables = models.ManyToManyField(
        Receivable, verbose_name="échéances", blank=True, related_name="disputes"
    )
    reason = models.ForeignKey(
        DisputeReason, verbose_name="motif de litige", on_delete=models.PROTECT
    )
    amount = MoneyField("montant en litige")
    owner = models.ForeignKey(
        Collaborator,
        verbose_name="responsable",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    comment = models.TextField("commentaire", blank=True)
    opened_on = models.DateField("ouvert le")
    status = models.CharField(
        "statut", max_length=10, choices=DisputeStatus.choices, default=DisputeStatus.OPEN
    )
    resolution = models.ForeignKey(
        Resolution, verbose_name="résolution", on_delete=models.PROTECT, null=True, blank=True
    )
    result = models.CharField("résultat", max_length=10, choices=DisputeResult.choices, blank=True)
    resolved_on = models.DateField("résolu le", null=True, blank=True)

    class Meta:
        verbose_name = "litige"
        ordering = ["-opened_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="dispute_amount_positive",
                violation_error_message="Le montant en litige doit être positif.",
            ),
            models.CheckConstraint(
                condition=(
                    Q(status=DisputeStatus.OPEN, resolved_on__isnull=True, result="")
                    | Q(status=DisputeStatus.RESOLVED, resolved_on__isnull=False) & ~Q(result="")
                ),
                name="dispute_resolved_has_date_and_result",
            ),
            models.CheckConstraint(
                condition=Q(resolved_on__isnull=True) | Q(resolved_on__gte=models.F("opened_on")),
                name="dispute_resolved_after_opened",
            ),
        ]
        indexes = [models.Index(fields=["dossier", "status"], name="dispute_by_dossier")]

    def __str__(self) -> str:
        return f"Litige {self.dossier} — {self.amount} €"
