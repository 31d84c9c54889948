"""The confirmation of « Ouvrir les dossiers des retards » (B5): what the manager saw and the
chargés they chose for the customers without one."""

from django import forms

from recouvrement.db.models import Collaborator, Company
from recouvrement.services.opening import OpeningPreview, OpeningRow
from recouvrement.web.forms import parse_id

# Beyond this many customers without a chargé, only « Chargé par défaut » is offered (one select
# per row would exceed what a form may post).
MAX_ROW_CHOICES = 100


def seen_text(preview: OpeningPreview) -> str:
    """The preview's rows as the page posts them back: « customer id:fingerprint » lines."""
    return " ".join(f"{row.customer.pk}:{row.fingerprint}" for row in preview.rows)


class OverdueOpeningForm(forms.Form):
    """Posted by « Ouvrir les dossiers »: the preview seen (one hidden field) and the chargés."""

    apercu = forms.CharField(widget=forms.HiddenInput, required=False, strip=True)
    charge_defaut = forms.ModelChoiceField(
        queryset=Collaborator.objects.none(),
        label="Chargé par défaut",
        required=False,
        empty_label="— Choisir —",
    )

    def __init__(self, data=None, *, company: Company, preview: OpeningPreview):
        super().__init__(data, initial={"apercu": seen_text(preview)})
        self.preview = preview
        self.collectors = list(
            Collaborator.objects.filter(company=company, is_collector=True).order_by(
                "last_name", "first_name"
            )
        )
        self.fields["charge_defaut"].queryset = Collaborator.objects.filter(
            pk__in=[c.pk for c in self.collectors]
        ).order_by("last_name", "first_name")
        self.row_choices = 0 < preview.unassigned <= MAX_ROW_CHOICES
        self.confirmed: dict[int, str] = {}
        self.chosen: dict[int, Collaborator] = {}

    def row_choice(self, row: OpeningRow) -> str:
        """The chargé posted for this row (its select keeps it when the page comes back)."""
        return str(self.data.get(f"charge_{row.customer.pk}", "")) if self.is_bound else ""

    def clean_apercu(self) -> str:
        text = self.cleaned_data["apercu"]
        for token in text.split():
            pk, _, fingerprint = token.partition(":")
            if parse_id(pk) is None or not fingerprint:
                raise forms.ValidationError("L'aperçu envoyé est illisible : rechargez la page.")
            self.confirmed[int(pk)] = fingerprint
        return text

    def clean(self):
        data = super().clean()
        by_id = {c.pk: c for c in self.collectors}
        default = data.get("charge_defaut")
        missing = []
        for row in self.preview.rows:
            if row.collector is not None or row.customer.pk not in self.confirmed:
                continue
            value = self.data.get(f"charge_{row.customer.pk}") if self.row_choices else ""
            if value:
                chosen = by_id.get(parse_id(value) or 0)
                if chosen is None:
                    self.add_error(None, f"{row.customer} : ce chargé n'existe pas.")
                    continue
            else:
                chosen = default
            if chosen is not None:
                self.chosen[row.customer.pk] = chosen
            elif self.collectors:  # with no chargé in the company at all, none is chosen
                missing.append(str(row.customer))
        if missing:
            self.add_error(
                None,
                "Choisissez le chargé de ces clients, ou un « Chargé par défaut » : "
                + ", ".join(missing[:10])
                + (" …" if len(missing) > 10 else "")
                + ".",
            )
        return data
