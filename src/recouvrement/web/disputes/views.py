"""The dossier's « Litiges » (B10): read the request, call `open_dispute` / `resolve_dispute`,
go back to the dossier page; a refused form shows again on its own page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from recouvrement import services
from recouvrement.db.models import Dispute, DisputeStatus, Dossier
from recouvrement.services.dispute_reads import claims
from recouvrement.web.disputes.forms import DisputeForm, ResolveForm
from recouvrement.web.dossiers.edit import changeable_dossier, show_refusal
from recouvrement.web.workspace import Workspace, current_workspace


def dispute_section(workspace: Workspace, dossier: Dossier) -> dict:
    """What the dossier page's « Litiges » include shows (forms only to who may change)."""
    disputes = list(
        Dispute.objects.filter(dossier=dossier)
        .select_related("reason", "owner", "resolution")
        .prefetch_related("receivables")
    )
    may_change = workspace.may_change_dossier(dossier) and dossier.status_enum.is_open
    return {
        "disputes": [
            (
                d,
                ResolveForm(company_id=dossier.company_id, prefix=f"resoudre-{d.pk}")
                if may_change and d.status == DisputeStatus.OPEN
                else None,
            )
            for d in disputes
        ],
        "dispute_form": DisputeForm(dossier=dossier) if may_change else None,
        "disputed_ids": set(claim.disputed)
        if (claim := claims([dossier.pk]).get(dossier.pk))
        else set(),
    }


def _saved(request: HttpRequest, form, dossier: Dossier, call, done: str) -> HttpResponse | None:
    """`call(values)` with the form's values: back to the dossier's « Litiges » with `done`,
    or None once the service's refusal is shown on the form."""
    try:
        call(form.cleaned_data)
    except ValidationError as error:
        show_refusal(form, error)
        return None
    messages.success(request, done)
    return redirect(reverse("dossier_detail", args=[dossier.pk]) + "#litiges")


def _form_page(request: HttpRequest, dossier: Dossier, form, dispute: Dispute | None):
    context = {"dossier": dossier, "form": form, "dispute": dispute}
    return render(request, "disputes/dispute_form.html", context)


@login_required
def dispute_create(request: HttpRequest, pk: int) -> HttpResponse:
    """« Nouveau litige »."""
    dossier = changeable_dossier(current_workspace(request), pk)
    data = request.POST if request.method == "POST" else None
    form = DisputeForm(data, dossier=dossier)

    def open_it(values: dict) -> None:
        services.open_dispute(
            dossier,
            reason=values["reason"],
            amount=values["amount"],
            receivables=list(values["receivables"]),
            owner=values["owner"],
            comment=values["comment"],
            today=timezone.localdate(),
            user=request.user,
        )

    done = "Litige ouvert : ses échéances ne sont plus réclamées."
    if (
        data is not None
        and form.is_valid()
        and (back := _saved(request, form, dossier, open_it, done))
    ):
        return back
    return _form_page(request, dossier, form, None)


@login_required
def dispute_resolve(request: HttpRequest, pk: int, dispute_pk: int) -> HttpResponse:
    """« Résoudre » a litige of the dossier."""
    dossier = changeable_dossier(current_workspace(request), pk)
    dispute = Dispute.objects.filter(dossier=dossier, pk=dispute_pk).first()
    if dispute is None:
        raise Http404("Ce litige n'existe pas.")
    data = request.POST if request.method == "POST" else None
    prefix = f"resoudre-{dispute.pk}"
    form = ResolveForm(data, company_id=dossier.company_id, prefix=prefix)

    def resolve_it(values: dict) -> None:
        services.resolve_dispute(
            dispute,
            resolution=values["resolution"],
            result=values["result"],
            comment=values["comment"],
            today=timezone.localdate(),
            user=request.user,
        )

    if (
        data is not None
        and form.is_valid()
        and (back := _saved(request, form, dossier, resolve_it, "Litige résolu."))
    ):
        return back
    return _form_page(request, dossier, form, dispute)
