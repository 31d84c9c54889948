"""Forms of the dossier's « Litiges » (B10): « Nouveau litige » and « Résoudre »."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from recouvrement.db.models import (
    Collaborator,
    DisputeReason,
    DisputeResult,
    Dossier,
    Receivable,
    Resolution,
)
from recouvrement.domain.money import parse_amount
from recouvrement.domain.rules import RuleViolation
from recouvrement.web.forms import ReceivablesField

COMMENT_MAX = 1000


def _comment() -> forms.CharField:
    return forms.CharField(
        label="Commentaire",
        max_length=COMMENT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DisputeForm(forms.Form):
    """A litige on ticked échéances of the dossier; none ticked: the whole dossier."""

    reason = forms.ModelChoiceField(
        queryset=DisputeReason.objects.none(), label="Motif de litige", empty_label="—"
    )
    amount = forms.CharField(label="Montant en litige", max_length=30)
    receivables = ReceivablesField(
        queryset=Receivable.objects.none(),
        label="Échéances concernées (aucune cochée : tout le dossier)",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    owner = forms.ModelChoiceField(
        queryset=Collaborator.objects.none(),
        label="Responsable",
        required=False,
        empty_label="Aucun",
    )
    comment = _comment()

    def __init__(self, data=None, *, dossier: Dossier) -> None:
        super().__init__(data, prefix="litige")
        company = dossier.company_id
        self.fields["reason"].queryset = DisputeReason.objects.filter(company_id=company)
        self.fields["owner"].queryset = Collaborator.objects.filter(company_id=company)
        self.fields["receivables"].queryset = Receivable.objects.filter(
            links__dossier=dossier, links__is_active=True, open_amount__gt=0
        ).order_by("due_date", "pk")

    def clean_amount(self) -> Decimal:
        try:
            return parse_amount(self.cleaned_data["amount"], "montant en litige")
        except RuleViolation as violation:
            raise ValidationError(violation.message) from None


class ResolveForm(forms.Form):
    """« Résoudre »: the « Résolution » (list) and the result."""

    resolution = forms.ModelChoiceField(
        queryset=Resolution.objects.none(), label="Résolution", required=False, empty_label="—"
    )
    result = forms.ChoiceField(label="Résultat", choices=[("", "—"), *DisputeResult.choices])
    comment = _comment()

    def __init__(self, data=None, *, company_id: int, prefix: str = "resoudre") -> None:
        super().__init__(data, prefix=prefix)
        self.fields["resolution"].queryset = Resolution.objects.filter(company_id=company_id)
