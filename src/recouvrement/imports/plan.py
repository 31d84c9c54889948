"""What an accounting file says customers owe: an `ImportPlan` (plain Python, no database).

A plan is a snapshot on one date: every invoice the file knows with what is still open on it
(settled ones too, so that a newer file closes what an older one opened), every payment or
credit note with what it pays, and every line rejected with its reason.

FEC (legal-formats §4.2): customer lines are those of the customer accounts (411, 413, 416 by
default); the customer is `CompAuxNum`, else the sub-account; the collective account itself
(411000) used without auxiliary account is one account of many customers, not a debtor
(`ImportPlan.collective`). An invoice is a piece reference in one entry (journal, number and
date): a reference shared by the invoices of several entries (a batch reference) names one
échéance per entry — the first keeps the reference, the next ones get the entry's number (or
date) after it, so that each late invoice is counted once. Lines lettered together within
(account, customer, letter code) pay each other: the group's credits go to its debits oldest
first, a balanced group is settled, an unbalanced one leaves its remainder open. A line
lettered after the analysis date counts as not lettered. Credits lettered to nothing (or left
over from a group) go to the customer's open invoices oldest first. An opening balance posted
« en solde » (journal AN/ANO/RAN, no invoice reference) is one échéance due on its date.
The FEC has no due date: `due_date` is None and the caller derives it from the customer's terms.

CSV of open items: one row per open piece with its due date; a credit note (negative amounts)
pays the customer's oldest open pieces. The caller records what an open amount lost between
two files as a payment of the difference.
"""

import sys
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from recouvrement.imports.checks import (
    CODE_MAX,
    EARLIEST,
    LATEST,
    check_item,
    fec_texts,
    out_of_range,
    too_long,
)
from recouvrement.imports.csv_items import OpenItem
from recouvrement.imports.fec import FecLine
from recouvrement.imports.fields import LineError
from recouvrement.imports.invoices import InvoiceReferences

CUSTOMER_PREFIXES = ("411", "413", "416")
OPENING_JOURNALS = frozenset({"AN", "ANO", "RAN", "ANX", "AN0"})
OPENING_REFERENCES = frozenset({"", "AN", "ANO", "RAN", "REPORT"})
MAX_LISTED_ERRORS = 1000
ZERO = Decimal("0")


@dataclass(slots=True, eq=False)
class PlannedReceivable:
    """An invoice (or opening balance) and what is still open on it on the plan's date."""

    customer_code: str
    reference: str
    piece_date: date
    due_date: date | None  # None: the file has none (FEC), the customer's terms decide
    amount: Decimal
    open_amount: Decimal
    line_number: int


@dataclass(slots=True, eq=False)
class PlannedPayment:
    """A payment or credit note (a customer credit) and the invoices it pays."""

    customer_code: str
    key: str  # identity across files: reference, date and amount (+ #n when repeated)
    reference: str
    date: date
    amount: Decimal
    line_number: int
    allocations: list[tuple[PlannedReceivable, Decimal]] = field(default_factory=list)

    @property
    def unallocated(self) -> Decimal:
        return self.amount - sum((amount for _, amount in self.allocations), ZERO)


@dataclass
class ImportPlan:
    customers: dict[str, str] = field(default_factory=dict)  # code → name, in file order
    receivables: list[PlannedReceivable] = field(default_factory=list)
    payments: list[PlannedPayment] = field(default_factory=list)
    errors: list[LineError] = field(default_factory=list)  # the first MAX_LISTED_ERRORS
    error_count: int = 0
    lines: int = 0  # data lines read (header excluded)
    last_date: date | None = None  # the latest entry date kept: the file's « arrêté au »
    first_date: date | None = None  # FEC: the earliest entry date of the file (all lines)
    latest_date: date | None = None  # FEC: the latest entry date of the file (all lines)
    collective: set[str] = field(default_factory=set)  # codes of collective accounts (411000)

    def reject(self, error: LineError) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_LISTED_ERRORS:
            self.errors.append(error)

    @property
    def open_receivables(self) -> list[PlannedReceivable]:
        return [r for r in self.receivables if r.open_amount > 0]

    @property
    def open_amount(self) -> Decimal:
        return sum((r.open_amount for r in self.receivables), ZERO)


# One customer line of a FEC, as little as the plan needs: (line, reference, date, net, opening).
_Entry = tuple[int, str, date, Decimal, bool]


