"""« Structure › Société » (PRODUCT §9 O2): everyone reads, only a manager changes."""

from dataclasses import asdict

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from recouvrement.domain.freshness import DEFAULT_MAX_IMPORT_AGE_DAYS
from recouvrement.domain.logos import MAX_LOGO_BYTES
from recouvrement.services.company_settings import (
    SETTINGS_FIELDS,
    CompanySettings,
    company_logo,
    save_company_settings,
    stored_logo,
)
from recouvrement.web.structure.access import structure_workspace
from recouvrement.web.structure.forms import penalty_rate_field

# The page's groups of fields, in the order a French business letter reads them.
SECTIONS = (
    (
        "Identité et mentions légales",
        ("name", "legal_form", "share_capital", "siren", "rcs_city", "vat_number"),
    ),
    ("Adresse et contact", ("address", "postal_code", "city", "phone", "email")),
    ("Coordonnées bancaires", ("iban", "bic")),
    ("Signature des courriers", ("signatory_name", "signatory_function")),
    (
        "Conditions de paiement et pénalités",
        (
            "default_payment_terms_days",
            "payment_deadline_days",
            "contractual_penalty_rate",
            "claim_late_paid_penalties",
        ),
    ),
    ("Relance", ("minimum_balance", "max_import_age_days")),
    ("Préparation automatique", ("daily_run_at", "daily_letters")),
)


def _text(label: str, max_length: int, required: bool = False, **kwargs) -> forms.CharField:
    return forms.CharField(label=label, max_length=max_length, required=required, **kwargs)


class AmountField(forms.DecimalField):
    """An amount typed the French way: « 10 000,00 € » as well as « 10000 »."""

    def to_python(self, value):
        if isinstance(value, str):
            value = "".join(value.split()).replace("\u202f", "").removesuffix("€")
        return super().to_python(value)


def _amount(label: str, help_text: str) -> AmountField:
    return AmountField(
        label=label,
        required=False,
        max_digits=12,
        decimal_places=2,
        min_value=0,
        localize=True,
        help_text=help_text,
    )


