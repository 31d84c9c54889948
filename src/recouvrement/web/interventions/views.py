"""Views of the « Interventions » tab: read the request, call one service, redirect (S3–S12).

Every form also works without JavaScript (POST, then redirect to the dossier); with htmx the
tab's forms are boosted and only the tab is swapped. A user who may not change the dossier gets
a 403 before any form (`Workspace.require_change_dossier`); the services check it again.
"""

import io
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from recouvrement import services
from recouvrement.db.models import AttachedDocument, Contact, Dossier, Intervention
from recouvrement.domain.file_types import ACCEPTED_TYPES, INLINE_TYPES
from recouvrement.domain.scenario import offers_next_step
from recouvrement.domain.statuses import PRINTED_ACTIONS, InterventionKind, InterventionStatus
from recouvrement.services.dispute_reads import claims
from recouvrement.services.integrity import document_content
from recouvrement.services.letters import (
    preview_letter,
    printed_letter,
    printed_letter_pdf,
    unprintable_reason,
)
from recouvrement.services.print_batches import batch_pdf
from recouvrement.services.snapshots import dossier_snapshot
from recouvrement.web.framing import framed_by_our_pages
from recouvrement.web.interventions.forms import (
    AttachForm,
    CreateForm,
    EntryLineForm,
    StatusForm,
)
from recouvrement.web.workspace import current_workspace


def _dossier(request: HttpRequest, pk: int) -> Dossier:
    company = current_workspace(request).company
    return get_object_or_404(Dossier.objects.select_related("customer"), pk=pk, company=company)


def _intervention(request: HttpRequest, pk: int) -> Intervention:
    company = current_workspace(request).company
    return get_object_or_404(
        Intervention.objects.select_related("dossier__customer", "dossier__company", "step"),
        pk=pk,
        dossier__company=company,
    )


def _changing(request: HttpRequest, dossier: Dossier) -> None:
    current_workspace(request).require_change_dossier(dossier)


def _tab_url(dossier_id: int, selected: int | None = None) -> str:
    url = reverse("dossier_detail", args=[dossier_id])
    return f"{url}?modifier={selected}#interventions" if selected else f"{url}#interventions"


def _run(request: HttpRequest, action: Callable[[], object]) -> bool:
    """Run a service; a refusal becomes a French message for the user (never a 500)."""
    try:
        action()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return False
    return True


def _form_errors(request: HttpRequest, form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label} : {error}" if label else error)


@login_required
@require_POST
def save_entry(request: HttpRequest, pk: int) -> HttpResponse:
    """« Enregistrer » of the ligne de saisie (S3)."""
    intervention = _intervention(request, pk)
    _changing(request, intervention.dossier)
    contacts = Contact.objects.filter(customer_id=intervention.dossier.customer_id)
    form = EntryLineForm(request.POST, contacts=contacts)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(_tab_url(intervention.dossier_id, pk))
    saved = _run(
        request,
        lambda: services.update_intervention(
            intervention,
            user=request.user,
            planned_date=form.cleaned_data["planned_date"],
            contact=form.cleaned_data["contact"],
            comment=form.cleaned_data["comment"],
        ),
    )
    if not saved:
        return redirect(_tab_url(intervention.dossier_id, pk))
    messages.success(request, f"Intervention « {intervention.label} » enregistrée.")
    return redirect(_tab_url(intervention.dossier_id))


@login_required
@require_POST
def change_status(request: HttpRequest, pk: int) -> HttpResponse:
    """« Paramètres › Réalisée » or the « Statut » drop-down (S4)."""
    intervention = _intervention(request, pk)
    _changing(request, intervention.dossier)
    form = StatusForm(request.POST, statuses=list(InterventionStatus))
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(_tab_url(intervention.dossier_id, pk))
    status = InterventionStatus(form.cleaned_data["statut"])
    changed = _run(
        request,
        lambda: services.set_intervention_status(
            intervention, status, today=timezone.localdate(), user=request.user
        ),
    )
    if changed:
        messages.success(request, f"« {intervention.label} » : statut « {status.label} ».")
    return redirect(_tab_url(intervention.dossier_id))


