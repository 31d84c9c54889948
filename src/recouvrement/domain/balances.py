"""A dossier's figures: « Factures », « Règlements », « Frais et pénalités », « Solde » (M7)."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from recouvrement.domain.statuses import InterventionStatus

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class DossierFigures:
    invoices: Decimal
    payments: Decimal
    charges: Decimal

    @property
    def balance(self) -> Decimal:
        """« Solde »: what the customer still owes, charges included."""
        return self.invoices - self.payments + self.charges

    @property
    def open_amount(self) -> Decimal:
        """What remains unpaid of the invoices alone."""
        return self.invoices - self.payments


def dossier_figures(
    receivables: Iterable[tuple[Decimal, Decimal]], charges: Iterable[Decimal] = ()
) -> DossierFigures:
    """Figures from the linked échéances (amount, open amount) and the charged fees/penalties."""
    invoices = payments = ZERO
    for amount, open_amount in receivables:
        invoices += amount
        payments += amount - open_amount
    return DossierFigures(invoices, payments, sum(charges, ZERO))


def days_overdue(due_date: date, today: date) -> int:
    """Days late on `today` (0 when not yet due)."""
    return max((today - due_date).days, 0)


# « Frais et pénalités » counts the interventions done: a step « A faire » has not charged
# anything yet (its letter may print other amounts, or never), one « Ignorée » never will.
CHARGED_STATUSES = frozenset({InterventionStatus.DONE})


def counts_as_charge(status: InterventionStatus | str) -> bool:
    """Whether an intervention's fee and penalties count in « Frais et pénalités »."""
    return InterventionStatus(status) in CHARGED_STATUSES


def dossier_charges(
    fees: Iterable[Decimal], penalties: Iterable[tuple[date, int, Decimal]]
) -> Decimal:
    """« Frais et pénalités »: the fee of every intervention done, plus the latest penalty
    computation only (callers pass the interventions that `counts_as_charge`).

    Penalties accrue: a later computation (date, then order of creation) includes what an
    earlier one counted, so adding them up would charge the same days twice.
    """
    latest = max(penalties, default=None)
    return sum(fees, ZERO) + (latest[2] if latest else ZERO)
