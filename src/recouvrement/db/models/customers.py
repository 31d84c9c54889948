"""Clients (tiers, M2) and their contacts."""

from django.db import models

from recouvrement.db.models.company import Collaborator, Company
from recouvrement.db.models.enums import choices_of
from recouvrement.domain.customers import CustomerKind


class Customer(models.Model):
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="customers")
    code = models.CharField("code client", max_length=17)
    name = models.CharField("raison sociale ou nom", max_length=100)
    kind = models.CharField("type", max_length=3, choices=choices_of(CustomerKind))
    # The debtor's identity on a requête en injonction de payer (B8); 9 digits, Luhn-checked.
    siren = models.CharField("SIREN", max_length=9, blank=True)
    address = models.CharField("adresse", max_length=200, blank=True)
    postal_code = models.CharField("code postal", max_length=10, blank=True)
    city = models.CharField("ville", max_length=60, blank=True)
    email = models.EmailField("e-mail", blank=True)
    phone = models.CharField("téléphone", max_length=21, blank=True)
    payment_terms_days = models.PositiveSmallIntegerField("délai de paiement (jours)", default=30)
    default_collector = models.ForeignKey(
        Collaborator,
        verbose_name="chargé de recouvrement",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    excluded_from_collection = models.BooleanField("exclu du recouvrement", default=False)
    excluded_from_penalties = models.BooleanField("exclu des pénalités", default=False)
    contractual_penalty_rate = models.DecimalField(
        "taux de pénalités contractuel (%)", max_digits=6, decimal_places=3, null=True, blank=True
    )

    class Meta:
        verbose_name = "client"
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "code"],
                name="customer_code_unique",
                violation_error_message="Un client porte déjà ce code.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class Contact(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="contacts")
    civility = models.CharField("civilité", max_length=12, blank=True)
    last_name = models.CharField("nom", max_length=35)
    first_name = models.CharField("prénom", max_length=35, blank=True)
    function = models.CharField("fonction", max_length=35, blank=True)
    email = models.EmailField("e-mail", blank=True)
    phone = models.CharField("téléphone", max_length=21, blank=True)

    class Meta:
        verbose_name = "contact"
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return " ".join(p for p in (self.civility, self.first_name, self.last_name) if p)
