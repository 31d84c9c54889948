"""B4: an accounting file in — customers, échéances and règlements follow it, and so do the
dossiers (closed « Payé » when nothing is left) and the promises (kept or broken by the money).

The file is a snapshot on its date (« arrêté au »): what it lists as open is open, what it
lists as settled is closed by the payments it shows, and an imported échéance it no longer
lists at all has been paid in the meantime (a payment « Règlement constaté » records it). One
transaction: a file with one rejected line imports nothing, and a preview is the same run
rolled back. Importing the same file twice changes nothing the second time.
"""

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import BinaryIO

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Count, Max, Q, Sum
from django.utils import timezone

from recouvrement.db.models import (
    AccountingImport,
    Allocation,
    Company,
    Customer,
    Dossier,
    DossierReceivable,
    JournalEntry,
    Origin,
    Payment,
    Receivable,
    Resolution,
)
from recouvrement.db.models.imports import ImportFormat, ImportStatus
from recouvrement.domain.customers import CustomerKind
from recouvrement.domain.money import format_amount
from recouvrement.domain.rules import RuleViolation
from recouvrement.domain.statuses import DossierStatus
from recouvrement.imports import (
    CsvMapping,
    ImportPlan,
    LineError,
    PlannedReceivable,
    plan_fec,
    plan_open_items,
    read_fec,
    read_open_items_csv,
)
from recouvrement.imports.fields import header_key
from recouvrement.imports.plan import CUSTOMER_PREFIXES
from recouvrement.services.actors import require_manager
from recouvrement.services.dossiers import close_dossier
from recouvrement.services.journal import journal_entry
from recouvrement.services.promises import settle_promises
from recouvrement.services.use_case import rule_errors, use_case

ZERO = Decimal("0")
CENT = Decimal("0.01")
PAID_RESOLUTION = "Payé"
NOTED_PAYMENT = "Règlement constaté"
CHUNK = 900  # ids per IN (…) list: under SQLite's limit on query parameters


@dataclass(frozen=True)
class ImportOptions:
    file_format: str | None = None  # "fec", "csv", or None to tell from the first line
    as_of: date | None = None  # FEC: lines after it left out; default the file's last date
    mapping: CsvMapping | None = None  # CSV columns (default: imports.CsvMapping())
    file_name: str = ""
    accounts: tuple[str, ...] = CUSTOMER_PREFIXES  # FEC: the customer accounts' prefixes


@dataclass
class ImportReport:
    file_format: str
    dry_run: bool
    lines: int = 0
    as_of: date | None = None
    customers: int = 0  # in the file
    customers_created: int = 0
    receivables_created: int = 0
    receivables_updated: int = 0
    receivables_closed: int = 0
    payments: int = 0  # règlements recorded
    dossiers_closed: list[str] = field(default_factory=list)
    promises_kept: int = 0
    promises_broken: int = 0
    open_receivables: int = 0  # the company's open échéances after the import
    open_amount: Decimal = ZERO
    errors: list[LineError] = field(default_factory=list)
    rejected_lines: int = 0
    already_imported: str = ""  # the date of an earlier import of the very same file

    @property
    def applied(self) -> bool:
        return not self.dry_run and not self.rejected_lines

    @property
    def changes(self) -> int:
        return (
            self.customers_created
            + self.receivables_created
            + self.receivables_updated
            + self.receivables_closed
            + self.payments
        )

    def as_json(self) -> dict:
        return {
            "format": self.file_format,
            "dry_run": self.dry_run,
            "applied": self.applied,
            "lines": self.lines,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "customers": self.customers,
            "customers_created": self.customers_created,
            "receivables_created": self.receivables_created,
            "receivables_updated": self.receivables_updated,
            "receivables_closed": self.receivables_closed,
            "open_receivables": self.open_receivables,
            "open_amount": str(self.open_amount),
            "payments": self.payments,
            "dossiers_closed": len(self.dossiers_closed),
            "dossiers_closed_numbers": self.dossiers_closed,
            "promises_kept": self.promises_kept,
            "promises_broken": self.promises_broken,
            "rejected_lines": self.rejected_lines,
        }


def detect_format(stream: BinaryIO) -> str:
    """FEC when the first line names `JournalCode`, else a CSV of open items."""
    start = stream.tell()
    head = stream.readline(64 * 1024)
    stream.seek(start)
    text = head.decode("latin-1")
    return ImportFormat.FEC if "journalcode" in header_key(text) else ImportFormat.CSV


