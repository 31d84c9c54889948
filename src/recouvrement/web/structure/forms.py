"""Forms of « Structure »: rows in, plain values out; the services hold the rules."""

from django import forms
from django.contrib.auth.models import User

from recouvrement.db.models import Collaborator, Company, Customer, LetterTemplate
from recouvrement.domain.customers import MAX_PAYMENT_TERMS_DAYS
from recouvrement.domain.identity import format_siren
from recouvrement.domain.statuses import ActionType, DossierStatus
from recouvrement.services.configuration import StepRow
from recouvrement.services.customers import ContactRow
from recouvrement.services.scenarios import LABEL_MAX
from recouvrement.web.forms import id_field

ACTION_CHOICES = [(a.value, a.label) for a in ActionType]
STATUS_CHOICES = [("", "—")] + [(s.value, s.label) for s in DossierStatus if s.is_open]
MAX_STEPS = 100


def penalty_rate_field() -> forms.DecimalField:
    """The contractual penalty rate, as the company and customer forms ask for it (B2)."""
    return forms.DecimalField(
        label="Taux de pénalités contractuel (%)",
        required=False,
        max_digits=6,
        decimal_places=3,
        min_value=0,
        localize=True,
        help_text="Vide : taux BCE + 10 points. Au moins 3 fois le taux de l'intérêt légal.",
    )


class ScenarioForm(forms.Form):
    name = forms.CharField(label="Intitulé", max_length=35)
    is_default = forms.BooleanField(label="Scénario par défaut", required=False)


