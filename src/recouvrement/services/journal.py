"""Writing the journal (M9): every service records what it changed, before and after."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import models
from django.utils import timezone

from recouvrement.db.models import Company, Dossier, Intervention, JournalEntry

INTERVENTION_FIELDS = (
    "kind",
    "status",
    "action_type",
    "label",
    "planned_date",
    "done_date",
    "contact_id",
    "comment",
    "promise_amount",
    "penalty_amount",
    "fee_amount",
    "step_id",
    "user_id",
)
# The journal's columns in the order the batch inserts (`db.bulk.insert_rows`) use.
JOURNAL_COLUMNS = (
    "company_id",
    "dossier_id",
    "intervention_id",
    "at",
    "user_id",
    "action",
    "message",
    "before",
    "after",
)
DOSSIER_FIELDS = ("status", "priority", "collector_id", "end_date", "resolution_id", "result")


def _json(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def to_json(values: dict[str, Any]) -> dict[str, Any]:
    return {name: _json(value) for name, value in values.items()}


def snapshot(instance: models.Model, fields: tuple[str, ...]) -> dict[str, Any]:
    return to_json({name: getattr(instance, name) for name in fields})


def changed(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict, dict]:
    """Only the fields that differ, so the timeline shows what moved."""
    keys = [k for k in after if before.get(k) != after[k]]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def journal_entry(
    dossier: Dossier,
    action: str,
    message: str,
    *,
    user: AbstractBaseUser | None,
    intervention: Intervention | None = None,
    before: dict | None = None,
    after: dict | None = None,
    at: datetime | None = None,
) -> JournalEntry:
    """An unsaved row, for bulk inserts; `record` saves one."""
    return JournalEntry(
        company_id=dossier.company_id,
        dossier_id=dossier.pk,
        intervention_id=intervention.pk if intervention else None,
        at=at or timezone.now(),
        user=user,
        action=action,
        message=message[:255],
        before=before,
        after=after,
    )


def record(dossier: Dossier, action: str, message: str, **kwargs: Any) -> JournalEntry:
    entry = journal_entry(dossier, action, message, **kwargs)
    entry.save(force_insert=True)
    return entry


def company_entry(
    company: Company,
    action: str,
    message: str,
    *,
    user: AbstractBaseUser | None,
    before: dict | None = None,
    after: dict | None = None,
    at: datetime | None = None,
) -> JournalEntry:
    """Saves a company-level row (no dossier): settings, users, imports."""
    entry = JournalEntry(
        company_id=company.pk,
        dossier_id=None,
        at=at or timezone.now(),
        user=user,
        action=action,
        message=message[:255],
        before=before,
        after=after,
    )
    entry.save(force_insert=True)
    return entry
