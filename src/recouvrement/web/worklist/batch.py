"""« Gestion des actions »: the batch bar (S9) — « Exécuter », « Marquer réalisée »,
« Ignorer », « Réaffecter à… » — and its one summary line.

The summary reaches the page through the session (`SUMMARY_KEY`), taken once by the next
worklist page (`batch_bar`): its line and, behind « voir », the rows refused. When letters
printed, the answer to the post is their PDF, opened in a new tab (« Exécuter » has
formtarget="_blank"): the summary waits in the session, and the worklist's tab, reloaded when
the user comes back to it (worklist-batch.js), shows it with the printed rows gone. Without a
letter selected, the script keeps « Exécuter » in the same tab: the answer is the worklist.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from recouvrement import services
from recouvrement.db.models import Collaborator, Intervention
from recouvrement.domain.statuses import ActionType, InterventionStatus
from recouvrement.web.worklist.forms import BatchForm
from recouvrement.web.workspace import Workspace, current_workspace

SUMMARY_KEY = "worklist_batch_summary"
MAX_REFUSED_LINES = 200  # the session holds the summary until the next page
MARKED = {"realisee": InterventionStatus.DONE, "ignorer": InterventionStatus.SKIPPED}


@dataclass(frozen=True)
class BatchSummary:
    line: str
    refused: list[str]
    more: int  # refused rows not listed
    level: str  # "success", "warning" (some refused) or "error" (all refused)


@dataclass(frozen=True)
class BatchBar:
    """What the batch bar of the worklist shows."""

    summary: BatchSummary | None
    printed_ids: str  # the letters among the rows shown: « Exécuter » opens their PDF
    collectors: list[Collaborator]  # « Réaffecter à… », a manager's only


def batch_bar(request: HttpRequest, workspace: Workspace, rows) -> BatchBar:
    """The batch bar of this worklist page: the last batch's summary, taken from the session."""
    kept = request.session.pop(SUMMARY_KEY, None)
    summary = None
    if isinstance(kept, dict):
        summary = BatchSummary(
            line=str(kept.get("line", "")),
            refused=list(kept.get("refused", [])),
            more=int(kept.get("more", 0)),
            level=str(kept.get("level", "success")),
        )
    printed = " ".join(
        str(row.pk) for row in rows if row.action_type and ActionType(row.action_type).is_printed
    )
    collectors = []
    if workspace.may_manage:
        collectors = list(
            Collaborator.objects.filter(company=workspace.company, is_collector=True).order_by(
                "last_name", "first_name"
            )
        )
    return BatchBar(summary, printed, collectors)


def _keep(request: HttpRequest, summary: services.SelectionSummary) -> None:
    refused = [row.line for row in summary.refused]
    level = ("warning" if summary.treated else "error") if refused else "success"
    request.session[SUMMARY_KEY] = {
        "line": summary.line,
        "refused": refused[:MAX_REFUSED_LINES],
        "more": max(len(refused) - MAX_REFUSED_LINES, 0),
        "level": level,
    }


def _back(form: BatchForm) -> str:
    target = form.cleaned_data.get("retour", "")
    # A path of this site only: « 0 » or « dossier_list » would be taken for a view's name.
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts=None):
        return target
    return reverse("worklist")


def _run(data: dict, rows: list[Intervention], user) -> services.SelectionSummary:
    action, comment, today = data["action"], data["commentaire"], timezone.localdate()
    if action == "reaffecter":
        return services.reassign_selection(rows, collector=data["reaffecter_a"], user=user)
    if action in MARKED:
        return services.mark_selection(
            rows, MARKED[action], today=today, user=user, comment=comment
        )
    return services.execute_selection(
        rows, today=today, now=timezone.now(), user=user, comment=comment
    )


@login_required
@require_POST
def worklist_batch(request: HttpRequest) -> HttpResponse:
    """The batch action on the selected rows; one summary line, or the letters' PDF."""
    workspace = current_workspace(request)
    workspace.require_change()
    form = BatchForm(request.POST, company=workspace.company)
    if not form.is_valid():
        for line in form.error_lines():
            messages.error(request, line)
        return redirect(_back(form))
    rows = list(
        Intervention.objects.filter(company=workspace.company, pk__in=form.cleaned_data["ids"])
        .select_related("dossier")
        .order_by("dossier__number", "planned_date", "pk")
    )
    if not rows:
        messages.error(request, "Aucune action sélectionnée.")
        return redirect(_back(form))
    try:
        summary = _run(form.cleaned_data, rows, request.user)
    except ValidationError as error:  # the whole selection: a comment, a chargé refused
        messages.error(request, " ".join(error.messages))
        return redirect(_back(form))
    _keep(request, summary)
    if summary.print_result is None:
        return redirect(_back(form))
    today = timezone.localdate()
    response = HttpResponse(summary.pdf, content_type="application/pdf")
    number = summary.print_result.batch.pk
    response["Content-Disposition"] = f'inline; filename="courriers-{today:%Y-%m-%d}-{number}.pdf"'
    return response