class StepForm(forms.Form):
    """One row of the step editor; an empty new row is ignored."""

    step_id = id_field(widget=forms.HiddenInput, required=False)
    order = forms.IntegerField(label="Ordre", required=False)
    label = forms.CharField(label="Intitulé", max_length=LABEL_MAX, required=False)
    delay_days = forms.IntegerField(label="Délai (jours)", required=False)  # the service checks
    action_type = forms.ChoiceField(label="Type d'action", choices=ACTION_CHOICES)
    letter_template = forms.ModelChoiceField(
        label="Modèle de courrier",
        queryset=LetterTemplate.objects.none(),
        required=False,
        empty_label="— par défaut —",
    )
    compute_penalties = forms.BooleanField(label="Calcul des pénalités", required=False)
    fee_amount = forms.DecimalField(
        label="Frais", required=False, max_digits=12, decimal_places=2, min_value=0, localize=True
    )
    sets_dossier_status = forms.ChoiceField(
        label="Statut du dossier après l'étape", choices=STATUS_CHOICES, required=False
    )

    def __init__(self, *args, company: Company, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["letter_template"].queryset = LetterTemplate.objects.filter(company=company)

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not data.get("step_id") and not (data.get("label") or "").strip()

    def row(self) -> StepRow:
        data = self.cleaned_data
        template = data.get("letter_template")
        return StepRow(
            step_id=data.get("step_id"),
            label=data.get("label") or "",
            delay_days=data["delay_days"] if data.get("delay_days") is not None else 0,
            action_type=ActionType(data["action_type"]),
            letter_template_id=template.pk if template else None,
            compute_penalties=data.get("compute_penalties", False),
            fee_amount=data.get("fee_amount") or 0,
            sets_dossier_status=DossierStatus(data["sets_dossier_status"])
            if data.get("sets_dossier_status")
            else None,
        )


StepFormSet = forms.formset_factory(
    StepForm, extra=0, can_delete=True, max_num=MAX_STEPS, validate_max=True
)


def ordered_rows(formset) -> list[StepRow]:
    """The rows kept, sorted by their « ordre » (rows without one go last, in page order)."""
    kept = [
        (index, form)
        for index, form in enumerate(formset.forms)
        if not form.cleaned_data.get("DELETE") and not form.is_blank()
    ]

    def place(pair: tuple[int, StepForm]) -> tuple[bool, int, int]:
        order = pair[1].cleaned_data.get("order")
        return (order is None, order or 0, pair[0])

    kept.sort(key=place)
    return [form.row() for _, form in kept]


class LetterTemplateForm(forms.Form):
    subject = forms.CharField(label="Objet", max_length=200)
    body = forms.CharField(label="Texte", widget=forms.Textarea(attrs={"rows": 24}))


class CollaboratorForm(forms.ModelForm):
    class Meta:
        model = Collaborator
        fields = ["last_name", "first_name", "function", "email", "phone", "is_collector", "user"]
        labels = {"is_collector": "Chargé de recouvrement", "user": "Utilisateur lié"}

    def __init__(self, *args, company: Company, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        users = self.fields["user"]
        users.queryset = User.objects.filter(memberships__company=company).order_by("username")
        users.empty_label = "— aucun —"


# --- Clients et listes -----------------------------------------------------------------------


class CustomerSearchForm(forms.Form):
    q = forms.CharField(label="Rechercher", max_length=100, required=False)


class CustomerForm(forms.ModelForm):
    class Meta:
        model = Customer
        fields = [
            "code",
            "name",
            "kind",
            "address",
            "postal_code",
            "city",
            "email",
            "phone",
            "payment_terms_days",
            "default_collector",
            "excluded_from_collection",
            "excluded_from_penalties",
        ]
        labels = {
            "code": "Code client",
            "name": "Raison sociale ou nom",
            "kind": "Type",
            "address": "Adresse",
            "postal_code": "Code postal",
            "city": "Ville",
            "email": "E-mail",
            "phone": "Téléphone",
            "payment_terms_days": "Délai de paiement (jours)",
            "default_collector": "Chargé de recouvrement par défaut",
            "excluded_from_collection": "Exclu du recouvrement",
            "excluded_from_penalties": "Exclu des pénalités",
        }

    # Typed as written (« 512 846 379 »): the service normalizes and checks its key.
    siren = forms.CharField(
        label="SIREN",
        max_length=11,
        required=False,
        help_text="9 chiffres, contrôlés par leur clé ; imprimé sur le dossier de preuve. "
        "Vide pour un particulier.",
    )
    payment_terms_days = forms.IntegerField(
        label="Délai de paiement (jours)", min_value=0, max_value=MAX_PAYMENT_TERMS_DAYS
    )
    penalty_rate = penalty_rate_field()
    field_order = ["code", "name", "kind", "siren"]

    def __init__(self, *args, company: Company, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields["penalty_rate"].initial = self.instance.contractual_penalty_rate
            self.fields["siren"].initial = format_siren(self.instance.siren)
        collectors = self.fields["default_collector"]
        collectors.queryset = Collaborator.objects.filter(company=company, is_collector=True)
        collectors.empty_label = "— aucun —"

    def clean(self) -> dict:
        """The SIREN goes to the customer as typed; not a model field of the form, so that
        « 512 846 379 » is not refused for its length before the service reads it."""
        cleaned = super().clean()
        if "siren" in cleaned:
            self.instance.siren = cleaned["siren"]
        return cleaned

    def validate_unique(self) -> None:
        """The service checks the code and the SIREN (their messages are the French ones)."""


class ContactForm(forms.Form):
    """One contact row; an empty new row is ignored."""

    contact_id = id_field(widget=forms.HiddenInput, required=False)
    civility = forms.CharField(label="Civilité", max_length=12, required=False)
    last_name = forms.CharField(label="Nom", max_length=35, required=False)
    first_name = forms.CharField(label="Prénom", max_length=35, required=False)
    function = forms.CharField(label="Fonction", max_length=35, required=False)
    email = forms.EmailField(label="E-mail", required=False)
    phone = forms.CharField(label="Téléphone", max_length=21, required=False)

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not data.get("contact_id") and not any(
            (data.get(name) or "").strip() for name in CONTACT_FIELDS
        )

    def row(self) -> ContactRow:
        data = self.cleaned_data
        return ContactRow(
            contact_id=data.get("contact_id"),
            delete=bool(data.get("DELETE")),
            **{name: data.get(name) or "" for name in CONTACT_FIELDS},
        )


CONTACT_FIELDS = ("civility", "last_name", "first_name", "function", "email", "phone")
MAX_CONTACTS = 200
ContactFormSet = forms.formset_factory(
    ContactForm, extra=1, can_delete=True, max_num=MAX_CONTACTS, validate_max=True
)


def contact_rows(formset) -> list[ContactRow]:
    return [form.row() for form in formset.forms if not form.is_blank()]


class ListValueForm(forms.Form):
    label = forms.CharField(label="Libellé", max_length=35)
