"""Password forms: the fields and the typing check; the services apply Django's validators."""

from django import forms
from django.contrib.auth import password_validation

MISMATCH = "Les deux mots de passe ne correspondent pas."


def password_field(label: str, *, autocomplete: str = "new-password") -> forms.CharField:
    return forms.CharField(
        label=label,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}),
    )


def password_rules() -> list[str]:
    """The validators' own French help texts (12 caractères, pas trop proche du nom…)."""
    return password_validation.password_validators_help_texts()


def check_typed_twice(form: forms.Form, first: str, second: str) -> None:
    """The confirmation repeats the password (no service rule: a typing check)."""
    data = form.cleaned_data
    if data.get(first) and data.get(second) and data[first] != data[second]:
        form.add_error(second, MISMATCH)


class PasswordChangeForm(forms.Form):
    old_password = password_field("Mot de passe actuel", autocomplete="current-password")
    new_password = password_field("Nouveau mot de passe")
    new_password_again = password_field("Confirmation du nouveau mot de passe")

    def clean(self) -> dict:
        check_typed_twice(self, "new_password", "new_password_again")
        return self.cleaned_data


class PasswordResetForm(forms.Form):
    password = password_field("Nouveau mot de passe")
    password_again = password_field("Confirmation du mot de passe")

    def clean(self) -> dict:
        check_typed_twice(self, "password", "password_again")
        return self.cleaned_data
