"""Plain functions that build test data with sensible defaults (no copied set-up)."""

import itertools
from datetime import date
from decimal import Decimal

from django.contrib.auth.models import User

from recouvrement import services
from recouvrement.db.models import (
    Collaborator,
    Company,
    Contact,
    Customer,
    Dossier,
    Membership,
    Receivable,
    Scenario,
    Step,
)
from recouvrement.domain.customers import CustomerKind
from recouvrement.domain.statuses import ActionType, Role
from recouvrement.services.companies import create_company

_numbers = itertools.count(1)

STANDARD_STEPS = [
    (0, ActionType.EMAIL, "E-mail de relance courtoise"),
    (10, ActionType.PHONE, "Téléphone"),
    (15, ActionType.LETTER, "Courrier de relance"),
    (15, ActionType.FORMAL_NOTICE, "Mise en demeure"),
]


def a_company(**fields) -> Company:
    defaults = {"name": "Atelier Rhône SAS", "city": "Lyon", "iban": "FR76 3000 4000 0100"}
    return create_company(**{**defaults, **fields})


def a_user(company: Company, role: Role, username: str | None = None) -> User:
    user = User.objects.create_user(username or f"user{next(_numbers)}", password="secret-pass")
    Membership.objects.create(user=user, company=company, role=role)
    return user


def a_collector(company: Company, user: User | None = None, last_name: str = "") -> Collaborator:
    return Collaborator.objects.create(
        company=company,
        last_name=last_name or f"Chargé{next(_numbers)}",
        first_name="Claire",
        is_collector=True,
        user=user,
    )


def a_customer(company: Company, kind: CustomerKind = CustomerKind.B2B, **fields) -> Customer:
    n = next(_numbers)
    defaults = {"code": f"CLI{n:04d}", "name": f"Client {n}", "kind": kind, "city": "Lyon"}
    return Customer.objects.create(company=company, **{**defaults, **fields})


def a_contact(customer: Customer, **fields) -> Contact:
    defaults = {"civility": "Madame", "last_name": "Durand", "first_name": "Anne"}
    return Contact.objects.create(customer=customer, **{**defaults, **fields})


def a_receivable(
    customer: Customer,
    amount: str = "1200.00",
    due_date: date = date(2026, 10, 1),
    open_amount: str | None = None,
) -> Receivable:
    return Receivable.objects.create(
        company=customer.company,
        customer=customer,
        reference=f"FA{next(_numbers):06d}",
        piece_date=due_date.replace(day=1),
        due_date=due_date,
        amount=Decimal(amount),
        open_amount=Decimal(open_amount if open_amount is not None else amount),
    )


def a_scenario(company: Company, steps=STANDARD_STEPS, name: str = "", **fields) -> Scenario:
    scenario = Scenario.objects.create(
        company=company, name=name or f"Scénario {next(_numbers)}", **fields
    )
    for order, (delay, action, label) in enumerate(steps, start=1):
        Step.objects.create(
            scenario=scenario, order=order, label=label, delay_days=delay, action_type=action
        )
    return scenario


def a_dossier(
    customer: Customer,
    *,
    today: date = date(2026, 11, 2),
    scenario: Scenario | None = None,
    user: User | None = None,
    **fields,
) -> Dossier:
    """A dossier opened through the real service, with one overdue échéance by default."""
    receivables = fields.pop("receivables", None) or [a_receivable(customer)]
    return services.open_dossier(
        customer, today=today, user=user, scenario=scenario, receivables=receivables, **fields
    )
