"""« Structure »: everyone reads, only a responsable recouvrement changes (PRODUCT §1)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.html import escape
from django.views.decorators.http import require_POST

from recouvrement.db.models import (
    Collaborator,
    Customer,
    Dossier,
    Intervention,
    LetterTemplate,
    Scenario,
)
from recouvrement.db.models import Step as ScenarioStep
from recouvrement.documents import render_letters
from recouvrement.domain.letter_templates import VARIABLES
from recouvrement.domain.rules import RuleViolation
from recouvrement.domain.statuses import Role
from recouvrement.services.configuration import (
    LIST_MODELS,
    add_list_value,
    create_scenario_with_steps,
    delete_list_value,
    rename_list_value,
    save_collaborator,
    save_customer,
    update_scenario_steps,
)
from recouvrement.services.letters import compose_letters, ensure_default_templates
from recouvrement.services.letters import save_letter_template as save_template
from recouvrement.services.penalties import set_contractual_rate
from recouvrement.web.structure.forms import (
    CONTACT_FIELDS,
    CollaboratorForm,
    ContactFormSet,
    CustomerForm,
    LetterTemplateForm,
    ScenarioForm,
    StepFormSet,
    contact_rows,
    ordered_rows,
)
from recouvrement.web.workspace import Workspace, current_workspace

STEPS_PREFIX = "steps"
PREVIEW_DOSSIERS = 200


def _workspace_for(request: HttpRequest) -> Workspace:
    """The workspace; a change (POST) by anyone but a manager is refused with a 403."""
    workspace = current_workspace(request)
    if request.method == "POST" and workspace.role is not Role.MANAGER:
        raise PermissionDenied("Seul un responsable recouvrement peut modifier la structure.")
    return workspace


# --- Scénarios de recouvrement ---------------------------------------------------------------


@login_required
def scenario_list(request: HttpRequest) -> HttpResponse:
    workspace = _workspace_for(request)
    scenarios = Scenario.objects.filter(company=workspace.company).annotate(
        step_count=Count("steps")
    )
    return render(
        request,
        "structure/scenario_list.html",
        {"scenarios": scenarios, "may_change": workspace.role is Role.MANAGER},
    )


def _step_initial(scenario: Scenario) -> list[dict]:
    return [
        {
            "step_id": step.pk,
            "order": step.order,
            "label": step.label,
            "delay_days": step.delay_days,
            "action_type": step.action_type,
            "letter_template": step.letter_template_id,
            "compute_penalties": step.compute_penalties,
            "fee_amount": step.fee_amount,
            "sets_dossier_status": step.sets_dossier_status,
        }
        for step in scenario.steps.all()
    ]


def _with_new_row(data: QueryDict) -> QueryDict:
    """The posted rows plus an empty one at the end (« Ajouter une étape » without script)."""
    data = data.copy()
    count = int(data.get(f"{STEPS_PREFIX}-TOTAL_FORMS") or 0)
    data[f"{STEPS_PREFIX}-TOTAL_FORMS"] = str(count + 1)
    data[f"{STEPS_PREFIX}-{count}-order"] = str(count + 1)
    data[f"{STEPS_PREFIX}-{count}-action_type"] = "letter"
    data[f"{STEPS_PREFIX}-{count}-delay_days"] = "0"
    return data


def _scenario_page(request: HttpRequest, scenario: Scenario | None) -> HttpResponse:
    workspace = _workspace_for(request)
    company = workspace.company
    errors: list[str] = []
    checked = False
    kwargs = {"prefix": STEPS_PREFIX, "form_kwargs": {"company": company}}
    if request.method != "POST":
        initial = (
            {"name": scenario.name, "is_default": scenario.is_default}
            if scenario
            else {"is_default": False}
        )
        header = ScenarioForm(initial=initial)
        rows = _step_initial(scenario) if scenario else [{"order": 1, "action_type": "email"}]
        formset = StepFormSet(initial=rows, **kwargs)
    elif "add_step" in request.POST:
        header = ScenarioForm(request.POST)
        formset = StepFormSet(_with_new_row(request.POST), **kwargs)
    else:
        checked = True
        header = ScenarioForm(request.POST)
        formset = StepFormSet(request.POST, **kwargs)
        if header.is_valid() and formset.is_valid():
            name, is_default = header.cleaned_data["name"], header.cleaned_data["is_default"]
            rows = ordered_rows(formset)
            try:
                if scenario is None:
                    scenario = create_scenario_with_steps(
                        company, name, rows, user=request.user, is_default=is_default
                    )
                else:
                    update_scenario_steps(
                        scenario, rows, user=request.user, name=name, is_default=is_default
                    )
            except ValidationError as error:
                errors = error.messages
            else:
                return redirect("scenario_detail", scenario.pk)
        else:
            errors = ["Corrigez les champs signalés."]
    return render(
        request,
        "structure/scenario_form.html",
        {
            "scenario": scenario,
            "header": header,
            "formset": formset,
            "errors": errors,
            "checked": checked,
            "may_change": workspace.role is Role.MANAGER,
        },
    )


@login_required
def scenario_create(request: HttpRequest) -> HttpResponse:
    if current_workspace(request).role is not Role.MANAGER:
        raise PermissionDenied("Seul un responsable recouvrement peut créer un scénario.")
    return _scenario_page(request, None)


@login_required
def scenario_detail(request: HttpRequest, pk: int) -> HttpResponse:
    company = current_workspace(request).company
    scenario = get_object_or_404(Scenario, pk=pk, company=company)
    return _scenario_page(request, scenario)


# --- Modèles de courrier ---------------------------------------------------------------------


@login_required
def letter_template_list(request: HttpRequest) -> HttpResponse:
    workspace = _workspace_for(request)
    ensure_default_templates(workspace.company)
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
    workspace = _workspace_for(request)
    template = get_object_or_404(LetterTemplate, pk=pk, company=workspace.company)
    error, saved = "", False
    if request.method == "POST":
        form = LetterTemplateForm(request.POST)
        if form.is_valid():
            edited = LetterTemplate.objects.get(pk=template.pk)
            edited.subject = form.cleaned_data["subject"]
            edited.body = form.cleaned_data["body"]
            try:
                template = save_template(edited, user=request.user)
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
            "may_change": workspace.role is Role.MANAGER,
        },
        status=400 if error else 200,
    )


@login_required
@require_POST
def letter_template_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The PDF of the unsaved text on a chosen dossier; nothing is stored (rolled back)."""
    workspace = current_workspace(request)  # reading: any profile may preview
    template = get_object_or_404(LetterTemplate, pk=pk, company=workspace.company)
    form = LetterTemplateForm(request.POST)
    dossier = (
        Dossier.objects.filter(company=workspace.company, pk=request.POST.get("dossier") or 0)
        .select_related("company", "customer", "collector", "contact")
        .prefetch_related("customer__contacts")
        .first()
    )
    if dossier is None:
        return _preview_message("Choisissez un dossier pour l'aperçu.")
    if not form.is_valid():
        return _preview_message("L'objet et le texte sont obligatoires.")
    template.subject = form.cleaned_data["subject"]
    template.body = form.cleaned_data["body"]
    intervention = Intervention(
        dossier=dossier,
        action_type=template.action_type,
        label="Aperçu",
        step=ScenarioStep(letter_template=template, action_type=template.action_type),
    )
    try:
        with transaction.atomic():
            letters = compose_letters([intervention], today=timezone.localdate())
            transaction.set_rollback(True)
    except RuleViolation as violation:
        return _preview_message(violation.message)
    response = HttpResponse(render_letters([letters[0].content]), content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="apercu.pdf"'
    return response


def _preview_message(message: str) -> HttpResponse:
    page = (
        '<!doctype html><html lang="fr"><meta charset="utf-8">'
        '<body style="font-family:sans-serif;color:#a11d24;padding:1rem">'
        f"<p>{escape(message)}</p></body></html>"
    )
    return HttpResponse(page, status=400)


# --- Collaborateurs --------------------------------------------------------------------------


@login_required
def collaborator_list(request: HttpRequest) -> HttpResponse:
    workspace = _workspace_for(request)
    collaborators = Collaborator.objects.filter(company=workspace.company).select_related("user")
    return render(
        request,
        "structure/collaborator_list.html",
        {"collaborators": collaborators, "may_change": workspace.role is Role.MANAGER},
    )


@login_required
def collaborator_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    workspace = _workspace_for(request)
    company = workspace.company
    if pk is None:
        if workspace.role is not Role.MANAGER:
            raise PermissionDenied("Seul un responsable recouvrement peut créer un collaborateur.")
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
        {
            "collaborator": collaborator,
            "form": form,
            "errors": errors,
            "may_change": workspace.role is Role.MANAGER,
        },
        status=400 if errors else 200,
    )


