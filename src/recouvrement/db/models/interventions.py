"""Interventions (M8) and the single document attached to one (S10)."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from recouvrement.db.models.customers import Contact
from recouvrement.db.models.dossiers import Dossier
from recouvrement.db.models.enums import choices_of, values_of
from recouvrement.db.models.money import MoneyField
from recouvrement.db.models.scenarios import Step
from recouvrement.domain.scenario import InterventionState
from recouvrement.domain.statuses import (
    ActionType,
    InterventionKind,
    InterventionStatus,
)

# One partial index (rows « A faire » only) per order the worklist offers (domain.worklist).
# One chargé's own rows read the same indexes: by priority, the chargé's range of the
# « chargé, priority » index; by date, the date index, whose last column lets the chargé's rows
# be picked without reading the table. Every index costs the batch (PRODUCT §7: each one
# slowed `prepare` of 100 000 dossiers by ~12 %), so there is no index per chargé.
WORKLIST_INDEXES = {
    "worklist_priority_collector": (
        "company",
        "queue_priority",
        "queue_collector",
        "planned_date",
        "id",
    ),
    "worklist_collector_priority": (
        "company",
        "queue_collector",
        "queue_priority",
        "planned_date",
        "id",
    ),
    "worklist_date": ("company", "planned_date", "id", "queue_collector_id"),
}
_DONE_OR_SKIPPED = values_of(InterventionStatus.DONE, InterventionStatus.SKIPPED)


class Intervention(models.Model):
    # Indexed by intervention_step_once (dossier, step): no second index.
    dossier = models.ForeignKey(
        Dossier, on_delete=models.CASCADE, related_name="interventions", db_index=False
    )
    # No index of their own on step, user and contact: only deleting one of those (rare, and
    # refused or nulled) looks rows up by them, and each index slows the batch (PRODUCT §7).
    step = models.ForeignKey(
        Step, verbose_name="étape", on_delete=models.PROTECT, null=True, blank=True, db_index=False
    )
    kind = models.CharField("nature", max_length=10, choices=choices_of(InterventionKind))
    status = models.CharField(
        "statut",
        max_length=10,
        choices=choices_of(InterventionStatus),
        default=InterventionStatus.TODO.value,
    )
    action_type = models.CharField(
        "type d'action", max_length=20, choices=choices_of(ActionType), blank=True
    )
    label = models.CharField("intitulé", max_length=69)
    # « Date »: planned date of a step, the alert's date, or the promised payment date.
    planned_date = models.DateField("date prévue")
    done_date = models.DateField("date de réalisation", null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="utilisateur",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    contact = models.ForeignKey(
        Contact,
        verbose_name="contact",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        db_index=False,
    )
    comment = models.CharField("commentaire", max_length=255, blank=True)
    promise_amount = MoneyField("montant promis", null=True, blank=True)
    # B3: the day the promise was taken (payments from then on count) and, once the money
    # decided it, whether it was kept (« Réalisée ») or broken (« Ignorée »).
    promise_made_on = models.DateField("promesse faite le", null=True, blank=True)
    promise_kept = models.BooleanField("promesse tenue", null=True, blank=True)
    penalty_amount = MoneyField("pénalités", default=Decimal("0"))
    fee_amount = MoneyField("frais", default=Decimal("0"))
    # « Gestion des actions » filters and sorts on the dossier's company, priority and chargé:
    # copied here by the services (services.queue), so that a partial index gives a page in
    # order without joining and sorting 10⁵ rows (PRODUCT §7).
    # A copy of the dossier's (whose key is checked): no second foreign-key check per row.
    company = models.ForeignKey(
        "recouvrement.Company",
        on_delete=models.PROTECT,
        db_index=False,
        db_constraint=False,
        related_name="+",
    )
    queue_priority = models.PositiveSmallIntegerField(default=3)
    queue_collector = models.CharField(max_length=71, blank=True)
    queue_collector_id = models.BigIntegerField(null=True)
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    class Meta:
        verbose_name = "intervention"
        ordering = ["planned_date", "id"]
        constraints = [
            # S5/M6: nothing is planned while a step of the scenario is still « A faire »;
            # this also makes two simultaneous « Préparer » create one intervention, not two.
            models.UniqueConstraint(
                fields=["dossier"],
                condition=Q(kind=InterventionKind.STEP.value, status=InterventionStatus.TODO.value),
                name="intervention_one_step_todo",
            ),
            # Also the index of a dossier's interventions (rows without a step never collide:
            # NULLs are distinct), so that inserting an intervention maintains one index less.
            models.UniqueConstraint(fields=["dossier", "step"], name="intervention_step_once"),
            models.CheckConstraint(
                condition=Q(kind=InterventionKind.STEP.value, step__isnull=False)
                | (~Q(kind=InterventionKind.STEP.value) & Q(step__isnull=True)),
                name="intervention_step_iff_kind_step",
            ),
            models.CheckConstraint(
                condition=~Q(kind=InterventionKind.PROMISE.value) | Q(promise_amount__gt=0),
                name="intervention_promise_has_amount",
            ),
            models.CheckConstraint(
                condition=Q(status__in=_DONE_OR_SKIPPED, done_date__isnull=False)
                | Q(status=InterventionStatus.TODO.value, done_date__isnull=True),
                name="intervention_done_date_iff_done",
            ),
            models.CheckConstraint(
                condition=Q(penalty_amount__gte=0, fee_amount__gte=0),
                name="intervention_amounts_positive",
            ),
        ]
        indexes = [
            *(
                models.Index(
                    fields=list(keys),
                    condition=Q(status=InterventionStatus.TODO.value),
                    name=name,
                )
                for name, keys in WORKLIST_INDEXES.items()
            ),
            # « Aujourd'hui » (the menu's count on every page): alerts and promises only.
            models.Index(
                fields=["company", "kind", "planned_date", "queue_collector_id"],
                condition=Q(
                    status=InterventionStatus.TODO.value,
                    kind__in=[InterventionKind.ALERT.value, InterventionKind.PROMISE.value],
                ),
                name="today_alerts",
            ),
            # The dashboard (B6): actions done this week per chargé, and the promises made.
            # Partial: « Préparer » inserts rows « A faire » of step kind, which enter neither.
            models.Index(
                fields=["company", "done_date", "queue_collector_id"],
                condition=Q(status=InterventionStatus.DONE.value),
                name="intervention_done_by_date",
            ),
            models.Index(
                fields=["company", "promise_made_on"],
                condition=Q(kind=InterventionKind.PROMISE.value),
                name="intervention_promises",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({InterventionStatus(self.status).label})"

    def state(self) -> InterventionState:
        return InterventionState(
            kind=InterventionKind(self.kind),
            status=InterventionStatus(self.status),
            planned_date=self.planned_date,
            step_id=self.step_id,
            done_date=self.done_date,
        )

    @property
    def status_enum(self) -> InterventionStatus:
        return InterventionStatus(self.status)

    @property
    def kind_enum(self) -> InterventionKind:
        return InterventionKind(self.kind)


def _document_path(document: "AttachedDocument", filename: str) -> str:
    # Generated names only: the user's file name is kept as data, never used as a path.
    return f"interventions/{document.sha256[:2]}/{document.sha256}"


class AttachedDocument(models.Model):
    """The single, permanent document of an intervention (S10); never updated nor deleted."""

    intervention = models.OneToOneField(
        Intervention, on_delete=models.PROTECT, related_name="document"
    )
    file = models.FileField(upload_to=_document_path, max_length=200)
    original_name = models.CharField("nom du fichier", max_length=255)
    content_type = models.CharField("type", max_length=100)
    size = models.PositiveIntegerField("taille (octets)")
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "document attaché"

    def __str__(self) -> str:
        return self.original_name
