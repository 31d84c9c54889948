"""Échéances (M3) and règlements with their allocations (M4)."""

from django.db import models
from django.db.models import F, Q

from recouvrement.db.models.company import Company
from recouvrement.db.models.customers import Customer
from recouvrement.db.models.money import MoneyField


class Origin(models.TextChoices):
    """Where a record came from: typed in the app, or an accounting file (B4)."""

    MANUAL = "manual", "Saisie"
    IMPORT = "import", "Import comptable"


class Receivable(models.Model):
    company = models.ForeignKey(Company, on_delete=models.PROTECT)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="receivables")
    reference = models.CharField("pièce", max_length=35)
    piece_date = models.DateField("date de pièce")
    due_date = models.DateField("échéance")
    amount = MoneyField("montant")
    open_amount = MoneyField("reste dû")
    currency = models.CharField("devise", max_length=3, default="EUR")
    # An imported échéance the next file no longer lists has been paid (B4).
    origin = models.CharField("origine", max_length=6, choices=Origin, default=Origin.MANUAL)

    class Meta:
        verbose_name = "échéance"
        ordering = ["due_date", "reference"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "customer", "reference", "due_date"],
                name="receivable_natural_key",
                violation_error_message="Cette échéance (client, pièce, échéance) existe déjà.",
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="receivable_amount_positive",
                violation_error_message="Le montant doit être positif.",
            ),
            models.CheckConstraint(
                condition=Q(open_amount__gte=0, open_amount__lte=F("amount")),
                name="receivable_open_amount_in_range",
                violation_error_message="Le reste dû va de zéro au montant de l'échéance.",
            ),
        ]
        indexes = [models.Index(fields=["customer", "due_date"], name="receivable_by_customer")]

    def __str__(self) -> str:
        return f"{self.reference} du {self.due_date:%d/%m/%Y}"


class Payment(models.Model):
    company = models.ForeignKey(Company, on_delete=models.PROTECT)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="payments")
    date = models.DateField("date")
    amount = MoneyField("montant")
    reference = models.CharField("référence", max_length=35, blank=True)
    origin = models.CharField("origine", max_length=6, choices=Origin, default=Origin.MANUAL)
    # An imported règlement's identity across files (imports.plan.payment_key): importing the
    # same or a newer file finds it instead of recording it twice.
    external_key = models.CharField(max_length=120, blank=True)

    class Meta:
        verbose_name = "règlement"
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.UniqueConstraint(
                fields=["customer", "external_key"],
                condition=~Q(external_key=""),
                name="payment_external_key_unique",
            ),
        ]


class Allocation(models.Model):
    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="allocations")
    receivable = models.ForeignKey(Receivable, on_delete=models.PROTECT, related_name="allocations")
    amount = MoneyField("montant imputé")

    class Meta:
        verbose_name = "imputation"
        constraints = [
            models.UniqueConstraint(fields=["payment", "receivable"], name="allocation_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="allocation_amount_positive"),
        ]
