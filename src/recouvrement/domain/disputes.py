"""Litiges (B10): what a letter, an e-mail, a penalty or a step may claim while disputes are
open. One rule, called by every path that claims money. Pure: no Django."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from recouvrement.domain.money import format_amount
from recouvrement.domain.rules import RuleViolation

ZERO = Decimal("0.00")
DISPUTED_LABEL = "En litige"
OUT_OF_DISPUTE = "hors montants en litige"


@dataclass(frozen=True)
class OpenDispute:
    """An open litige: on some échéances, or on the whole dossier when none is named."""

    receivable_ids: frozenset[int]
    amount: Decimal

    @property
    def is_whole_dossier(self) -> bool:
        return not self.receivable_ids


@dataclass(frozen=True)
class Claim:
    """The échéances a letter may claim, those left out, and the open amount left out."""

    claimable: tuple[int, ...]
    disputed: tuple[int, ...]
    disputed_total: Decimal

    @property
    def whole_balance_disputed(self) -> bool:
        return bool(self.disputed) and not self.claimable


def claimable(items: Iterable[tuple[int, Decimal]], disputes: Iterable[OpenDispute]) -> Claim:
    """Split open items (échéance id, open amount) into claimable and disputed: an échéance
    named by an open dispute, or every échéance of a dossier disputed as a whole, is left out
    of every claim; the disputed total is the open amount left out."""
    disputes = list(disputes)
    whole = any(d.is_whole_dossier for d in disputes)
    named = frozenset().union(*(d.receivable_ids for d in disputes))
    kept: list[int] = []
    left: list[int] = []
    total = ZERO
    for item_id, open_amount in items:
        if whole or item_id in named:
            left.append(item_id)
            total += open_amount
        else:
            kept.append(item_id)
    return Claim(tuple(kept), tuple(left), total)


def check_dispute_amount(amount: Decimal | None, open_amounts: Sequence[Decimal]) -> Decimal:
    """A disputed amount is positive and at most what the échéances concerned still owe."""
    if amount is None or not amount.is_finite() or amount <= 0:
        raise RuleViolation("Le montant en litige doit être positif.", "dispute_amount")
    ceiling = sum(open_amounts, ZERO)
    if amount > ceiling:
        raise RuleViolation(
            f"Le montant en litige dépasse le reste dû des échéances ({format_amount(ceiling)}).",
            "dispute_amount_too_high",
        )
    return amount.quantize(Decimal("0.01"))


def out_of_dispute_note(disputed_total: Decimal) -> str:
    """The sentence under a letter's table when échéances in dispute are left out."""
    return (
        f"Montants {OUT_OF_DISPUTE} : les échéances en litige "
        f"({format_amount(disputed_total)}) ne sont pas réclamées ici."
    )
