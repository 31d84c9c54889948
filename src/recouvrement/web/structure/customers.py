"""« Structure › Clients » (M2): the clients, their contacts and their penalty rate."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from recouvrement.db.models import Customer
from recouvrement.services.customers import save_customer
from recouvrement.web.forms import ignored_filters, tampered_formset
from recouvrement.web.structure.access import structure_workspace
from recouvrement.web.structure.forms import (
    CONTACT_FIELDS,
    ContactFormSet,
    CustomerForm,
    CustomerSearchForm,
    contact_rows,
)

CONTACTS_PREFIX = "contacts"


@login_required
def customer_list(request: HttpRequest) -> HttpResponse:
    workspace = structure_workspace(request)
    form = CustomerSearchForm(request.GET)
    for ignored in ignored_filters(form):
        messages.warning(request, ignored)
    search = form.cleaned_data.get("q") or ""
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
        request, "structure/customer_list.html", {"customers": customers, "search": search}
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
    workspace = structure_workspace(request)
    company = workspace.company
    if pk is None:
        workspace.require_manager("peut créer un client")
        customer = Customer(company=company)
    else:
        customer = get_object_or_404(Customer, pk=pk, company=company)
    errors: list[str] = []
    if request.method == "POST":
        form = CustomerForm(request.POST, instance=customer, company=company)
        formset = ContactFormSet(request.POST, prefix=CONTACTS_PREFIX)
        tampered = tampered_formset(formset, "des contacts")
        if tampered is not None:
            errors = [tampered]
            formset = ContactFormSet(initial=_contact_initial(customer), prefix=CONTACTS_PREFIX)
        elif form.is_valid() and formset.is_valid():
            try:
                saved = save_customer(
                    form.instance,
                    contact_rows(formset),
                    penalty_rate=form.cleaned_data.get("penalty_rate"),
                    today=timezone.localdate(),
                    user=request.user,
                )
            except ValidationError as refused:
                errors = refused.messages
            else:
                return redirect("customer_edit", saved.pk)
        else:
            errors = ["Corrigez les champs signalés.", *formset.non_form_errors()]
    else:
        form = CustomerForm(instance=customer, company=company)
        formset = ContactFormSet(initial=_contact_initial(customer), prefix=CONTACTS_PREFIX)
    return render(
        request,
        "structure/customer_form.html",
        {"customer": customer, "form": form, "formset": formset, "errors": errors},
        status=400 if errors else 200,
    )
