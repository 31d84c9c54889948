"""« Nouveau dossier »: open a dossier de recouvrement on a client's free échéances (M7, S2)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from recouvrement import services
from recouvrement.db.customer_search import customer_matches
from recouvrement.db.models import Customer, Scenario
from recouvrement.web.forms import parse_id
from recouvrement.web.worklist.forms import DossierOpeningForm
from recouvrement.web.workspace import current_workspace


def _customer(company, value: str | None) -> Customer | None:
    pk = parse_id(value)
    return Customer.objects.filter(company=company, pk=pk).first() if pk else None


@login_required
def dossier_create(request: HttpRequest) -> HttpResponse:
    """Choose the client, then its échéances and the dossier's fields; open it via the service."""
    workspace = current_workspace(request)
    workspace.require_change()
    company = workspace.company
    # A chargé opens dossiers they follow themselves (the manager chooses anyone).
    collector_only = None if workspace.may_manage else workspace.collaborator
    source = request.POST if request.method == "POST" else request.GET
    customer = _customer(company, source.get("customer"))
    search = str(request.GET.get("q", ""))[:100]
    today = timezone.localdate()
    options = {"company": company, "collector_only": collector_only, "customer": customer}
    if request.method == "POST":
        form = DossierOpeningForm(request.POST, **options)
        if form.is_valid():
            data = form.cleaned_data
            try:
                dossier = services.open_dossier(
                    data["customer"],
                    today=today,
                    user=request.user,
                    scenario=data["scenario"],
                    collector=data["collector"],
                    contact=data["contact"],
                    priority=data["priority"],
                    receivables=list(data["receivables"]),
                    dispute_reason=data["dispute_reason"],
                    summary=data["summary"],
                )
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                return redirect("dossier_detail", dossier.pk)
    else:
        default_collector = collector_only or (customer.default_collector if customer else None)
        form = DossierOpeningForm(
            None,
            initial={
                "customer": customer,
                "scenario": Scenario.objects.filter(company=company, is_default=True).first(),
                "collector": default_collector,
                "priority": 3,
            },
            **options,
        )
    if form.is_bound:
        chosen = {str(v) for v in form["receivables"].value() or ()}
    else:  # the overdue ones pre-ticked
        chosen = {str(r.pk) for r in form.free_receivables if r.due_date < today}
    return render(
        request,
        "worklist/dossier_create.html",
        {
            "form": form,
            "customer": customer,
            "chosen": chosen,
            "today": today,
            "search": search,
            "matches": customer_matches(company, search),
        },
    )


@login_required
@require_GET
def customer_search(request: HttpRequest) -> HttpResponse:
    """The client picker's matches (htmx, on input): code or name, accents ignored."""
    workspace = current_workspace(request)
    workspace.require_change()
    search = str(request.GET.get("q", ""))[:100]
    return render(
        request,
        "worklist/_customer_matches.html",
        {"matches": customer_matches(workspace.company, search), "search": search},
    )
