"""Dossiers de recouvrement (M7), their linked échéances and their numbering."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from recouvrement.db.models.company import Collaborator, Company
from recouvrement.db.models.customers import Contact, Customer
from recouvrement.db.models.enums import choices_of
from recouvrement.db.models.lists import DisputeReason, Resolution
from recouvrement.db.models.money import MoneyField
from recouvrement.db.models.receivables import Receivable
from recouvrement.db.models.scenarios import Scenario
from recouvrement.domain.statuses import DossierStatus


class Dossier(models.Model):
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="dossiers")
    number = models.CharField("numéro", max_length=13, editable=False)
    customer = models.ForeignKey(
        Customer, verbose_name="client", on_delete=models.PROTECT, related_name="dossiers"
    )
    start_date = models.DateField("date de début")
    end_date = models.DateField("date de fin", null=True, blank=True)
    status = models.CharField(
        "statut", max_length=20, choices=choices_of(DossierStatus), default=DossierStatus.OPEN.value
    )
    priority = models.PositiveSmallIntegerField("priorité", default=3)
    collector = models.ForeignKey(
        Collaborator,
        verbose_name="chargé de recouvrement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dossiers",
    )
    contact = models.ForeignKey(
        Contact, verbose_name="contact", on_delete=models.SET_NULL, null=True, blank=True
    )
    dispute_reason = models.ForeignKey(
        DisputeReason,
        verbose_name="motif de litige",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    summary = models.CharField("résumé", max_length=100, blank=True)
    comment = models.TextField("commentaire", blank=True)
    scenario = models.ForeignKey(
        Scenario, verbose_name="scénario", on_delete=models.PROTECT, null=True, blank=True
    )
    probable_loss = MoneyField("perte probable", default=Decimal("0"))
    provision = MoneyField("provision", default=Decimal("0"))
    resolution = models.ForeignKey(
        Resolution, verbose_name="résolution", on_delete=models.PROTECT, null=True, blank=True
    )
    result = models.CharField("résultat", max_length=100, blank=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    receivables = models.ManyToManyField(
        Receivable, through="DossierReceivable", related_name="dossiers"
    )
    # B11: the priority suggested by `services.priority.refresh_priorities` on `suggested_on`
    # (domain.priority); the user's own `priority` stays as typed.
    suggested_score = models.PositiveSmallIntegerField("score suggéré", null=True, blank=True)
    suggested_priority = models.PositiveSmallIntegerField(
        "priorité suggérée", null=True, blank=True
    )
    suggested_reasons = models.CharField(
        "raisons de la priorité suggérée", max_length=300, blank=True
    )
    suggested_on = models.DateField("priorité suggérée le", null=True, blank=True)

    class Meta:
        verbose_name = "dossier de recouvrement"
        ordering = ["-start_date", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["company", "number"], name="dossier_number_unique"),
            models.CheckConstraint(
                condition=Q(priority__gte=1, priority__lte=5),
                name="dossier_priority_1_to_5",
                violation_error_message="La priorité va de 1 (la plus haute) à 5.",
            ),
            models.CheckConstraint(
                condition=~Q(status=DossierStatus.CLOSED.value) | Q(end_date__isnull=False),
                name="dossier_closed_has_end_date",
            ),
            models.CheckConstraint(
                condition=Q(probable_loss__gte=0, provision__gte=0),
                name="dossier_amounts_positive",
            ),
        ]
        indexes = [
            # The dossier list and the worklist's join: open dossiers by priority and collector.
            models.Index(
                fields=["company", "status", "priority", "collector"], name="dossier_worklist"
            ),
            models.Index(fields=["customer", "status"], name="dossier_by_customer"),
            # The dashboard's dossiers opened per month: read from the index alone.
            models.Index(fields=["company", "start_date"], name="dossier_by_start"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def status_enum(self) -> DossierStatus:
        return DossierStatus(self.status)


class DossierReceivable(models.Model):
    """An échéance linked to a dossier; `is_active` while the dossier is open."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="links")
    receivable = models.ForeignKey(Receivable, on_delete=models.PROTECT, related_name="links")
    is_active = models.BooleanField(default=True)

    class Meta:
        verbose_name = "échéance du dossier"
        constraints = [
            models.UniqueConstraint(fields=["dossier", "receivable"], name="dossier_link_unique"),
            # An échéance belongs to at most one open dossier (Sage's F_DRECOUVREMENTEC).
            models.UniqueConstraint(
                fields=["receivable"],
                condition=Q(is_active=True),
                name="receivable_in_one_open_dossier",
                violation_error_message="Cette échéance est déjà dans un dossier ouvert.",
            ),
        ]


class DossierSequence(models.Model):
    """The last number given per company and year; rows are locked while a number is taken."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["company", "year"], name="dossier_sequence_unique")
        ]
