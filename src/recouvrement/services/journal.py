"""Writing the journal (M9): every service records what it changed, before and after.

Every row is written here, chained (O6, `domain.journal_chain`): `record` and
`company_entry` save one, `save_entries` unsaved rows (`journal_entry`), `insert_journal_rows`
a batch's tuples (JOURNAL_COLUMNS). Each call locks the chain heads of the companies it
writes for (`JournalHead`, SELECT … FOR UPDATE, in company order) until the transaction
ends, chains the rows in order, inserts them (ids ascending in insert order) and moves the
heads on: a company's journal is written by one transaction at a time. A call joins the
caller's transaction without a savepoint (one fails, all fail): inside a savepoint SQLite
copies every page the batch's 100 000 rows touch, which doubled their insert time.

Lock order: services lock their dossiers first and write the journal after, so the head is
taken at the first journal write of a transaction, after the dossiers; never lock a dossier
after writing a journal row in the same transaction.
"""

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import models, transaction
from django.db.models import F, Subquery
from django.utils import timezone

from recouvrement.db.bulk import RowAdapter, insert_rows
from recouvrement.db.models import Company, Dossier, Intervention, JournalEntry, JournalHead
from recouvrement.domain.journal_chain import Serialiser, chain_rows

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
CHAINED_COLUMNS = (*JOURNAL_COLUMNS, "previous_hash", "hash")
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
    save_entries([entry])
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
    save_entries([entry])
    return entry


def _values(entry: JournalEntry) -> tuple:
    return tuple(getattr(entry, name) for name in JOURNAL_COLUMNS)


def save_entries(entries: list[JournalEntry]) -> list[JournalEntry]:
    """Chain and insert unsaved rows (`journal_entry`), in their order; their ids are set."""
    if not entries:
        return entries
    with transaction.atomic(savepoint=False):
        heads = _locked_heads({entry.company_id for entry in entries})
        last_hashes = {pk: head.last_hash for pk, head in heads.items()}
        chained = chain_rows([_values(entry) for entry in entries], last_hashes, Serialiser())
        for entry, row in zip(entries, chained, strict=True):
            entry.previous_hash, entry.hash = row[-2:]
        JournalEntry.objects.bulk_create(entries)
        _move_heads(heads, last_hashes, [entry.company_id for entry in entries])
    return entries


def insert_journal_rows(rows: Iterable[Sequence[Any]]) -> int:
    """Chain and insert a batch's rows (tuples in JOURNAL_COLUMNS order), in their order;
    returns the count."""
    rows = list(rows)
    if not rows:
        return 0
    # What rows share (time stamp, « before »/« after »…) is adapted for the database once.
    adapt = RowAdapter(JournalEntry, JOURNAL_COLUMNS[3:])
    serialiser = Serialiser(adapt=lambda *shared: adapt(shared))
    with transaction.atomic(savepoint=False):
        heads = _locked_heads({row[0] for row in rows})
        last_hashes = {pk: head.last_hash for pk, head in heads.items()}
        chained = chain_rows(rows, last_hashes, serialiser)
        insert_rows(JournalEntry, CHAINED_COLUMNS, chained, adapted=True)
        _move_heads(heads, last_hashes, [row[0] for row in rows])
    return len(rows)


def _locked_heads(company_ids: set[int]) -> dict[int, JournalHead]:
    """The chain heads of these companies, locked until the transaction ends (in company
    order); a head missing (a company made without `create_company`) is created."""
    ids = sorted(company_ids)
    locked = JournalHead.objects.select_for_update().order_by("company_id")
    heads = {head.company_id: head for head in locked.filter(company_id__in=ids)}
    missing = [pk for pk in ids if pk not in heads]
    for pk in missing:
        JournalHead.objects.get_or_create(company_id=pk)
    if missing:
        heads |= {head.company_id: head for head in locked.filter(company_id__in=missing)}
    return heads


def _move_heads(
    heads: dict[int, JournalHead], last_hashes: dict[int, str], companies: list[int]
) -> None:
    """The heads after the rows just inserted: last hash, row count, last id."""
    counts = Counter(companies)
    for pk in heads:
        last = JournalEntry.objects.filter(company_id=pk).order_by("-id").values_list("id")[:1]
        JournalHead.objects.filter(company_id=pk).update(
            last_hash=last_hashes[pk], rows=F("rows") + counts[pk], last_id=Subquery(last)
        )