def read_plan(
    stream: BinaryIO, options: ImportOptions, known: set[tuple[str, str]] | None = None
) -> tuple[str, ImportPlan]:
    """Read and check the whole file: its format and its plan. `known`: the (customer code,
    reference) of the open échéances, whose settlement the plan must keep."""
    file_format = options.file_format or detect_format(stream)
    if file_format == ImportFormat.FEC:
        rows = read_fec(stream, accounts=options.accounts)
        keep = None if known is None else (lambda code, ref: (code, ref) in known)
        plan = plan_fec(rows, as_of=options.as_of, prefixes=options.accounts, keep_settled=keep)
        return file_format, plan
    if file_format == ImportFormat.CSV:
        return file_format, plan_open_items(read_open_items_csv(stream, options.mapping))
    raise RuleViolation(f"Format inconnu « {file_format} » (fec ou csv).", "import_format")


def import_accounting_file(
    company: Company,
    stream: BinaryIO,
    *,
    today: date,
    user: AbstractBaseUser | None,
    options: ImportOptions = ImportOptions(),
    dry_run: bool = False,
    upload: AccountingImport | None = None,
) -> ImportReport:
    """Preview (`dry_run`) or apply a FEC or CSV file; see the module's docstring.

    The file is read and checked before the transaction starts (a 10⁶-line FEC takes seconds
    to read: writers are not held that long). `upload` is the stored file of the « Importer »
    page, marked applied with the result; the command line records a row without the file.
    """
    with rule_errors():
        require_manager(user, company.pk, "importe les fichiers comptables")
        digest, size = _sha256(stream)
        known = set(
            Receivable.objects.filter(company=company, open_amount__gt=0).values_list(
                "customer__code", "reference"
            )
        )
        file_format, plan = read_plan(stream, options, known)
    report = ImportReport(file_format=str(file_format), dry_run=dry_run, lines=plan.lines)
    report.customers = len(plan.customers)
    report.rejected_lines, report.errors = plan.error_count, plan.errors
    if plan.error_count:
        return report
    if file_format == ImportFormat.CSV:
        report.as_of = options.as_of or today
    else:
        report.as_of = options.as_of or plan.last_date or today
    record = upload or AccountingImport(
        company=company,
        user=user,
        original_name=options.file_name[:255],
        size=size,
        sha256=digest,
        file_format=file_format,
    )
    _apply(company, plan, report, today=today, user=user, record=record)
    return report


def _sha256(stream: BinaryIO) -> tuple[str, int]:
    start = stream.tell()
    digest, size = hashlib.sha256(), 0
    while chunk := stream.read(1 << 20):
        digest.update(chunk)
        size += len(chunk)
    stream.seek(start)
    return digest.hexdigest(), size


@use_case
def _apply(
    company: Company,
    plan: ImportPlan,
    report: ImportReport,
    *,
    today: date,
    user: AbstractBaseUser | None,
    record: AccountingImport,
) -> None:
    as_of = report.as_of
    if not report.dry_run:
        # One import at a time per company: the second waits, then sees the first one's rows.
        list(Company.objects.select_for_update().filter(pk=company.pk).values_list("pk"))
    applied = AccountingImport.objects.filter(company=company, status=ImportStatus.APPLIED)
    latest = applied.aggregate(latest=Max("as_of"))["latest"]
    if latest is not None and as_of < latest:
        raise RuleViolation(
            f"Ce fichier est arrêté au {as_of:%d/%m/%Y}, avant le dernier import (arrêté au "
            f"{latest:%d/%m/%Y}) : il rouvrirait des échéances payées depuis. Importez un "
            "fichier au moins aussi récent.",
            "import_older_file",
        )
    same = applied.filter(sha256=record.sha256).order_by("applied_at").first()
    if same is not None and same.applied_at:
        report.already_imported = f"{timezone.localtime(same.applied_at):%d/%m/%Y %H:%M}"

    customers = _customers(company, plan, report)
    writer = _Writer(company, as_of, report)
    keys = writer.receivables(plan.receivables, customers)
    writer.payments(plan, customers, keys)
    writer.fill_gaps()
    dossiers = writer.follow_dossiers(user)

    promises = settle_promises(today, company=company, user=user)
    report.promises_kept, report.promises_broken = promises.kept, promises.broken
    _close_paid_dossiers(company, dossiers, today, user, report)
    totals = Receivable.objects.filter(company=company, open_amount__gt=0).aggregate(
        count=Count("id"), amount=Sum("open_amount")
    )
    report.open_receivables = totals["count"]
    report.open_amount = (totals["amount"] or ZERO).quantize(CENT)
    if report.dry_run:
        transaction.set_rollback(True)
        return
    record.status = ImportStatus.APPLIED
    record.applied_at = timezone.now()
    record.as_of = as_of
    record.summary = report.as_json()
    record.save()


