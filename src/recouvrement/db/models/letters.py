"""« Modèles de courrier » (S6) and the letters printed from them, kept as evidence (S7)."""

from django.conf import settings
from django.db import models

from recouvrement.db.models.company import Company
from recouvrement.db.models.enums import choices_of
from recouvrement.db.models.interventions import Intervention
from recouvrement.domain.statuses import ActionType

LETTER_ACTIONS = [c for c in choices_of(ActionType) if ActionType(c[0]).uses_letter]


class LetterTemplate(models.Model):
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="letter_templates")
    code = models.SlugField("code", max_length=40)
    name = models.CharField("nom", max_length=60)
    action_type = models.CharField("type d'action", max_length=20, choices=LETTER_ACTIONS)
    subject = models.CharField("objet", max_length=200)
    body = models.TextField("texte")
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        verbose_name = "modèle de courrier"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "name"],
                name="letter_template_name_unique",
                violation_error_message="Un modèle de courrier porte déjà ce nom.",
            ),
            models.UniqueConstraint(fields=["company", "code"], name="letter_template_code_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_formal_notice(self) -> bool:
        return ActionType(self.action_type).is_formal_notice


class PrintBatch(models.Model):
    """One printed PDF, exactly as it left (S7): several letters, or a single one."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="+")
    pdf = models.BinaryField("PDF")
    sha256 = models.CharField(max_length=64)
    letters = models.PositiveIntegerField("courriers")
    pages = models.PositiveIntegerField("pages")
    printed_at = models.DateTimeField("imprimé le")
    printed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = "impression"

    def __str__(self) -> str:
        return f"{self.letters} courrier(s) du {self.printed_at:%d/%m/%Y %H:%M}"


class PrintedLetter(models.Model):
    """An intervention's letter: its pages in the printed PDF; never updated nor deleted."""

    intervention = models.OneToOneField(
        Intervention, on_delete=models.PROTECT, related_name="printed_letter"
    )
    batch = models.ForeignKey(PrintBatch, on_delete=models.PROTECT, related_name="printed")
    first_page = models.PositiveIntegerField("première page")
    last_page = models.PositiveIntegerField("dernière page")
    template_name = models.CharField("modèle", max_length=60)

    class Meta:
        verbose_name = "courrier imprimé"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(first_page__gte=1, last_page__gte=models.F("first_page")),
                name="printed_letter_pages",
            )
        ]

    def __str__(self) -> str:
        return f"{self.template_name}, pages {self.first_page}–{self.last_page}"
