"""« Structure › Listes » (M7): motifs de litige and résolutions."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from recouvrement.services.configuration import (
    LIST_MODELS,
    add_list_value,
    delete_list_value,
    rename_list_value,
)
from recouvrement.web.forms import parse_id
from recouvrement.web.structure.access import structure_workspace

LIST_TITLES = {"dispute_reason": "Motifs de litige", "resolution": "Résolutions"}


@login_required
def list_values(request: HttpRequest) -> HttpResponse:
    workspace = structure_workspace(request)
    company = workspace.company
    errors: list[str] = []
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        action = request.POST.get("action", "")
        label = request.POST.get("label", "")
        pk = parse_id(request.POST.get("pk"))
        if kind in LIST_MODELS and pk is not None:  # another company's value: not found
            get_object_or_404(LIST_MODELS[kind], pk=pk, company=company)
        try:
            if action == "add":
                add_list_value(company, kind, label, user=request.user)
            elif action == "rename" and pk is not None:
                rename_list_value(company, kind, pk, label, user=request.user)
            elif action == "delete" and pk is not None:
                delete_list_value(company, kind, pk, user=request.user)
            else:
                errors = ["Action inconnue."]
        except ValidationError as refused:
            errors = refused.messages
        if not errors:
            return redirect("list_values")
    lists = [
        {"kind": kind, "title": title, "values": LIST_MODELS[kind].objects.filter(company=company)}
        for kind, title in LIST_TITLES.items()
    ]
    return render(
        request,
        "structure/list_values.html",
        {"lists": lists, "errors": errors},
        status=400 if errors else 200,
    )
