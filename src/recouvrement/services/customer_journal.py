"""The journal rows of « Structure › Clients » (M2, M9): a customer created or changed, with
its contacts and its contractual penalty rate; one company-level row per save, only the
changed fields before and after."""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser

from recouvrement.db.models import Contact, Customer
from recouvrement.domain import audit
from recouvrement.services.journal import changed, company_entry, snapshot

CUSTOMER_FIELDS = (
    "code",
    "name",
    "kind",
    "siren",
    "address",
    "postal_code",
    "city",
    "email",
    "phone",
    "payment_terms_days",
    "default_collector_id",
    "excluded_from_collection",
    "excluded_from_penalties",
    "contractual_penalty_rate",
)
CUSTOMER_LABELS = {
    "code": "code",
    "name": "nom",
    "kind": "type",
    "siren": "SIREN",
    "address": "adresse",
    "postal_code": "code postal",
    "city": "ville",
    "email": "e-mail",
    "phone": "téléphone",
    "payment_terms_days": "délai de paiement",
    "default_collector_id": "chargé par défaut",
    "excluded_from_collection": "exclu du recouvrement",
    "excluded_from_penalties": "exclu des pénalités",
    "contractual_penalty_rate": "taux de pénalités contractuel",
}
CONTACT_FIELDS = ("civility", "last_name", "first_name", "function", "email", "phone")


def customer_state(customer_id: int | None) -> dict[str, Any] | None:
    """The stored customer and its contacts (by id); None for a new one."""
    stored = Customer.objects.filter(pk=customer_id).first() if customer_id else None
    if stored is None:
        return None
    contacts = Contact.objects.filter(customer_id=stored.pk).order_by("pk")
    return {
        **snapshot(stored, CUSTOMER_FIELDS),
        "contacts": {str(c.pk): snapshot(c, CONTACT_FIELDS) for c in contacts},
    }


def _contact_name(contact: dict) -> str:
    return " ".join(part for part in (contact["first_name"], contact["last_name"]) if part)


def journal_customer(
    customer: Customer, before: dict | None, *, user: AbstractBaseUser | None
) -> None:
    after = customer_state(customer.pk)
    company = customer.company
    named = f"Client « {customer.code} — {customer.name} »"
    if before is None:
        count = len(after["contacts"])
        parts = [f"{count} contact{'s' if count > 1 else ''}"] if count else []
        company_entry(
            company,
            audit.CUSTOMER_CREATED,
            audit.sentence(f"{named} créé", parts),
            user=user,
            after={"customer_id": customer.pk, **after},
        )
        return
    fields_before = {k: v for k, v in before.items() if k != "contacts"}
    fields_after = {k: v for k, v in after.items() if k != "contacts"}
    old, new = changed(fields_before, fields_after)
    old_contacts, new_contacts, moves = audit.row_changes(before["contacts"], after["contacts"])
    if not new and not moves:
        return
    parts = [CUSTOMER_LABELS[field] for field in new]
    for kind, key in moves:
        contact = after["contacts"].get(key) or before["contacts"][key]
        verb = {"added": "ajouté", "removed": "supprimé", "changed": "modifié"}[kind]
        parts.append(f"contact « {_contact_name(contact)} » {verb}")
    if moves:
        old["contacts"], new["contacts"] = old_contacts, new_contacts
    company_entry(
        company,
        audit.CUSTOMER_CHANGED,
        audit.sentence(f"{named} modifié", parts),
        user=user,
        before=old,
        after={"customer_id": customer.pk, **new},
    )
