"""Read queries behind « Fiche client » and its « Relevé de compte »: one customer of a
company, its échéances, dossiers, règlements and journal, in a fixed number of queries."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import DecimalField, F, Q, QuerySet, Subquery, Sum, Value
from django.db.models.expressions import OuterRef
from django.db.models.functions import Coalesce

from recouvrement.db.models import (
    Allocation,
    Company,
    Contact,
    Customer,
    Dossier,
    DossierReceivable,
    JournalEntry,
    Payment,
    Receivable,
)
from recouvrement.db.queries import dossier_rows
from recouvrement.domain import audit
from recouvrement.domain.balances import days_overdue

ZERO = Decimal("0.00")
JOURNAL_LENGTH = 200  # the page shows the latest rows; the journal keeps all
# What the page counts in a SUM: wider than a MoneyField, a sum of many amounts must fit.
TOTAL = DecimalField(max_digits=16, decimal_places=2)


@dataclass(frozen=True)
class OpenItem:
    """An échéance still (partly) unpaid, with the open dossier that follows it if any."""

    receivable: Receivable
    open_amount: Decimal  # what remained due at the date asked (today: `receivable.open_amount`)
    days_overdue: int
    dossier_id: int | None
    dossier_number: str


@dataclass(frozen=True)
class OpenItems:
    """The open échéances at a date, oldest due first, and their totals."""

    rows: list[OpenItem]
    as_of: date

    @property
    def amount(self) -> Decimal:
        return sum((item.receivable.amount for item in self.rows), ZERO)

    @property
    def open_amount(self) -> Decimal:
        return sum((item.open_amount for item in self.rows), ZERO)

    @property
    def overdue_amount(self) -> Decimal:
        """The part already due (« échu »): what a letter would claim."""
        return sum((item.open_amount for item in self.rows if item.days_overdue), ZERO)


@dataclass(frozen=True)
class PaymentRow:
    payment: Payment
    allocations: list[Allocation]  # oldest échéance first

    @property
    def allocated(self) -> Decimal:
        return sum((a.amount for a in self.allocations), ZERO)

    @property
    def unallocated(self) -> Decimal:
        return self.payment.amount - self.allocated


@dataclass(frozen=True)
class CustomerPage:
    customer: Customer
    contacts: list[Contact]
    open_items: OpenItems
    dossiers: list[Dossier]  # `dossier_rows`' figures: invoices, payments, charges, balance
    payments: list[PaymentRow]  # newest first
    journal: list[JournalEntry]  # newest first, at most JOURNAL_LENGTH
    journal_count: int  # every row concerning the customer

    @property
    def dossiers_balance(self) -> Decimal:
        return sum((d.balance for d in self.dossiers), ZERO)

    @property
    def open_dossiers(self) -> list[Dossier]:
        return [d for d in self.dossiers if d.status_enum.is_open]

    @property
    def payments_amount(self) -> Decimal:
        return sum((row.payment.amount for row in self.payments), ZERO)

    @property
    def payments_unallocated(self) -> Decimal:
        return sum((row.unallocated for row in self.payments), ZERO)


def company_customer(company: Company, pk: int) -> Customer:
    """The customer `pk` of `company`; raises `Customer.DoesNotExist` for any other."""
    return Customer.objects.select_related("company", "default_collector").get(
        company=company, pk=pk
    )


def open_items(customer: Customer, as_of: date, *, today: date) -> OpenItems:
    """The échéances open at `as_of`, with the open dossier following each today. Today or
    later: those with a « reste dû ». Earlier: those issued by then and not settled by then
    (the règlements dated later are taken back; the imports record every amount paid as a
    règlement). One query."""
    rows = Receivable.objects.filter(customer=customer)
    if as_of < today:
        paid_later = Coalesce(
            Sum(
                "allocations__amount",
                filter=Q(allocations__payment__date__gt=as_of),
                output_field=TOTAL,
            ),
            Value(ZERO, output_field=TOTAL),
            output_field=TOTAL,
        )
        rows = rows.filter(piece_date__lte=as_of).annotate(due_then=F("open_amount") + paid_later)
    else:
        rows = rows.annotate(due_then=F("open_amount"))
    active = DossierReceivable.objects.filter(receivable=OuterRef("pk"), is_active=True)
    rows = (
        rows.annotate(
            open_dossier_id=Subquery(active.values("dossier_id")[:1]),
            open_dossier_number=Subquery(active.values("dossier__number")[:1]),
        )
        .filter(due_then__gt=0)
        .order_by("due_date", "reference", "pk")
    )
    return OpenItems(
        [
            OpenItem(
                receivable=r,
                open_amount=r.due_then,
                days_overdue=days_overdue(r.due_date, as_of),
                dossier_id=r.open_dossier_id,
                dossier_number=r.open_dossier_number or "",
            )
            for r in rows
        ],
        as_of,
    )


def _payments(customer: Customer) -> list[PaymentRow]:
    allocations: dict[int, list[Allocation]] = defaultdict(list)
    for allocation in (
        Allocation.objects.filter(payment__customer=customer)
        .select_related("receivable")
        .order_by("receivable__due_date", "receivable__reference", "pk")
    ):
        allocations[allocation.payment_id].append(allocation)
    payments = Payment.objects.filter(customer=customer).order_by("-date", "-pk")
    return [PaymentRow(payment, allocations[payment.pk]) for payment in payments]


def _company_rows(customer: Customer) -> QuerySet[JournalEntry]:
    """The company-level rows about the customer: created, changed (« Structure › Clients »)
    and each customers' file import that created or changed it."""
    about = Q(action__in=(audit.CUSTOMER_CREATED, audit.CUSTOMER_CHANGED)) & Q(
        after__customer_id=customer.pk
    )
    imported = Q(action=audit.CUSTOMERS_IMPORTED) & (
        Q(after__changes__has_key=customer.code)
        | Q(after__created_codes__icontains=f'"{customer.code}"')
    )
    return JournalEntry.objects.filter(
        Q(company=customer.company_id, dossier__isnull=True) & (about | imported)
    )


