"""« Structure › Clients » (M2): a manager records a client, its contacts and its rate."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError

from recouvrement.db.models import Collaborator, Contact, Customer
from recouvrement.domain import identity
from recouvrement.domain.customers import check_payment_terms
from recouvrement.domain.rules import RuleViolation
from recouvrement.services.actors import require_manager
from recouvrement.services.customer_journal import customer_state, journal_customer
from recouvrement.services.penalties import set_contractual_rate
from recouvrement.services.use_case import use_case


@dataclass(frozen=True)
class ContactRow:
    """One contact of the client's editor; `contact_id` None: a new one; `delete`: removed."""

    last_name: str
    contact_id: int | None = None
    civility: str = ""
    first_name: str = ""
    function: str = ""
    email: str = ""
    phone: str = ""
    delete: bool = False


_CONTACT_FIELDS = ("civility", "last_name", "first_name", "function", "email", "phone")


def save_customer(
    customer: Customer,
    contacts: Sequence[ContactRow],
    *,
    penalty_rate: Decimal | None,
    today: date,
    user: AbstractBaseUser | None,
) -> Customer:
    """A manager records a client, its contacts and its contractual penalty rate in one
    transaction: all of it or nothing. A code is unique per company; deleting a contact used
    by a dossier or an intervention leaves them without contact. A refused new client stays
    new (no id), so that the page still creates it."""
    creating = customer.pk is None
    try:
        return _save_customer(customer, contacts, penalty_rate=penalty_rate, today=today, user=user)
    except (ValidationError, PermissionDenied):
        if creating:
            customer.pk = None  # rolled back
            customer._state.adding = True
        raise


@use_case
def _save_customer(
    customer: Customer,
    contacts: Sequence[ContactRow],
    *,
    penalty_rate: Decimal | None,
    today: date,
    user: AbstractBaseUser | None,
) -> Customer:
    require_manager(user, customer.company_id, "peut configurer les clients")
    customer.code = customer.code.strip()
    customer.name = customer.name.strip()
    if not customer.code or not customer.name:
        raise RuleViolation("Le code et le nom du client sont obligatoires.", "customer_name")
    taken = Customer.objects.filter(company_id=customer.company_id, code=customer.code)
    if taken.exclude(pk=customer.pk).exists():
        raise RuleViolation("Un client porte déjà ce code.", "customer_code_taken")
    if (
        customer.default_collector_id is not None
        and not Collaborator.objects.filter(
            pk=customer.default_collector_id, company_id=customer.company_id, is_collector=True
        ).exists()
    ):
        raise RuleViolation(
            "Le chargé par défaut doit être un chargé de recouvrement de la société.",
            "customer_collector",
        )
    check_payment_terms(customer.payment_terms_days)
    customer.siren = _siren(customer)
    customer.full_clean(validate_unique=False, validate_constraints=False)
    before = customer_state(customer.pk)
    customer.save()
    _save_contacts(customer, contacts)
    if penalty_rate != customer.contractual_penalty_rate:
        set_contractual_rate(customer, penalty_rate, today=today, user=user)
    journal_customer(customer, before, user=user)
    return customer


def _siren(customer: Customer) -> str:
    """The SIREN as typed (« 512 846 379 »), stored as 9 digits once its Luhn key checks; one
    stored unchanged (whatever its spelling now) stays, as the company's own SIREN does."""
    typed = customer.siren or ""
    if customer.pk is not None:
        stored = Customer.objects.filter(pk=customer.pk).values_list("siren", flat=True).first()
        if stored is not None and identity.compact(typed) == identity.compact(stored):
            return stored
    return identity.normalize_siren(typed)


def _save_contacts(customer: Customer, contacts: Sequence[ContactRow]) -> None:
    existing = {contact.pk: contact for contact in customer.contacts.all()}
    for position, row in enumerate(contacts, start=1):
        if row.contact_id is not None and row.contact_id not in existing:
            raise RuleViolation(f"Contact {position} inconnu pour ce client.", "contact_unknown")
        if row.delete:
            if row.contact_id is not None:
                existing[row.contact_id].delete()
            continue
        if not row.last_name.strip():
            raise RuleViolation(f"Contact {position} : le nom est obligatoire.", "contact_name")
        contact = existing[row.contact_id] if row.contact_id else Contact(customer=customer)
        for field in _CONTACT_FIELDS:
            setattr(contact, field, (getattr(row, field) or "").strip())
        contact.full_clean()
        contact.save()
