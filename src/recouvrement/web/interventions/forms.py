"""Forms of the « Interventions » tab: what the user typed, read and checked, in French."""

from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

# The type is read from the content, never from the name nor the browser (S10).
from recouvrement.domain.file_types import ACCEPTED_SUFFIXES, REFUSED_TYPE, content_type_of
from recouvrement.domain.money import parse_amount
from recouvrement.domain.rules import RuleViolation
from recouvrement.domain.statuses import ActionType, InterventionKind, InterventionStatus

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
ACTION_TYPES = [("", "—"), *((a.value, a.label) for a in ActionType)]


class EntryLineForm(forms.Form):
    """The « ligne de saisie » (S3): date, contact and comment."""

    planned_date = forms.DateField(label="Date", widget=DATE_INPUT)
    contact = forms.ModelChoiceField(label="Contact", queryset=None, required=False)
    comment = forms.CharField(label="Commentaire", max_length=255, required=False)

    def __init__(self, *args, contacts, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = contacts


class StatusForm(forms.Form):
    statut = forms.ChoiceField(label="Statut")

    def __init__(self, *args, statuses: list[InterventionStatus], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["statut"].choices = [(s.value, s.label) for s in statuses]


class AttachForm(forms.Form):
    """« Attacher un document… » (S10): one file, checked by size and by content."""

    document = forms.FileField(label="Document")
    accept = ",".join(ACCEPTED_SUFFIXES)  # the file input's `accept`: what the picker offers

    def clean_document(self):
        upload = self.cleaned_data["document"]
        limit = settings.RECOUVREMENT_MAX_UPLOAD_BYTES
        if upload.size > limit:
            raise ValidationError(
                f"Le fichier dépasse la taille maximale de {limit // (1024 * 1024)} Mo."
            )
        content = upload.read()
        content_type = content_type_of(upload.name, content)
        if content_type is None:
            raise ValidationError(REFUSED_TYPE)
        self.content = content
        self.content_type = content_type
        return upload


class CreateForm(forms.Form):
    """« Créer une intervention » (S11): Manuelle, Alerte or Promesse."""

    kind = forms.ChoiceField(
        label="Nature",
        choices=[(k.value, k.label) for k in InterventionKind if k is not InterventionKind.STEP],
        initial=InterventionKind.MANUAL.value,
        widget=forms.RadioSelect,
    )
    planned_date = forms.DateField(label="Date", widget=DATE_INPUT)
    label = forms.CharField(label="Intitulé", max_length=69, required=False)
    action_type = forms.ChoiceField(label="Type d'action", choices=ACTION_TYPES, required=False)
    comment = forms.CharField(
        label="Commentaire / message",
        max_length=255,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    promise_amount = forms.CharField(label="Montant promis", max_length=30, required=False)

    def clean_promise_amount(self) -> Decimal | None:
        text = self.cleaned_data["promise_amount"].strip()
        if not text:
            return None
        try:
            return parse_amount(text, "montant promis")
        except RuleViolation as violation:
            raise ValidationError(violation.message) from None
