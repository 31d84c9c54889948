"""« Importer » on the page (issue 16 §3): the stored file applied by `recouvrement worker`,
its progress kept on the `AccountingImport` row for the page's bar.

`start_import` claims the row as `import_files` does (manager only; a double click finds it
taken and starts nothing) and enqueues the job in the same transaction: the queue is a table
of the same database (django-tasks' database backend), so the claim and the job are committed
together or not at all — no job without its claim, no claim left without its job. The job
(`jobs.imports.apply_import` → `run_import_job`) runs the very engine of the request's
import, with the file's options and the manager's choices: the same rows, the same journal.

Progress and the import's one transaction: the engine reads and checks the whole file before
its transaction starts (`services.imports`). While it reads, the job writes the lines read on
the row every 10 000 lines, each write committed at once (the worker runs outside any
transaction), so the page sees them. Then it writes the phase « Enregistrement » once and the
engine opens its one transaction: nothing is written to the row until it commits. Anything
written inside would be seen only at the commit, and a second connection is no way out on
SQLite (the import holds the database's only write lock). The page shows that phase without a
count. The import stays all-or-nothing; the progress is only ever a hint.
"""

import contextlib
import logging
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone

from recouvrement.db.models import AccountingImport, Company
from recouvrement.db.models.imports import ImportStatus, JobPhase, JobState
from recouvrement.imports.reconcile import plural
from recouvrement.services.actors import require_manager
from recouvrement.services.import_files import (
    MISSING_FILE,
    apply_claimed_file,
    claim_stored_file,
    release_claim,
    stored_file_present,
)
from recouvrement.services.import_writer import CustomerChoice, CustomerChoices, check_choices
from recouvrement.services.imports import MAY_IMPORT
from recouvrement.services.use_case import use_case

logger = logging.getLogger(__name__)

NO_WORKER_AFTER = timedelta(minutes=1)  # queued this long: the page says no worker took it
UNEXPECTED = (
    "L'import s'est arrêté sur une erreur inattendue : rien n'a été importé. Réessayez ; si "
    "l'erreur revient, l'administrateur la trouvera dans le journal du processus de fond."
)


@use_case
def start_import(
    company: Company,
    user: AbstractBaseUser | None,
    record: AccountingImport,
    *,
    today: date,
    choices: CustomerChoices | None = None,
) -> bool:
    """« Importer »: the row claimed and its job queued, in one transaction. False when the
    row is taken (imported, or an import of it queued or running): nothing is started."""
    require_manager(user, company.pk, MAY_IMPORT)
    choices = choices or CustomerChoices()
    check_choices(choices)
    if record.company_id == company.pk and not stored_file_present(record):
        raise ValidationError(MISSING_FILE, code="import_file_missing")
    if not claim_stored_file(company, user, record):
        return False
    from recouvrement.jobs.imports import apply_import  # the job calls back this module

    job = apply_import.enqueue(
        import_id=record.pk,
        user_id=getattr(user, "pk", None),
        today=today.isoformat(),
        choices=choices_json(choices),
    )
    AccountingImport.objects.filter(pk=record.pk).update(
        job_id=str(job.id),
        job_state=JobState.QUEUED,
        job_phase="",
        job_message="",
        lines_done=0,
        lines_total=None,
        job_queued_at=timezone.now(),
        job_started_at=None,
        job_progress_at=None,
        job_finished_at=None,
    )
    return True


def run_import_job(job_id: str, import_id: int, user_id: int | None, today: str, choices: dict):
    """The job: the claimed row's file applied, its progress and its outcome on the row. A job
    whose row was claimed again since (a new click after its claim went stale) does nothing."""
    now = timezone.now()
    mine = AccountingImport.objects.filter(pk=import_id, job_id=job_id, status=ImportStatus.PREVIEW)
    started = mine.filter(job_state=JobState.QUEUED).update(
        job_state=JobState.RUNNING,
        job_phase=JobPhase.READING,
        job_started_at=now,
        job_progress_at=now,
    )
    if not started:
        return {"import_id": import_id, "state": "superseded"}
    record = AccountingImport.objects.select_related("company").get(pk=import_id)
    progress = JobProgress(import_id, job_id)
    try:
        user = get_user_model().objects.get(pk=user_id) if user_id is not None else None
        progress.total(count_lines(record))
        report = apply_claimed_file(
            record.company,
            user,
            record,
            today=date.fromisoformat(today),
            choices=choices_from_json(choices),
            progress=progress,
        )
    except ValidationError as refused:
        return _finish(record, job_id, JobState.FAILED, " ".join(refused.messages))
    except PermissionDenied as refused:
        return _finish(record, job_id, JobState.FAILED, str(refused))
    except BaseException:
        with contextlib.suppress(Exception):  # the database may be what failed
            _finish(record, job_id, JobState.FAILED, UNEXPECTED)
        raise  # the worker logs it and records the task as failed
    if not report.applied:
        rejected = plural(report.rejected_lines, "ligne rejetée")
        return _finish(record, job_id, JobState.FAILED, f"{rejected} : rien n'a été importé.")
    again = report.already_imported
    done = f"Ce fichier avait déjà été importé le {again}." if again else ""
    return _finish(record, job_id, JobState.DONE, done)


def _finish(record: AccountingImport, job_id: str, state: str, message: str) -> dict:
    """The job's end and the claim let go (unless the file was applied), in one write."""
    now = timezone.now()
    outcome = {"job_state": state, "job_message": message, "job_finished_at": now}
    release_claim(record, outcome | {"job_progress_at": now}, job_id=job_id)
    return {"import_id": record.pk, "state": state, "message": message}


class JobProgress:
    """The engine's `ImportProgress` for one job: each call one small committed write on the
    job's row (outside the import's transaction, see the module's docstring)."""

    def __init__(self, import_id: int, job_id: str) -> None:
        self.rows = AccountingImport.objects.filter(pk=import_id, job_id=job_id)

    def __call__(self, phase: str, lines: int) -> None:
        self._write(job_phase=phase, lines_done=lines)

    def total(self, lines: int | None) -> None:
        self._write(lines_total=lines)

    def _write(self, **fields) -> None:
        try:
            with transaction.atomic():
                self.rows.update(job_progress_at=timezone.now(), **fields)
        except DatabaseError:  # a hint only: the import goes on without it
            logger.warning("Avancement de l'import non enregistré", exc_info=True)


def count_lines(record: AccountingImport) -> int | None:
    """The stored file's lines after its header (for the bar); None when it cannot be read
    (the import then says why)."""
    newlines = returns = 0
    last = b""
    try:
        with record.file.storage.open(record.file.name, "rb") as stream:
            while chunk := stream.read(1 << 20):
                newlines += chunk.count(b"\n")
                returns += chunk.count(b"\r")
                last = chunk[-1:]
    except (OSError, ValueError):
        return None
    lines = max(newlines, returns) + (last not in (b"", b"\n", b"\r"))
    return max(lines - 1, 0)


def choices_json(choices: CustomerChoices) -> dict:
    """The manager's choices as the job's JSON arguments."""
    return {
        "unchecked_kind": choices.unchecked_kind,
        "customers": {
            code: {
                "kind": choice.kind,
                "payment_terms_days": choice.payment_terms_days,
                "excluded": choice.excluded,
            }
            for code, choice in choices.customers.items()
        },
    }


def choices_from_json(data: dict) -> CustomerChoices:
    customers = {code: CustomerChoice(**choice) for code, choice in data["customers"].items()}
    return CustomerChoices(customers, data["unchecked_kind"])
