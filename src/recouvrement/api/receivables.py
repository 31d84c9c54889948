"""The API's échéances (issue 14 §3): everyone of the company reads them (as the customer
page); a « Responsable recouvrement » pushes them in bulk (services.api_push, as
« Importer »), idempotent on (customer code, pièce, échéance date)."""

from datetime import date

from django.utils import timezone
from ninja import Field, Query, Router, Schema

from recouvrement.api.auth import actor
from recouvrement.api.fields import Id, Money, MoneyIn
from recouvrement.api.pagination import Page, PageParams, paginate
from recouvrement.db.models import Receivable
from recouvrement.services.api_push import push_receivables
from recouvrement.services.api_push_items import MAX_ITEMS, ReceivableItem

router = Router(tags=["Échéances"])


class ReceivableOut(Schema):
    id: int
    customer_id: int
    customer_code: str
    reference: str
    piece_date: date
    due_date: date
    amount: Money
    open_amount: Money
    currency: str
    origin: str

    @staticmethod
    def resolve_customer_code(item) -> str:
        return item.customer.code


class ReceivableFilters(Schema):
    customer: Id | None = Field(None, description="Id du client")
    open: bool | None = Field(None, description="true : reste dû > 0 ; false : soldées")
    due_before: date | None = Field(None, description="Échéance au plus tard ce jour")


class ReceivableIn(Schema):
    customer_code: str = Field(..., min_length=1, max_length=17)
    reference: str = Field(..., min_length=1, max_length=35, description="N° de pièce")
    piece_date: date
    due_date: date
    amount: MoneyIn
    open_amount: MoneyIn = Field(..., description="Reste dû (0 : soldée)")


class ReceivablePush(Schema):
    items: list[ReceivableIn] = Field(..., min_length=1, max_length=MAX_ITEMS)


class ItemResultOut(Schema):
    index: int
    id: int | None
    status: str = Field(..., description="created, updated, unchanged ou ignored")


class PushOut(Schema):
    created: int
    updated: int
    unchanged: int
    ignored: int
    dossiers_closed: list[str]
    items: list[ItemResultOut]


@router.get("/", response=Page[ReceivableOut], summary="Liste des échéances")
def list_receivables(request, filters: Query[ReceivableFilters], page: Query[PageParams]):
    receivables = Receivable.objects.filter(company=actor(request).company).select_related(
        "customer"
    )
    if filters.customer is not None:
        receivables = receivables.filter(customer_id=filters.customer)
    if filters.open is True:
        receivables = receivables.filter(open_amount__gt=0)
    elif filters.open is False:
        receivables = receivables.filter(open_amount=0)
    if filters.due_before is not None:
        receivables = receivables.filter(due_date__lte=filters.due_before)
    return paginate(receivables, page, order=("due_date", "pk"))


@router.post(
    "/bulk/",
    response=PushOut,
    summary="Créer ou mettre à jour des échéances (responsable)",
    description="Idempotent : une échéance est reconnue par son client, sa pièce et sa date "
    "d'échéance. Comme à l'import comptable, un montant ne diminue jamais (un avoir baisse le "
    "reste dû) et une échéance inconnue déjà soldée est ignorée. Tout ou rien.",
)
def bulk_receivables(request, payload: ReceivablePush):
    who = actor(request)
    items = [ReceivableItem(**item.dict()) for item in payload.items]
    result = push_receivables(who.company, items, user=who.user, today=timezone.localdate())
    return result.as_dict()