def plan_fec(
    rows: Iterable[FecLine | LineError],
    *,
    as_of: date | None = None,
    prefixes: tuple[str, ...] = CUSTOMER_PREFIXES,
    keep_settled: Callable[[str, str], bool] | None = None,
) -> ImportPlan:
    """The plan of a FEC's customer accounts on `as_of` (default: everything in the file).

    `keep_settled(customer_code, reference)` says which settled invoices the caller still
    needs (those it knows as open); the others and the payments that settled them are left
    out of the plan — most of a year's sales, and most of the memory (default: keep all).
    """
    plan = ImportPlan()
    groups: dict[tuple[str, str, str], list[_Entry]] = defaultdict(list)
    loose: dict[str, list[_Entry]] = defaultdict(list)
    invoices = InvoiceReferences()
    last = None
    first = latest = None
    for row in rows:
        plan.lines += 1
        if isinstance(row, LineError):
            plan.reject(row)
            continue
        day = row.EcritureDate
        if not EARLIEST <= day <= LATEST:
            plan.reject(out_of_range(row.line_number, "EcritureDate", day))
            continue
        if first is None or day < first:
            first = day
        if as_of is not None and day > as_of:
            if latest is None or day > latest:
                latest = day
            continue  # written after the analysis date
        if last is None or day > last:
            last = day
        if not row.CompteNum.startswith(prefixes):
            continue
        code, name = _customer(row, prefixes, plan.collective)
        when = row.PieceDate or day
        if not EARLIEST <= when <= LATEST:
            plan.reject(out_of_range(row.line_number, "PieceDate", when))
            continue
        opening = _is_opening_balance(row)
        problem = too_long(row.line_number, fec_texts(row, code, name, opening))
        if problem is not None:
            plan.reject(problem)
            continue
        if code not in plan.customers:
            plan.customers[code] = name
        code = sys.intern(code)
        net = row.Debit - row.Credit
        if opening:
            reference, when = f"Report à nouveau {day:%d/%m/%Y}", day
        else:
            reference = row.PieceRef or row.EcritureNum
            if net > 0:  # an invoice: its reference and its entry
                reference = invoices.reference(code, reference, row, when)
        entry = (row.line_number, reference, when, net, opening)
        lettered = bool(row.EcritureLet) and (
            as_of is None or row.DateLet is None or row.DateLet <= as_of
        )
        if lettered:
            groups[(sys.intern(row.CompteNum), code, row.EcritureLet)].append(entry)
        else:
            loose[code].append(entry)
    # A reader asked for the customer accounts only has counted and checked the other lines.
    plan.lines += getattr(rows, "other_lines", 0)
    other_first = getattr(rows, "first_other_date", None)
    if other_first is not None and (first is None or other_first < first):
        first = other_first
    other_last = getattr(rows, "last_other_date", None)
    if other_last is not None and (latest is None or other_last > latest):
        latest = other_last
    if other_last is not None and (last is None or other_last > last):
        last = other_last if as_of is None else min(other_last, as_of)
    if last is not None and (latest is None or last > latest):
        latest = last
    plan.first_date, plan.latest_date = first, latest
    plan.last_date = last
    _settle(plan, groups, loose, keep_settled)
    return plan


def _customer(line: FecLine, prefixes: tuple[str, ...], collective: set[str]) -> tuple[str, str]:
    if line.CompAuxNum:
        return line.CompAuxNum, line.CompAuxLib or line.CompteLib
    account = line.CompteNum
    if not account.rstrip("0") or account.rstrip("0") in prefixes:
        # The collective account itself (411000): many customers, no debtor named.
        if len(account) <= CODE_MAX:
            collective.add(account)
        return account, line.CompteLib or "Clients"
    return account, line.CompteLib


def _is_opening_balance(line: FecLine) -> bool:
    """An à-nouveau posted as one balance per customer, without the invoices behind it."""
    journal = line.JournalCode.upper()
    opening_journal = journal in OPENING_JOURNALS or "nouveau" in _plain(line.JournalLib)
    if not opening_journal or line.EcritureLet:
        return False
    return line.PieceRef.upper() in OPENING_REFERENCES or "nouveau" in _plain(line.EcritureLib)


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _settle(
    plan: ImportPlan,
    groups: dict[tuple[str, str, str], list[_Entry]],
    loose: dict[str, list[_Entry]],
    keep_settled: Callable[[str, str], bool] | None,
) -> None:
    """Receivables and payments from the entries; credits pay debits oldest first."""
    keys = _PaymentKeys()
    open_by_customer: dict[str, list[PlannedReceivable]] = defaultdict(list)
    spare_by_customer: dict[str, list[PlannedPayment]] = defaultdict(list)
    while groups:
        (_, code, _), entries = groups.popitem()
        if keep_settled is not None and _settled_unknown(code, entries, keep_settled):
            continue
        receivables, payments = _split(plan, keys, code, entries)
        _allocate(payments, receivables)
        open_by_customer[code].extend(r for r in receivables if r.open_amount > 0)
        spare_by_customer[code].extend(p for p in payments if p.unallocated > 0)
    for code, entries in loose.items():
        receivables, payments = _split(plan, keys, code, entries)
        open_by_customer[code].extend(receivables)
        spare_by_customer[code].extend(payments)
    for code, payments in spare_by_customer.items():
        payments.sort(key=lambda p: (p.date, p.line_number))
        _allocate(payments, open_by_customer.get(code, []))