@login_required
@require_POST
def prepare(request: HttpRequest, pk: int) -> HttpResponse:
    """« Fonctions › Préparer » (S5): the next step; a letter opens the print window."""
    dossier = _dossier(request, pk)
    _changing(request, dossier)
    created: list[Intervention] = []
    if not _run(
        request,
        lambda: created.append(
            services.prepare_next_intervention(
                dossier, today=timezone.localdate(), user=request.user
            )
        ),
    ):
        return redirect(_tab_url(dossier.pk))
    step = created[0]
    messages.success(request, f"Étape « {step.label} » préparée.")
    if step.action_type in PRINTED_ACTIONS:
        return redirect("intervention_print", pk=step.pk)
    return redirect(_tab_url(dossier.pk))


def _letter(intervention: Intervention) -> Intervention:
    if intervention.action_type not in PRINTED_ACTIONS:
        raise Http404("Cette intervention n'a pas de courrier à imprimer.")
    return intervention


@login_required
@require_http_methods(["GET", "POST"])
def print_window(request: HttpRequest, pk: int) -> HttpResponse:
    """« Impression du courrier »: the letter shown, then « Imprimer » keeps it (S5, S7)."""
    intervention = _letter(_intervention(request, pk))
    if request.method == "POST":
        _changing(request, intervention.dossier)
        if _run(
            request,
            lambda: services.print_letters(
                [intervention], today=timezone.localdate(), user=request.user
            ),
        ):
            messages.success(
                request, f"Courrier imprimé : « {intervention.label} » est « Réalisée »."
            )
        return redirect("intervention_print", pk=pk)
    printed = printed_letter(intervention)
    workspace = current_workspace(request)
    today = timezone.localdate()
    may_print = (
        printed is None
        and intervention.status == InterventionStatus.TODO
        and workspace.may_change_dossier(intervention.dossier)
    )
    if may_print and (
        reason := unprintable_reason(intervention, today=today)
    ):  # a rate not entered, no postal address…: said before « Imprimer », never a 500
        messages.error(request, reason)
        may_print = False
    return render(
        request,
        "interventions/print_window.html",
        {
            "intervention": intervention,
            "dossier": intervention.dossier,
            "printed": printed,
            "may_print": may_print,
            "not_due": intervention.planned_date > today,  # « Imprimer » is then not the default
            "claim": None
            if printed
            else claims([intervention.dossier_id]).get(
                intervention.dossier_id
            ),  # B10: what the letter leaves out
        },
    )


