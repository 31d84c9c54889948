"""The « Échéances » list's filters (GET): a value that does not validate is ignored, with a
French message, and the list shows what the other filters keep."""

import datetime
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError

from recouvrement.db.reports import ALL_COLLECTORS, DEFAULT_RECEIVABLE_ORDER
from recouvrement.domain.reports import BUCKETS, check_report_date
from recouvrement.domain.rules import RuleViolation
from recouvrement.web.forms import parse_id
from recouvrement.web.sorting import DESCENDING, Column, sort_values

NO_COLLECTOR = "aucun"  # `?charge=aucun`: the échéances no chargé follows
# The list's columns, in order: a click on a header sorts by it, a second click reverses it.
RECEIVABLE_COLUMNS = (
    Column("client"),
    Column("piece"),
    Column("date"),
    Column("echeance"),
    Column("montant", DESCENDING),
    Column("reste", DESCENDING),
    Column("retard", DESCENDING),
    Column("dossier"),
    Column("charge"),
)


@dataclass(frozen=True)
class ReceivableFilters:
    as_of: datetime.date
    bucket: str | None
    collector: int | None | str  # an id, None (« aucun »), ALL_COLLECTORS
    client: str
    order: str

    @property
    def charge(self) -> str:
        """The `charge` value of the URL that keeps this chargé filter."""
        if self.collector is None:
            return NO_COLLECTOR
        return "" if self.collector == ALL_COLLECTORS else str(self.collector)


class ReceivableFilterForm(forms.Form):
    date = forms.DateField(label="Date", required=False, input_formats=["%Y-%m-%d", "%d/%m/%Y"])
    tranche = forms.ChoiceField(
        label="Tranche",
        choices=[("", "Toutes"), *((b.key, b.label) for b in BUCKETS)],
        required=False,
    )
    charge = forms.CharField(label="Chargé", max_length=30, required=False)
    client = forms.CharField(label="Client", max_length=100, required=False)
    tri = forms.ChoiceField(
        label="Tri",
        choices=[(value, value) for value in sort_values(RECEIVABLE_COLUMNS)],
        required=False,
    )

    def __init__(self, data, *, collector_ids: set[int]) -> None:
        super().__init__(data)
        self.collector_ids = collector_ids

    def clean_date(self) -> datetime.date | None:
        day = self.cleaned_data.get("date")
        if day is not None:
            try:
                check_report_date(day)
            except RuleViolation as violation:
                raise ValidationError(violation.message) from None
        return day

    def clean_charge(self) -> int | None | str:
        text = self.cleaned_data.get("charge", "").strip()
        if not text:
            return ALL_COLLECTORS
        if text == NO_COLLECTOR:
            return None
        pk = parse_id(text)
        if pk is None or pk not in self.collector_ids:
            raise ValidationError(f"aucun chargé de la société ne porte le numéro « {text} ».")
        return pk

    def filters(self, today: datetime.date) -> ReceivableFilters:
        self.is_valid()
        data = self.cleaned_data
        return ReceivableFilters(
            as_of=data.get("date") or today,
            bucket=data.get("tranche") or None,
            collector=data.get("charge", ALL_COLLECTORS),
            client=data.get("client", "").strip(),
            order=data.get("tri") or DEFAULT_RECEIVABLE_ORDER,
        )
