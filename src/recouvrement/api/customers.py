"""The API's customers and their contacts (issue 14 §3): everyone of the company reads, a
« Responsable recouvrement » creates and changes (services.customers.save_customer, as
« Structure › Clients »)."""

from decimal import Decimal

from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from recouvrement.api.auth import actor
from recouvrement.api.fields import Id
from recouvrement.api.pagination import Page, PageParams, paginate
from recouvrement.db.models import Contact, Customer
from recouvrement.domain.customers import CustomerKind
from recouvrement.services.customer_journal import CUSTOMER_FIELDS
from recouvrement.services.customers import ContactRow, save_customer

router = Router(tags=["Clients"])

# The fields a client is read and written with: those its journal rows follow (one list).
WRITTEN = frozenset(CUSTOMER_FIELDS) - {"contractual_penalty_rate"}  # the rate: its own service
SIREN = "9 chiffres, espaces admis, contrôlés par leur clé ; vide : non renseigné"
CONTACT_FIELDS = ("civility", "last_name", "first_name", "function", "email", "phone")


class ContactOut(Schema):
    id: int
    civility: str
    last_name: str
    first_name: str
    function: str
    email: str
    phone: str


class ContactIn(Schema):
    last_name: str = Field(..., max_length=35)
    civility: str = Field("", max_length=12)
    first_name: str = Field("", max_length=35)
    function: str = Field("", max_length=35)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=21)


class ContactPatch(Schema):
    last_name: str | None = Field(None, max_length=35)
    civility: str | None = Field(None, max_length=12)
    first_name: str | None = Field(None, max_length=35)
    function: str | None = Field(None, max_length=35)
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=21)


class CustomerOut(Schema):
    id: int
    code: str
    name: str
    kind: CustomerKind
    siren: str
    address: str
    postal_code: str
    city: str
    email: str
    phone: str
    payment_terms_days: int
    default_collector_id: int | None
    excluded_from_collection: bool
    excluded_from_penalties: bool
    contractual_penalty_rate: Decimal | None


class CustomerDetail(CustomerOut):
    contacts: list[ContactOut]

    @staticmethod
    def resolve_contacts(customer: Customer) -> list[Contact]:
        return list(customer.contacts.order_by("pk"))


class CustomerIn(Schema):
    code: str = Field(..., max_length=17)
    name: str = Field(..., max_length=100)
    kind: CustomerKind = CustomerKind.B2B
    siren: str = Field("", max_length=20, description=SIREN)
    address: str = Field("", max_length=200)
    postal_code: str = Field("", max_length=10)
    city: str = Field("", max_length=60)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=21)
    payment_terms_days: int | None = Field(None, ge=0, le=32767, description="Défaut : la société")
    default_collector_id: Id | None = None
    excluded_from_collection: bool = False
    excluded_from_penalties: bool = False
    contractual_penalty_rate: Decimal | None = Field(None, max_digits=6, decimal_places=3)
    contacts: list[ContactIn] = Field([], max_length=50)


class CustomerPatch(Schema):
    """Only the fields sent change."""

    code: str | None = Field(None, max_length=17)
    name: str | None = Field(None, max_length=100)
    kind: CustomerKind | None = None
    siren: str | None = Field(None, max_length=20, description=SIREN)
    address: str | None = Field(None, max_length=200)
    postal_code: str | None = Field(None, max_length=10)
    city: str | None = Field(None, max_length=60)
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=21)
    payment_terms_days: int | None = Field(None, ge=0, le=32767)
    default_collector_id: Id | None = None
    excluded_from_collection: bool | None = None
    excluded_from_penalties: bool | None = None
    contractual_penalty_rate: Decimal | None = Field(None, max_digits=6, decimal_places=3)


class CustomerFilters(Schema):
    q: str = Field("", max_length=100, description="Code ou nom contient")


def _customer(request, customer_id: int) -> Customer:
    return get_object_or_404(Customer, pk=customer_id, company=actor(request).company)


def _save(request, customer: Customer, contacts: list[ContactRow], rate) -> Customer:
    return save_customer(
        customer,
        contacts,
        penalty_rate=rate,
        today=timezone.localdate(),
        user=actor(request).user,
    )


@router.get("/", response=Page[CustomerOut], summary="Liste des clients")
def list_customers(request, filters: Query[CustomerFilters], page: Query[PageParams]):
    customers = Customer.objects.filter(company=actor(request).company)
    if search := filters.q.strip():
        customers = customers.filter(Q(code__icontains=search) | Q(name__icontains=search))
    return paginate(customers, page, order=("code", "pk"))


@router.get("/{customer_id}/", response=CustomerDetail, summary="Un client et ses contacts")
def get_customer(request, customer_id: int):
    return _customer(request, customer_id)


@router.post("/", response={201: CustomerDetail}, summary="Créer un client (responsable)")
def create_customer(request, payload: CustomerIn):
    company = actor(request).company
    values = payload.dict(include=set(WRITTEN))
    if values["payment_terms_days"] is None:
        values["payment_terms_days"] = company.default_payment_terms_days
    customer = Customer(company=company, **values)
    contacts = [ContactRow(**contact.dict()) for contact in payload.contacts]
    customer = _save(request, customer, contacts, payload.contractual_penalty_rate)
    return Status(201, customer)


@router.patch("/{customer_id}/", response=CustomerDetail, summary="Modifier un client")
def update_customer(request, customer_id: int, payload: CustomerPatch):
    customer = _customer(request, customer_id)
    changes = payload.dict(exclude_unset=True, include=set(CUSTOMER_FIELDS))
    rate = changes.pop("contractual_penalty_rate", customer.contractual_penalty_rate)
    for name, value in changes.items():
        if value is None and name != "default_collector_id":
            continue  # null on a field that cannot be empty: unchanged
        setattr(customer, name, value)
    return _save(request, customer, [], rate)


@router.get("/{customer_id}/contacts/", response=list[ContactOut], summary="Contacts d'un client")
def list_contacts(request, customer_id: int):
    return list(_customer(request, customer_id).contacts.order_by("pk"))


@router.post("/{customer_id}/contacts/", response={201: ContactOut}, summary="Ajouter un contact")
def create_contact(request, customer_id: int, payload: ContactIn):
    customer = _customer(request, customer_id)
    known = set(customer.contacts.values_list("pk", flat=True))
    _save(request, customer, [ContactRow(**payload.dict())], customer.contractual_penalty_rate)
    return Status(201, customer.contacts.exclude(pk__in=known).order_by("-pk").first())


@router.patch(
    "/{customer_id}/contacts/{contact_id}/", response=ContactOut, summary="Modifier un contact"
)
def update_contact(request, customer_id: int, contact_id: int, payload: ContactPatch):
    customer = _customer(request, customer_id)
    contact = get_object_or_404(Contact, pk=contact_id, customer=customer)
    values = {name: getattr(contact, name) for name in CONTACT_FIELDS}
    values.update({k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None})
    row = ContactRow(contact_id=contact.pk, **values)
    _save(request, customer, [row], customer.contractual_penalty_rate)
    contact.refresh_from_db()
    return contact
