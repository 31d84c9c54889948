"""The tasks `recouvrement worker` runs (django-tasks, queue in the database).

A task takes the id of its `ScheduledRun` (the claim the tick made), so its outcome lands on
that row; its return value, the run's summary, is also django-tasks' result.
"""

import os
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from recouvrement.db.models import ScheduledRun
from recouvrement.jobs.runs import Status, run_recorded
from recouvrement.jobs.slots import OUTBOX, PROBE, slot_day

KEPT = timedelta(days=2)  # the outbox's minute rows and their finished tasks, then pruned


@task()
def daily_run(run_id: int) -> dict:
    """The company's daily run (services.daily_run) on its slot's date."""
    return run_recorded(run_id, _daily)


def _daily(run: ScheduledRun) -> tuple[str, dict, str]:
    from recouvrement.services.daily_run import run_daily

    outcome = run_daily(run.company, today=slot_day(run.slot))
    return outcome.status, outcome.as_json(), outcome.error


@task()
def send_outbox(run_id: int) -> dict:
    """The e-mails due (services.emails.send_due_emails, as `recouvrement send-emails`)."""
    return run_recorded(run_id, _outbox)


def _outbox(run: ScheduledRun) -> tuple[str, dict, str]:
    from recouvrement.services.emails import send_due_emails

    now = timezone.now()
    summary = send_due_emails(now=now, limit=settings.RECOUVREMENT_WORKER_OUTBOX_LIMIT)
    _prune(now - KEPT)
    if summary.ok:
        return Status.DONE, summary.as_json(), ""
    unsent = summary.retried + summary.failed + summary.interrupted
    return (
        Status.FAILED,
        summary.as_json(),
        f"{unsent} e-mail(s) non envoyé(s). Dernière erreur : {summary.error}",
    )


def _prune(before) -> None:
    """The outbox runs older than `before`, and their finished tasks (one a minute)."""
    from django_tasks_db.models import DBTaskResult

    old = ScheduledRun.objects.filter(name=OUTBOX, created_at__lt=before)
    DBTaskResult.objects.filter(
        task_path=send_outbox.module_path, finished_at__lt=before, status="SUCCESSFUL"
    ).delete()
    old.delete()


@task(takes_context=True)
def probe(context) -> dict:
    """A harmless task for the workers' tests: records that it ran, once — a second run of
    the same task would break the unique index of its row (name, slot = its own id) and fail."""
    task_id = str(context.task_result.id)
    worker = context.task_result.worker_ids[-1] if context.task_result.worker_ids else ""
    summary = {"pid": os.getpid(), "worker": worker}
    ScheduledRun.objects.create(
        name=PROBE, slot=task_id, task_id=task_id, status=Status.DONE, summary=summary
    )
    return summary
