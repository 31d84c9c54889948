"""The worker loop: tick the schedule, then run the queued tasks, until asked to stop.

The tasks are claimed and run by django-tasks-db's own `Worker` (its `run` in batch mode:
claim one READY task — SELECT … FOR UPDATE SKIP LOCKED on PostgreSQL, an exclusive
transaction on SQLite —, run it, record SUCCESSFUL or FAILED, next), so two workers on two
machines never run one task twice. Between two ticks a worker runs at most `CHUNK` tasks, so
the schedule keeps its time while the queue is busy; idle, it waits `interval` seconds.

A stop (SIGTERM/SIGINT in `recouvrement worker`, the event of `start_in_thread`) lets the
task in progress finish, then the loop ends. An error — a task's, the database's — is
logged in French and the loop goes on.
"""

import logging
import os
import socket
import threading
from collections import deque
from datetime import datetime

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from recouvrement.db.models import ScheduledRun
from recouvrement.jobs.schedule import tick

logger = logging.getLogger("recouvrement.jobs")

CHUNK = 20  # tasks run between two ticks while the queue is busy
CLAIMS_KEPT = 100
MIN_WAIT = 0.05  # `--interval 0` polls, without spinning a core
FAILED = "FAILED"


def new_worker_id() -> str:
    """host-pid-random: unique across machines, readable in the task results (≤ 64)."""
    return f"{socket.gethostname()[:40]}-{os.getpid()}-{get_random_string(8)}"


class JobWorker(Worker):
    """django-tasks-db's worker, stopped by an event, ticking the schedule between chunks."""

    def __init__(
        self,
        *,
        interval: float | None = None,
        stop: threading.Event | None = None,
        worker_id: str | None = None,
    ) -> None:
        self.stop = stop or threading.Event()
        if interval is None:
            interval = settings.RECOUVREMENT_WORKER_INTERVAL
        super().__init__(
            queue_names=["*"],  # every queue: the schedule's and the imports'
            interval=interval,
            batch=True,  # `run` returns once the queue is empty (or CHUNK tasks ran)
            backend_name="default",
            startup_delay=False,
            max_tasks=CHUNK,
            worker_id=worker_id or new_worker_id(),
            excluded_queue_names=[],
        )
        # The last ScheduledRun rows this worker's ticks claimed (one a minute at most for
        # the outbox: a worker running for months keeps the last ones only).
        self.claimed: deque[int] = deque(maxlen=CLAIMS_KEPT)
        self.tasks_run = 0
        self.tasks_failed = 0

    # The library's loop reads and clears `running`: it is the stop event, seen from there.
    @property
    def running(self) -> bool:
        return not self.stop.is_set()

    @running.setter
    def running(self, value: bool) -> None:
        if not value:
            self.stop.set()

    def run_task(self, db_task_result: DBTaskResult) -> None:
        super().run_task(db_task_result)  # records SUCCESSFUL or FAILED, never raises
        self.tasks_run += 1
        if db_task_result.status == FAILED:
            self.tasks_failed += 1
            logger.error(
                "La tâche %s (%s) a échoué : %s",
                db_task_result.id,
                db_task_result.task_path.rsplit(".", 1)[-1],
                (db_task_result.traceback.strip().splitlines() or ["?"])[-1],
            )

    def cycle(self, *, now: datetime | None = None, drain: bool = False) -> bool:
        """One tick, then the queued tasks: all of them (`drain`) or at most CHUNK. True when
        the queue may hold more (no wait before the next cycle)."""
        self.claimed.extend(run.pk for run in tick(now))
        self._run_tasks = 0
        self.max_tasks = None if drain else CHUNK
        self.run()
        return not drain and self._run_tasks >= CHUNK

    def serve(self, *, once: bool = False) -> None:
        """Cycles until stopped; `once`: one cycle running every task queued, errors raised."""
        logger.info(
            "Worker %s démarré (attente %s s entre deux passages).", self.worker_id, self.interval
        )
        while self.running:
            close_old_connections()
            if once:
                self.cycle(drain=True)
                break
            try:
                busy = self.cycle()
            except DatabaseError as error:
                logger.error(
                    "Base de données indisponible (%s) : nouvel essai dans %s s.",
                    str(error).strip().splitlines()[0] if str(error).strip() else error,
                    self.interval,
                )
                connection.close()
                busy = False
            except Exception:
                logger.exception("Erreur du worker : nouvel essai dans %s s.", self.interval)
                busy = False
            if not busy:
                self.stop.wait(max(self.interval, MIN_WAIT))
        logger.info(
            "Worker %s arrêté : %s tâche(s) exécutée(s), %s en échec.",
            self.worker_id,
            self.tasks_run,
            self.tasks_failed,
        )

    def report(self) -> dict:
        """What this worker did: the runs it claimed (with their outcome) and its tasks."""
        runs = ScheduledRun.objects.filter(pk__in=self.claimed).order_by("pk")
        return {
            "worker": self.worker_id,
            "runs": [run.as_json() for run in runs],
            "tasks": self.tasks_run,
            "failed": self.tasks_failed,
        }


def start_in_thread(stop: threading.Event, *, interval: float | None = None) -> threading.Thread:
    """A worker in a daemon thread of this process (beside a single-process `serve`): set
    `stop`, then join the thread; it ends after the task in progress."""

    def work() -> None:
        try:
            JobWorker(interval=interval, stop=stop).serve()
        finally:
            connection.close()

    thread = threading.Thread(target=work, name="recouvrement-worker", daemon=True)
    thread.start()
    return thread
