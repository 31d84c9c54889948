"""Three `recouvrement worker` processes on one PostgreSQL database (issue 16 §3): the daily
run fires once, and each task of the queue runs exactly once."""

import os
import signal
import subprocess
import sys
import time as clock
from collections import Counter
from datetime import time

import pytest
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from recouvrement.db.models import Intervention, JournalEntry, ScheduledRun
from recouvrement.jobs import tasks
from tests.integration.test_backup import postgresql_url
from tests.integration.test_worker import a_due_dossier, run_at

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]

WORKERS = 3
DOSSIERS = 6
PROBES = 30
COMMAND = [sys.executable, "-m", "recouvrement.cli", "worker", "--interval", "0.2"]


def wait_until(condition, seconds: float, what: str) -> None:
    deadline = clock.monotonic() + seconds
    while not condition():
        assert clock.monotonic() < deadline, f"not within {seconds} s: {what}"
        clock.sleep(0.1)


def test_three_workers_run_the_daily_run_once_and_each_task_once(team, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("several worker processes share one PostgreSQL database")
    url = postgresql_url(connection.settings_dict, connection.settings_dict["NAME"])
    env = {**os.environ, "RECOUVREMENT_DATABASE_URL": url}
    logs = [tmp_path / f"worker{n}.log" for n in range(WORKERS)]
    workers = [
        subprocess.Popen(COMMAND, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
        for log in logs
    ]
    daily = ScheduledRun.objects.filter(name="daily", company=team.company)
    try:  # the dossiers are made while the workers start (and tick: nothing is due yet)
        dossiers = [a_due_dossier(team.company) for _ in range(DOSSIERS)]
        run_at(team.company, time(0, 0))  # due at once, whatever the time of the test
        wait_until(lambda: daily.filter(status="done").exists(), 60, "the daily run")
        probes = [tasks.probe.enqueue() for _ in range(PROBES)]
        ids = {str(probe.id) for probe in probes}
        finished = DBTaskResult.objects.filter(id__in=ids, finished_at__isnull=False)
        wait_until(lambda: finished.count() == PROBES, 30, "the probes")
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        codes = [worker.wait(timeout=15) for worker in workers]
        output = "\n".join(log.read_text() for log in logs)
        print(output)

    assert codes == [0] * WORKERS, output
    (run,) = daily  # one claim for (daily, company, today)
    assert run.slot == timezone.localdate().isoformat()
    assert run.summary["prepared"]["created"] == DOSSIERS
    for dossier in dossiers:  # the step done before, and one prepared step: no duplicate
        assert Intervention.objects.filter(dossier=dossier).count() == 2
    prepared = JournalEntry.objects.filter(action="intervention_prepared", user=None)
    assert prepared.filter(at__gte=run.created_at).count() == DOSSIERS
    assert JournalEntry.objects.filter(action="daily_run").count() == 1
    assert JournalEntry.objects.filter(action="priorities_refreshed").count() == 1
    results = DBTaskResult.objects.filter(id__in=ids)
    assert sorted(r.status for r in results) == ["SUCCESSFUL"] * PROBES
    assert all(len(r.worker_ids) == 1 for r in results)  # each claimed once
    recorded = ScheduledRun.objects.filter(name="probe").values_list("slot", flat=True)
    assert sorted(recorded) == sorted(ids)  # each ran once: its row, unique by its id
    spread = Counter(r.worker_ids[0] for r in results)
    print(f"probes per worker: {dict(spread)}")
