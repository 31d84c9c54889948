"""A scheduled run's life on its `ScheduledRun` row: started, then its outcome (status,
summary, French error), which `worker --json` prints and a page can show.

The work itself is a service (its writes and journal rows are the use cases'); an error it
raises is logged here in French, recorded on the row, and raised again so that django-tasks
records the task as failed — the worker goes on with the next one.
"""

import logging
from collections.abc import Callable

from django.utils import timezone

from recouvrement.db.models import ScheduledRun
from recouvrement.jobs.schedule import label

logger = logging.getLogger("recouvrement.jobs")

Status = ScheduledRun.Status


def run_recorded(run_id: int, work: Callable[[ScheduledRun], tuple[str, dict, str]]) -> dict:
    """Run `work(run)` → (status, summary, error) and record it on the row; its summary is
    the task's return value."""
    run = ScheduledRun.objects.select_related("company").get(pk=run_id)
    _record(run, status=Status.RUNNING, started_at=timezone.now())
    try:
        status, summary, error = work(run)
    except Exception as failure:
        message = f"{type(failure).__name__} : {failure}"
        logger.exception("%s en échec : %s", label(run), message)
        _record(run, status=Status.FAILED, error=message[:2000], finished_at=timezone.now())
        raise
    _record(run, status=status, summary=summary, error=error, finished_at=timezone.now())
    if status == Status.DONE:
        logger.info("%s terminée.", label(run))
    else:
        logger.warning("%s : %s — %s", label(run), Status(status).label.lower(), error)
    return summary


def _record(run: ScheduledRun, **values) -> None:
    for name, value in values.items():
        setattr(run, name, value)
    ScheduledRun.objects.filter(pk=run.pk).update(**values)
