"""The dashboard's one filter: the date its figures are read at (`?date=`)."""

import datetime

from django import forms

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


class DashboardForm(forms.Form):
    date = forms.DateField(
        label="Chiffres au",
        required=False,
        input_formats=DATE_FORMATS,
        error_messages={"invalid": "saisissez une date au format JJ/MM/AAAA."},
    )

    def as_of(self, today: datetime.date) -> tuple[datetime.date | None, str | None]:
        """The date asked for (today by default), or None and why the one typed is refused."""
        if self.is_valid():
            return self.cleaned_data["date"] or today, None
        typed = str(self.data.get("date", ""))[:40]
        return None, f"La date « {typed} » n'est pas une date : {' '.join(self.errors['date'])}"
