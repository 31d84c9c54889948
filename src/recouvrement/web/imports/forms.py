"""Forms of « Importer » (B4): the accounting file and its options, the saved CSV formats."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from recouvrement.db.models import Company, SavedCsvMapping
from recouvrement.db.models.imports import ImportFormat
from recouvrement.domain.customers import CustomerKind
from recouvrement.imports import CsvMapping
from recouvrement.services.import_writer import (
    MAX_TERMS,
    CustomerChoice,
    CustomerChoices,
    NewCustomer,
)
from recouvrement.services.imports import LISTED_CUSTOMERS

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


class CustomersFileForm(forms.Form):
    """The customers' file: code ; nom ; type ; délai ; e-mail ; téléphone ; adresse…"""

    customers_file = forms.FileField(label="Fichier des clients (CSV)")

    def clean_customers_file(self):
        upload = self.cleaned_data["customers_file"]
        if upload.size > max_import_bytes():
            raise ValidationError(
                f"Le fichier ({size_text(upload.size)}) dépasse la taille maximale de "
                f"{size_text(max_import_bytes())} pour un import."
            )
        upload.seek(0)
        if b"\x00" in upload.read(TEXT_SAMPLE):
            raise ValidationError("Ce fichier n'est pas un fichier texte (CSV).")
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


# --- The preview's new customers: kind, payment terms, « Exclu » -----------------------------

B2B, B2C = CustomerKind.B2B.value, CustomerKind.B2C.value
KIND_CHOICES = [("", "À vérifier"), (B2B, "Professionnel (B2B)"), (B2C, "Particulier (B2C)")]
UNCHECKED_CHOICES = [
    (B2C, "Particulier (B2C) : ni pénalités de retard ni indemnité de 40 €"),
    (B2B, "Professionnel (B2B) : pénalités L441-10 et 40 € par facture en retard"),
]
CUSTOMERS_PREFIX = "clients"


class NewCustomerForm(forms.Form):
    """One new customer of the file, as the manager wants it created."""

    code = forms.CharField(max_length=17, widget=forms.HiddenInput)
    kind = forms.ChoiceField(label="Type", choices=KIND_CHOICES, required=False)
    payment_terms_days = forms.IntegerField(
        label="Délai de paiement (jours)", min_value=0, max_value=MAX_TERMS
    )
    excluded = forms.BooleanField(label="Exclu du recouvrement", required=False)


NewCustomerFormSet = forms.formset_factory(
    NewCustomerForm,
    extra=0,
    max_num=LISTED_CUSTOMERS,
    absolute_max=LISTED_CUSTOMERS,
    validate_max=True,
)


class UncheckedKindForm(forms.Form):
    unchecked_kind = forms.ChoiceField(
        label="Les clients laissés « à vérifier » sont créés en",
        choices=UNCHECKED_CHOICES,
        required=False,
        initial=B2C,
    )


class CustomerChoicesForm:
    """The new customers listed on the preview (a formset) and the kind given to those left
    « à vérifier »; posted with « Importer ». A post without them keeps the proposals."""

    def __init__(self, data=None, *, new_customers: list[NewCustomer] = ()) -> None:
        self.posted = data is not None and f"{CUSTOMERS_PREFIX}-TOTAL_FORMS" in data
        initial = [
            {
                "code": new.proposal.code,
                "kind": new.proposal.kind,
                "payment_terms_days": new.payment_terms_days,
                "excluded": new.excluded,
            }
            for new in new_customers[:LISTED_CUSTOMERS]
        ]
        bound = data if self.posted else None
        self.formset = NewCustomerFormSet(bound, initial=initial, prefix=CUSTOMERS_PREFIX)
        self.defaults = UncheckedKindForm(data)

    def is_valid(self) -> bool:
        return self.defaults.is_valid() and (not self.posted or self.formset.is_valid())

    def choices(self) -> CustomerChoices:
        """Once valid: what the service applies."""
        unchecked = self.defaults.cleaned_data.get("unchecked_kind") or B2C
        if not self.posted:
            return CustomerChoices(unchecked_kind=unchecked)
        customers = {
            row["code"]: CustomerChoice(
                kind=row["kind"],
                payment_terms_days=row["payment_terms_days"],
                excluded=row["excluded"],
            )
            for row in self.formset.cleaned_data
            if row
        }
        return CustomerChoices(customers, unchecked)

    def rows(self, new_customers: list[NewCustomer]) -> list[tuple[NewCustomer, forms.Form]]:
        """Each listed new customer with its form (by code: the same file, the same order)."""
        forms_by_code = {}
        for form in self.formset.forms:
            code = form["code"].value()
            forms_by_code[code] = form
        return [
            (new, forms_by_code[new.proposal.code])
            for new in new_customers[:LISTED_CUSTOMERS]
            if new.proposal.code in forms_by_code
        ]
