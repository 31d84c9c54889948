"""An « E-mail » step's message (§3): its preview, « Envoyer maintenant », « Annuler l'envoi »,
« Préparer l'envoi »; and « Envois », the company's outbox, for a responsable recouvrement.

Nothing is sent in a request: the outbox worker (`recouvrement send-emails`) sends. A user who
may not change the dossier sees the state and the preview, and gets a 403 on a POST.
"""

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from recouvrement import services
from recouvrement.db.models import Intervention, OutgoingEmail
from recouvrement.db.outbox import outbox_counts, outbox_rows
from recouvrement.domain.email_state import EmailAction, emailed
from recouvrement.services.step_emails import email_attachment as attachment_pdf
from recouvrement.services.step_emails import email_preview
from recouvrement.web.forms import ignored_filters, page_field
from recouvrement.web.framing import framed_by_our_pages
from recouvrement.web.workspace import current_workspace

ROWS_PER_PAGE = 50
# Ends the domain's sentence: « Seul un responsable recouvrement peut consulter les envois… »
READ_OUTBOX = "peut consulter les envois d'e-mails de la société"
Status = OutgoingEmail.Status
FILTER_ORDER = (Status.FAILED, Status.PENDING, Status.SENDING, Status.SENT, Status.CANCELLED)
SENT_LATER = "L'e-mail part au prochain passage de l'envoi (recouvrement send-emails)."


def _email_step(request: HttpRequest, pk: int) -> Intervention:
    """The company's « E-mail » intervention `pk`, else 404."""
    intervention = get_object_or_404(
        Intervention.objects.select_related("dossier__customer", "dossier__company"),
        pk=pk,
        dossier__company=current_workspace(request).company,
    )
    if not emailed(intervention.action_type):
        raise Http404("Cette intervention n'est pas un e-mail.")
    return intervention


@login_required
@require_GET
def email(request: HttpRequest, pk: int) -> HttpResponse:
    """The e-mail as it left, or as it would leave today, with its PDF in a frame."""
    intervention = _email_step(request, pk)
    preview = email_preview(intervention, today=timezone.localdate())
    workspace = current_workspace(request)
    step = preview.step
    may_act = step is not None and workspace.may_change_dossier(intervention.dossier)
    actions = step.actions if may_act else frozenset()
    return render(
        request,
        "outbox/email.html",
        {
            "intervention": intervention,
            "dossier": intervention.dossier,
            "preview": preview,
            "state": step,
            "may_send_now": EmailAction.SEND_NOW in actions,
            "may_cancel": EmailAction.CANCEL in actions,
            "may_queue": EmailAction.QUEUE in actions and preview.has_address,
        },
    )


@framed_by_our_pages  # shown in the e-mail page's frame
@login_required
@require_GET
def email_attachment(request: HttpRequest, pk: int) -> HttpResponse:
    """The PDF attached: as sent, else as it would leave today (nothing stored)."""
    intervention = _email_step(request, pk)
    try:
        pdf = attachment_pdf(intervention, today=timezone.localdate())
    except ValidationError as error:
        return HttpResponse(
            f"Le courrier n'a pas pu être mis en page : {' '.join(error.messages)}",
            status=422,
            content_type="text/plain; charset=utf-8",
        )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="e-mail-{intervention.dossier.number}.pdf"'
    return response


def _act(request: HttpRequest, pk: int, action: Callable, done: str) -> HttpResponse:
    """Run one of the e-mail's use cases; a refusal is said on the page (never a 500)."""
    intervention = _email_step(request, pk)
    current_workspace(request).require_change_dossier(intervention.dossier)
    try:
        action(intervention, user=request.user, now=timezone.now())
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect("intervention_email", pk=pk)


@login_required
@require_POST
def send_now(request: HttpRequest, pk: int) -> HttpResponse:
    """« Envoyer maintenant »: handed to the outbox worker, not sent in the request."""
    return _act(request, pk, services.send_email_now, SENT_LATER)


@login_required
@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """« Annuler l'envoi »: the e-mail never leaves; the step stays « A faire »."""
    done = (
        "Envoi annulé : l'intervention reste « A faire ». Envoyez l'e-mail à la main puis "
        "marquez-la réalisée, ou préparez un nouvel envoi."
    )
    return _act(request, pk, services.cancel_email, done)


@login_required
@require_POST
def queue(request: HttpRequest, pk: int) -> HttpResponse:
    """« Préparer l'envoi »: the e-mail put (back) in the outbox."""
    return _act(request, pk, services.queue_email, f"E-mail mis dans la file d'envoi. {SENT_LATER}")


# --- « Envois » --------------------------------------------------------------------------------


class OutboxFilterForm(forms.Form):
    statut = forms.ChoiceField(
        label="Statut", choices=[("", "Tous"), *OutgoingEmail.Status.choices], required=False
    )
    page = page_field()


@login_required
@require_GET
def outbox_list(request: HttpRequest) -> HttpResponse:
    """The company's outbox: failures first, then pending, then sent (newest first)."""
    workspace = current_workspace(request)
    workspace.require_manager(READ_OUTBOX)
    form = OutboxFilterForm(request.GET)
    for ignored in ignored_filters(form):
        messages.warning(request, ignored)
    status = form.cleaned_data.get("statut", "") if form.is_valid() else ""
    rows = outbox_rows(workspace.company, status=status)
    page = Paginator(rows, ROWS_PER_PAGE).get_page(form.cleaned_data.get("page") or 1)
    counts = outbox_counts(workspace.company)
    return render(
        request,
        "outbox/outbox_list.html",
        {
            "page": page,
            "status": status,
            "statuses": [(s.value, s.label, counts.get(s.value, 0)) for s in FILTER_ORDER],
            "total": sum(counts.values()),
        },
    )
