"""B4's writes: the company's échéances, règlements and allocations read as plain values, the
changes `imports.reconcile` finds written in bulk, and each moved dossier journaled.

Used by `services.imports` inside its one transaction; it checks nothing itself.
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Sum
from django.utils import timezone

from recouvrement.db.models import (
    Allocation,
    Company,
    Dossier,
    DossierReceivable,
    JournalEntry,
    Origin,
    Payment,
    Receivable,
)
from recouvrement.imports import ImportPlan, PlannedReceivable
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
from recouvrement.services.journal import journal_entry

CHUNK = 900  # ids per IN (…) list: under SQLite's limit on query parameters
BATCH = 500


class ImportWriter:
    """Writes one plan for one company; `counts` receives what changed (an `ImportReport`)."""

    def __init__(self, company: Company, as_of: date, counts) -> None:
        self.company, self.as_of, self.counts = company, as_of, counts
        self.touched: set[int] = set()  # échéances whose amounts or allocations moved
        self.before: dict[int, Decimal] = {}  # échéance → its open amount before the file

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
                Receivable.objects.filter(company=self.company).values_list(
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
        stored = {
            (customer_id, key): pk
            for pk, customer_id, key in Payment.objects.filter(
                company=self.company, origin=Origin.IMPORT
            )
            .exclude(external_key="")
            .values_list("id", "customer_id", "external_key")
        }
        allocated: dict[int, dict[int, Decimal]] = defaultdict(dict)
        for payment_id, receivable_id, amount in Allocation.objects.filter(
            payment__company=self.company, payment__origin=Origin.IMPORT
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
        for dossier in Dossier.objects.filter(pk__in=list(moves)):
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
        JournalEntry.objects.bulk_create(entries)
        return list(moves)


def in_chunks(queryset, name: str, values: list) -> Iterable:
    """The rows whose `name` is one of `values`, a few hundred ids per query."""
    for start in range(0, len(values), CHUNK):
        yield from queryset.filter(**{f"{name}__in": values[start : start + CHUNK]})