# --- Clients ---------------------------------------------------------------------------------

CONTACTS_PREFIX = "contacts"


@login_required
def customer_list(request: HttpRequest) -> HttpResponse:
    workspace = _workspace_for(request)
    search = (request.GET.get("q") or "").strip()
    customers = (
        Customer.objects.filter(company=workspace.company)
        .select_related("default_collector")
        .annotate(
            open_count=Count("receivables", filter=Q(receivables__open_amount__gt=0)),
            open_total=Sum("receivables__open_amount", filter=Q(receivables__open_amount__gt=0)),
        )
    )
    if search:
        customers = customers.filter(Q(code__icontains=search) | Q(name__icontains=search))
    return render(
        request,
        "structure/customer_list.html",
        {
            "customers": customers,
            "search": search,
            "may_change": workspace.role is Role.MANAGER,
        },
    )


def _contact_initial(customer: Customer) -> list[dict]:
    if customer.pk is None:
        return []
    return [
        {
            "contact_id": contact.pk,
            **{name: getattr(contact, name) for name in CONTACT_FIELDS},
        }
        for contact in customer.contacts.all()
    ]


@login_required
def customer_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    workspace = _workspace_for(request)
    company = workspace.company
    if pk is None:
        if workspace.role is not Role.MANAGER:
            raise PermissionDenied("Seul un responsable recouvrement peut créer un client.")
        customer = Customer(company=company)
    else:
        customer = get_object_or_404(Customer, pk=pk, company=company)
    errors: list[str] = []
    if request.method == "POST":
        form = CustomerForm(request.POST, instance=customer, company=company)
        formset = ContactFormSet(request.POST, prefix=CONTACTS_PREFIX)
        if form.is_valid() and formset.is_valid():
            rate = form.cleaned_data.get("penalty_rate")
            try:
                with transaction.atomic():  # the client and its rate, or nothing
                    saved = save_customer(form.instance, contact_rows(formset), user=request.user)
                    if rate != saved.contractual_penalty_rate:
                        set_contractual_rate(
                            saved, rate, today=timezone.localdate(), user=request.user
                        )
            except ValidationError as refused:
                if pk is None:
                    customer.pk = None  # rolled back: the page still creates a new client
                errors = refused.messages
            else:
                return redirect("customer_edit", saved.pk)
        else:
            errors = ["Corrigez les champs signalés."]
    else:
        form = CustomerForm(instance=customer, company=company)
        formset = ContactFormSet(initial=_contact_initial(customer), prefix=CONTACTS_PREFIX)
    return render(
        request,
        "structure/customer_form.html",
        {
            "customer": customer,
            "form": form,
            "formset": formset,
            "errors": errors,
            "may_change": workspace.role is Role.MANAGER,
        },
        status=400 if errors else 200,
    )


# --- Listes (motifs de litige, résolutions) --------------------------------------------------

LIST_TITLES = {"dispute_reason": "Motifs de litige", "resolution": "Résolutions"}


@login_required
def list_values(request: HttpRequest) -> HttpResponse:
    workspace = _workspace_for(request)
    company = workspace.company
    errors: list[str] = []
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        action = request.POST.get("action", "")
        label = request.POST.get("label", "")
        pk = request.POST.get("pk") or ""
        if kind in LIST_MODELS and pk.isdigit():  # another company's value: not found
            get_object_or_404(LIST_MODELS[kind], pk=pk, company=company)
        try:
            if action == "add":
                add_list_value(company, kind, label, user=request.user)
            elif action == "rename" and pk.isdigit():
                rename_list_value(company, kind, int(pk), label, user=request.user)
            elif action == "delete" and pk.isdigit():
                delete_list_value(company, kind, int(pk), user=request.user)
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
        {
            "lists": lists,
            "errors": errors,
            "may_change": workspace.role is Role.MANAGER,
        },
        status=400 if errors else 200,
    )
