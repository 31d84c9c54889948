"""Scénarios de recouvrement and their ordered étapes (M6)."""

from decimal import Decimal

from django.db import models
from django.db.models import Q

from recouvrement.db.models.company import Company
from recouvrement.db.models.enums import choices_of
from recouvrement.db.models.money import MoneyField
from recouvrement.domain.scenario import StepSpec
from recouvrement.domain.statuses import ActionType, DossierStatus


class Scenario(models.Model):
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="scenarios")
    name = models.CharField("intitulé", max_length=35)
    is_default = models.BooleanField("scénario par défaut", default=False)

    class Meta:
        verbose_name = "scénario de recouvrement"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "name"],
                name="scenario_name_unique",
                violation_error_message="Un scénario porte déjà ce nom.",
            ),
            models.UniqueConstraint(
                fields=["company"], condition=Q(is_default=True), name="scenario_one_default"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Step(models.Model):
    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField("ordre")
    label = models.CharField("intitulé", max_length=69)
    delay_days = models.PositiveSmallIntegerField("délai (jours)", default=0)
    action_type = models.CharField("type d'action", max_length=20, choices=choices_of(ActionType))
    letter_template = models.ForeignKey(
        "recouvrement.LetterTemplate",
        verbose_name="modèle de courrier",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    compute_penalties = models.BooleanField("calcul des pénalités", default=False)
    fee_amount = MoneyField("frais", default=Decimal("0"))
    sets_dossier_status = models.CharField(
        "statut du dossier après l'étape",
        max_length=20,
        choices=choices_of(DossierStatus)[:2],
        blank=True,
    )

    class Meta:
        verbose_name = "étape"
        ordering = ["scenario", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["scenario", "order"],
                name="step_order_unique",
                violation_error_message="Deux étapes ne peuvent pas avoir le même ordre.",
            ),
            models.CheckConstraint(
                condition=Q(fee_amount__gte=0),
                name="step_fee_positive",
                violation_error_message="Les frais ne peuvent pas être négatifs.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.label}"

    def spec(self) -> StepSpec:
        return StepSpec(
            id=self.pk,
            order=self.order,
            label=self.label,
            delay_days=self.delay_days,
            action_type=ActionType(self.action_type),
            compute_penalties=self.compute_penalties,
            fee_amount=self.fee_amount,
            sets_dossier_status=DossierStatus(self.sets_dossier_status)
            if self.sets_dossier_status
            else None,
        )
