"""Forms of « Structure › Utilisateurs »: plain values out; the services hold the rules."""

from django import forms
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q

from recouvrement.db.models import Collaborator, Company
from recouvrement.domain.statuses import Role
from recouvrement.web.account.forms import check_typed_twice, password_field

# The order of PRODUCT §1's brief: Responsable, Chargé, Consultation.
ROLE_CHOICES = [(role.value, role.label) for role in (Role.MANAGER, Role.COLLECTOR, Role.READ_ONLY)]


class UserEditForm(forms.Form):
    role = forms.ChoiceField(label="Profil", choices=ROLE_CHOICES, initial=Role.COLLECTOR.value)
    collaborator = forms.ModelChoiceField(
        label="Collaborateur lié",
        queryset=Collaborator.objects.none(),
        required=False,
        empty_label="— aucun —",
    )

    def __init__(
        self, *args, company: Company, account: AbstractBaseUser | None = None, **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        free = Q(user__isnull=True) | Q(user_id=account.pk if account else None)
        self.fields["collaborator"].queryset = Collaborator.objects.filter(
            free, company=company
        ).order_by("last_name", "first_name")

    @property
    def collaborator_id(self) -> int | None:
        collaborator = self.cleaned_data.get("collaborator")
        return collaborator.pk if collaborator else None


class UserCreateForm(UserEditForm):
    username = forms.CharField(label="Nom d'utilisateur", max_length=150)
    first_name = forms.CharField(label="Prénom", max_length=150, required=False)
    last_name = forms.CharField(label="Nom", max_length=150, required=False)
    email = forms.EmailField(label="E-mail", required=False)
    password = password_field("Mot de passe")
    password_again = password_field("Confirmation du mot de passe")

    field_order = ["username", "first_name", "last_name", "email", "role", "collaborator"]

    def clean(self) -> dict:
        check_typed_twice(self, "password", "password_again")
        return self.cleaned_data
