"""« Importer » (B4) on the web: a file dropped and stored, previewed, then imported once.

The `AccountingImport` row has one owner, this module and the engine it calls
(`services.imports.import_accounting_file`): `store_accounting_file` creates it « Aperçu » with
its file, `import_stored_file` claims it, applies the file and lets it go if nothing was
applied. Manager only, like the engine. A file dropped and a CSV format saved each write a
company journal row (the file by name, size and SHA-256, never its contents); the import
itself is journaled by the engine.
"""

import contextlib
import dataclasses
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import PurePath
from typing import BinaryIO

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone

from recouvrement.db.models import AccountingImport, Company, SavedCsvMapping
from recouvrement.db.models.imports import ImportFormat, ImportStatus
from recouvrement.domain.audit import CSV_MAPPING_SAVED, IMPORT_FILE_STORED
from recouvrement.domain.rules import RuleViolation
from recouvrement.imports import CsvMapping
from recouvrement.services.actors import require_manager
from recouvrement.services.import_writer import CustomerChoices
from recouvrement.services.imports import (
    MAY_IMPORT,
    ImportOptions,
    ImportProgress,
    ImportReport,
    detect_format,
    file_digest,
    import_accounting_file,
)
from recouvrement.services.journal import company_entry
from recouvrement.services.use_case import rule_errors, use_case

# « Importer » claims the row (applied_at set, status still « Aperçu ») while the import runs:
# a second click waits for nothing and imports nothing. A claim this old is a crashed run.
CLAIM_TIMEOUT = timedelta(minutes=15)
STALE_PREVIEW = timedelta(days=1)  # a file previewed but never imported is removed after this
APPLIED, RUNNING, PREVIEW = "applied", "running", "preview"
MISSING_FILE = "Le fichier déposé est introuvable : déposez-le de nouveau."
FOREIGN = RuleViolation("Vous n'avez pas accès à cette société.", "foreign_company")


@use_case
def store_accounting_file(
    company: Company,
    user: AbstractBaseUser | None,
    stream: BinaryIO,
    *,
    name: str,
    file_format: str = "",
    as_of: date | None = None,
    csv_mapping: SavedCsvMapping | None = None,
) -> AccountingImport:
    """The row « Aperçu » and its file, stored under a name made of its SHA-256. `file_format`
    empty: told from the first line; a CSV is read with `csv_mapping`'s columns (else the
    default ones); `as_of`: the date chosen, if any. Files previewed and never imported go
    after a day (an imported one stays, the evidence of what was imported)."""
    require_manager(user, company.pk, MAY_IMPORT)
    if csv_mapping is not None and csv_mapping.company_id != company.pk:
        raise FOREIGN
    if file_format and file_format not in ImportFormat.values:
        raise RuleViolation(f"Format inconnu « {file_format} » (fec ou csv).", "import_format")
    digest, size = file_digest(stream)
    file_format = file_format or detect_format(stream)
    mapping = None
    if file_format == ImportFormat.CSV:
        mapping = csv_mapping.mapping if csv_mapping else CsvMapping().to_dict()
    stale = _remove_stale_previews(company)
    record = AccountingImport(
        company=company,
        user=user,
        original_name=PurePath(name).name[:255],
        size=size,
        sha256=digest,
        file_format=file_format,
        csv_mapping=mapping,
        as_of=as_of,  # the engine stores the date applied
    )
    content = stream if isinstance(stream, File) else File(stream, name=record.original_name)
    record.file.save(record.original_name, content, save=False)
    record.save(force_insert=True)
    _journal_upload(record, csv_mapping, stale)
    return record


def _journal_upload(
    record: AccountingImport, csv_mapping: SavedCsvMapping | None, stale: int
) -> None:
    """The file's name, size and SHA-256: never its contents."""
    kind = record.file_format.upper()
    size = f"{record.size:,}".replace(",", "\u202f")  # 12 345 678
    mapping = f", format CSV « {csv_mapping.name} »" if csv_mapping else ""
    removed = (
        f" ; {stale} aperçu{'s' if stale > 1 else ''} de plus d'un jour supprimé"
        f"{'s' if stale > 1 else ''}"
        if stale
        else ""
    )
    company_entry(
        record.company,
        IMPORT_FILE_STORED,
        f"Fichier « {record.original_name[:80]} » déposé pour import ({kind}, {size} "
        f"octet{'s' if record.size > 1 else ''}{mapping}){removed}.",
        user=record.user,
        after={
            "import_id": record.pk,
            "name": record.original_name,
            "size": record.size,
            "sha256": record.sha256,
            "format": record.file_format,
            "as_of": record.as_of.isoformat() if record.as_of else None,
            "csv_mapping": csv_mapping.name if csv_mapping else None,
            **({"stale_previews_removed": stale} if stale else {}),
        },
    )


def _remove_stale_previews(company: Company) -> int:
    stale = AccountingImport.objects.filter(
        company=company,
        status=ImportStatus.PREVIEW,
        applied_at__isnull=True,
        created_at__lt=timezone.now() - STALE_PREVIEW,
    )
    names = [name for name in stale.values_list("file", flat=True) if name]
    removed, _ = stale.delete()
    if names:
        transaction.on_commit(lambda: _delete_files(names))
    return removed


def _delete_files(names: list[str]) -> None:
    """Once the rows are gone for good: their files, unless a row still names one."""
    storage = AccountingImport._meta.get_field("file").storage
    kept = set(AccountingImport.objects.filter(file__in=names).values_list("file", flat=True))
    for name in names:
        if name not in kept:
            storage.delete(name)


