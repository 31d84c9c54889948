"""The dossier list's filters (GET)."""

from dataclasses import dataclass

from django import forms

from recouvrement.db.dossier_list import DEFAULT_DOSSIER_ORDER
from recouvrement.db.models.enums import choices_of
from recouvrement.domain.statuses import DossierStatus
from recouvrement.web.forms import id_field
from recouvrement.web.sorting import DESCENDING, Column, sort_values

# The list's columns, in order: a click on a header sorts by it, a second click reverses it.
DOSSIER_COLUMNS = (
    Column("numero"),
    Column("client"),
    Column("charge"),
    Column("priorite"),
    Column("suggeree"),  # B11: the most urgent suggestion first
    Column("statut"),
    Column("date", DESCENDING),
    Column("factures", DESCENDING),
    Column("reglements", DESCENDING),
    Column("solde", DESCENDING),
)


@dataclass(frozen=True)
class DossierFilters:
    status: DossierStatus | None
    search: str
    show_all: bool
    priority: int | None = None
    collector_id: int | None = None
    order: str = DEFAULT_DOSSIER_ORDER
    in_dispute: bool = False


class DossierFilterForm(forms.Form):
    """The dossier list's GET filters; a value that does not validate is ignored."""

    status = forms.ChoiceField(
        label="Statut", choices=[("", "Tous"), *choices_of(DossierStatus)], required=False
    )
    q = forms.CharField(label="Rechercher", max_length=100, required=False)
    all = forms.BooleanField(label="Tous les dossiers", required=False)
    priorite = forms.TypedChoiceField(
        label="Priorité",
        choices=[("", "Toutes"), *((n, str(n)) for n in range(1, 6))],
        coerce=int,
        empty_value=None,
        required=False,
    )
    charge = id_field("Chargé", required=False)
    litige = forms.BooleanField(label="En litige", required=False)
    tri = forms.ChoiceField(
        label="Tri",
        choices=[(value, value) for value in sort_values(DOSSIER_COLUMNS)],
        required=False,
    )

    def filters(self) -> DossierFilters:
        self.is_valid()
        data = self.cleaned_data
        status = data.get("status")
        return DossierFilters(
            status=DossierStatus(status) if status else None,
            search=data.get("q", ""),
            show_all=data.get("all", False) or bool(data.get("charge")),
            priority=data.get("priorite"),
            collector_id=data.get("charge"),
            order=data.get("tri") or DEFAULT_DOSSIER_ORDER,
            in_dispute=data.get("litige", False),
        )
