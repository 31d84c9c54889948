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
from recouvrement.web.forms import ReceivablesField, page_field, parse_id
from recouvrement.web.worklist.columns import DEFAULT_WORKLIST_SORT, SORT_VALUES, parse_sort

ALL_COLLECTORS = "tous"
# The « Type » filter: the action types, then alerts and promises (kinds without an action).
TYPE_CHOICES = [
    ("", "Tous les types"),
    *((t.value, t.label) for t in ActionType),
    (InterventionKind.ALERT.value, InterventionKind.ALERT.label),
    (InterventionKind.PROMISE.value, InterventionKind.PROMISE.label),
]
# The « Tri » presets (S9's orders), the same as a click on these columns' headers.
SORT_CHOICES = [
    ("priorite", "Priorité et chargé"),
    ("charge", "Chargé et priorité"),
    ("date", "Date prévue"),
]


@dataclass(frozen=True)
class WorklistFilters:
    as_of: date
    collector_id: int | None
    show_all: bool
    type: str
    sort: WorklistSort
    page: int
    descending: bool = False
    tri: str = DEFAULT_WORKLIST_SORT  # as in the URL: a column's key, `-key` descending

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
    tri = forms.ChoiceField(label="Tri", choices=[(v, v) for v in SORT_VALUES], required=False)
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
        tri, sort, descending = parse_sort(data.get("tri") or "")
        return WorklistFilters(
            as_of=data.get("jusqu_au") or self.today,
            collector_id=collector_id,
            show_all=collector_id is None,
            type=data.get("type") or "",
            sort=sort,
            page=data.get("page") or 1,
            descending=descending,
            tri=tri,
        )


BATCH_ACTIONS = {
    "executer": "Exécuter",
    "realisee": "Marquer réalisée",
    "ignorer": "Ignorer",
    "reaffecter": "Réaffecter à…",
}
UNKNOWN_ACTION = "Action inconnue : choisissez Exécuter, Marquer réalisée, Ignorer ou Réaffecter à…"


class BatchForm(forms.Form):
    """The selected rows of the worklist, the batch action to run on them, the comment typed
    in the batch bar and, for « Réaffecter à… », the chargé (one of the company's)."""

    action = forms.ChoiceField(
        label="Action",
        choices=list(BATCH_ACTIONS.items()),
        error_messages={"required": UNKNOWN_ACTION, "invalid_choice": UNKNOWN_ACTION},
    )
    ids = forms.TypedMultipleChoiceField(coerce=int, required=False)
    retour = forms.CharField(required=False, max_length=2000)
    commentaire = forms.CharField(label="Commentaire", required=False, max_length=255)
    reaffecter_a = forms.CharField(label="Réaffecter à", required=False)

    def __init__(self, data, *, company: Company):
        # Any row id: the view reads the rows within the user's company; what is no id (« abc »,
        # a number beyond any row) selects nothing.
        data = data.copy()
        data.setlist("ids", [v for v in data.getlist("ids") if parse_id(v) is not None])
        super().__init__(data)
        self.fields["ids"].choices = [(v, v) for v in data.getlist("ids")]
        self.company = company

    def clean_reaffecter_a(self) -> Collaborator | None:
        value = self.cleaned_data["reaffecter_a"]
        if not value:
            return None
        pk = parse_id(value)
        found = (
            Collaborator.objects.filter(company=self.company, is_collector=True, pk=pk).first()
            if pk is not None
            else None
        )
        if found is None:
            raise forms.ValidationError("chargé inconnu, choisissez-en un dans la liste.")
        return found

    def clean(self):
        data = super().clean()
        if (
            data.get("action") == "reaffecter"
            and data.get("reaffecter_a") is None
            and "reaffecter_a" not in self.errors
        ):
            self.add_error("reaffecter_a", "choisissez le chargé à qui réaffecter les dossiers.")
        return data

    def error_lines(self) -> list[str]:
        """One French line per field refused (the action's own message says it all)."""
        lines = []
        for name, errors in self.errors.items():
            label = self.fields[name].label if name in self.fields else ""
            text = " ".join(errors)
            lines.append(text if name == "action" or not label else f"{label} : {text}")
        return lines


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
    receivables = ReceivablesField(
        queryset=Receivable.objects.none(),
        label="Échéances",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Cochez au moins une échéance à recouvrer."},
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
