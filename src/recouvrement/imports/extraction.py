"""What customers still owe, out of FEC lines (legal-formats §4.2).

Customer lines are those of the customer accounts (411, 413, 416 by default); the customer is
`CompAuxNum` (else the sub-account). Lettered lines are matched within (account, auxiliary,
letter code): a balanced group is settled, an unbalanced one leaves its remainder open. A line
lettered after the analysis date counts as not lettered. Invoices are debits; payments and
credit notes are credits. The FEC has no due date: the caller derives it from the customer's
payment terms.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from recouvrement.imports.fec import FecLine

CUSTOMER_PREFIXES = ("411", "413", "416")
ZERO = Decimal("0")


@dataclass(frozen=True)
class FecOpenItem:
    """An invoice (or what remains of it) still owed on the analysis date."""

    customer_code: str
    customer_name: str
    reference: str
    piece_date: date
    amount: Decimal
    open_amount: Decimal
    lettrage: str
    line_number: int


@dataclass(frozen=True)
class FecCredit:
    """A payment or credit note not matched to an invoice (to allocate, oldest first)."""

    customer_code: str
    customer_name: str
    reference: str
    date: date
    amount: Decimal
    line_number: int


@dataclass
class Extraction:
    items: list[FecOpenItem] = field(default_factory=list)
    credits: list[FecCredit] = field(default_factory=list)
    customers: dict[str, str] = field(default_factory=dict)  # code → name, every customer seen

    @property
    def open_amount(self) -> Decimal:
        return sum((item.open_amount for item in self.items), ZERO)


@dataclass
class _Group:
    """Sums of one lettering group, and its first invoice line (which names the item)."""

    debit: Decimal = ZERO
    credit: Decimal = ZERO
    first: FecLine | None = None
    last: FecLine | None = None


def _customer(line: FecLine) -> tuple[str, str]:
    if line.CompAuxNum:
        return line.CompAuxNum, line.CompAuxLib or line.CompteLib
    return line.CompteNum, line.CompteLib


def extract_open_items(
    lines: Iterable[FecLine],
    *,
    as_of: date | None = None,
    prefixes: tuple[str, ...] = CUSTOMER_PREFIXES,
) -> Extraction:
    """Open invoices and unmatched credits of the customer accounts on `as_of` (or at export)."""
    result = Extraction()
    groups: dict[tuple[str, str, str], _Group] = {}
    for line in lines:
        if not line.CompteNum.startswith(prefixes):
            continue
        if as_of is not None and line.EcritureDate > as_of:
            continue  # written after the analysis date
        code, name = _customer(line)
        result.customers.setdefault(code, name)
        lettered = bool(line.EcritureLet) and (
            as_of is None or line.DateLet is None or line.DateLet <= as_of
        )
        if lettered:
            group = groups.setdefault((line.CompteNum, code, line.EcritureLet), _Group())
            group.debit += line.Debit
            group.credit += line.Credit
            group.last = line
            if group.first is None and line.Debit > line.Credit:
                group.first = line
        else:
            _add(result, line, line.Debit - line.Credit, line.Debit, "")
    for (_, _, letter), group in groups.items():
        net = group.debit - group.credit
        if net:
            _add(result, group.first or group.last, net, group.debit, letter)
    return result


def _add(result: Extraction, line: FecLine, net: Decimal, debit: Decimal, letter: str) -> None:
    code, name = _customer(line)
    reference = line.PieceRef or line.EcritureNum
    when = line.PieceDate or line.EcritureDate
    if net > 0:
        amount = max(debit, net)
        item = FecOpenItem(code, name, reference, when, amount, net, letter, line.line_number)
        result.items.append(item)
    elif net < 0:
        result.credits.append(FecCredit(code, name, reference, when, -net, line.line_number))
