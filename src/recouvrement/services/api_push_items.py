"""What the API's pushes (services.api_push) read and answer: the items, their results, the
per item and field errors, and the import's writer narrowed to the pushed rows."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError

from recouvrement.db.models import Payment
from recouvrement.services.import_writer import ImportWriter

ZERO = Decimal("0")
MAX_ITEMS = 1000
LISTED_ERRORS = 50


@dataclass(frozen=True)
class ReceivableItem:
    customer_code: str
    reference: str
    piece_date: date
    due_date: date
    amount: Decimal
    open_amount: Decimal


@dataclass(frozen=True)
class AllocationItem:
    reference: str
    due_date: date
    amount: Decimal


@dataclass(frozen=True)
class PaymentItem:
    customer_code: str
    external_key: str
    date: date
    amount: Decimal
    reference: str = ""
    allocations: Sequence[AllocationItem] = ()


@dataclass
class ItemResult:
    index: int
    id: int | None
    status: str  # "created", "updated", "unchanged", "ignored"


@dataclass
class PushResult:
    items: list[ItemResult] = field(default_factory=list)
    dossiers_closed: list[str] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for item in self.items if item.status == status)

    def as_dict(self) -> dict:
        return {
            "created": self.count("created"),
            "updated": self.count("updated"),
            "unchanged": self.count("unchanged"),
            "ignored": self.count("ignored"),
            "dossiers_closed": self.dossiers_closed,
            "items": [vars(item) for item in self.items],
        }


class _Errors:
    """Per item and field errors, raised together (the first LISTED_ERRORS)."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def add(self, path: str, message: str) -> None:
        if len(self.errors) < LISTED_ERRORS:
            self.errors.setdefault(path, []).append(f"{path} : {message}")

    def raise_any(self) -> None:
        if self.errors:
            raise ValidationError(self.errors, code="push_invalid")


class PushWriter(ImportWriter):
    """The import's writer, matching only the pushed échéances and règlements."""

    def __init__(self, company, as_of, counts, *, receivable_ids=(), payment_keys=()) -> None:
        super().__init__(company, as_of, counts)
        self.receivable_ids = list(receivable_ids)
        self.payment_keys = list(payment_keys)

    def stored_receivables(self):
        return super().stored_receivables().filter(pk__in=self.receivable_ids)

    def stored_payments(self):
        """The payments of the pushed customers with one of the pushed keys (a few more than
        the pairs pushed: only the pairs are looked up)."""
        return Payment.objects.filter(
            company=self.company,
            customer_id__in={customer_id for customer_id, _ in self.payment_keys},
            external_key__in={key for _, key in self.payment_keys},
        )