class CompanyForm(forms.Form):
    name = _text("Raison sociale", 100, required=True)
    legal_form = _text(
        "Forme juridique",
        40,
        help_text="SAS, SARL, SA, SASU, EURL, EI… imprimée au pied des courriers.",
    )
    share_capital = _amount(
        "Capital social (€)",
        "« SAS au capital de 10 000 € » ; vide pour une entreprise sans capital.",
    )
    siren = _text("SIREN", 11, help_text="9 chiffres, contrôlés par leur clé.")
    rcs_city = _text(
        "Ville du greffe (RCS)", 60, help_text="Imprimée après le SIREN : « SIREN … RCS Lyon »."
    )
    vat_number = _text(
        "N° TVA intracommunautaire", 20, help_text="FR, la clé de 2 chiffres et le SIREN."
    )
    address = _text("Adresse", 200)
    postal_code = _text("Code postal", 10)
    city = _text(
        "Ville", 60, required=True, help_text="Aussi le lieu des courriers : « Lyon, le … »."
    )
    phone = _text("Téléphone", 21)
    email = forms.EmailField(label="E-mail", required=False)
    iban = _text("IBAN", 42, help_text="Imprimé sur les courriers pour le virement.")
    bic = _text("BIC", 11)
    signatory_name = _text(
        "Signataire", 70, help_text="Signe les courriers des dossiers sans chargé de recouvrement."
    )
    signatory_function = _text("Fonction du signataire", 70)
    default_payment_terms_days = forms.IntegerField(
        label="Délai de paiement par défaut (jours)",
        min_value=0,
        max_value=365,
        help_text="Donné aux clients que l'import crée sans délai connu.",
    )
    payment_deadline_days = forms.IntegerField(
        label="Délai accordé par les courriers (jours)",
        min_value=1,
        max_value=90,
        help_text="« Nous vous remercions de régler sous 8 jours. »",
    )
    contractual_penalty_rate = penalty_rate_field()
    claim_late_paid_penalties = forms.BooleanField(
        label="Réclamer les pénalités des factures réglées en retard",
        required=False,
        help_text="Une facture payée après son échéance doit encore les pénalités de retard "
        "et l'indemnité de 40 € (clients professionnels). Elles figurent toujours sur le "
        "dossier ; cochée, les courriers les réclament aussi.",
    )
    minimum_balance = _amount(
        "Solde minimum à relancer (€)",
        "En dessous, « Ouvrir les dossiers » n'ouvre pas de dossier et « Préparer » "
        "ne fait plus avancer le dossier.",
    )
    max_import_age_days = forms.IntegerField(
        label="Âge maximal du dernier import comptable (jours)",
        min_value=0,
        max_value=365,
        required=False,  # empty: the default (7 days)
        help_text="Au-delà, « recouvrement prepare » refuse d'envoyer et d'imprimer tant que les "
        "règlements ne sont pas importés (sauf --force). 0 : pas de contrôle ; une société qui "
        "n'a jamais importé n'est pas contrôlée.",
    )
    daily_run_at = forms.TimeField(
        label="Heure de la préparation quotidienne",
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text="Chaque jour à cette heure (heure de Paris), le serveur (ou « recouvrement "
        "worker ») prépare les étapes échues comme « Préparer ». Vide : pas de préparation "
        "automatique.",
    )
    daily_letters = forms.BooleanField(
        label="Imprimer les courriers du jour dans un lot",
        required=False,
        help_text="Après la préparation quotidienne, les courriers à échéance sont imprimés en "
        "un lot gardé dans la base (« Réimprimer le lot » sur chaque courrier, ou "
        "« recouvrement letters --reprint N ») et passent « Réalisée ».",
    )
    logo = forms.FileField(
        label="Logo",
        required=False,
        help_text=f"PNG, JPEG ou SVG, {MAX_LOGO_BYTES // 1024} Ko au plus ; imprimé en tête "
        "des courriers.",
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/svg+xml"}),
    )
    remove_logo = forms.BooleanField(label="Retirer le logo", required=False)

    def clean_max_import_age_days(self) -> int:
        days = self.cleaned_data.get("max_import_age_days")
        return DEFAULT_MAX_IMPORT_AGE_DAYS if days is None else days

    def settings(self) -> CompanySettings:
        return CompanySettings(**{name: self.cleaned_data[name] for name in SETTINGS_FIELDS})

    def logo_content(self) -> bytes | None:
        upload = self.cleaned_data.get("logo")
        return upload.read() if upload else None


@login_required
def company_settings(request: HttpRequest) -> HttpResponse:
    workspace = structure_workspace(request)  # a POST by anyone but a manager: 403
    company = workspace.company
    errors: list[str] = []
    if request.method == "POST":
        form = CompanyForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                save_company_settings(
                    company,
                    form.settings(),
                    logo=form.logo_content(),
                    remove_logo=form.cleaned_data["remove_logo"],
                    today=timezone.localdate(),
                    user=request.user,
                )
            except ValidationError as refused:
                errors = refused.messages
            else:
                messages.success(request, "Paramètres de la société enregistrés.")
                return redirect("company_settings")
        else:
            errors = ["Corrigez les champs signalés."]
    else:
        form = CompanyForm(initial=asdict(CompanySettings.of(company)))
    logo = stored_logo(company)
    sections = [(title, [form[name] for name in names]) for title, names in SECTIONS]
    return render(
        request,
        "structure/company_form.html",
        {"form": form, "sections": sections, "errors": errors, "logo": logo},
        status=400 if errors else 200,
    )


@login_required
def company_logo_image(request: HttpRequest) -> HttpResponse:
    """The logo as stored, for the page's preview; an SVG is served inert (no script runs)."""
    workspace = structure_workspace(request)
    logo = company_logo(workspace.company)
    if logo is None:
        raise Http404("Aucun logo.")
    response = HttpResponse(logo.content, content_type=logo.format.media_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    response["Cache-Control"] = "private, no-cache"
    return response
