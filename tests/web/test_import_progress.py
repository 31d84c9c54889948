"""« Importer » in the background (issue 16 §3): the job queued with the claim, run by the
worker, its progress on the page (a bar polled every second), its result or its error."""

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from recouvrement.db.models import AccountingImport, JournalEntry, Receivable
from recouvrement.imports import read_fec
from recouvrement.services import import_jobs
from recouvrement.services.imports import READING, WRITING
from tests.jobs import queued_jobs, run_queued_jobs
from tests.web.test_import_page import BAD_FEC, FEC, HEADER, apply_url, figure, preview_of

REFUSED = "Seul un responsable recouvrement peut importer un fichier comptable."


@pytest.fixture(autouse=True)
def stored_files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "documents"


def progress_url(record: AccountingImport) -> str:
    return reverse("import_progress", args=[record.pk])


def page_url(record: AccountingImport) -> str:
    return reverse("import_preview", args=[record.pk])


def queued(client, team, content: bytes = FEC) -> AccountingImport:
    client.force_login(team.manager)
    record, _ = preview_of(client, content)
    response = client.post(apply_url(record))
    assert response["Location"] == page_url(record)
    record.refresh_from_db()
    return record


def test_importer_queues_the_job_and_the_page_shows_it_waiting(client, team):
    record = queued(client, team)

    assert (record.status, record.job_state) == ("preview", "queued")
    assert str(DBTaskResult.objects.get().id) == record.job_id
    assert Receivable.objects.count() == 0  # nothing imported in the request
    page = client.get(page_url(record)).content.decode()
    assert "Import en cours" in page and "Import en attente" in page
    assert f'hx-get="{progress_url(record)}"' in page and 'hx-trigger="every 1s"' in page
    assert "<progress" in page and "Vous pouvez fermer cette page" in page
    assert "Aucun processus de fond" not in page  # queued a moment ago
    assert f'action="{apply_url(record)}"' not in page
    assert "Import en attente" in client.get(reverse("import_upload")).content.decode()


def test_the_bar_shows_the_lines_read_then_the_writing_phase(client, team):
    record = queued(client, team)
    # As the job does: started, the file's lines counted, then told by the engine.
    AccountingImport.objects.filter(pk=record.pk).update(job_state="running")
    progress = import_jobs.JobProgress(record.pk, record.job_id)
    progress.total(1_000_000)
    progress(READING, 450_000)

    bar = client.get(progress_url(record)).content.decode()

    assert "Import en cours : 450\u202f000 lignes sur 1\u202f000\u202f000" in bar
    assert '<progress class="import-bar" max="1000000" value="450000">' in bar
    assert 'hx-trigger="every 1s"' in bar  # the partial polls on
    assert "<script" not in bar and "style=" not in bar  # CSP: no inline code nor style

    progress(WRITING, 1_000_000)

    bar = client.get(progress_url(record)).content.decode()
    assert "Import en cours : enregistrement…" in bar and "1\u202f000\u202f000 lignes" in bar
    listed = client.get(reverse("import_upload")).content.decode()
    assert "1000000 lignes sur 1000000" in listed


def test_the_job_reports_its_progress_while_it_reads_the_file(client, team, monkeypatch):
    lines = "".join(
        f"VE\tVentes\t{n}\t20260105\t70600000\tPrestations\t\t\tF{n}\t20260105\tVente\t0,00"
        f"\t10,00\t\t\t20260106\t\t\n"
        for n in range(6)
    )
    record = queued(client, team, FEC + lines.encode())
    monkeypatch.setattr("recouvrement.imports.encoding.PROGRESS_EVERY", 3)
    seen = []
    told = import_jobs.JobProgress.__call__

    def poll_after(self, phase, count):  # the page polled just after each report
        told(self, phase, count)
        seen.append(client.get(progress_url(record)).content.decode())

    monkeypatch.setattr(import_jobs.JobProgress, "__call__", poll_after)

    assert run_queued_jobs() == 1

    assert [text.split("<strong>")[1].split("</strong>")[0] for text in seen] == [
        "Import en cours : 3 lignes sur 10",
        "Import en cours : 6 lignes sur 10",
        "Import en cours : 9 lignes sur 10",
        "Import en cours : enregistrement…",
    ]
    record.refresh_from_db()
    assert (record.status, record.job_state, record.lines_done, record.lines_total) == (
        "applied",
        "done",
        10,
        10,
    )
    assert record.job_started_at <= record.job_finished_at