def _settled_unknown(
    code: str, entries: list[_Entry], keep_settled: Callable[[str, str], bool]
) -> bool:
    """A balanced group none of whose invoices the caller needs."""
    if sum((entry[3] for entry in entries), ZERO) != 0:
        return False
    return not any(entry[3] > 0 and keep_settled(code, entry[1]) for entry in entries)


def _split(
    plan: ImportPlan, keys: "_PaymentKeys", code: str, entries: list[_Entry]
) -> tuple[list[PlannedReceivable], list[PlannedPayment]]:
    receivables, payments = [], []
    for number, reference, when, net, opening in sorted(entries, key=lambda e: (e[2], e[0])):
        if net > 0:
            # An opening balance sums earlier invoices: it is due already.
            due = when if opening else None
            receivables.append(PlannedReceivable(code, reference, when, due, net, net, number))
        elif net < 0:
            key = keys.next(code, reference, when, -net)
            payments.append(PlannedPayment(code, key, reference, when, -net, number))
    plan.receivables.extend(receivables)
    plan.payments.extend(payments)
    return receivables, payments


def _allocate(payments: list[PlannedPayment], receivables: list[PlannedReceivable]) -> None:
    """Each payment pays the oldest receivables still open (both lists in date order)."""
    pending = iter(sorted(receivables, key=_age))
    current = next(pending, None)
    for payment in payments:
        left = payment.unallocated
        while left > 0 and current is not None:
            if current.open_amount <= 0:
                current = next(pending, None)
                continue
            part = min(left, current.open_amount)
            payment.allocations.append((current, part))
            current.open_amount -= part
            left -= part


def _age(receivable: PlannedReceivable) -> tuple[date, date, int]:
    """Oldest first: by due date when the file gives one, else by piece date."""
    return (receivable.due_date or receivable.piece_date, receivable.piece_date,
            receivable.line_number)  # fmt: skip


class _PaymentKeys:
    """Keys that stay the same from one file to the next (no line numbers, no entry numbers:
    the next fiscal year's à-nouveaux repost the same piece under another entry number)."""

    def __init__(self) -> None:
        self._seen: dict[tuple[str, str], int] = {}

    def next(self, code: str, reference: str, when: date, amount: Decimal) -> str:
        base = f"{reference}|{when.isoformat()}|{amount}"
        count = self._seen.get((code, base), 0) + 1
        self._seen[(code, base)] = count
        return base if count == 1 else f"{base}#{count}"


def plan_open_items(rows: Iterable[OpenItem | LineError]) -> ImportPlan:
    """The plan of a CSV of open items: one receivable per row, checked; credit notes (rows
    with negative amounts) pay their customer's oldest open pieces."""
    plan = ImportPlan()
    keys = _PaymentKeys()
    open_by_customer: dict[str, list[PlannedReceivable]] = defaultdict(list)
    credits: dict[str, list[PlannedPayment]] = defaultdict(list)
    for row in rows:
        plan.lines += 1
        if isinstance(row, LineError):
            plan.reject(row)
            continue
        problem = check_item(row)
        if problem is not None:
            plan.reject(problem)
            continue
        texts = [
            ("code client", "code client", row.customer_code),
            ("nom", "nom du client", row.customer_name),
            ("pièce", "référence de pièce", row.piece_ref),
        ]
        if (problem := too_long(row.line_number, texts)) is not None:
            plan.reject(problem)
            continue
        code = sys.intern(row.customer_code)
        if not plan.customers.get(code):
            plan.customers[code] = row.customer_name
        reference, when = row.piece_ref, row.piece_date or row.due_date
        if row.open_amount < 0:
            key = keys.next(code, reference, when, -row.open_amount)
            credit = PlannedPayment(code, key, reference, when, -row.open_amount, row.line_number)
            credits[code].append(credit)
            plan.payments.append(credit)
            continue
        amount = row.amount if row.amount is not None else row.open_amount
        receivable = PlannedReceivable(
            code, reference, when, row.due_date, amount, row.open_amount, row.line_number
        )
        plan.receivables.append(receivable)
        open_by_customer[code].append(receivable)
    for code, payments in credits.items():
        _allocate(payments, open_by_customer.get(code, []))
    return plan
