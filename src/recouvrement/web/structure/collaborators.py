"""« Structure › Collaborateurs » (M5)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from recouvrement.db.models import Collaborator
from recouvrement.services.configuration import save_collaborator
from recouvrement.web.structure.access import structure_workspace
from recouvrement.web.structure.forms import CollaboratorForm


@login_required
def collaborator_list(request: HttpRequest) -> HttpResponse:
    workspace = structure_workspace(request)
    collaborators = Collaborator.objects.filter(company=workspace.company).select_related("user")
    return render(request, "structure/collaborator_list.html", {"collaborators": collaborators})


@login_required
def collaborator_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    workspace = structure_workspace(request)
    company = workspace.company
    if pk is None:
        workspace.require_manager("peut créer un collaborateur")
        collaborator = Collaborator(company=company)
    else:
        collaborator = get_object_or_404(Collaborator, pk=pk, company=company)
    errors: list[str] = []
    if request.method == "POST":
        form = CollaboratorForm(request.POST, instance=collaborator, company=company)
        if form.is_valid():
            try:
                save_collaborator(form.instance, user=request.user)
            except ValidationError as refused:
                errors = refused.messages
            else:
                return redirect("collaborator_list")
    else:
        form = CollaboratorForm(instance=collaborator, company=company)
    return render(
        request,
        "structure/collaborator_form.html",
        {"collaborator": collaborator, "form": form, "errors": errors},
        status=400 if errors else 200,
    )
