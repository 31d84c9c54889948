"""The « Première installation » form: the company's identity and its first manager's login.

Only the input is read here (required fields, the password typed twice); the rules — SIREN
and IBAN keys, one company per SIREN, Django's password validators — are the service's, whose
errors land on these same field names (services.companies).
"""

from django import forms
from django.contrib.auth import password_validation

from recouvrement.services.companies import CompanyIdentity, FirstManager


def _text(label: str, *, required: bool = True, autocomplete: str = "", **attrs) -> forms.Field:
    widget_attrs = {"autocomplete": autocomplete or "off", **attrs}
    return forms.CharField(
        label=label, required=required, max_length=200, widget=forms.TextInput(widget_attrs)
    )


class FirstRunForm(forms.Form):
    name = _text("Raison sociale", autocomplete="organization")
    siren = _text("SIREN", inputmode="numeric", placeholder="9 chiffres")
    address = _text("Adresse", required=False, autocomplete="street-address")
    postal_code = _text("Code postal", required=False, autocomplete="postal-code")
    city = _text("Ville", autocomplete="address-level2")
    iban = _text("IBAN", required=False)
    bic = _text("BIC", required=False)
    email = _text("E-mail de la société", required=False, autocomplete="email")
    phone = _text("Téléphone", required=False, autocomplete="tel")
    manager = _text("Identifiant de connexion", autocomplete="username")
    manager_email = _text("E-mail du responsable", required=False)
    password = forms.CharField(
        label="Mot de passe",
        strip=False,
        help_text=password_validation.password_validators_help_text_html,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_confirm = forms.CharField(
        label="Confirmation du mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    COMPANY_FIELDS = ("name", "siren", "address", "postal_code", "city")
    BANK_FIELDS = ("iban", "bic", "email", "phone")
    MANAGER_FIELDS = ("manager", "manager_email", "password", "password_confirm")

    def clean(self) -> dict:
        cleaned = super().clean()
        password, confirm = cleaned.get("password"), cleaned.get("password_confirm")
        if password and confirm and password != confirm:
            self.add_error("password_confirm", "Les deux mots de passe diffèrent.")
        return cleaned

    def fieldset(self, names: tuple[str, ...]) -> list[forms.BoundField]:
        return [self[name] for name in names]

    def company_fields(self) -> list[forms.BoundField]:
        return self.fieldset(self.COMPANY_FIELDS)

    def bank_fields(self) -> list[forms.BoundField]:
        return self.fieldset(self.BANK_FIELDS)

    def manager_fields(self) -> list[forms.BoundField]:
        return self.fieldset(self.MANAGER_FIELDS)

    def identity(self) -> CompanyIdentity:
        data = self.cleaned_data
        return CompanyIdentity(
            **{name: data[name] for name in (*self.COMPANY_FIELDS, *self.BANK_FIELDS)}
        )

    def first_manager(self) -> FirstManager:
        data = self.cleaned_data
        return FirstManager(data["manager"], data["manager_email"], data["password"])