def _mentions(entry: JournalEntry, customer: Customer) -> bool:
    """Whether a row the SQL picked does name the customer (`icontains` is a text match)."""
    if entry.action != audit.CUSTOMERS_IMPORTED:
        return True
    after = entry.after if isinstance(entry.after, dict) else {}
    return customer.code in (after.get("changes") or {}) or customer.code in (
        after.get("created_codes") or []
    )


def customer_journal(
    customer: Customer, dossier_ids: list[int], limit: int = JOURNAL_LENGTH
) -> tuple[list[JournalEntry], int]:
    """The latest `limit` rows concerning the customer (its dossiers' and the company's rows
    about it), newest first, and how many there are in all. Three queries."""
    by_dossier = JournalEntry.objects.filter(dossier_id__in=dossier_ids)
    latest = list(by_dossier.select_related("user", "dossier").order_by("-at", "-id")[:limit])
    count = by_dossier.count() if len(latest) == limit else len(latest)
    about = [
        entry
        for entry in _company_rows(customer).select_related("user").order_by("-at", "-id")
        if _mentions(entry, customer)
    ]
    rows = sorted([*latest, *about], key=lambda e: (e.at, e.pk), reverse=True)
    return rows[:limit], count + len(about)


def customer_page(company: Company, pk: int, *, today: date) -> CustomerPage:
    """Everything « Fiche client » shows, read in eight queries whatever the customer's size;
    raises `Customer.DoesNotExist` for a customer of another company."""
    customer = company_customer(company, pk)
    contacts = list(Contact.objects.filter(customer=customer).order_by("last_name", "first_name"))
    dossiers = list(dossier_rows(company).filter(customer=customer))
    journal, journal_count = customer_journal(customer, [d.pk for d in dossiers])
    return CustomerPage(
        customer=customer,
        contacts=contacts,
        open_items=open_items(customer, today, today=today),
        dossiers=dossiers,
        payments=_payments(customer),
        journal=journal,
        journal_count=journal_count,
    )
