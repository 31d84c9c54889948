"""`recouvrement worker` (issue 16 §3): the schedule without cron, the tasks through
django-tasks' database queue. Dates follow the clock: the schedule reads the real time."""

import json
import logging
import re
import threading
import time as clock
from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from recouvrement import cli, services
from recouvrement.db.models import Intervention, JournalEntry, PrintBatch, ScheduledRun
from recouvrement.domain.statuses import ActionType, InterventionStatus
from recouvrement.jobs import tasks
from recouvrement.jobs.schedule import tick
from recouvrement.jobs.slots import daily_slot, minute_slot, slot_day
from recouvrement.jobs.worker import JobWorker, start_in_thread
from tests.builders import a_company, a_contact, a_customer, a_dossier, a_receivable, a_scenario
from tests.integration.test_emails import an_email_dossier, mail_server  # noqa: F401 (fixture)
from tests.integration.test_prepare_dry_run import an_import

pytestmark = pytest.mark.django_db(transaction=True)  # the worker commits, as in production

PHONE_THEN_TASK = [(0, ActionType.PHONE, "Appel"), (5, ActionType.TASK, "Relance écrite")]
PHONE_THEN_LETTER = [(0, ActionType.PHONE, "Appel"), (5, ActionType.LETTER, "Courrier")]


def today():
    return timezone.localdate()


def a_due_dossier(company, steps=PHONE_THEN_TASK, **customer):
    """A dossier opened 40 days ago whose first step was done 30 days ago: its second step
    (5 days later) is due."""
    customer = a_customer(company, address="3 rue Mercière", postal_code="69002", **customer)
    a_contact(customer)
    dossier = a_dossier(
        customer,
        today=today() - timedelta(days=40),
        scenario=a_scenario(company, steps=steps),
        receivables=[a_receivable(customer, "1234.56", today() - timedelta(days=60))],
    )
    services.set_intervention_status(
        dossier.interventions.get(),
        InterventionStatus.DONE,
        today=today() - timedelta(days=30),
        user=None,
    )
    return dossier


def run_at(company, hour: time | None, letters: bool = False) -> None:
    company.daily_run_at, company.daily_letters = hour, letters
    company.save(update_fields=["daily_run_at", "daily_letters"])


def worker_once(capsys, status: int = 0) -> dict:
    code = cli.main(["worker", "--once", "--json"])
    output = capsys.readouterr().out
    assert code == status, output
    return json.loads(output.strip().splitlines()[-1])


# --- The schedule's rules (pure) ---------------------------------------------------------------


def test_a_daily_slot_opens_once_the_company_hour_has_passed_that_day():
    morning = datetime(2031, 3, 4, 7, 29, 59)

    assert daily_slot(time(7, 30), morning) is None
    assert daily_slot(time(7, 30), morning + timedelta(seconds=1)) == "2031-03-04"
    assert daily_slot(time(7, 30), datetime(2031, 3, 4, 23, 59)) == "2031-03-04"
    assert daily_slot(None, morning) is None
    assert minute_slot(morning) == "2031-03-04T07:29"
    assert slot_day("2031-03-04") == slot_day("2031-03-04T07:29") == morning.date()


# --- The daily run --------------------------------------------------------------------------


def test_worker_once_prepares_what_prepare_would_then_nothing_more_that_day(team, capsys):
    dossier = a_due_dossier(team.company)
    run_at(team.company, time(0, 0))  # passed, whatever the time of the test
    planned = services.dry_run_prepare(today())
    assert [action.label for action in planned.actions] == ["Relance écrite"]

    first = worker_once(capsys)
    second = worker_once(capsys)

    (run,) = first["runs"]
    assert (run["name"], run["company"], run["slot"]) == (
        "daily",
        team.company.pk,
        today().isoformat(),
    )
    assert run["status"] == "done", run
    assert run["summary"]["prepared"] == planned.summary.as_json()
    created = dossier.interventions.get(status=InterventionStatus.TODO)
    assert (created.label, created.user) == ("Relance écrite", None)
    prepared = JournalEntry.objects.get(action="intervention_prepared", intervention_id=created.pk)
    assert (prepared.dossier, prepared.user) == (dossier, None)
    assert JournalEntry.objects.filter(action="priorities_refreshed").count() == 1
    daily = JournalEntry.objects.get(action="daily_run")
    assert daily.message.startswith(f"Préparation quotidienne du {today():%d/%m/%Y} : 1 inter")
    result = DBTaskResult.objects.get(id=run["task"])
    assert (result.status, result.return_value) == ("SUCCESSFUL", run["summary"])
    assert second == {"worker": second["worker"], "runs": [], "tasks": 0, "failed": 0}
    assert ScheduledRun.objects.count() == 1
    assert Intervention.objects.filter(dossier=dossier).count() == 2


def test_a_company_hour_still_to_come_or_unset_runs_nothing(team):
    """The worker's own pass, at noon today (any time of the test run, midnight included)."""
    dossier = a_due_dossier(team.company)
    run_at(team.company, time(12, 1))
    other = a_company(name="Sans planning", siren="")  # daily_run_at unset
    noon = timezone.make_aware(datetime.combine(timezone.localdate(), time(12, 0)))

    worker = JobWorker(interval=0)
    worker.cycle(now=noon, drain=True)

    assert worker.report()["runs"] == [] and other.daily_run_at is None
    assert not ScheduledRun.objects.exists()
    assert dossier.interventions.count() == 1  # only the step done before