def test_after_the_job_the_page_shows_the_result_and_the_bar_reloads_it(client, team):
    record = queued(client, team)

    assert run_queued_jobs() == 1

    refresh = client.get(progress_url(record), headers={"HX-Request": "true"})
    assert refresh.headers["HX-Refresh"] == "true"
    page = client.get(page_url(record)).content.decode()
    assert "Résultat de l'import" in page and figure(page, "Échéances créées") == "2"
    assert progress_url(record) not in page  # no bar: the job has ended
    record.refresh_from_db()
    assert (record.status, record.job_state, record.job_message) == ("applied", "done", "")
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert JournalEntry.objects.filter(action="accounting_file_imported").count() == 1


def test_a_double_click_queues_one_job(client, team):
    record = queued(client, team)

    again = client.post(apply_url(record))

    assert again["Location"] == page_url(record)
    assert DBTaskResult.objects.count() == 1 and queued_jobs() == 1
    assert run_queued_jobs() == 1
    assert Receivable.objects.count() == 2


def test_a_job_whose_file_has_a_bad_line_fails_and_says_so(client, team):
    record = queued(client, team, BAD_FEC)  # posted by hand: the page offers no button

    run_queued_jobs()

    record.refresh_from_db()
    assert (record.status, record.applied_at, record.job_state) == ("preview", None, "failed")
    assert record.job_message == "1 ligne rejetée : rien n'a été importé."
    page = client.get(page_url(record)).content.decode()
    assert "a échoué.</strong> 1 ligne rejetée : rien n&#x27;a été importé." in page
    assert "Lignes rejetées" in page  # the preview lists them again
    assert "Import échoué" in client.get(reverse("import_upload")).content.decode()


def test_a_job_stopped_by_an_unexpected_error_fails_lets_the_file_go_and_says_so(
    client, team, monkeypatch
):
    record = queued(client, team)

    def broken(*args, **kwargs):
        raise RuntimeError("disque plein")

    with monkeypatch.context() as patched:
        patched.setattr("recouvrement.services.import_files.import_accounting_file", broken)
        run_queued_jobs()

    record.refresh_from_db()
    assert (record.status, record.applied_at, record.job_state) == ("preview", None, "failed")
    assert DBTaskResult.objects.get().status == "FAILED"  # the worker has the traceback
    page = client.get(page_url(record)).content.decode()
    assert "L&#x27;import s&#x27;est arrêté sur une erreur inattendue" in page
    assert f'action="{apply_url(record)}"' in page  # may be started again
    assert Receivable.objects.count() == 0


def test_a_job_no_worker_took_says_how_to_start_one(client, team):
    record = queued(client, team)
    AccountingImport.objects.filter(pk=record.pk).update(
        job_queued_at=timezone.now() - timedelta(minutes=2)
    )

    bar = client.get(progress_url(record)).content.decode()

    assert ("Aucun processus de fond n'a pris l'import : lancez <code>recouvrement worker") in bar


def test_a_job_lost_with_its_worker_is_said_and_may_be_started_again(client, team):
    record = queued(client, team)
    long_ago = timezone.now() - timedelta(hours=1)
    AccountingImport.objects.filter(pk=record.pk).update(
        job_state="running", applied_at=long_ago, job_progress_at=long_ago
    )

    page = client.get(page_url(record)).content.decode()

    assert "n'a pas abouti" in page and f'action="{apply_url(record)}"' in page
    old_job = record.job_id
    client.post(apply_url(record))  # a new claim, a new job
    record.refresh_from_db()
    assert record.job_id != old_job and record.job_state == "queued"


def test_a_job_superseded_by_a_new_click_does_nothing(client, team):
    record = queued(client, team)
    stale = timezone.now() - timedelta(hours=1)
    AccountingImport.objects.filter(pk=record.pk).update(applied_at=stale)  # no worker came
    client.post(apply_url(record))

    assert run_queued_jobs() == 2

    results = sorted(result.return_value["state"] for result in DBTaskResult.objects.all())
    assert results == ["done", "superseded"]
    assert JournalEntry.objects.filter(action="accounting_file_imported").count() == 1
    assert Receivable.objects.count() == 2


@pytest.mark.parametrize("persona", ["collector_user", "reader"])
def test_only_a_manager_sees_an_imports_progress_or_starts_one(client, team, persona):
    record = queued(client, team)
    client.force_login(getattr(team, persona))

    for response in (client.get(progress_url(record)), client.post(apply_url(record))):
        assert response.status_code == 403
        assert REFUSED in response.content.decode()
    assert DBTaskResult.objects.count() == 1


def test_the_reader_tells_its_progress_every_so_many_lines(monkeypatch):
    monkeypatch.setattr("recouvrement.imports.encoding.PROGRESS_EVERY", 2)
    told = []
    body = "VE\tVentes\t1\t20260105\t70600000\tX\t\t\tF1\t20260105\tV\t0,00\t1,00\t\t\t\t\t\n" * 5

    rows = list(read_fec(io.BytesIO((HEADER + body).encode()), progress=told.append))

    assert len(rows) == 5 and told == [2, 4]