def _customers(company: Company, plan: ImportPlan, report: ImportReport) -> dict[str, tuple]:
    """Code → (id, payment terms in days); the file's unknown customers are created (B2B)."""
    known = {
        code: (pk, terms)
        for code, pk, terms in Customer.objects.filter(company=company).values_list(
            "code", "id", "payment_terms_days"
        )
    }
    new = [
        Customer(company=company, code=code, name=name or code, kind=CustomerKind.B2B)
        for code, name in plan.customers.items()
        if code not in known
    ]
    for customer in Customer.objects.bulk_create(new, batch_size=500):
        known[customer.code] = (customer.pk, customer.payment_terms_days)
    report.customers_created = len(new)
    return known


@dataclass
class _Row:
    """An échéance as the database has it (or will, once written)."""

    pk: int | None
    customer_id: int
    reference: str
    piece_date: date
    due_date: date
    amount: Decimal
    open_amount: Decimal
    origin: str
    changed: bool = False


class _Writer:
    def __init__(self, company: Company, as_of: date, report: ImportReport) -> None:
        self.company, self.as_of, self.report = company, as_of, report
        self.touched: set[int] = set()  # échéances whose amounts or allocations moved
        self.before: dict[int, Decimal] = {}  # échéance → its open amount before the file

    def receivables(
        self, planned: list[PlannedReceivable], customers: dict[str, tuple]
    ) -> dict[int, _Row]:
        """Create, update or close the échéances; returns planned item (by id()) → row."""
        rows = [
            _Row(*values)
            for values in Receivable.objects.filter(company=self.company).values_list(
                "id",
                "customer_id",
                "reference",
                "piece_date",
                "due_date",
                "amount",
                "open_amount",
                "origin",
            )
        ]
        by_due = {(r.customer_id, r.reference, r.due_date): r for r in rows}
        by_piece: dict[tuple, _Row | None] = {}
        for r in rows:
            key = (r.customer_id, r.reference, r.piece_date)
            by_piece[key] = None if key in by_piece else r  # ambiguous: several échéances
        # The file's lines for one échéance (an invoice on two lines) add up.
        wanted: dict[tuple, list[PlannedReceivable]] = defaultdict(list)
        found: dict[tuple, _Row | None] = {}
        for item in planned:
            customer_id, terms = customers[item.customer_code]
            due = item.due_date or item.piece_date + timedelta(days=terms)
            key = (customer_id, item.reference, due)
            if key not in found:
                match = by_due.get(key)
                if match is None and item.due_date is None:
                    match = by_piece.get((customer_id, item.reference, item.piece_date))
                found[key] = match
            wanted[key].append(item)
        result: dict[int, _Row] = {}
        new: list[_Row] = []
        seen: set[int] = set()
        for key, items in wanted.items():
            amount = sum((i.amount for i in items), ZERO)
            open_amount = sum((i.open_amount for i in items), ZERO)
            row = found[key]
            if row is None:
                if open_amount <= 0:
                    continue  # paid before we ever knew it: history, not collection
                customer_id, reference, due = key
                row = _Row(
                    None,
                    customer_id,
                    reference,
                    items[0].piece_date,
                    due,
                    amount,
                    open_amount,
                    Origin.IMPORT,
                )
                new.append(row)
            else:
                seen.add(row.pk)
                self._update(row, max(amount, row.amount), open_amount)
            for item in items:
                result[id(item)] = row
        for row in rows:
            if (
                row.pk not in seen
                and row.origin == Origin.IMPORT
                and row.open_amount > 0
                and row.piece_date <= self.as_of
            ):
                self._update(row, row.amount, ZERO)  # no longer in the accounts: paid
        self._write(new, [r for r in rows if r.changed])
        return result

    def _update(self, row: _Row, amount: Decimal, open_amount: Decimal) -> None:
        if (row.amount, row.open_amount, row.origin) == (amount, open_amount, Origin.IMPORT):
            return
        self.touched.add(row.pk)
        self.before[row.pk] = row.open_amount
        if open_amount == 0 and row.open_amount > 0:
            self.report.receivables_closed += 1
        elif (row.amount, row.open_amount) != (amount, open_amount):
            self.report.receivables_updated += 1
        row.amount, row.open_amount, row.origin, row.changed = (
            amount,
            open_amount,
            Origin.IMPORT,
            True,
        )

    def _write(self, new: list[_Row], changed: list[_Row]) -> None:
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
                for r in new
            ],
            batch_size=500,
        )
        for row, receivable in zip(new, created, strict=True):
            row.pk = receivable.pk
            self.touched.add(row.pk)
        self.report.receivables_created = len(new)
        Receivable.objects.bulk_update(
            [
                Receivable(pk=r.pk, amount=r.amount, open_amount=r.open_amount, origin=r.origin)
                for r in changed
            ],
            ["amount", "open_amount", "origin"],
            batch_size=500,
        )

    def payments(self, plan: ImportPlan, customers: dict[str, tuple], rows: dict[int, _Row]):
        """Record the file's payments once each; their allocations follow the file's lettering."""
        existing = {
            (customer_id, key): pk
            for pk, customer_id, key in Payment.objects.filter(
                company=self.company, origin=Origin.IMPORT
            )
            .exclude(external_key="")
            .values_list("id", "customer_id", "external_key")
        }
        stored: dict[int, dict[int, Decimal]] = defaultdict(dict)
        for payment_id, receivable_id, amount in Allocation.objects.filter(
            payment__company=self.company, payment__origin=Origin.IMPORT
        ).values_list("payment_id", "receivable_id", "amount"):
            stored[payment_id][receivable_id] = amount
        new, allocations, replaced = [], [], []
        for payment in plan.payments:
            customer_id = customers[payment.customer_code][0]
            wanted: dict[int, Decimal] = defaultdict(Decimal)
            for item, amount in payment.allocations:
                row = rows.get(id(item))
                if row is not None:
                    wanted[row.pk] += amount
            if payment.allocations and not wanted:
                continue  # it paid invoices settled before we knew them
            pk = existing.get((customer_id, payment.key))
            if pk is None:
                self.touched.update(wanted)
                new.append(
                    (
                        Payment(
                            company=self.company,
                            customer_id=customer_id,
                            date=payment.date,
                            amount=payment.amount,
                            reference=payment.reference[:35],
                            origin=Origin.IMPORT,
                            external_key=payment.key[:120],
                        ),
                        wanted,
                    )
                )
            elif stored.get(pk, {}) != dict(wanted):
                replaced.append(pk)  # lettered differently since the last file
                allocations.extend(
                    Allocation(payment_id=pk, receivable_id=r, amount=a) for r, a in wanted.items()
                )
                self.touched.update(wanted, stored.get(pk, {}))
        created = Payment.objects.bulk_create([p for p, _ in new], batch_size=500)
        for payment, (_, wanted) in zip(created, new, strict=True):
            allocations.extend(
                Allocation(payment_id=payment.pk, receivable_id=r, amount=a)
                for r, a in wanted.items()
            )
        for start in range(0, len(replaced), CHUNK):
            Allocation.objects.filter(payment_id__in=replaced[start : start + CHUNK]).delete()
        Allocation.objects.bulk_create(allocations, batch_size=500)
        self.report.payments = len(new)

    def fill_gaps(self) -> None:
        """Each touched échéance's allocations add up to what was paid on it: what the file
        shows paid without a payment (a CSV, an échéance gone) becomes a « Règlement constaté »
        on the file's date; allocations beyond it (an échéance reopened) are taken back."""
        rows = _in_chunks(
            Receivable.objects.annotate(allocated=Sum("allocations__amount")).values_list(
                "id", "customer_id", "amount", "open_amount", "allocated"
            ),
            "pk",
            list(self.touched),
        )
        noted = []
        for pk, customer_id, amount, open_amount, allocated in rows:
            gap = amount - open_amount - (allocated or ZERO)
            if gap > 0:
                noted.append((pk, customer_id, gap))
            elif gap < 0:
                self._take_back(pk, -gap)
        payments = Payment.objects.bulk_create(
            [
                Payment(
                    company=self.company,
                    customer_id=customer_id,
                    date=self.as_of,
                    amount=gap,
                    reference=NOTED_PAYMENT,
                    origin=Origin.IMPORT,
                    external_key=f"constat|{pk}|{self.as_of.isoformat()}|{gap}",
                )
                for pk, customer_id, gap in noted
            ],
            batch_size=500,
        )
        Allocation.objects.bulk_create(
            [
                Allocation(payment=payment, receivable_id=pk, amount=gap)
                for payment, (pk, _, gap) in zip(payments, noted, strict=True)
            ],
            batch_size=500,
        )
        self.report.payments += len(noted)

    @staticmethod
    def _take_back(receivable_id: int, excess: Decimal) -> None:
        for allocation in Allocation.objects.filter(receivable_id=receivable_id).order_by(
            "-payment__date", "-pk"
        ):
            part = min(excess, allocation.amount)
            if part == allocation.amount:
                allocation.delete()
            else:
                allocation.amount -= part
                allocation.save(update_fields=["amount"])
            excess -= part
            if excess <= 0:
                return

    def follow_dossiers(self, user: AbstractBaseUser | None) -> list[int]:
        """A journal row on each open dossier whose échéances moved; returns those dossiers."""
        before = self.before
        links = _in_chunks(
            DossierReceivable.objects.filter(is_active=True).values_list(
                "dossier_id", "receivable_id", "receivable__open_amount"
            ),
            "receivable_id",
            list(before),
        )
        moves: dict[int, list[tuple[Decimal, Decimal]]] = defaultdict(list)
        for dossier_id, receivable_id, open_amount in links:
            if open_amount != before[receivable_id]:
                moves[dossier_id].append((before[receivable_id], open_amount))
        if not moves:
            return []
        at = timezone.now()
        entries = []
        for dossier in Dossier.objects.filter(pk__in=list(moves)):
            old = sum((b for b, _ in moves[dossier.pk]), ZERO)
            new = sum((a for _, a in moves[dossier.pk]), ZERO)
            entries.append(
                journal_entry(
                    dossier,
                    "receivables_imported",
                    f"Import comptable arrêté au {self.as_of:%d/%m/%Y} : reste dû "
                    f"{format_amount(old)} → {format_amount(new)} "
                    f"({_plural(len(moves[dossier.pk]), 'échéance modifiée')}).",
                    user=user,
                    before={"open_amount": str(old)},
                    after={"open_amount": str(new)},
                    at=at,
                )
            )
        JournalEntry.objects.bulk_create(entries)
        return list(moves)


