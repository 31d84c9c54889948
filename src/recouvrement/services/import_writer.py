"""B4's writes: the company's échéances, règlements and allocations read as plain values, the
changes `imports.reconcile` finds written in bulk, and each moved dossier journaled.

Used by `services.imports` inside its one transaction; it checks nothing itself.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Sum
from django.utils import timezone

from recouvrement.db.models import (
    Allocation,
    Company,
    Customer,
    Dossier,
    DossierReceivable,
    Origin,
    Payment,
    Receivable,
)
from recouvrement.domain.customers import MAX_PAYMENT_TERMS_DAYS, CustomerKind, check_payment_terms
from recouvrement.domain.rules import RuleViolation
from recouvrement.imports import ImportPlan, PlannedReceivable
from recouvrement.imports.customers import CustomerProposal, propose_customer
from recouvrement.imports.reconcile import (
    NOTED_PAYMENT,
    Customers,
    Row,
    dossier_moves,
    gaps,
    move_message,
    reconcile_payments,
    reconcile_receivables,
    take_back,
)
from recouvrement.services.journal import journal_entry, save_entries

CHUNK = 900  # ids per IN (…) list: under SQLite's limit on query parameters
BATCH = 500
MAX_TERMS = MAX_PAYMENT_TERMS_DAYS  # days: a payment term beyond a year is a typing error
KINDS = frozenset(kind.value for kind in CustomerKind)


@dataclass(frozen=True)
class CustomerChoice:
    """What the manager chose for one new customer before importing; None: the proposal."""

    kind: str = ""  # "b2b" or "b2c"; "" keeps the proposal (B2B, or « à vérifier »)
    payment_terms_days: int | None = None  # None: the company's default
    excluded: bool | None = None  # None: excluded when the import says it is not a debtor


@dataclass(frozen=True)
class CustomerChoices:
    """The manager's choices for the file's new customers; the customers left « à vérifier »
    (no company in their name, no choice) are created with `unchecked_kind`."""

    customers: Mapping[str, CustomerChoice] = field(default_factory=dict)
    unchecked_kind: str = CustomerKind.B2C.value  # no penalty nor 40 € claimed until checked


@dataclass(frozen=True)
class NewCustomer:
    """A customer the import creates: what it proposed, and what it applies."""

    proposal: CustomerProposal
    kind: str
    payment_terms_days: int
    excluded: bool
    chosen: bool  # its kind chosen by the manager

    @property
    def to_check(self) -> bool:
        """Followed, and created with the default for « à vérifier »: nobody has told its
        kind (an excluded account's kind matters to nobody)."""
        return not self.chosen and not self.proposal.kind and not self.excluded

    def as_json(self) -> dict:
        proposal = self.proposal
        return {
            "code": proposal.code,
            "name": proposal.name,
            "kind": self.kind,
            "to_check": self.to_check,
            "kind_reason": proposal.kind_reason,
            "payment_terms_days": self.payment_terms_days,
            "excluded": self.excluded,
            "exclusion_reason": proposal.exclusion_reason,
        }


def check_choices(choices: CustomerChoices) -> None:
    """Kinds among B2B / B2C, payment terms from 0 to 365 days (RuleViolation otherwise)."""
    if choices.unchecked_kind not in KINDS:
        raise RuleViolation(
            f"Type « {choices.unchecked_kind} » inconnu pour les clients à vérifier (b2b ou b2c).",
            "import_customer_kind",
        )
    for code, choice in choices.customers.items():
        if choice.kind and choice.kind not in KINDS:
            raise RuleViolation(
                f"Client {code} : type « {choice.kind} » inconnu (b2b ou b2c).",
                "import_customer_kind",
            )
        terms = choice.payment_terms_days
        if terms is not None and not 0 <= terms <= MAX_TERMS:
            raise RuleViolation(
                f"Client {code} : délai de paiement de {terms} jours hors des bornes "
                f"(0 à {MAX_TERMS} jours).",
                "import_customer_terms",
            )


def _check_stored_terms(code: str, terms: int) -> None:
    """A customer's terms stored before they were bounded (99 999 999 999 days) would put its
    due dates past year 9999: the import stops and says which customer to correct."""
    try:
        check_payment_terms(terms)
    except RuleViolation:
        raise RuleViolation(
            f"Client {code} : délai de paiement de {terms} jours hors des bornes (0 à "
            f"{MAX_TERMS} jours) ; corrigez-le dans « Structure › Clients », puis importez "
            "de nouveau.",
            "import_customer_terms",
        ) from None


class ImportWriter:
    """Writes one plan for one company; `counts` receives what changed (an `ImportReport`)."""

    def __init__(self, company: Company, as_of: date, counts) -> None:
        self.company, self.as_of, self.counts = company, as_of, counts
        self.touched: set[int] = set()  # échéances whose amounts or allocations moved
        self.before: dict[int, Decimal] = {}  # échéance → its open amount before the file

    def stored_receivables(self):  # all: a file is the whole ledger (api_push narrows it)
        return Receivable.objects.filter(company=self.company)

    def stored_payments(self):  # those a planned one may already be (customer, external key)
        return Payment.objects.filter(company=self.company, origin=Origin.IMPORT)

    def customers(self, plan: ImportPlan, choices: CustomerChoices) -> Customers:
        """Code → (id, payment terms in days); the file's unknown customers are created with
        what the manager chose, else what the import proposes (B2B when the name shows a
        company, excluded when the account is not a debtor) and the company's default terms.
        The report's `new_customers` lists them."""
        company = self.company
        known = {
            code: (pk, terms)
            for code, pk, terms in Customer.objects.filter(company=company).values_list(
                "code", "id", "payment_terms_days"
            )
        }
        created = []
        for code, name in plan.customers.items():
            if code in known:
                _check_stored_terms(code, known[code][1])
                continue
            proposal = propose_customer(code, name or code, collective=code in plan.collective)
            choice = choices.customers.get(code) or CustomerChoice()
            terms = choice.payment_terms_days
            created.append(
                NewCustomer(
                    proposal,
                    kind=choice.kind or proposal.kind or choices.unchecked_kind,
                    payment_terms_days=company.default_payment_terms_days
                    if terms is None
                    else terms,
                    excluded=proposal.excluded if choice.excluded is None else choice.excluded,
                    chosen=bool(choice.kind),
                )
            )
        customers = Customer.objects.bulk_create(
            [
                Customer(
                    company=company,
                    code=new.proposal.code,
                    name=new.proposal.name,
                    kind=new.kind,
                    payment_terms_days=new.payment_terms_days,
                    excluded_from_collection=new.excluded,
                )
                for new in created
            ],
            batch_size=BATCH,
        )
        for customer in customers:
            known[customer.code] = (customer.pk, customer.payment_terms_days)
        self.counts.new_customers = created
        return known

    def receivables(
        self, planned: list[PlannedReceivable], customers: Customers
    ) -> dict[PlannedReceivable, Row]:
        """Create, update or close the échéances; returns planned item → row (with its id)."""
        existing = [
            Row(
                pk,
                customer_id,
                reference,
                piece_date,
                due,
                amount,
                open_amount,
                origin == Origin.IMPORT,
            )  # fmt: skip
            for pk, customer_id, reference, piece_date, due, amount, open_amount, origin in (
                self.stored_receivables().values_list(
                    "id",
                    "customer_id",
                    "reference",
                    "piece_date",
                    "due_date",
                    "amount",
                    "open_amount",
                    "origin",
                )
            )
        ]
        changes = reconcile_receivables(existing, planned, customers, self.as_of)
        created = Receivable.objects.bulk_create(
            [
                Receivable(
                    company=self.company,
                    customer_id=r.customer_id,
                    reference=r.reference,
                    piece_date=r.piece_date,
                    due_date=r.due_date,
                    amount=r.amount,
                    open_amount=r.open_amount,
                    origin=Origin.IMPORT,
                )
                for r in changes.new
            ],
            batch_size=BATCH,
        )
        for row, receivable in zip(changes.new, created, strict=True):
            row.pk = receivable.pk
        Receivable.objects.bulk_update(
            [
                Receivable(
                    pk=r.pk, amount=r.amount, open_amount=r.open_amount, origin=Origin.IMPORT
                )
                for r in changes.changed
            ],
            ["amount", "open_amount", "origin"],
            batch_size=BATCH,
        )
        self.before.update(changes.before)
        self.touched.update(changes.before, (r.pk for r in changes.new))
        self.counts.receivables_created = len(changes.new)
        self.counts.receivables_updated += changes.updated
        self.counts.receivables_closed += changes.closed
        return changes.rows

    def payments(
        self, plan: ImportPlan, customers: Customers, rows: dict[PlannedReceivable, Row]
    ) -> None:
        """Record the file's payments once each; their allocations follow the file's lettering."""
        payments = self.stored_payments()
        stored = {
            (customer_id, key): pk
            for pk, customer_id, key in payments.exclude(external_key="").values_list(
                "id", "customer_id", "external_key"
            )
        }
        allocated: dict[int, dict[int, Decimal]] = defaultdict(dict)
        for payment_id, receivable_id, amount in Allocation.objects.filter(
            payment__in=payments
        ).values_list("payment_id", "receivable_id", "amount"):
            allocated[payment_id][receivable_id] = amount
        changes = reconcile_payments(plan.payments, customers, rows, stored, allocated)
        created = Payment.objects.bulk_create(
            [
                Payment(
                    company=self.company,
                    customer_id=new.customer_id,
                    date=new.planned.date,
                    amount=new.planned.amount,
                    reference=new.planned.reference[:35],
                    origin=Origin.IMPORT,
                    external_key=new.planned.key[:120],
                )
                for new in changes.new
            ],
            batch_size=BATCH,
        )
        allocations = [
            Allocation(payment_id=pk, receivable_id=r, amount=a)
            for pk, wanted in changes.relettered.items()
            for r, a in wanted.items()
        ]
        for payment, new in zip(created, changes.new, strict=True):
            allocations.extend(
                Allocation(payment_id=payment.pk, receivable_id=r, amount=a)
                for r, a in new.allocations.items()
            )
        replaced = list(changes.relettered)
        for start in range(0, len(replaced), CHUNK):
            Allocation.objects.filter(payment_id__in=replaced[start : start + CHUNK]).delete()
        Allocation.objects.bulk_create(allocations, batch_size=BATCH)
        self.touched.update(changes.touched)
        self.counts.payments = len(changes.new)

    def fill_gaps(self) -> None:
        """Each touched échéance's allocations add up to what was paid on it: what the file
        shows paid without a payment (a CSV, an échéance gone) becomes a « Règlement constaté »
        on the file's date; allocations beyond it (an échéance reopened) are taken back."""
        noted, excesses = gaps(
            in_chunks(
                Receivable.objects.annotate(allocated=Sum("allocations__amount")).values_list(
                    "id", "customer_id", "amount", "open_amount", "allocated"
                ),
                "pk",
                list(self.touched),
            )
        )
        for receivable_id, excess in excesses:
            self._take_back(receivable_id, excess)
        payments = Payment.objects.bulk_create(
            [
                Payment(
                    company=self.company,
                    customer_id=gap.customer_id,
                    date=self.as_of,
                    amount=gap.amount,
                    reference=NOTED_PAYMENT,
                    origin=Origin.IMPORT,
                    external_key=gap.key(self.as_of),
                )
                for gap in noted
            ],
            batch_size=BATCH,
        )
        Allocation.objects.bulk_create(
            [
                Allocation(payment=payment, receivable_id=gap.receivable_id, amount=gap.amount)
                for payment, gap in zip(payments, noted, strict=True)
            ],
            batch_size=BATCH,
        )
        self.counts.payments += len(noted)

    @staticmethod
    def _take_back(receivable_id: int, excess: Decimal) -> None:
        allocations = Allocation.objects.filter(receivable_id=receivable_id).order_by(
            "-payment__date", "-pk"
        )
        for pk, left in take_back(allocations.values_list("pk", "amount"), excess):
            if left:
                Allocation.objects.filter(pk=pk).update(amount=left)
            else:
                Allocation.objects.filter(pk=pk).delete()

    def follow_dossiers(self, user: AbstractBaseUser | None) -> list[int]:
        """A journal row on each open dossier whose échéances moved; returns those dossiers."""
        links = in_chunks(
            DossierReceivable.objects.filter(is_active=True).values_list(
                "dossier_id", "receivable_id", "receivable__open_amount"
            ),
            "receivable_id",
            list(self.before),
        )
        moves = dossier_moves(links, self.before)
        if not moves:
            return []
        at = timezone.now()
        entries = []
        # Locked before their journal rows (which take the company's journal head): the
        # import closes some of them next, and locks are taken dossiers first, journal after.
        for dossier in (
            Dossier.objects.filter(pk__in=list(moves)).order_by("pk").select_for_update()
        ):
            message, old, new = move_message(self.as_of, moves[dossier.pk])
            entries.append(
                journal_entry(
                    dossier,
                    "receivables_imported",
                    message,
                    user=user,
                    before={"open_amount": str(old)},
                    after={"open_amount": str(new)},
                    at=at,
                )
            )
        save_entries(entries)
        return list(moves)


def in_chunks(queryset, name: str, values: list) -> Iterable:
    """The rows whose `name` is one of `values`, a few hundred ids per query."""
    for start in range(0, len(values), CHUNK):
        yield from queryset.filter(**{f"{name}__in": values[start : start + CHUNK]})
