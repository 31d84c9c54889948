"""« Première installation »: the page `recouvrement serve` prints with its one-time token."""

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from recouvrement.services.companies import check_first_run_token, install_first_company
from recouvrement.web.setup.forms import FirstRunForm

TOKEN = "jeton"


@never_cache
def first_run(request: HttpRequest) -> HttpResponse:
    """403 (French) without the token or once a company exists; else the form, whose success
    creates the company and its first manager, logs the manager in and opens the app."""
    token = request.POST.get(TOKEN) or request.GET.get(TOKEN)
    check_first_run_token(token)
    form = FirstRunForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            done = install_first_company(token, form.identity(), form.first_manager())
        except ValidationError as refused:
            form.add_error(None, refused)
        else:
            # Several backends (axes first): name the one that checked the password.
            login(request, done.manager, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                f"La société « {done.company.name} » est créée, avec ses scénarios et ses "
                "modèles de courrier. Prochaine étape : « Traitement › Importer » votre FEC.",
            )
            return redirect("dossier_list")
    return render(
        request,
        "setup/first_run.html",
        {"form": form, "token": token},
        status=400 if form.errors else 200,
    )
