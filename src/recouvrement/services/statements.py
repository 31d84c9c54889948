"""« Relevé de compte » (Fiche client): a customer's open échéances at a date, as a PDF on
the company's letterhead, to print or attach to an e-mail. A read: nothing is stored. The
échéances in an open litige are marked « En litige » and the total is also given without
them (B10, `domain.disputes.claimable`)."""

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError

from recouvrement.db.customer_page import OpenItem, open_items
from recouvrement.db.models import Customer
from recouvrement.documents import LetterRenderingError
from recouvrement.documents.statement import Statement, StatementRow, render_statement
from recouvrement.domain.disputes import claimable
from recouvrement.services.actors import role_of
from recouvrement.services.company_settings import letterhead
from recouvrement.services.dispute_reads import open_disputes
from recouvrement.services.letters import NOT_RENDERED
from recouvrement.services.use_case import rule_errors


def customer_statement(customer: Customer, *, today: date, as_of: date | None = None) -> Statement:
    """What the statement prints: the échéances open at `as_of` (default `today`)."""
    as_of = as_of or today
    items = open_items(customer, as_of, today=today)
    disputed = _disputed(items.rows)
    contact = customer.contacts.order_by("last_name", "first_name", "pk").first()
    recipient = tuple(
        line
        for line in (
            customer.name,
            f"À l'attention de {contact}" if contact else "",
            customer.address,
            f"{customer.postal_code} {customer.city}".strip(),
        )
        if line
    )
    return Statement(
        company=letterhead(customer.company),
        customer_code=customer.code,
        customer_name=customer.name,
        recipient=recipient,
        rows=tuple(
            StatementRow(
                piece=item.receivable.reference,
                piece_date=item.receivable.piece_date,
                due_date=item.receivable.due_date,
                days_late=item.days_overdue,
                amount=item.receivable.amount,
                open_amount=item.open_amount,
                disputed=item.receivable.pk in disputed,
            )
            for item in items.rows
        ),
        as_of=as_of,
        printed_on=today,
    )


def _disputed(items: list[OpenItem]) -> set[int]:
    """The échéances of the statement in an open litige of their dossier, by the one rule."""
    by_dossier: dict[int, list[tuple[int, Decimal]]] = defaultdict(list)
    for item in items:
        if item.dossier_id is not None:
            by_dossier[item.dossier_id].append((item.receivable.pk, item.open_amount))
    disputes = open_disputes(by_dossier)
    return {
        receivable_id
        for dossier_id, found in disputes.items()
        for receivable_id in claimable(by_dossier[dossier_id], found).disputed
    }


def customer_statement_pdf(
    customer: Customer,
    *,
    today: date,
    user: AbstractBaseUser | None,
    as_of: date | None = None,
) -> bytes:
    """The « Relevé de compte » PDF at `as_of` (default `today`), dated `today`. Any member of
    the customer's company may print it (PermissionDenied otherwise); a rendering failure is a
    ValidationError (code "letter_not_rendered")."""
    with rule_errors():
        role_of(user, customer.company_id)
    try:
        return render_statement(customer_statement(customer, today=today, as_of=as_of))
    except LetterRenderingError as error:
        raise ValidationError(str(error), code=NOT_RENDERED) from error
