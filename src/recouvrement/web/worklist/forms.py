"""Forms of « Gestion des actions » (S9) and of the opening of a dossier."""

from dataclasses import dataclass
from datetime import date

from django import forms

from recouvrement.db.models import (
    Collaborator,
    Company,
    Contact,
    Customer,
    DisputeReason,
    Receivable,
    Scenario,
)
from recouvrement.domain.statuses import ActionType, InterventionKind
from recouvrement.domain.worklist import WorklistSort
from recouvrement.web.forms import page_field, parse_id

ALL_COLLECTORS = "tous"
# The « Type » filter: the action types, then alerts and promises (kinds without an action).
TYPE_CHOICES = [
    ("", "Tous les types"),
    *((t.value, t.label) for t in ActionType),
    (InterventionKind.ALERT.value, InterventionKind.ALERT.label),
    (InterventionKind.PROMISE.value, InterventionKind.PROMISE.label),
]
SORT_CHOICES = [
    (WorklistSort.PRIORITY.value, "Priorité et chargé"),
    (WorklistSort.COLLECTOR.value, "Chargé et priorité"),
    (WorklistSort.DATE.value, "Date prévue"),
]


@dataclass(frozen=True)
class WorklistFilters:
    as_of: date
    collector_id: int | None
    show_all: bool
    type: str
    sort: WorklistSort
    page: int

    def type_filter(self) -> dict:
        """The extra condition of the « Type » filter on the worklist query."""
        if self.type in (InterventionKind.ALERT, InterventionKind.PROMISE):
            return {"kind": self.type}
        return {"action_type": self.type} if self.type else {}


class WorklistFilterForm(forms.Form):
    """The worklist's GET filters; a value that does not validate falls back to its default."""

    jusqu_au = forms.DateField(label="Actions jusqu'au", required=False)
    charge = forms.ChoiceField(label="Chargé", required=False)
    type = forms.ChoiceField(label="Type", choices=TYPE_CHOICES, required=False)
    tri = forms.ChoiceField(label="Tri", choices=SORT_CHOICES, required=False)
    page = page_field()

    def __init__(self, data, *, company: Company, today: date, own: Collaborator | None):
        super().__init__(data)
        self.today, self.own = today, own
        self.collectors = list(
            Collaborator.objects.filter(company=company, is_collector=True).order_by(
                "last_name", "first_name"
            )
        )
        self.fields["charge"].choices = [
            (ALL_COLLECTORS, "Tous les chargés"),
            *((str(c.pk), str(c)) for c in self.collectors),
        ]
        self.fields["jusqu_au"].widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

    def filters(self) -> WorklistFilters:
        self.is_valid()
        data = self.cleaned_data
        chosen = data.get("charge") or ""
        if chosen == ALL_COLLECTORS:
            collector_id = None
        elif chosen:
            collector_id = int(chosen)
        else:  # S9: a user linked to a chargé sees that chargé's actions by default
            collector_id = self.own.pk if self.own is not None else None
        return WorklistFilters(
            as_of=data.get("jusqu_au") or self.today,
            collector_id=collector_id,
            show_all=collector_id is None,
            type=data.get("type") or "",
            sort=WorklistSort(data.get("tri") or WorklistSort.PRIORITY),
            page=data.get("page") or 1,
        )


BATCH_ACTIONS = {"preparer": "Préparer", "imprimer": "Imprimer", "realisee": "Marquer réalisée"}


class BatchForm(forms.Form):
    """The selected rows of the worklist and the batch action to run on them."""

    action = forms.ChoiceField(choices=list(BATCH_ACTIONS.items()))
    ids = forms.TypedMultipleChoiceField(coerce=int, required=False)
    retour = forms.CharField(required=False, max_length=2000)

    def __init__(self, data):
        # Any row id: the view reads the rows within the user's company; what is no id (« abc »,
        # a number beyond any row) selects nothing.
        data = data.copy()
        data.setlist("ids", [v for v in data.getlist("ids") if parse_id(v) is not None])
        super().__init__(data)
        self.fields["ids"].choices = [(v, v) for v in data.getlist("ids")]


class DossierOpeningForm(forms.Form):
    """« Nouveau dossier »: the client, then its free échéances and the dossier's fields (M7)."""

    customer = forms.ModelChoiceField(queryset=Customer.objects.none(), label="Client")
    scenario = forms.ModelChoiceField(
        queryset=Scenario.objects.none(), label="Scénario", required=False, empty_label="Aucun"
    )
    collector = forms.ModelChoiceField(
        queryset=Collaborator.objects.none(),
        label="Chargé de recouvrement",
        required=False,
        empty_label="Chargé par défaut du client",
    )
    contact = forms.ModelChoiceField(
        queryset=Contact.objects.none(), label="Contact", required=False, empty_label="Aucun"
    )
    priority = forms.TypedChoiceField(
        label="Priorité",
        coerce=int,
        choices=[(n, f"{n}{' (la plus haute)' if n == 1 else ''}") for n in range(1, 6)],
        initial=3,
    )
    dispute_reason = forms.ModelChoiceField(
        queryset=DisputeReason.objects.none(),
        label="Motif de litige",
        required=False,
        empty_label="Aucun",
    )
    summary = forms.CharField(
        label="Résumé", max_length=100, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    receivables = forms.ModelMultipleChoiceField(
        queryset=Receivable.objects.none(),
        label="Échéances",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self,
        data=None,
        *,
        company: Company,
        collector_only: Collaborator | None,
        customer: Customer | None,
        initial=None,
    ):
        super().__init__(data, initial=initial)
        self.fields["customer"].queryset = Customer.objects.filter(company=company).order_by("code")
        self.fields["scenario"].queryset = Scenario.objects.filter(company=company).order_by("name")
        collectors = Collaborator.objects.filter(company=company, is_collector=True)
        if collector_only is not None:  # a collector opens dossiers for themself only
            collectors = collectors.filter(pk=collector_only.pk)
            self.fields["collector"].required = True
            self.fields["collector"].empty_label = None
        self.fields["collector"].queryset = collectors.order_by("last_name", "first_name")
        self.fields["dispute_reason"].queryset = DisputeReason.objects.filter(company=company)
        self.fields["contact"].queryset = (
            Contact.objects.filter(customer=customer) if customer else Contact.objects.none()
        )
        # Every échéance of the client validates, so that one taken meanwhile by another dossier
        # gets the service's precise refusal; the page offers only the free ones.
        self.fields["receivables"].queryset = (
            Receivable.objects.filter(customer=customer) if customer else Receivable.objects.none()
        )
        self.free_receivables = list(free_receivables(customer))

    def clean_summary(self) -> str:
        return self.cleaned_data["summary"].strip()


def free_receivables(customer: Customer | None):
    """The client's échéances still owed and in no open dossier: those a new dossier may take."""
    if customer is None:
        return Receivable.objects.none()
    return (
        Receivable.objects.filter(customer=customer, open_amount__gt=0)
        .exclude(links__is_active=True)
        .order_by("due_date", "reference")
    )