@use_case
def save_csv_mapping(
    company: Company, user: AbstractBaseUser | None, name: str, mapping: CsvMapping
) -> SavedCsvMapping:
    """« Enregistrer un format CSV »: the header names of one source's CSV, under a name."""
    require_manager(user, company.pk, MAY_IMPORT)
    saved = SavedCsvMapping(company=company, name=name.strip(), mapping=mapping.to_dict())
    saved.full_clean()  # the model's constraint: « Un format CSV porte déjà ce nom. »
    try:
        with transaction.atomic():
            saved.save(force_insert=True)
    except IntegrityError:  # the same name saved by someone else at the same instant
        (unique,) = SavedCsvMapping._meta.constraints
        raise ValidationError(unique.get_violation_error_message(), code="unique") from None
    company_entry(
        company,
        CSV_MAPPING_SAVED,
        f"Format CSV « {saved.name} » enregistré.",
        user=user,
        after={"csv_mapping_id": saved.pk, "name": saved.name, "mapping": saved.mapping},
    )
    return saved


def import_state(record: AccountingImport) -> str:
    """`APPLIED`; `RUNNING` while an « Importer » holds it; else `PREVIEW`."""
    if record.status == ImportStatus.APPLIED:
        return APPLIED
    if record.applied_at is not None:
        last_news = max(record.applied_at, record.job_progress_at or record.applied_at)
        if last_news >= timezone.now() - CLAIM_TIMEOUT:  # the claim, or its job's progress
            return RUNNING
    return PREVIEW


def preview_stored_file(
    company: Company, user: AbstractBaseUser | None, record: AccountingImport, *, today: date
) -> ImportReport:
    """What « Importer » would do now: the engine's dry run on the stored file."""
    with _opened(company, record) as stream:
        return import_accounting_file(
            company, stream, today=today, user=user, options=_options(record), dry_run=True
        )


def import_stored_file(
    company: Company,
    user: AbstractBaseUser | None,
    record: AccountingImport,
    *,
    today: date,
    choices: CustomerChoices | None = None,
) -> ImportReport | None:
    """« Importer »: the stored file applied once, its new customers created as `choices`
    say (else as proposed). None when the row is taken (imported, or being imported by
    another click). Three transactions, not one: the claim is committed
    first, so that a second click sees it at once instead of waiting for the import; the
    import; then, unless the file was applied, the claim is let go. The page runs it in the
    background instead (`services.import_jobs`: the claim, then `apply_claimed_file`)."""
    if not claim_stored_file(company, user, record):
        return None
    try:
        return apply_claimed_file(company, user, record, today=today, choices=choices)
    finally:
        release_claim(record)


def apply_claimed_file(
    company: Company,
    user: AbstractBaseUser | None,
    record: AccountingImport,
    *,
    today: date,
    choices: CustomerChoices | None = None,
    progress: ImportProgress | None = None,
) -> ImportReport:
    """The stored file of a row claimed by `claim_stored_file`, applied (the caller then lets
    the claim go: `release_claim`). `progress`: see `services.imports.ImportProgress`."""
    options = dataclasses.replace(_options(record), progress=progress)
    if choices is not None:
        options = dataclasses.replace(options, choices=choices)
    with _opened(company, record) as stream:
        return import_accounting_file(
            company, stream, today=today, user=user, options=options, upload=record
        )


@use_case
def claim_stored_file(
    company: Company, user: AbstractBaseUser | None, record: AccountingImport
) -> bool:
    """Take the row for one « Importer » (manager only); False when it is taken: imported,
    or held by a click whose claim, or whose job's last progress, is under CLAIM_TIMEOUT."""
    require_manager(user, company.pk, MAY_IMPORT)
    if record.company_id != company.pk:
        raise FOREIGN
    now = timezone.now()
    stale = now - CLAIM_TIMEOUT
    free = Q(applied_at__isnull=True) | (
        Q(applied_at__lt=stale) & (Q(job_progress_at__isnull=True) | Q(job_progress_at__lt=stale))
    )
    rows = AccountingImport.objects.filter(pk=record.pk, status=ImportStatus.PREVIEW)
    return rows.filter(free).update(applied_at=now) == 1


def stored_file_present(record: AccountingImport) -> bool:
    return bool(record.file.name) and record.file.storage.exists(record.file.name)


@use_case
def release_claim(
    record: AccountingImport, outcome: dict | None = None, *, job_id: str = ""
) -> None:
    """The row back to « Aperçu » unless the file was applied (then it is left as it is), and
    in the same statement `outcome` (a job's end: its state, its message), for the job
    `job_id` only when given — the page never sees the claim gone and the job still running."""
    rows = AccountingImport.objects.filter(pk=record.pk)
    if job_id:
        rows = rows.filter(job_id=job_id)
    let_go = Case(When(status=ImportStatus.PREVIEW, then=Value(None)), default=F("applied_at"))
    if rows.update(applied_at=let_go, **(outcome or {})):
        record.refresh_from_db(fields=["status", "applied_at", "as_of", "summary"])


@contextlib.contextmanager
def _opened(company: Company, record: AccountingImport) -> Iterator[BinaryIO]:
    with rule_errors():
        if record.company_id != company.pk:
            raise FOREIGN
    try:
        stream = record.file.open("rb")
    except (OSError, ValueError):  # the stored file is gone (ValueError: the row has none)
        raise ValidationError(MISSING_FILE, code="import_file_missing") from None
    with stream:
        yield stream


def _options(record: AccountingImport) -> ImportOptions:
    return ImportOptions(
        file_format=record.file_format,
        as_of=record.as_of,
        mapping=CsvMapping.from_dict(record.csv_mapping) if record.csv_mapping else None,
        file_name=record.original_name,
    )
