"""B10: one pure rule decides what a letter, an e-mail, a penalty or a step may claim."""

from decimal import Decimal

import pytest

from recouvrement.domain.disputes import (
    OpenDispute,
    check_dispute_amount,
    claimable,
    out_of_dispute_note,
)
from recouvrement.domain.rules import RuleViolation

ITEMS = [(1, Decimal("100.00")), (2, Decimal("250.00")), (3, Decimal("50.00"))]


def test_without_dispute_everything_is_claimable():
    claim = claimable(ITEMS, [])
    assert claim.claimable == (1, 2, 3)
    assert claim.disputed == ()
    assert claim.disputed_total == Decimal("0.00")
    assert not claim.whole_balance_disputed


def test_a_dispute_on_named_echeances_leaves_them_out_with_their_open_amount():
    claim = claimable(ITEMS, [OpenDispute(frozenset({2}), Decimal("80.00"))])
    assert claim.claimable == (1, 3)
    assert claim.disputed == (2,)
    assert claim.disputed_total == Decimal("250.00")
    assert not claim.whole_balance_disputed


def test_disputes_add_up_and_a_whole_dossier_dispute_leaves_everything_out():
    two = [OpenDispute(frozenset({1}), Decimal("1")), OpenDispute(frozenset({3}), Decimal("1"))]
    assert claimable(ITEMS, two).claimable == (2,)
    claim = claimable(ITEMS, [OpenDispute(frozenset(), Decimal("10.00"))])
    assert claim.claimable == ()
    assert claim.disputed_total == Decimal("400.00")
    assert claim.whole_balance_disputed


def test_every_echeance_named_is_the_whole_balance_disputed():
    claim = claimable(ITEMS, [OpenDispute(frozenset({1, 2, 3, 99}), Decimal("5"))])
    assert claim.whole_balance_disputed
    assert not claimable([], [OpenDispute(frozenset(), Decimal("5"))]).whole_balance_disputed


@pytest.mark.parametrize("amount", [None, Decimal("0"), Decimal("-1"), Decimal("NaN")])
def test_the_disputed_amount_is_positive(amount):
    with pytest.raises(RuleViolation, match="positif"):
        check_dispute_amount(amount, [Decimal("10")])


def test_the_disputed_amount_is_at_most_the_open_amount_of_the_echeances():
    assert check_dispute_amount(Decimal("150"), [Decimal("100"), Decimal("50")]) == Decimal(
        "150.00"
    )
    with pytest.raises(RuleViolation, match="dépasse le reste dû"):
        check_dispute_amount(Decimal("150.01"), [Decimal("100"), Decimal("50")])


def test_the_letter_note_says_hors_montants_en_litige():
    note = out_of_dispute_note(Decimal("250"))
    assert "hors montants en litige" in note and "250,00" in note
