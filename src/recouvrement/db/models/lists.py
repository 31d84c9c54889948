"""User-editable lists: motifs de litige and résolutions (M7)."""

from django.db import models

from recouvrement.db.models.company import Company


class DisputeReason(models.Model):
    company = models.ForeignKey(Company, on_delete=models.PROTECT)
    label = models.CharField("motif de litige", max_length=35)

    class Meta:
        verbose_name = "motif de litige"
        ordering = ["label"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "label"],
                name="dispute_reason_unique",
                violation_error_message="Ce motif de litige existe déjà.",
            )
        ]

    def __str__(self) -> str:
        return self.label


class Resolution(models.Model):
    company = models.ForeignKey(Company, on_delete=models.PROTECT)
    label = models.CharField("résolution", max_length=35)

    class Meta:
        verbose_name = "résolution"
        ordering = ["label"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "label"],
                name="resolution_unique",
                violation_error_message="Cette résolution existe déjà.",
            )
        ]

    def __str__(self) -> str:
        return self.label
