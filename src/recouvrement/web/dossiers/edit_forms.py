"""Forms of « Modifier le dossier » and « Clore le dossier » (M7)."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q

from recouvrement.db.models import (
    Collaborator,
    Contact,
    DisputeReason,
    Dossier,
    Receivable,
    Resolution,
    Scenario,
)
from recouvrement.domain.statuses import DossierStatus
from recouvrement.services import DossierChanges
from recouvrement.services.dossier_changes import KEEP
from recouvrement.services.use_case import rule_errors
from recouvrement.services.validation import check_text
from recouvrement.web.forms import ReceivablesField

# « Clore le dossier » is its own page: the status here moves between the open ones.
OPEN_STATUSES = [(s.value, s.label) for s in DossierStatus if s.is_open]


class DossierEditForm(forms.Form):
    """« Modifier le dossier »: the dossier's fields, its scenario and its échéances."""

    priority = forms.TypedChoiceField(
        label="Priorité",
        coerce=int,
        choices=[(n, f"{n}{' (la plus haute)' if n == 1 else ''}") for n in range(1, 6)],
    )
    status = forms.ChoiceField(label="Statut", choices=OPEN_STATUSES)
    collector = forms.ModelChoiceField(
        queryset=Collaborator.objects.none(),
        label="Chargé de recouvrement",
        required=False,
        empty_label="Aucun",
    )
    contact = forms.ModelChoiceField(
        queryset=Contact.objects.none(), label="Contact", required=False, empty_label="Aucun"
    )
    scenario = forms.ModelChoiceField(
        queryset=Scenario.objects.none(), label="Scénario", required=False, empty_label="Aucun"
    )
    dispute_reason = forms.ModelChoiceField(
        queryset=DisputeReason.objects.none(),
        label="Motif de litige",
        required=False,
        empty_label="Aucun",
    )
    summary = forms.CharField(label="Résumé", max_length=100, required=False)
    comment = forms.CharField(
        label="Commentaire", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    add = ReceivablesField(
        queryset=Receivable.objects.none(), label="Échéances à rattacher", required=False
    )
    remove = ReceivablesField(
        queryset=Receivable.objects.none(), label="Échéances à retirer", required=False
    )

    def __init__(self, data=None, *, dossier: Dossier, may_assign: bool):
        initial = {
            "priority": dossier.priority,
            "status": dossier.status,
            "collector": dossier.collector_id,
            "contact": dossier.contact_id,
            "scenario": dossier.scenario_id,
            "dispute_reason": dossier.dispute_reason_id,
            "summary": dossier.summary,
            "comment": dossier.comment,
        }
        super().__init__(data, initial=initial)
        company, customer = dossier.company_id, dossier.customer_id
        self.may_assign = may_assign
        self.fields["collector"].queryset = Collaborator.objects.filter(
            Q(is_collector=True) | Q(pk=dossier.collector_id), company_id=company
        ).order_by("last_name", "first_name")
        # Only a manager hands a dossier to another chargé: the others see it, unchangeable.
        self.fields["collector"].disabled = not may_assign
        self.fields["contact"].queryset = Contact.objects.filter(customer_id=customer)
        self.fields["scenario"].queryset = Scenario.objects.filter(company_id=company).order_by(
            "name"
        )
        self.fields["dispute_reason"].queryset = DisputeReason.objects.filter(company_id=company)
        # Every échéance of the client validates, so that one taken meanwhile by another
        # dossier gets the service's precise refusal; the page offers only the free ones.
        of_customer = Receivable.objects.filter(customer_id=customer)
        self.fields["add"].queryset = of_customer
        self.fields["remove"].queryset = of_customer
        self.linked = list(
            of_customer.filter(links__dossier=dossier, links__is_active=True).order_by(
                "due_date", "reference", "pk"
            )
        )
        self.free = list(
            of_customer.filter(open_amount__gt=0)
            .exclude(links__is_active=True)
            .order_by("due_date", "reference", "pk")
        )

    def chosen(self, name: str) -> set[str]:
        """The échéances ticked in `name` (« add », « remove »), to tick them again."""
        return {str(value) for value in self[name].value() or ()}

    def clean_summary(self) -> str:
        return self.cleaned_data["summary"].strip()

    def clean_comment(self) -> str:
        return self.cleaned_data["comment"].strip()

    def changes(self) -> DossierChanges:
        data = self.cleaned_data
        return DossierChanges(
            priority=data["priority"],
            status=DossierStatus(data["status"]),
            collector=data["collector"] if self.may_assign else KEEP,
            contact=data["contact"],
            scenario=data["scenario"],
            dispute_reason=data["dispute_reason"],
            summary=data["summary"],
            comment=data["comment"],
            add_receivables=list(data["add"]),
            remove_receivables=list(data["remove"]),
        )


class DossierClosureForm(forms.Form):
    """« Clore le dossier »: the résolution (from the company's list) and the result."""

    resolution = forms.ModelChoiceField(
        queryset=Resolution.objects.none(), label="Résolution", empty_label="— Choisir —"
    )
    result = forms.CharField(label="Résultat", max_length=100, required=False)

    def __init__(self, data=None, *, dossier: Dossier):
        super().__init__(data)
        resolutions = Resolution.objects.filter(company_id=dossier.company_id)
        self.fields["resolution"].queryset = resolutions
        # A company without any résolution in its list still closes its dossiers.
        self.fields["resolution"].required = resolutions.exists()

    def clean_result(self) -> str:
        result = self.cleaned_data["result"].strip()
        try:
            with rule_errors():
                check_text(Dossier, {"result": result})
        except ValidationError as error:
            raise ValidationError(error.messages) from None
        return result