def _pdf(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@framed_by_our_pages  # shown in the print window's frame
@login_required
@require_GET
def letter_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The letter as it would print today: composed and rendered, nothing stored or marked."""
    intervention = _letter(_intervention(request, pk))
    try:
        pdf = preview_letter(intervention, today=timezone.localdate())
    except ValidationError as error:
        return HttpResponse(
            f"Le courrier n'a pas pu être mis en page : {' '.join(error.messages)}", status=422
        )
    return _pdf(pdf, f"apercu-{intervention.dossier.number}.pdf")


@framed_by_our_pages  # shown in the print window's frame
@login_required
@require_GET
def letter_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The letter exactly as printed (S7): its pages of the kept print batch."""
    intervention = _intervention(request, pk)
    printed = printed_letter(intervention)
    if printed is None:
        raise Http404("Ce courrier n'a pas été imprimé.")
    pdf = printed_letter_pdf(printed)
    return _pdf(pdf, f"courrier-{intervention.dossier.number}-{intervention.pk}.pdf")


@login_required
@require_GET
def letter_batch(request: HttpRequest, pk: int) -> HttpResponse:
    """« Réimprimer le lot »: the whole print batch of this letter, byte for byte (S7)."""
    intervention = _letter(_intervention(request, pk))
    printed = printed_letter(intervention)
    if printed is None:
        raise Http404("Ce courrier n'a pas été imprimé.")
    try:
        pdf = batch_pdf(printed.batch)
    except ValidationError as error:  # altered since printed: never handed out
        return HttpResponse(
            " ".join(error.messages), status=409, content_type="text/plain; charset=utf-8"
        )
    response = _pdf(pdf, f"lot-{printed.batch.pk}.pdf")
    response["Content-Disposition"] = f'attachment; filename="lot-{printed.batch.pk}.pdf"'
    return response


@login_required
@require_GET
def document(request: HttpRequest, pk: int) -> HttpResponse:
    """The attached document (S10), to the users of the dossier's company only; never a
    file altered or removed on the disk since (O6): a page says so instead."""
    intervention = _intervention(request, pk)
    attached = get_object_or_404(AttachedDocument, intervention=intervention)
    try:
        content = document_content(attached)
    except ValidationError as error:
        context = {"intervention": intervention, "dossier": intervention.dossier, "error": error}
        status = 410 if error.code == "document_missing" else 409
        return render(request, "interventions/document_unavailable.html", context, status=status)
    # Inline only a type read from the content (S10, `domain.file_types`); anything else
    # downloads, with its own type when it was read from the content (.eml, .docx…).
    inline = attached.content_type in INLINE_TYPES
    return FileResponse(
        io.BytesIO(content),
        as_attachment=not inline,
        filename=attached.original_name,
        content_type=(
            attached.content_type
            if attached.content_type in ACCEPTED_TYPES
            else "application/octet-stream"
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def attach(request: HttpRequest, pk: int) -> HttpResponse:
    """« Actions › Attacher un document… » (S10): one file, never replaced."""
    intervention = _intervention(request, pk)
    _changing(request, intervention.dossier)
    posted = request.method == "POST"
    form = AttachForm(request.POST if posted else None, request.FILES if posted else None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["document"]
        try:
            services.attach_document(
                intervention,
                user=request.user,
                name=upload.name,
                content=form.content,
                content_type=form.content_type,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Document « {upload.name} » attaché.")
            return redirect(_tab_url(intervention.dossier_id))
    status = 400 if form.errors else 200
    return render(
        request,
        "interventions/attach.html",
        {"intervention": intervention, "dossier": intervention.dossier, "form": form},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest, pk: int) -> HttpResponse:
    """« Créer une intervention » (S11): Manuelle, Alerte or Promesse."""
    dossier = _dossier(request, pk)
    _changing(request, dossier)
    initial = {"planned_date": timezone.localdate(), "kind": request.GET.get("nature", "manual")}
    form = CreateForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.create_intervention(
                dossier,
                InterventionKind(data["kind"]),
                today=timezone.localdate(),
                user=request.user,
                planned_date=data["planned_date"],
                label=data["label"],
                comment=data["comment"],
                action_type=data["action_type"],
                promise_amount=data["promise_amount"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{created.get_kind_display()} « {created.label} » créée.")
            return redirect(_tab_url(dossier.pk))
    return render(
        request,
        "interventions/create.html",
        {"dossier": dossier, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    """« Supprimer » (S12): a confirmation, then the deletion (refused with a reason)."""
    intervention = _intervention(request, pk)
    _changing(request, intervention.dossier)
    if request.method == "POST":
        if _run(request, lambda: services.delete_intervention(intervention, user=request.user)):
            messages.success(request, f"Intervention « {intervention.label} » supprimée.")
        return redirect(_tab_url(intervention.dossier_id))
    return render(
        request,
        "interventions/delete_confirm.html",
        {"intervention": intervention, "dossier": intervention.dossier},
    )


@login_required
@require_GET
def close(request: HttpRequest, pk: int) -> HttpResponse:
    """« Fermer » (S8): offer the next step when every intervention is done, else leave."""
    dossier = _dossier(request, pk)
    workspace = current_workspace(request)
    if workspace.may_change_dossier(dossier) and offers_next_step(dossier_snapshot(dossier)):
        return render(request, "interventions/close_prompt.html", {"dossier": dossier})
    return redirect("dossier_list")
