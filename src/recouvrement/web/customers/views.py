"""« Fiche client » (M2): who the customer is, what it owes, its dossiers, règlements and
journal; its « Relevé de compte » as a PDF. Read-only, for every role of the company."""

import re

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from recouvrement.db.customer_page import company_customer, customer_page
from recouvrement.db.models import Customer
from recouvrement.domain.identity import format_siren
from recouvrement.services.statements import customer_statement_pdf
from recouvrement.web.workspace import current_workspace

NOT_FOUND = "Ce client n'existe pas."


class StatementForm(forms.Form):
    au = forms.DateField(label="Relevé au", required=False, input_formats=["%Y-%m-%d", "%d/%m/%Y"])


@login_required
@require_GET
def customer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    workspace = current_workspace(request)
    today = timezone.localdate()
    try:
        page = customer_page(workspace.company, pk, today=today)
    except Customer.DoesNotExist:
        raise Http404(NOT_FOUND) from None
    siren = format_siren(page.customer.siren)
    context = {"page": page, "today": today, "siren": siren}
    return render(request, "customers/customer_detail.html", context)


@login_required
@require_GET
def customer_statement(request: HttpRequest, pk: int) -> HttpResponse:
    """« Relevé de compte » at `?au=AAAA-MM-JJ` (default today), shown in the browser."""
    workspace = current_workspace(request)
    try:
        customer = company_customer(workspace.company, pk)
    except Customer.DoesNotExist:
        raise Http404(NOT_FOUND) from None
    form = StatementForm(request.GET)
    if not form.is_valid():
        shown = request.GET.get("au", "")[:40]
        problem = (
            f"La date du relevé « {shown} » n'est pas une date : saisissez-la au format JJ/MM/AAAA."
        )
        return _unavailable(request, customer, [problem], status=400)
    today = timezone.localdate()
    as_of = form.cleaned_data.get("au") or today
    try:
        pdf = customer_statement_pdf(customer, today=today, user=request.user, as_of=as_of)
    except ValidationError as error:  # the PDF could not be rendered
        return _unavailable(request, customer, error.messages, status=409)
    name = re.sub(r"[^A-Za-z0-9_-]+", "-", customer.code).strip("-") or str(customer.pk)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="releve-{name}-{as_of:%Y-%m-%d}.pdf"'
    return response


def _unavailable(
    request: HttpRequest, customer: Customer, problems: list[str], *, status: int
) -> HttpResponse:
    context = {"customer": customer, "problems": problems}
    return render(request, "customers/statement_unavailable.html", context, status=status)
