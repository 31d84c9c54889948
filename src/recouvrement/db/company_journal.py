"""Reading the company's own journal rows (M9) for « Structure › Journal »: configuration,
users, logins and imports — the rows without a dossier (a dossier's rows are its
« Historique »). Newest first; the rows a page shows are described with their changes."""

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import QuerySet

from recouvrement.db.models import Company, JournalEntry
from recouvrement.domain.audit import action_label

VALUE_SHOWN = 160  # characters of a value the page shows (a letter's text is longer)


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str


@dataclass(frozen=True)
class JournalLine:
    at: datetime
    who: str  # the user's name; « — » when nobody was signed in (command line, failed login)
    action: str
    label: str
    message: str
    changes: tuple[Change, ...]


def company_rows(company: Company, *, action: str = "") -> QuerySet[JournalEntry]:
    """The company-level rows, newest first; `action`: only that code. Served by the
    journal's (dossier, at) index: the rows without a dossier, in date order."""
    rows = JournalEntry.objects.filter(company=company, dossier__isnull=True)
    if action:
        rows = rows.filter(action=action)
    return rows.select_related("user").order_by("-at", "-id")


def company_actions(company: Company) -> list[tuple[str, str]]:
    """The codes present in the company's rows with their French names, for the filter."""
    codes = (
        JournalEntry.objects.filter(company=company, dossier__isnull=True)
        .order_by()
        .values_list("action", flat=True)
        .distinct()
    )
    return sorted(((code, action_label(code)) for code in codes), key=lambda pair: pair[1])


def _text(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False, sort_keys=True)
    text = " ".join(str(value).split())
    return text if len(text) <= VALUE_SHOWN else f"{text[: VALUE_SHOWN - 1]}…"


def _changes(before: Any, after: Any) -> tuple[Change, ...]:
    before = before if isinstance(before, dict) else ({"": before} if before else {})
    after = after if isinstance(after, dict) else ({"": after} if after else {})
    fields = [*after, *(key for key in before if key not in after)]
    return tuple(
        Change(field, _text(before.get(field)), _text(after.get(field)))
        for field in fields
        if field in before or after.get(field) not in (None, "")
    )


def journal_lines(entries: Iterable[JournalEntry]) -> list[JournalLine]:
    """The rows of one page, as the page shows them."""
    return [
        JournalLine(
            at=entry.at,
            who=(entry.user.get_full_name() or entry.user.get_username()) if entry.user else "—",
            action=entry.action,
            label=action_label(entry.action),
            message=entry.message,
            changes=_changes(entry.before, entry.after),
        )
        for entry in entries
    ]
