"""« Structure › Modèles de courrier » (S6): edit a template, preview it as a PDF."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.templatetags.static import static
from django.utils import timezone
from django.utils.html import escape
from django.views.decorators.http import require_POST

from recouvrement.db.models import Dossier, LetterTemplate
from recouvrement.domain.letter_templates import VARIABLES
from recouvrement.services.letters import preview_template, save_letter_template
from recouvrement.web.forms import parse_id
from recouvrement.web.framing import framed_by_our_pages
from recouvrement.web.structure.access import structure_workspace
from recouvrement.web.structure.forms import LetterTemplateForm
from recouvrement.web.workspace import current_workspace

PREVIEW_DOSSIERS = 200


@login_required
def letter_template_list(request: HttpRequest) -> HttpResponse:
    workspace = structure_workspace(request)
    templates = LetterTemplate.objects.filter(company=workspace.company)
    return render(request, "structure/letter_template_list.html", {"templates": templates})


def _preview_dossiers(company):
    return (
        Dossier.objects.filter(company=company)
        .select_related("customer")
        .order_by("-pk")[:PREVIEW_DOSSIERS]
    )


@login_required
def letter_template_edit(request: HttpRequest, pk: int) -> HttpResponse:
    workspace = structure_workspace(request)
    template = get_object_or_404(LetterTemplate, pk=pk, company=workspace.company)
    error, saved = "", False
    if request.method == "POST":
        form = LetterTemplateForm(request.POST)
        if form.is_valid():
            edited = LetterTemplate.objects.get(pk=template.pk)
            edited.subject = form.cleaned_data["subject"]
            edited.body = form.cleaned_data["body"]
            try:
                template = save_letter_template(edited, user=request.user)
            except ValidationError as refused:
                error = " ".join(refused.messages)
            else:
                saved = True
    else:
        form = LetterTemplateForm(initial={"subject": template.subject, "body": template.body})
    return render(
        request,
        "structure/letter_template_form.html",
        {
            "template": template,
            "form": form,
            "error": error,
            "saved": saved,
            "variables": VARIABLES,
            "dossiers": _preview_dossiers(workspace.company),
        },
        status=400 if error else 200,
    )


@framed_by_our_pages  # the « Aperçu » frame of the template's page
@login_required
@require_POST
def letter_template_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The PDF of the unsaved text on a chosen dossier; nothing is stored (a read)."""
    workspace = current_workspace(request)  # reading: any profile may preview
    template = get_object_or_404(LetterTemplate, pk=pk, company=workspace.company)
    form = LetterTemplateForm(request.POST)
    dossier = (
        Dossier.objects.filter(company=workspace.company, pk=parse_id(request.POST.get("dossier")))
        .select_related("company", "customer", "collector", "contact")
        .prefetch_related("customer__contacts")
        .first()
    )
    if dossier is None:
        return _preview_message("Choisissez un dossier pour l'aperçu.")
    if not form.is_valid():  # e.g. « Objet : Ce champ est obligatoire. »
        problems = [
            f"{form.fields[name].label} : {error}"
            for name, errors in form.errors.items()
            for error in errors
        ]
        return _preview_message(" ".join(problems))
    try:
        pdf = preview_template(
            template,
            dossier,
            subject=form.cleaned_data["subject"],
            body=form.cleaned_data["body"],
            today=timezone.localdate(),
        )
    except ValidationError as refused:
        return _preview_message(" ".join(refused.messages))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="apercu.pdf"'
    return response


def _preview_message(message: str) -> HttpResponse:
    page = (
        '<!doctype html><html lang="fr"><meta charset="utf-8">'
        f'<link rel="stylesheet" href="{static("recouvrement/frame-message.css")}">'
        '<body class="frame-message">'  # no inline style: the CSP allows none
        f"<p>{escape(message)}</p></body></html>"
    )
    return HttpResponse(page, status=400)