def test_a_stale_import_refuses_the_run_once_records_why_and_creates_nothing(team, capsys):
    dossier = a_due_dossier(team.company)
    an_import(team.company, 30, on=today())  # older than the 7 days allowed
    run_at(team.company, time(0, 0))

    (run,) = worker_once(capsys, status=1)["runs"]  # cron tells someone
    again = worker_once(capsys)

    assert run["status"] == "refused"
    assert "import" in run["error"]
    assert dossier.interventions.count() == 1
    assert again["runs"] == []  # not tried again the same day
    refused = JournalEntry.objects.get(action="daily_run")
    assert "refusée" in refused.message
    assert DBTaskResult.objects.get(id=run["task"]).status == "SUCCESSFUL"


def test_the_letters_batch_is_printed_and_kept_when_the_company_asks(team, capsys):
    dossier = a_due_dossier(team.company, steps=PHONE_THEN_LETTER)
    run_at(team.company, time(0, 0), letters=True)

    (run,) = worker_once(capsys)["runs"]

    assert run["status"] == "done", run
    letter = dossier.interventions.get(label="Courrier")
    assert letter.status == InterventionStatus.DONE
    batch = PrintBatch.objects.get()
    assert run["summary"]["letters"] == {
        "batch": batch.pk,
        "printed": 1,
        "pages": batch.pages,
        "skipped": [],
    }
    assert bytes(batch.pdf).startswith(b"%PDF")
    assert JournalEntry.objects.filter(action="letter_printed", dossier=dossier).count() == 1


def test_a_run_that_raises_is_recorded_failed_in_french_and_the_worker_goes_on(
    team, capsys, caplog, monkeypatch
):
    def broken(company, *, today):
        raise RuntimeError("disque plein")

    monkeypatch.setattr("recouvrement.services.daily_run.run_daily", broken)
    run_at(team.company, time(0, 0))
    caplog.set_level(logging.INFO, logger="recouvrement.jobs")

    report = worker_once(capsys, status=1)
    probe = tasks.probe.enqueue()
    after = worker_once(capsys)

    (run,) = report["runs"]
    assert (run["status"], run["error"]) == ("failed", "RuntimeError : disque plein")
    assert report["failed"] == 1
    assert DBTaskResult.objects.get(id=run["task"]).status == "FAILED"
    assert "Préparation quotidienne de la société" in caplog.text
    assert "en échec : RuntimeError : disque plein" in caplog.text
    assert after["tasks"] == 1
    assert DBTaskResult.objects.get(id=probe.id).status == "SUCCESSFUL"


# --- The outbox -------------------------------------------------------------------------------


def test_the_outbox_task_sends_a_queued_email_over_smtp(team, capsys, mail_server):  # noqa: F811
    an_email_dossier(team)

    report = worker_once(capsys)

    (run,) = report["runs"]
    assert (run["name"], run["company"], run["status"]) == ("outbox", None, "done")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d", run["slot"])  # its minute
    assert run["summary"]["sent"] == 1
    assert len(mail_server.received) == 1
    assert worker_once(capsys)["runs"] == []  # nothing due any more: no task


def test_one_outbox_task_per_minute_however_often_the_workers_tick(team):
    an_email_dossier(team)
    now = timezone.now()

    first, second = tick(now), tick(now)

    assert [run.name for run in first] == ["outbox"] and second == []
    assert DBTaskResult.objects.count() == 1


def test_workers_told_not_to_send_leave_the_outbox_alone(team, settings):
    """The demo (no real mail server) and installs that run `send-emails` from cron."""
    settings.RECOUVREMENT_WORKER_SENDS_EMAILS = False
    an_email_dossier(team)

    assert tick(timezone.now()) == []
    assert DBTaskResult.objects.count() == 0


# --- Inside another process (the single-process `serve`) ---------------------------------------


def test_a_worker_in_a_thread_runs_the_queue_and_stops_on_its_event(team):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("two connections to one in-memory SQLite database are checked on PostgreSQL")
    stop = threading.Event()
    thread = start_in_thread(stop, interval=0.1)
    result = tasks.probe.enqueue()
    deadline = clock.monotonic() + 10
    while DBTaskResult.objects.get(id=result.id).status != "SUCCESSFUL":
        assert clock.monotonic() < deadline, "the worker in a thread ran nothing"
        clock.sleep(0.1)
    stop.set()
    thread.join(timeout=10)

    assert not thread.is_alive()
    assert ScheduledRun.objects.get(name="probe").slot == str(result.id)


# --- The company sets its hour ----------------------------------------------------------------


def test_the_manager_sets_the_daily_hour_and_the_letters_batch_on_the_company_page(client, team):
    from tests.web.test_structure_company import FORM, URL

    client.force_login(team.manager)
    page = client.get(URL).content.decode()
    assert "Heure de la préparation quotidienne" in page
    client.post(URL, FORM)

    response = client.post(URL, {**FORM, "daily_run_at": "07:30", "daily_letters": "on"})

    assert response.status_code == 302
    team.company.refresh_from_db()
    assert (team.company.daily_run_at, team.company.daily_letters) == (time(7, 30), True)
    entry = JournalEntry.objects.filter(action="company_settings_changed").latest("pk")
    assert entry.message == (
        "Paramètres de la société modifiés : heure de la préparation quotidienne, "
        "imprimer les courriers du jour dans un lot."
    )
    assert (entry.before["daily_run_at"], entry.after["daily_run_at"]) == (None, "07:30")
    assert entry.after["daily_letters"] is True
    client.post(URL, {**FORM, "daily_run_at": ""})
    team.company.refresh_from_db()
    assert (team.company.daily_run_at, team.company.daily_letters) == (None, False)
