"""The demo company's reference data, written directly: staff, lists, scenarios, customers."""

import random
from dataclasses import dataclass
from datetime import date

from django.contrib.auth import get_user_model

from recouvrement.db import models as db
from recouvrement.demo import data
from recouvrement.domain.statuses import ActionType
from recouvrement.services.letters import letter_templates


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
    """The three scenarios, by customer segment; each letter step names its template."""
    templates = letter_templates(company)
    by_segment = {}
    for name, is_default, segment, steps in data.SCENARIOS:
        scenario = db.Scenario.objects.create(company=company, name=name, is_default=is_default)
        for order, values in enumerate(steps, start=1):
            fields = dict(zip(data.STEP_FIELDS, values, strict=True))
            default = ActionType(fields["action_type"]).spec.default_letter
            code = data.STEP_LETTERS.get(fields["label"], default)
            if code is not None:
                fields["letter_template"] = templates[code]
            db.Step.objects.create(scenario=scenario, order=order, **fields)
        by_segment[segment] = scenario
    return by_segment


def customers(demo: Demo, company: db.Company) -> list[Client]:
    clients = []
    for segment, fields, contacts, collector in data.customer_identities(demo.rng):
        own = demo.collaborators.get(collector)
        customer = db.Customer.objects.create(company=company, default_collector=own, **fields)
        contacts = [db.Contact.objects.create(customer=customer, **c) for c in contacts]
        clients.append(Client(customer, segment, contacts))
    return clients
