"""The tick: every due run claimed once, whatever the number of workers ticking.

A claim is one transaction: INSERT the `ScheduledRun` row (unique per name, company and
slot), then enqueue its task (django-tasks-db writes the queue row in the same transaction).
A second worker's INSERT meets the unique index — on PostgreSQL it waits for the first one's
commit, then fails — and that worker skips: IntegrityError means « someone got there first ».
A worker that dies between the two cannot leave a claim without its task, nor a task twice.

The outbox is enqueued at most once per minute, only while e-mails are due; the outbox's own
leases (`services.emails`: SELECT … FOR UPDATE SKIP LOCKED, a row « sending » until its
lease ends) already keep two senders from sending one e-mail twice — the minute claim only
saves the queue from filling with useless tasks.
"""

import logging
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from recouvrement.db.models import Company, OutgoingEmail, ScheduledRun
from recouvrement.jobs.slots import DAILY, OUTBOX, daily_slot, minute_slot

logger = logging.getLogger("recouvrement.jobs")

DUE_EMAILS = (OutgoingEmail.Status.PENDING, OutgoingEmail.Status.SENDING)


def tick(now: datetime | None = None) -> list[ScheduledRun]:
    """Claim and enqueue what is due at `now` (default: the clock); the runs claimed here."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    claimed = [run for run in _daily_runs(local) if run is not None]
    due = OutgoingEmail.objects.filter(status__in=DUE_EMAILS, next_attempt_at__lte=now)
    if settings.RECOUVREMENT_WORKER_SENDS_EMAILS and due.exists():
        from recouvrement.jobs.tasks import send_outbox

        if (run := claim(OUTBOX, None, minute_slot(local), send_outbox)) is not None:
            claimed.append(run)
    return claimed


def _daily_runs(local: datetime):
    from recouvrement.jobs.tasks import daily_run

    companies = Company.objects.filter(daily_run_at__isnull=False).order_by("pk")
    due = {}
    for company_id, run_at in companies.values_list("pk", "daily_run_at"):
        if (slot := daily_slot(run_at, local)) is not None:
            due[company_id] = slot
    # Those already claimed today are skipped without trying (one query, no failed INSERT).
    started = set(
        ScheduledRun.objects.filter(
            name=DAILY, company_id__in=due, slot__in=set(due.values())
        ).values_list("company_id", "slot")
    )
    for company_id, slot in due.items():
        if (company_id, slot) not in started:
            yield claim(DAILY, company_id, slot, daily_run)


def claim(name: str, company_id: int | None, slot: str, task) -> ScheduledRun | None:
    """The run's row and its task, in one transaction; None when another worker has it."""
    try:
        with transaction.atomic():
            run = ScheduledRun.objects.create(name=name, company_id=company_id, slot=slot)
            result = task.enqueue(run.pk)
            run.task_id = str(result.id)
            run.save(update_fields=["task_id"])
    except IntegrityError:
        return None
    logger.info("%s mise en file (créneau %s, tâche %s).", label(run), slot, run.task_id)
    return run


def label(run: ScheduledRun) -> str:
    """« Préparation quotidienne de la société n° 3 », « Envoi des e-mails »…"""
    if run.name == DAILY:
        return f"Préparation quotidienne de la société n° {run.company_id}"
    if run.name == OUTBOX:
        return "Envoi des e-mails"
    return f"Tâche « {run.name} »"
