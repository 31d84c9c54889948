"""Background jobs in tests: the queued django-tasks tasks run by django-tasks-db's own worker,
in batch mode (every task queued, then back), in the test's transaction."""

from unittest import mock

from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult


def run_queued_jobs() -> int:
    """Run every task queued (as `recouvrement worker` would); the count of tasks run. The
    worker's `close_old_connections` would drop the test's connection (an open transaction
    looks obsolete to it): left out here."""
    worker = db_worker.Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="tests",
        excluded_queue_names=[],
    )
    with mock.patch.object(db_worker, "close_old_connections", lambda: None):
        worker.run()
    return worker._run_tasks


def queued_jobs() -> int:
    """Tasks waiting for a worker."""
    return DBTaskResult.objects.ready().count()
