"""Read queries behind the screens: one function per list or page, a fixed number of queries."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import (
    DecimalField,
    Exists,
    Expression,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from recouvrement.db.dossier_list import DEFAULT_DOSSIER_ORDER, dossier_order
from recouvrement.db.functions import SearchKey, phone_digits
from recouvrement.db.models import (
    Allocation,
    Collaborator,
    Company,
    Contact,
    Dispute,
    Dossier,
    DossierReceivable,
    EcbRate,
    Intervention,
    JournalEntry,
    LegalRate,
    Receivable,
)
from recouvrement.db.models.disputes import DisputeStatus
from recouvrement.domain.balances import (
    CHARGED_STATUSES,
    DossierFigures,
    counts_as_charge,
    dossier_charges,
    dossier_figures,
)
from recouvrement.domain.customers import CustomerKind
from recouvrement.domain.penalties import late_paid_penalties, receivable_due
from recouvrement.domain.rules import RuleViolation
from recouvrement.domain.statuses import ActionType, DossierStatus, InterventionStatus
from recouvrement.domain.text import digits, search_key

TIMELINE_LENGTH = 200  # the dossier page shows the latest changes; the journal keeps all

# Wider than a MoneyField: a sum of many amounts must not overflow.
TOTAL = DecimalField(max_digits=16, decimal_places=2)
_ZERO = Value(Decimal("0.00"), output_field=TOTAL)


def _total_per_dossier(rows: QuerySet, amount: Expression, dossier: str = "pk") -> Coalesce:
    """`SUM(amount)` over `rows` of the outer dossier (the outer query's `dossier` column),
    as a correlated subquery.

    A subquery per figure rather than joins: joining the échéances and the interventions
    together would multiply each amount by the number of rows of the other table.
    """
    total = (
        rows.filter(dossier=OuterRef(dossier))
        .order_by()
        .values("dossier")
        .annotate(total=Sum(amount, output_field=TOTAL))
        .values("total")
    )
    return Coalesce(Subquery(total, output_field=TOTAL), _ZERO, output_field=TOTAL)


def _charges(dossier: str = "pk") -> ExpressionWrapper:
    """« Frais et pénalités » of the outer dossier: the rule of domain.balances, in SQL — the
    interventions done only (`CHARGED_STATUSES`), their fees add up, the latest penalty."""
    charged = Intervention.objects.filter(status__in=CHARGED_STATUSES)
    latest_penalty = Coalesce(
        Subquery(
            charged.filter(dossier=OuterRef(dossier), penalty_amount__gt=0)
            .order_by("-planned_date", "-pk")
            .values("penalty_amount")[:1],
            output_field=TOTAL,
        ),
        _ZERO,
        output_field=TOTAL,
    )
    return ExpressionWrapper(
        _total_per_dossier(charged, F("fee_amount"), dossier) + latest_penalty,
        output_field=TOTAL,
    )


def dossier_balance(dossier: str = "pk") -> ExpressionWrapper:
    """« Solde » of the outer query's dossier (its `dossier` column): open amount plus « Frais
    et pénalités », as `dossier_rows` and `dossier_balances` count it."""
    open_amount = _total_per_dossier(
        DossierReceivable.objects.all(), F("receivable__open_amount"), dossier
    )
    return ExpressionWrapper(open_amount + _charges(dossier), output_field=TOTAL)


def dossier_balances(dossier_ids: Iterable[int]) -> dict[int, Decimal]:
    """« Solde » of these dossiers (open amount plus « Frais et pénalités »), as the list and
    the page count it: the worklist's column (two queries, the rule of domain.balances)."""
    ids = list(dossier_ids)
    open_amounts = dict(
        DossierReceivable.objects.filter(dossier_id__in=ids)
        .values("dossier_id")
        .annotate(total=Sum("receivable__open_amount"))
        .values_list("dossier_id", "total")
    )
    charged: dict[int, list[tuple]] = defaultdict(list)
    for dossier_id, *row in (
        Intervention.objects.filter(dossier_id__in=ids, status__in=CHARGED_STATUSES)
        .filter(Q(fee_amount__gt=0) | Q(penalty_amount__gt=0))  # only the rows that charge
        .order_by()
        .values_list("dossier_id", "planned_date", "pk", "fee_amount", "penalty_amount")
    ):
        charged[dossier_id].append(row)
    return {
        pk: (open_amounts.get(pk) or Decimal("0.00"))
        + dossier_charges(
            (fee for *_, fee, _ in charged[pk]),
            ((day, n, penalty) for day, n, _, penalty in charged[pk] if penalty),
        )
        for pk in ids
    }


def dossier_rows(
    company: Company,
    *,
    status: DossierStatus | str | None = None,
    collector: Collaborator | int | None = None,
    priority: int | None = None,
    search: str = "",
    order: str = DEFAULT_DOSSIER_ORDER,
    in_dispute: bool = False,
) -> QuerySet[Dossier]:
    """The dossier list: client, chargé and the figures « Factures », « Règlements », « Solde ».

    Each row carries `invoices`, `payments`, `charges` and `balance` (Decimal); `search`
    matches the dossier number, the client code or the client name.
    """
    invoices = _total_per_dossier(DossierReceivable.objects.all(), F("receivable__amount"))
    open_amount = _total_per_dossier(DossierReceivable.objects.all(), F("receivable__open_amount"))
    rows = (
        Dossier.objects.filter(company=company)
        .select_related("customer", "collector")
        .annotate(invoices=invoices, charges=_charges())
        .alias(open_total=open_amount)
        .annotate(
            # Same arithmetic as domain.balances.DossierFigures, so list and page agree.
            payments=F("invoices") - F("open_total"),
            balance=F("open_total") + F("charges"),
        )
        .order_by(*dossier_order(order))
    )
    if priority is not None:
        rows = rows.filter(priority=priority)
    if in_dispute:  # B10: a litige still open
        open_dispute = Dispute.objects.filter(dossier=OuterRef("pk"), status=DisputeStatus.OPEN)
        rows = rows.filter(Exists(open_dispute))
    if status:
        rows = rows.filter(status=DossierStatus(status))
    if collector is not None:
        rows = rows.filter(collector=collector)
    if search := search.strip():
        rows = rows.alias(
            customer_name_key=SearchKey("customer__name"),
            customer_phone=phone_digits("customer__phone"),
        ).filter(search_filter(search))
    return rows


def search_filter(search: str) -> Q:
    """Dossiers found by `search`, accents and case ignored: the dossier number, the client's
    code, name, e-mail or phone, an invoice number of the dossier, a contact's name, e-mail or
    phone (a phone whatever its spaces or dots). The rows carry the aliases `dossier_rows`
    adds (`customer_name_key`, `customer_phone`)."""
    key = search_key(search)
    contacts = Contact.objects.annotate(
        last=SearchKey("last_name"), first=SearchKey("first_name")
    ).filter(customer_id=OuterRef("customer_id"))
    by_contact = Q(last__contains=key) | Q(first__contains=key) | Q(email__icontains=search)
    invoices = DossierReceivable.objects.filter(
        dossier_id=OuterRef("pk"), receivable__reference__icontains=search
    )
    found = (
        Q(number__icontains=search)
        | Q(customer__code__icontains=search)
        | Q(customer_name_key__contains=key)
        | Q(customer__email__icontains=search)
        | Exists(invoices)
    )
    number = digits(search)
    if len(number) >= 4 and len(number) * 2 >= len(search.replace(" ", "")):  # a phone number
        found |= Q(customer_phone__contains=number)
        by_contact |= Q(phone_digits__contains=number)
        contacts = contacts.annotate(phone_digits=phone_digits("phone"))
    return found | Q(Exists(contacts.filter(by_contact)))


@dataclass(frozen=True)
class LatePaidRow:
    """An échéance settled after its due date, as the dossier page lists it."""

    reference: str
    due_date: date
    paid_on: date  # its last payment
    days_late: int
    amount: Decimal  # what was still due at the due date
    penalties: Decimal


@dataclass(frozen=True)
class LatePaidSection:
    """« Pénalités sur factures réglées en retard »: L441-10 penalties and the 40 € the
    invoices settled late still owe (B2B), whether the company's letters claim them or not."""

    rows: tuple[LatePaidRow, ...] = ()
    penalties: Decimal = Decimal("0.00")
    indemnity: Decimal = Decimal("0.00")
    claimed: bool = False
    reason: str = ""  # why they could not be computed (a rate not entered)

    @property
    def total(self) -> Decimal:
        return self.penalties + self.indemnity


@dataclass(frozen=True)
class DossierPage:
    """Everything the dossier page shows, read in three queries (two more for the rates
    when invoices were settled late)."""

    dossier: Dossier
    receivables: list[Receivable]
    interventions: list[Intervention]
    figures: DossierFigures
    journal: list[JournalEntry]  # « Historique », newest first
    allocations: list[Allocation]  # the règlements paid on its échéances, oldest first
    late_paid: LatePaidSection | None = None  # None: no invoice owes anything for being late


def dossier_page(company: Company, pk: int) -> DossierPage:
    """The dossier `pk` of `company`; raises `Dossier.DoesNotExist` for any other dossier."""
    dossier = Dossier.objects.select_related(
        "company", "customer", "collector", "contact", "scenario", "dispute_reason", "resolution"
    ).get(company=company, pk=pk)
    receivables = list(
        Receivable.objects.filter(links__dossier=dossier).order_by("due_date", "reference", "pk")
    )
    interventions = list(
        Intervention.objects.filter(dossier=dossier)
        .select_related("step", "contact", "user__collaborator", "document")
        .order_by("planned_date", "id")
    )
    charged = [i for i in interventions if counts_as_charge(i.status)]
    charges = dossier_charges(
        (i.fee_amount for i in charged),
        ((i.planned_date, i.pk, i.penalty_amount) for i in charged if i.penalty_amount),
    )
    figures = dossier_figures(((r.amount, r.open_amount) for r in receivables), [charges])
    journal = list(
        JournalEntry.objects.filter(dossier=dossier)
        .select_related("user")
        .order_by("-at", "-id")[:TIMELINE_LENGTH]
    )
    allocations = list(
        Allocation.objects.filter(receivable__in=receivables)
        .select_related("payment", "receivable")
        .order_by("payment__date", "pk")
    )
    late_paid = _late_paid(dossier, receivables, interventions, allocations)
    return DossierPage(
        dossier, receivables, interventions, figures, journal, allocations, late_paid
    )


def _late_paid(
    dossier: Dossier,
    receivables: list[Receivable],
    interventions: list[Intervention],
    allocations: list[Allocation],
) -> LatePaidSection | None:
    """What the échéances settled after their due date still owe, by the rules the letters
    apply (`domain.penalties.late_paid_penalties`)."""
    customer, company = dossier.customer, dossier.company
    paid: dict[int, list[tuple[date, Decimal]]] = defaultdict(list)
    for allocation in allocations:
        paid[allocation.receivable_id].append((allocation.payment.date, allocation.amount))
    dues = [
        receivable_due(r.open_amount, r.due_date, r.reference, paid[r.pk])
        for r in receivables
        if r.open_amount <= 0
    ]
    dues = [due for due in dues if due.paid_late]
    if not dues or customer.excluded_from_penalties:
        return None
    notices = [
        i.done_date
        for i in interventions
        if i.status == InterventionStatus.DONE
        and ActionType(i.action_type or ActionType.TASK).is_formal_notice
    ]
    today = timezone.localdate()
    try:
        result = late_paid_penalties(
            dues,
            CustomerKind(customer.kind),
            ecb=EcbRate.table(),
            legal=LegalRate.table(),
            contractual_rate=customer.contractual_penalty_rate or company.contractual_penalty_rate,
            formal_notice_date=min(notices, default=None),
            # An invoice still open and late owes its 40 € with the open échéances.
            charged_invoices=frozenset(
                r.reference for r in receivables if r.open_amount > 0 and r.due_date < today
            ),
        )
    except RuleViolation as violation:
        return LatePaidSection(claimed=company.claim_late_paid_penalties, reason=violation.message)
    if not result.total:
        return None  # a consumer paid before any formal notice: nothing is owed
    rows = tuple(
        LatePaidRow(
            reference=detail.receivable.invoice,
            due_date=detail.receivable.due_date,
            paid_on=detail.receivable.payments[-1][0],
            days_late=detail.days_late,
            amount=detail.receivable.amount_due,
            penalties=detail.interest.total,
        )
        for detail in result.details
    )
    return LatePaidSection(
        rows, result.penalties, result.indemnity, company.claim_late_paid_penalties
    )
