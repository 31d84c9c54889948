"""The progress of « Importer » (issue 16 §3): the import runs in `recouvrement worker`; its
page shows a bar that htmx refreshes every second from `import_progress`, until the job ends
and the page reloads on its result. Closing the browser changes nothing: the job goes on."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django_htmx.http import HttpResponseClientRefresh

from recouvrement.db.models import AccountingImport
from recouvrement.db.models.imports import JobPhase, JobState
from recouvrement.services.import_files import PREVIEW, RUNNING, import_state
from recouvrement.services.import_jobs import NO_WORKER_AFTER
from recouvrement.services.imports import MAY_IMPORT
from recouvrement.web.workspace import current_workspace


def count_text(count: int | None) -> str:
    return f"{count or 0:,}".replace(",", "\u202f")  # 1 000 000


def job_context(record: AccountingImport, state: str) -> dict:
    """What the page says of the row's job: its bar while it runs, else how it ended."""
    job = record.job_state
    running = state == RUNNING
    queued = running and job == JobState.QUEUED
    waited = timezone.now() - (record.job_queued_at or timezone.now())
    return {
        "running": running,
        "queued": queued,
        "no_worker": queued and waited >= NO_WORKER_AFTER,
        "reading": running and job == JobState.RUNNING and record.job_phase == JobPhase.READING,
        "writing": running and job == JobState.RUNNING and record.job_phase == JobPhase.WRITING,
        "done_text": count_text(record.lines_done),
        "total_text": count_text(record.lines_total),
        "failed": state == PREVIEW and job == JobState.FAILED,
        "done": job == JobState.DONE,
        # A job queued or running whose claim went stale: its worker stopped.
        "lost": state == PREVIEW and job in (JobState.QUEUED, JobState.RUNNING),
        "message": record.job_message,
    }


@login_required
def import_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The bar alone (polled by htmx); once the job has ended, the whole page reloads."""
    workspace = current_workspace(request)
    workspace.require_manager(MAY_IMPORT)
    record = get_object_or_404(AccountingImport, pk=pk, company=workspace.company)
    state = import_state(record)
    if state != RUNNING:
        return HttpResponseClientRefresh()
    return render(
        request,
        "imports/_progress.html",
        {"record": record, "job": job_context(record, state)},
    )
