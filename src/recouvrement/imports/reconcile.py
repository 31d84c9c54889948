"""An import plan against what is already stored (B4): which changes the file makes, in pure Python.

The services read the company's échéances, règlements and allocations as plain values, ask this
module what the file changes, and write it: the échéances to create, update or close, the
payments to record or to letter differently, what the file shows paid without a payment (a
« Règlement constaté ») or allocated beyond what was paid, and how each dossier's total moved.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from recouvrement.domain.money import format_amount
from recouvrement.imports.plan import PlannedPayment, PlannedReceivable

ZERO = Decimal("0")
NOTED_PAYMENT = "Règlement constaté"

Customers = Mapping[str, tuple[int, int]]  # customer code → (id, payment terms in days)
Allocations = dict[int, Decimal]  # échéance id → amount allocated to it


@dataclass(slots=True)
class Row:
    """An échéance as the database has it (or will, once written: `pk` None until then)."""

    pk: int | None
    customer_id: int
    reference: str
    piece_date: date
    due_date: date
    amount: Decimal
    open_amount: Decimal
    imported: bool  # its origin is the accounting file (not typed in the app)
    changed: bool = False


@dataclass
class ReceivableChanges:
    """The échéances after the file: `new` to create, `changed` to update (existing rows)."""

    rows: dict[PlannedReceivable, Row] = field(default_factory=dict)  # planned item → its row
    new: list[Row] = field(default_factory=list)
    changed: list[Row] = field(default_factory=list)
    before: dict[int, Decimal] = field(default_factory=dict)  # échéance id → open amount before
    updated: int = 0
    closed: int = 0


def reconcile_receivables(
    existing: list[Row], planned: Iterable[PlannedReceivable], customers: Customers, as_of: date
) -> ReceivableChanges:
    """Match each planned échéance with a stored one (customer, reference and due date, or the
    piece date when the file has no due date and only one échéance matches); the file's lines
    for one échéance add up. An imported échéance the file no longer lists, dated on or before
    `as_of`, has been paid. One the file shows paid and we never knew is history, not created."""
    by_due = {(r.customer_id, r.reference, r.due_date): r for r in existing}
    by_piece: dict[tuple, Row | None] = {}
    for r in existing:
        key = (r.customer_id, r.reference, r.piece_date)
        by_piece[key] = None if key in by_piece else r  # ambiguous: several échéances
    wanted: dict[tuple, list[PlannedReceivable]] = defaultdict(list)
    found: dict[tuple, Row | None] = {}
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

    changes = ReceivableChanges()
    seen: set[int] = set()
    for key, items in wanted.items():
        amount = sum((i.amount for i in items), ZERO)
        open_amount = sum((i.open_amount for i in items), ZERO)
        row = found[key]
        if row is None:
            if open_amount <= 0:
                continue  # paid before we ever knew it: history, not collection
            customer_id, reference, due = key
            row = Row(None, customer_id, reference, items[0].piece_date, due, amount, open_amount,
                      imported=True)  # fmt: skip
            changes.new.append(row)
        else:
            seen.add(row.pk)
            _update(changes, row, max(amount, row.amount), open_amount)
        for item in items:
            changes.rows[item] = row
    for row in existing:
        if row.pk not in seen and row.imported and row.open_amount > 0 and row.piece_date <= as_of:
            _update(changes, row, row.amount, ZERO)  # no longer in the accounts: paid
    changes.changed = [r for r in existing if r.changed]
    return changes


def _update(changes: ReceivableChanges, row: Row, amount: Decimal, open_amount: Decimal) -> None:
    if (row.amount, row.open_amount, row.imported) == (amount, open_amount, True):
        return
    changes.before[row.pk] = row.open_amount
    if open_amount == 0 and row.open_amount > 0:
        changes.closed += 1
    elif (row.amount, row.open_amount) != (amount, open_amount):
        changes.updated += 1
    row.amount, row.open_amount, row.imported, row.changed = amount, open_amount, True, True


@dataclass(frozen=True, slots=True)
class NewPayment:
    customer_id: int
    planned: PlannedPayment
    allocations: Allocations


@dataclass
class PaymentChanges:
    """The file's payments: `new` to record; `relettered`: stored payment id → its allocations
    now (the old ones are replaced); `touched`: échéances whose allocations move."""

    new: list[NewPayment] = field(default_factory=list)
    relettered: dict[int, Allocations] = field(default_factory=dict)
    touched: set[int] = field(default_factory=set)


def reconcile_payments(
    payments: Iterable[PlannedPayment],
    customers: Customers,
    rows: Mapping[PlannedReceivable, Row],
    stored: Mapping[tuple[int, str], int],
    stored_allocations: Mapping[int, Allocations],
) -> PaymentChanges:
    """Each payment recorded once (by customer and key, `stored` → its id); its allocations
    follow the file's lettering. `rows` must hold the échéances' ids (written first)."""
    changes = PaymentChanges()
    for payment in payments:
        customer_id = customers[payment.customer_code][0]
        wanted: Allocations = defaultdict(Decimal)
        for item, amount in payment.allocations:
            row = rows.get(item)
            if row is not None:
                wanted[row.pk] += amount
        if payment.allocations and not wanted:
            continue  # it paid invoices settled before we knew them
        pk = stored.get((customer_id, payment.key))
        if pk is None:
            changes.touched.update(wanted)
            changes.new.append(NewPayment(customer_id, payment, dict(wanted)))
            continue
        before = stored_allocations.get(pk, {})
        if before != dict(wanted):  # lettered differently since the last file
            changes.relettered[pk] = dict(wanted)
            changes.touched.update(wanted, before)
    return changes


@dataclass(frozen=True, slots=True)
class Gap:
    """What an échéance shows paid without allocations: a « Règlement constaté »."""

    receivable_id: int
    customer_id: int
    amount: Decimal

    def key(self, as_of: date) -> str:
        """The noted payment's identity across files."""
        return f"constat|{self.receivable_id}|{as_of.isoformat()}|{self.amount}"


