"""Money formatting, a dossier's figures, worklist order and dossier numbers."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from recouvrement.domain.balances import days_overdue, dossier_charges, dossier_figures
from recouvrement.domain.money import format_amount, parse_amount
from recouvrement.domain.numbering import dossier_number
from recouvrement.domain.rules import RuleViolation
from recouvrement.domain.statuses import InterventionStatus
from recouvrement.domain.worklist import WorklistSort, is_actionable, worklist_order


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        ("1234.56", "1\u202f234,56\u00a0€"),
        ("0.5", "0,50\u00a0€"),
        ("1234567.005", "1\u202f234\u202f567,01\u00a0€"),
        ("-40", "-40,00\u00a0€"),
        ("999", "999,00\u00a0€"),
    ],
)
def test_amounts_are_displayed_the_french_way(amount, text):
    assert format_amount(Decimal(amount)) == text


@pytest.mark.parametrize("typed", ["1 234,56", "1234.56", "1\u202f234,56 €"])
def test_amounts_typed_the_french_or_english_way_are_read(typed):
    assert parse_amount(typed) == Decimal("1234.56")


@pytest.mark.parametrize(
    ("typed", "code"),
    [("-5", "amount_negative"), ("abc", "amount_not_a_number"), ("NaN", "amount_not_a_number")],
)
def test_a_negative_or_non_numeric_amount_is_refused_in_french(typed, code):
    with pytest.raises(RuleViolation) as refused:
        parse_amount(typed, "montant promis")
    assert refused.value.code == code
    assert "montant promis" in refused.value.message


@given(st.decimals(min_value=0, max_value=Decimal("9999999999.99"), places=2))
def test_formatting_then_parsing_gives_the_amount_back(amount):
    assert parse_amount(format_amount(amount)) == amount


def test_a_dossiers_figures_come_from_its_echeances_and_charges():
    figures = dossier_figures(
        [(Decimal("1000.00"), Decimal("400.00")), (Decimal("250.00"), Decimal("250.00"))],
        [Decimal("40.00"), Decimal("12.34")],
    )

    assert figures.invoices == Decimal("1250.00")
    assert figures.payments == Decimal("600.00")
    assert figures.charges == Decimal("52.34")
    assert figures.balance == Decimal("702.34")
    assert figures.open_amount == Decimal("650.00")


def test_days_overdue_is_zero_before_the_due_date():
    assert days_overdue(date(2026, 12, 1), date(2026, 11, 27)) == 0
    assert days_overdue(date(2026, 11, 1), date(2026, 11, 27)) == 26


def test_the_worklist_sorts_by_priority_then_collector_then_date_by_default():
    assert worklist_order() == (WorklistSort.PRIORITY, WorklistSort.COLLECTOR, WorklistSort.DATE)


def test_the_first_key_asked_for_decides_and_the_others_follow():
    assert worklist_order(["collector"]) == (
        WorklistSort.COLLECTOR,
        WorklistSort.PRIORITY,
        WorklistSort.DATE,
    )
    assert worklist_order(["priority", "collector"]) == worklist_order(["priority"])
    assert worklist_order(["date", "priority"]) == (WorklistSort.DATE,)


def test_an_unknown_sort_is_refused():
    with pytest.raises(RuleViolation, match="Tri inconnu : montant"):
        worklist_order(["montant"])


def test_an_intervention_is_actionable_when_todo_and_due():
    today = date(2026, 11, 27)

    assert is_actionable(InterventionStatus.TODO, today, today)
    assert not is_actionable(InterventionStatus.TODO, date(2026, 11, 28), today)
    assert not is_actionable(InterventionStatus.DONE, today, today)


def test_dossier_numbers_have_at_most_13_characters():
    assert dossier_number(2026, 42) == "R2026-000042"
    with pytest.raises(RuleViolation):
        dossier_number(2026, 10_000_000)


def test_fees_add_up_but_only_the_latest_penalty_computation_counts():
    fees = [Decimal("15.00"), Decimal("15.00")]
    penalties = [
        (date(2026, 10, 1), 7, Decimal("20.00")),
        (date(2026, 11, 1), 9, Decimal("48.50")),  # includes October's days
    ]

    assert dossier_charges(fees, penalties) == Decimal("78.50")
    assert dossier_charges([], []) == Decimal("0.00")
