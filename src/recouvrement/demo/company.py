"""The demo company's reference data, written directly: staff, lists, scenarios, customers."""

import random
from dataclasses import dataclass, replace
from datetime import date

from django.contrib.auth import get_user_model

from recouvrement.db import models as db
from recouvrement.demo import data
from recouvrement.domain.default_scenarios import DEFAULT_SCENARIOS
from recouvrement.services.companies import create_default_scenarios


@dataclass
class Client:
    customer: db.Customer
    segment: str  # "grand", "pme" or "b2c"
    contacts: list[db.Contact]


@dataclass
class Demo:
    """What the simulation draws on: its random source, its `today`, the company's people
    and lists."""

    rng: random.Random
    today: date
    users: dict
    collaborators: dict
    resolutions: dict
    reasons: dict


def staff(company: db.Company) -> tuple[dict, dict]:
    users, collaborators = {}, {}
    for username, first, last, function, role, linked, collector in data.STAFF:
        email = f"{data.ascii_text(first)}.{data.ascii_text(last)}@lumiere-distribution.fr"
        user = get_user_model().objects.create_user(
            username, email, data.DEMO_PASSWORD, first_name=first, last_name=last
        )
        db.Membership.objects.create(user=user, company=company, role=role)
        users[username] = user
        if linked:
            phone = f"04 78 42 17 {31 + len(collaborators)}"
            person = {"first_name": first, "last_name": last, "function": function, "email": email}
            collaborators[username] = db.Collaborator.objects.create(
                company=company, user=user, phone=phone, is_collector=collector, **person
            )
    return users, collaborators


def lists(company: db.Company) -> tuple[dict, dict]:
    resolutions = {
        r: db.Resolution.objects.create(company=company, label=r) for r in data.RESOLUTIONS
    }
    reasons = {
        r: db.DisputeReason.objects.create(company=company, label=r) for r in data.DISPUTE_REASONS
    }
    return resolutions, reasons


def scenarios(company: db.Company) -> dict[str, db.Scenario]:
    """A new company's default scenarios, by customer segment; the mises en demeure to
    professionals charge the registered letter."""
    defaults = tuple(
        replace(
            scenario,
            steps=tuple(
                replace(step, fee_amount=data.REGISTERED_MAIL)
                if step.action_type.is_formal_notice
                else step
                for step in scenario.steps
            ),
        )
        if scenario.name in data.REGISTERED_MAIL_SCENARIOS
        else scenario
        for scenario in DEFAULT_SCENARIOS
    )
    by_name = create_default_scenarios(company, defaults)
    return {segment: by_name[name] for name, segment in data.SCENARIO_SEGMENTS.items()}


def customers(demo: Demo, company: db.Company) -> list[Client]:
    clients = []
    for segment, fields, contacts, collector in data.customer_identities(demo.rng):
        own = demo.collaborators.get(collector)
        customer = db.Customer.objects.create(company=company, default_collector=own, **fields)
        contacts = [db.Contact.objects.create(customer=customer, **c) for c in contacts]
        clients.append(Client(customer, segment, contacts))
    return clients
