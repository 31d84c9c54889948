"""Forms of the « Interventions » tab: what the user typed, read and checked, in French."""

from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from recouvrement.domain.money import parse_amount
from recouvrement.domain.rules import RuleViolation
from recouvrement.domain.statuses import ActionType, InterventionKind, InterventionStatus

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
ACTION_TYPES = [("", "—"), *((a.value, a.label) for a in ActionType)]

# The first bytes of each accepted kind of file: the name and the browser's type are not trusted.
SIGNATURES = [
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
]
TEXT_SUFFIXES = (".txt", ".csv")
REFUSED_TYPE = (
    "Ce type de fichier n'est pas accepté : joignez un PDF, une image PNG ou JPEG, "
    "ou un fichier texte (.txt, .csv)."
)


def content_type_of(name: str, content: bytes) -> str | None:
    """The type read from the file's content, or None when it is not an accepted one."""
    for magic, content_type in SIGNATURES:
        if content.startswith(magic):
            return content_type
    if name.lower().endswith(TEXT_SUFFIXES) and b"\x00" not in content:
        try:
            text = content.decode("utf-8")
        except UnicodeDecodeError:
            return None
        if not text.lstrip().startswith("<"):  # HTML or XML renamed .txt
            return "text/plain" if name.lower().endswith(".txt") else "text/csv"
    return None


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