def gaps(
    rows: Iterable[tuple[int, int, Decimal, Decimal, Decimal | None]],
) -> tuple[list[Gap], list[tuple[int, Decimal]]]:
    """From (échéance id, customer id, amount, open amount, allocated): each échéance's
    allocations must add up to what was paid on it. Returns the gaps to note and the
    (échéance id, excess) whose allocations go beyond it (an échéance reopened)."""
    noted, excesses = [], []
    for pk, customer_id, amount, open_amount, allocated in rows:
        gap = amount - open_amount - (allocated or ZERO)
        if gap > 0:
            noted.append(Gap(pk, customer_id, gap))
        elif gap < 0:
            excesses.append((pk, -gap))
    return noted, excesses


def take_back(allocations: Iterable[tuple[int, Decimal]], excess: Decimal) -> list[tuple]:
    """From an échéance's allocations (id, amount), latest payment first: the (id, amount left)
    that give back `excess`; an amount left of zero means the allocation goes."""
    changes = []
    for pk, amount in allocations:
        if excess <= 0:
            break
        part = min(excess, amount)
        changes.append((pk, amount - part))
        excess -= part
    return changes


Move = tuple[Decimal, Decimal]  # an échéance's open amount before and after the file


def dossier_moves(
    links: Iterable[tuple[int, int, Decimal]], before: Mapping[int, Decimal]
) -> dict[int, list[Move]]:
    """From the active links (dossier id, échéance id, open amount now): each dossier whose
    échéances' open amounts moved, and how."""
    moves: dict[int, list[Move]] = defaultdict(list)
    for dossier_id, receivable_id, open_amount in links:
        if open_amount != before[receivable_id]:
            moves[dossier_id].append((before[receivable_id], open_amount))
    return dict(moves)


def move_message(as_of: date, moves: list[Move]) -> tuple[str, Decimal, Decimal]:
    """The dossier's journal line: its message, its total open amount before and after."""
    old = sum((b for b, _ in moves), ZERO)
    new = sum((a for _, a in moves), ZERO)
    message = (
        f"Import comptable arrêté au {as_of:%d/%m/%Y} : reste dû {format_amount(old)} → "
        f"{format_amount(new)} ({plural(len(moves), 'échéance modifiée')})."
    )
    return message, old, new


def plural(count: int, words: str) -> str:
    """« 1 échéance modifiée », « 2 échéances modifiées »."""
    if count == 1:
        return f"1 {words}"
    return f"{count} " + " ".join(f"{word}s" for word in words.split())
