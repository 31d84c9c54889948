"""What every form of the pages shares against bad input (PRODUCT §8): ids and page numbers
within what the database can hold, filters ignored with a French message, tampered formsets
refused in French. Never a 500, never a value cut to fit."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.formsets import INITIAL_FORM_COUNT, TOTAL_FORM_COUNT

# Row ids are 64-bit integers on every engine; a larger one names no row (SQLite would raise
# OverflowError, PostgreSQL a DataError: a 500 either way).
MAX_ID = 2**63 - 1
MAX_PAGE = 1_000_000  # 50 million rows at 50 per page


def id_field(label: str = "", **kwargs) -> forms.IntegerField:
    """A row id typed in a query string or a hidden input."""
    return forms.IntegerField(label=label, min_value=1, max_value=MAX_ID, **kwargs)


def page_field() -> forms.IntegerField:
    return forms.IntegerField(label="Page", min_value=1, max_value=MAX_PAGE, required=False)


def parse_id(value: object) -> int | None:
    """The row id a request parameter holds, or None when it holds none (« abc », « -1 »,
    a number too large for the database)."""
    text = str(value or "").strip()
    if not text.isascii() or not text.isdigit():
        return None
    number = int(text)
    return number if 1 <= number <= MAX_ID else None


def ignored_filters(form: forms.Form) -> list[str]:
    """One French line per GET filter that does not validate (the page ignores it)."""
    form.is_valid()
    lines = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        label = (field.label if field is not None else "") or name
        lines.append(f"Filtre « {label} » ignoré : {' '.join(errors)}")
    return lines


def tampered_formset(formset: forms.BaseFormSet, what: str) -> str | None:
    """A French message when the formset's hidden counts were altered (« steps-TOTAL_FORMS=abc »,
    more rows than the page allows): the post is refused as a whole."""
    if not formset.is_bound:
        return None
    management = formset.management_form
    if not management.is_valid():
        return (
            f"Le formulaire {what} a été altéré (nombre de lignes illisible) : rechargez la page."
        )
    total = management.cleaned_data[TOTAL_FORM_COUNT]
    initial = management.cleaned_data[INITIAL_FORM_COUNT]
    if not 0 <= total <= formset.max_num or not 0 <= initial <= total:
        return (
            f"Le formulaire {what} a été altéré ({total} lignes, {formset.max_num} au plus) : "
            "rechargez la page."
        )
    return None


class ReceivablesField(forms.ModelMultipleChoiceField):
    """Échéances ticked by id; an id no row can have (« abc », 2**63) is refused in French
    before it reaches the database (an IN list is not range-checked: OverflowError)."""

    def _check_values(self, value):
        for pk in value:
            if parse_id(pk) is None:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)
