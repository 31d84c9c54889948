"""« Relevé de compte » (Fiche client): a customer's open échéances at a date, as a PDF on
the company's letterhead, to print or attach to an e-mail. A read: nothing is stored."""

from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError

from recouvrement.db.customer_page import open_items
from recouvrement.db.models import Customer
from recouvrement.documents import LetterRenderingError
from recouvrement.documents.statement import Statement, StatementRow, render_statement
from recouvrement.services.actors import role_of
from recouvrement.services.company_settings import letterhead
from recouvrement.services.letters import NOT_RENDERED
from recouvrement.services.use_case import rule_errors


def customer_statement(customer: Customer, *, today: date, as_of: date | None = None) -> Statement:
    """What the statement prints: the échéances open at `as_of` (default `today`)."""
    as_of = as_of or today
    items = open_items(customer, as_of, today=today)
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
            )
            for item in items.rows
        ),
        as_of=as_of,
        printed_on=today,
    )


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