def _plural(count: int, words: str) -> str:
    """« 1 échéance modifiée », « 2 échéances modifiées »."""
    if count == 1:
        return f"1 {words}"
    return f"{count} " + " ".join(f"{word}s" for word in words.split())


def _in_chunks(queryset, name: str, values: list) -> Iterable:
    for start in range(0, len(values), CHUNK):
        yield from queryset.filter(**{f"{name}__in": values[start : start + CHUNK]})


def _close_paid_dossiers(
    company: Company,
    dossier_ids: list[int],
    today: date,
    user: AbstractBaseUser | None,
    report: ImportReport,
) -> None:
    """Close with résolution « Payé » each open dossier whose échéances are all paid."""
    if not dossier_ids:
        return
    unpaid = Q(links__is_active=True, links__receivable__open_amount__gt=0)
    paid = (
        Dossier.objects.filter(pk__in=dossier_ids)
        .exclude(status=DossierStatus.CLOSED)
        .annotate(unpaid=Count("links", filter=unpaid))
        .filter(unpaid=0)
        .order_by("number")
    )
    resolution = None
    for dossier in paid:
        if resolution is None:
            resolution, _ = Resolution.objects.get_or_create(company=company, label=PAID_RESOLUTION)
        close_dossier(
            dossier,
            today=today,
            user=user,
            resolution=resolution,
            result=f"Soldé par l'import comptable arrêté au {report.as_of:%d/%m/%Y}.",
        )
        report.dossiers_closed.append(dossier.number)
