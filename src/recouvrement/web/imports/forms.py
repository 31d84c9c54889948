"""Forms of « Importer » (B4): the accounting file and its options, the saved CSV formats."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from recouvrement.db.models import Company, SavedCsvMapping
from recouvrement.db.models.imports import ImportFormat
from recouvrement.imports import CsvMapping

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
FORMAT_CHOICES = [
    ("", "Reconnaître automatiquement"),
    (ImportFormat.FEC.value, "FEC"),
    (ImportFormat.CSV.value, "CSV des échéances ouvertes"),
]
TEXT_SAMPLE = 64 * 1024  # a NUL byte in the first 64 KB: not a text file
NOT_TEXT = "Ce fichier n'est pas un fichier texte (FEC ou CSV)."
DECIMAL_CHOICES = [("", "Automatique"), (",", "Virgule « , »"), (".", "Point « . »")]
# The CsvMapping attributes, in the order of the form, with their French labels.
COLUMN_LABELS = {
    "customer_code": "Code client",
    "customer_name": "Nom du client",
    "piece_ref": "N° de pièce",
    "piece_date": "Date de pièce",
    "due_date": "Date d'échéance",
    "amount": "Montant",
    "open_amount": "Reste dû",
}
OPTIONAL_COLUMNS = frozenset({"customer_name", "piece_date", "amount"})


def max_import_bytes() -> int:
    return settings.RECOUVREMENT_IMPORT_MAX_BYTES


def size_text(size: int) -> str:
    """`209715200` → « 200 Mo », `2048` → « 2 Ko », `100` → « 100 octets »."""
    for unit, factor in (("Go", 1024**3), ("Mo", 1024**2), ("Ko", 1024)):
        if size >= factor:
            value = f"{size / factor:.1f}".removesuffix(".0").replace(".", ",")
            return f"{value} {unit}"
    return f"{size} octet{'s' if size > 1 else ''}"


class ImportUploadForm(forms.Form):
    """The file (checked by size and content) and the import's options."""

    file = forms.FileField(label="Fichier")
    file_format = forms.ChoiceField(label="Format", choices=FORMAT_CHOICES, required=False)
    as_of = forms.DateField(
        label="Arrêté au",
        required=False,
        widget=DATE_INPUT,
        help_text="Facultatif : par défaut, la dernière date du FEC ou la date du jour (CSV).",
    )
    csv_mapping = forms.ModelChoiceField(
        label="Format CSV",
        queryset=SavedCsvMapping.objects.none(),
        required=False,
        empty_label="Colonnes par défaut",
    )

    def __init__(self, *args, company: Company, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["csv_mapping"].queryset = SavedCsvMapping.objects.filter(company=company)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = max_import_bytes()
        if upload.size > limit:
            raise ValidationError(
                f"Le fichier ({size_text(upload.size)}) dépasse la taille maximale de "
                f"{size_text(limit)} pour un import."
            )
        upload.seek(0)
        if b"\x00" in upload.read(TEXT_SAMPLE):
            raise ValidationError(NOT_TEXT)
        upload.seek(0)
        return upload


class CsvMappingForm(forms.Form):
    """« Enregistrer un format CSV »: the header names of one source's CSV of open items."""

    name = forms.CharField(label="Nom du format", max_length=60)
    customer_code = forms.CharField(max_length=100)
    customer_name = forms.CharField(max_length=100)
    piece_ref = forms.CharField(max_length=100)
    piece_date = forms.CharField(max_length=100)
    due_date = forms.CharField(max_length=100)
    amount = forms.CharField(max_length=100)
    open_amount = forms.CharField(max_length=100)
    decimal_separator = forms.ChoiceField(
        label="Séparateur décimal", choices=DECIMAL_CHOICES, required=False
    )

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("initial", CsvMapping().to_dict())
        super().__init__(*args, **kwargs)
        for name, label in COLUMN_LABELS.items():
            field = self.fields[name]
            field.label = label
            field.required = name not in OPTIONAL_COLUMNS

    def column_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in COLUMN_LABELS]

    def mapping(self) -> CsvMapping:
        """The columns typed; an optional one left empty is absent from the file."""
        data = self.cleaned_data
        return CsvMapping(
            **{name: data[name] or None for name in COLUMN_LABELS},
            decimal_separator=data["decimal_separator"] or None,
        )
