"""The API's règlements (issue 14 §3): everyone of the company reads them; a « Responsable
recouvrement » pushes them in bulk (services.api_push), idempotent on `external_key`, each
allocated to échéances named by their pièce and échéance date."""

from datetime import date

from django.db.models import Prefetch
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from recouvrement.api.auth import actor
from recouvrement.api.fields import Id, Money, MoneyIn
from recouvrement.api.pagination import Page, PageParams, paginate
from recouvrement.api.receivables import PushOut
from recouvrement.db.models import Allocation, Payment
from recouvrement.services.api_push import push_payments
from recouvrement.services.api_push_items import MAX_ITEMS, AllocationItem, PaymentItem

router = Router(tags=["Règlements"])


class AllocationOut(Schema):
    receivable_id: int
    amount: Money


class PaymentOut(Schema):
    id: int
    customer_id: int
    customer_code: str
    date: date
    amount: Money
    reference: str
    external_key: str
    origin: str
    allocations: list[AllocationOut]

    @staticmethod
    def resolve_customer_code(item) -> str:
        return item.customer.code

    @staticmethod
    def resolve_allocations(payment: Payment) -> list:
        return list(payment.allocations.all())


class PaymentFilters(Schema):
    customer: Id | None = Field(None, description="Id du client")
    since: date | None = Field(None, description="Règlements de ce jour ou après")


class AllocationIn(Schema):
    reference: str = Field(..., min_length=1, max_length=35, description="Pièce de l'échéance")
    due_date: date = Field(..., description="Date d'échéance")
    amount: MoneyIn


class PaymentIn(Schema):
    customer_code: str = Field(..., min_length=1, max_length=17)
    external_key: str = Field(
        ..., min_length=1, max_length=120, description="Identifiant du règlement dans l'ERP"
    )
    date: date
    amount: MoneyIn
    reference: str = Field("", max_length=35)
    allocations: list[AllocationIn] = Field([], max_length=200)


class PaymentPush(Schema):
    items: list[PaymentIn] = Field(..., min_length=1, max_length=MAX_ITEMS)


@router.get("/", response=Page[PaymentOut], summary="Liste des règlements")
def list_payments(request, filters: Query[PaymentFilters], page: Query[PageParams]):
    payments = (
        Payment.objects.filter(company=actor(request).company)
        .select_related("customer")
        .prefetch_related(Prefetch("allocations", queryset=Allocation.objects.order_by("pk")))
    )
    if filters.customer is not None:
        payments = payments.filter(customer_id=filters.customer)
    if filters.since is not None:
        payments = payments.filter(date__gte=filters.since)
    return paginate(payments, page, order=("date", "pk"))


@router.post(
    "/bulk/",
    response=PushOut,
    summary="Enregistrer des règlements (responsable)",
    description="Idempotent : un règlement est reconnu par son client et son « external_key » ; "
    "déjà enregistré, il garde montant et date, ses imputations suivent l'envoi. Le reste dû "
    "des échéances imputées baisse d'autant. Tout ou rien.",
)
def bulk_payments(request, payload: PaymentPush):
    who = actor(request)
    items = [
        PaymentItem(
            customer_code=item.customer_code,
            external_key=item.external_key,
            date=item.date,
            amount=item.amount,
            reference=item.reference,
            allocations=[AllocationItem(**a.dict()) for a in item.allocations],
        )
        for item in payload.items
    ]
    result = push_payments(who.company, items, user=who.user, today=timezone.localdate())
    return result.as_dict()
