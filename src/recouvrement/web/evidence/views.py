"""« Préparer le dossier contentieux » (B8): the manager or the dossier's collector builds the
« Dossier de preuve » (services.evidence stores and journals it), then downloads its PDF and
its ZIP. The views read the request and call the service; the service writes."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from recouvrement.db.models import Dossier, EvidencePack
from recouvrement.domain.court_route import route_label
from recouvrement.services import build_evidence_pack
from recouvrement.services.evidence import evidence_pack
from recouvrement.web.workspace import current_workspace

CONTENT_TYPES = {"pdf": "application/pdf", "zip": "application/zip"}


def _dossier(request: HttpRequest, pk: int):
    workspace = current_workspace(request)
    try:
        dossier = Dossier.objects.select_related("customer").get(company=workspace.company, pk=pk)
    except Dossier.DoesNotExist:
        raise Http404("Ce dossier de recouvrement n'existe pas.") from None
    workspace.require_change_dossier(dossier)
    return workspace, dossier


@login_required
@require_POST
def build_pack(request: HttpRequest, pk: int) -> HttpResponse:
    _, dossier = _dossier(request, pk)
    try:
        built = build_evidence_pack(dossier, today=timezone.localdate(), user=request.user)
    except ValidationError as error:  # e.g. a rate not entered: said on its own page
        context = {"dossier": dossier, "errors": error.messages}
        return render(request, "evidence/refused.html", context, status=400)
    return redirect("evidence_detail", pk=dossier.pk, pack=built.pack.pk)


def _pack(request: HttpRequest, pk: int, pack: int):
    workspace, dossier = _dossier(request, pk)
    try:
        found = evidence_pack(workspace.company.pk, pack)
    except EvidencePack.DoesNotExist:
        raise Http404("Ce dossier de preuve n'existe pas.") from None
    if found.dossier_id != dossier.pk:
        raise Http404("Ce dossier de preuve n'existe pas.")
    return dossier, found


@login_required
@require_GET
def pack_detail(request: HttpRequest, pk: int, pack: int) -> HttpResponse:
    dossier, found = _pack(request, pk, pack)
    context = {"dossier": dossier, "pack": found, "route": route_label(found.route)}
    return render(request, "evidence/evidence_pack.html", context)


@login_required
@require_GET
def pack_download(request: HttpRequest, pk: int, pack: int, kind: str) -> HttpResponse:
    if kind not in CONTENT_TYPES:
        raise Http404("Format inconnu.")
    dossier, found = _pack(request, pk, pack)
    content = bytes(found.pdf if kind == "pdf" else found.zip)
    response = HttpResponse(content, content_type=CONTENT_TYPES[kind])
    name = f"dossier-de-preuve-{dossier.number}-{found.pk}.{kind}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
