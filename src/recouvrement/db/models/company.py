"""Société (M1), the users' roles in it, and Collaborateurs (M5)."""

from decimal import Decimal

from django.conf import settings
from django.db import models

from recouvrement.db.models.enums import choices_of
from recouvrement.db.models.money import MoneyField
from recouvrement.domain.logos import LogoFormat
from recouvrement.domain.statuses import Role


class Company(models.Model):
    name = models.CharField("raison sociale", max_length=100)
    address = models.CharField("adresse", max_length=200, blank=True)
    postal_code = models.CharField("code postal", max_length=10, blank=True)
    city = models.CharField("ville", max_length=60)
    siren = models.CharField("SIREN", max_length=9, blank=True)
    iban = models.CharField("IBAN", max_length=42, blank=True)  # printed in groups of four
    bic = models.CharField("BIC", max_length=11, blank=True)
    email = models.EmailField("e-mail", blank=True)
    phone = models.CharField("téléphone", max_length=21, blank=True)
    # The legal mentions of a business letter (C. com. R123-237/238), printed in its footer.
    legal_form = models.CharField("forme juridique", max_length=40, blank=True)
    share_capital = MoneyField("capital social", null=True, blank=True)
    rcs_city = models.CharField("ville du greffe (RCS)", max_length=60, blank=True)
    vat_number = models.CharField("n° TVA intracommunautaire", max_length=15, blank=True)
    signatory_name = models.CharField("signataire", max_length=70, blank=True)
    signatory_function = models.CharField("fonction du signataire", max_length=70, blank=True)
    minimum_balance = MoneyField("solde minimum à relancer", default=Decimal("0"))
    # B2: the rate of the company's terms of sale, when it sets one (else ECB + 10 points).
    contractual_penalty_rate = models.DecimalField(
        "taux de pénalités contractuel (%)", max_digits=6, decimal_places=3, null=True, blank=True
    )
    # B2: invoices settled after their due date still owe L441-10 penalties and the 40 €;
    # whether the letters claim them is the company's choice (always shown on the dossier).
    claim_late_paid_penalties = models.BooleanField(
        "réclamer les pénalités des factures réglées en retard", default=False
    )
    payment_deadline_days = models.PositiveSmallIntegerField(
        "délai de paiement accordé par les courriers (jours)", default=8
    )
    # The terms of a customer the books create without any (the import's new customers).
    default_payment_terms_days = models.PositiveSmallIntegerField(
        "délai de paiement par défaut des clients (jours)", default=30
    )
    # B12: `prepare` refuses to run when the last accounting import is older (0: no check).
    max_import_age_days = models.PositiveSmallIntegerField(
        "âge maximal du dernier import comptable (jours)", default=7
    )
    # B11: the weights of the suggested priority (domain.priority.PriorityWeights); a weight
    # missing takes its default (`PriorityWeights.from_dict`), so {} means the defaults.
    priority_weights = models.JSONField("poids de la priorité suggérée", default=dict, blank=True)
    # Issue 16 §3: `recouvrement worker` runs « Préparer » for the company every day once this
    # local (Europe/Paris) time has passed; null: no automatic run. With `daily_letters`, the
    # letters due are then printed into a print batch kept in the database.
    daily_run_at = models.TimeField("Heure de la préparation quotidienne", null=True, blank=True)
    daily_letters = models.BooleanField("Imprimer les courriers du jour dans un lot", default=False)

    class Meta:
        verbose_name = "société"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(minimum_balance__gte=0), name="company_minimum_balance_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(share_capital__gte=0) | models.Q(share_capital__isnull=True),
                name="company_share_capital_positive",
            ),
            # One company per SIREN (the services say so first, with the other's name; this
            # holds when two installs run at the same instant).
            models.UniqueConstraint(
                fields=["siren"], condition=~models.Q(siren=""), name="company_siren_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CompanyLogo(models.Model):
    """The logo printed on the letters, kept in the database (one thing to back up) and apart
    from the company row, so that reading the company never loads the image."""

    company = models.OneToOneField(Company, on_delete=models.CASCADE, related_name="logo")
    content = models.BinaryField("image")
    format = models.CharField("format", max_length=3, choices=choices_of(LogoFormat))
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField("déposé le")

    class Meta:
        verbose_name = "logo"

    def __str__(self) -> str:
        return f"Logo {LogoFormat(self.format).label} de {self.company}"


class Membership(models.Model):
    """A user's role in one company (M1, §1)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField("profil", max_length=20, choices=choices_of(Role))

    class Meta:
        verbose_name = "profil utilisateur"
        constraints = [
            models.UniqueConstraint(fields=["user", "company"], name="membership_unique_user")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {Role(self.role).label}"


class Collaborator(models.Model):
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="collaborators")
    last_name = models.CharField("nom", max_length=35)
    first_name = models.CharField("prénom", max_length=35, blank=True)
    function = models.CharField("fonction", max_length=35, blank=True)
    email = models.EmailField("e-mail", blank=True)
    phone = models.CharField("téléphone", max_length=21, blank=True)
    is_collector = models.BooleanField("chargé de recouvrement", default=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="utilisateur",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="collaborator",
    )

    class Meta:
        verbose_name = "collaborateur"
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()
