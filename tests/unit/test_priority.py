"""B11: the explainable priority (pure domain: facts in, score, priority and French reasons out)."""

from dataclasses import replace
from decimal import Decimal, localcontext

import pytest
from hypothesis import given
from hypothesis import strategies as st

from recouvrement.domain.money import format_amount
from recouvrement.domain.priority import (
    FACTORS,
    PriorityFacts,
    PriorityWeights,
    suggest_priority,
)
from recouvrement.domain.rules import RuleViolation

BIG_LATE = PriorityFacts(
    open_amount=Decimal("89116.00"),
    days_overdue=62,
    step_reached=2,
    step_count=4,
    broken_promises=1,
    days_since_last_contact=20,
    average_days_late=25,
)


def explain(facts, weights=None):
    return suggest_priority(facts, weights).explanation


# --- Examples ------------------------------------------------------------------------------------


def test_a_large_old_debt_with_a_broken_promise_is_priority_1():
    suggestion = suggest_priority(BIG_LATE)

    assert (suggestion.priority, suggestion.score) == (1, 79)
    assert suggestion.explanation == (
        f"Priorité suggérée 1 — {format_amount(Decimal('89116'))} dû, 62 jours de retard, "
        "1 promesse non tenue"
    )


def test_a_middling_debt_never_contacted_is_priority_3():
    facts = PriorityFacts(Decimal("2400"), 35, step_reached=1, step_count=4, average_days_late=10)

    suggestion = suggest_priority(facts)

    assert (suggestion.priority, suggestion.score) == (3, 40)
    assert suggestion.explanation == (
        f"Priorité suggérée 3 — {format_amount(Decimal('2400'))} dû, 35 jours de retard, "
        "jamais contacté"
    )


def test_a_small_recent_debt_is_priority_5_and_weak_factors_are_no_reason():
    facts = PriorityFacts(Decimal("180"), 5, step_count=4, days_since_last_contact=3)

    suggestion = suggest_priority(facts)

    assert (suggestion.priority, suggestion.score) == (5, 8)
    # the 3 days without contact weigh half a point: not said
    assert suggestion.reasons == (f"{format_amount(Decimal('180'))} dû", "5 jours de retard")


def test_a_zero_balance_scores_0():
    suggestion = suggest_priority(replace(BIG_LATE, open_amount=Decimal("0")))

    assert (suggestion.score, suggestion.priority) == (0, 5)
    assert suggestion.explanation == "Priorité suggérée 5 — rien n'est dû"


def test_never_contacted_weighs_as_a_month_of_silence():
    never = suggest_priority(replace(BIG_LATE, days_since_last_contact=None))
    month = suggest_priority(replace(BIG_LATE, days_since_last_contact=30))
    week = suggest_priority(replace(BIG_LATE, days_since_last_contact=7))

    assert never.points == month.points
    assert never.score > week.score
    assert "jamais contacté" not in week.explanation
    silent = replace(BIG_LATE, days_since_last_contact=None)
    assert "jamais contacté" in explain(silent, PriorityWeights(last_contact=100))


def test_a_wholly_disputed_balance_is_not_chased():
    disputed = replace(BIG_LATE, open_amount=Decimal("1200"), disputed_amount=Decimal("1200"))

    suggestion = suggest_priority(disputed)

    assert suggestion.priority == 4
    assert suggestion.points["amount"] == 0
    assert f"dont {format_amount(Decimal('1200'))} en litige" in suggestion.explanation
    # even when the company takes nothing off for disputes, it is never priority 1
    assert suggest_priority(disputed, PriorityWeights(disputes=0, amount=0)).priority == 2


def test_a_partly_disputed_balance_says_how_much_is_disputed_and_counts_less():
    partly = replace(BIG_LATE, disputed_amount=Decimal("1200"), disputes=1)

    suggestion = suggest_priority(partly)

    assert suggestion.reasons[0] == (
        f"{format_amount(Decimal('89116'))} dû dont {format_amount(Decimal('1200'))} en litige"
    )
    assert suggestion.score <= suggest_priority(BIG_LATE).score


def test_plurals_and_the_other_reasons():
    facts = PriorityFacts(
        Decimal("50"),
        1,
        step_reached=3,
        step_count=3,
        broken_promises=2,
        days_since_last_contact=1,
        average_days_late=1,
    )
    only = {name: 0 for name in FACTORS}

    def reason(factor):
        return suggest_priority(facts, PriorityWeights(**{**only, factor: 10})).reasons[0]

    assert reason("days_overdue") == "1 jour de retard"
    assert reason("broken_promises") == "2 promesses non tenues"
    assert reason("scenario_step") == "étape 3 sur 3 du scénario"
    assert reason("payment_history") == "paie en moyenne 1 jour en retard"
    assert reason("last_contact") == "aucun contact depuis 1 jour"


def test_the_result_does_not_depend_on_the_callers_decimal_context():
    expected = suggest_priority(BIG_LATE)

    with localcontext() as context:
        context.prec = 3
        assert suggest_priority(BIG_LATE) == expected


# --- Weights -------------------------------------------------------------------------------------


def test_the_default_weights_add_up_to_100_and_round_trip():
    weights = PriorityWeights()

    assert sum(weights.as_dict()[name] for name in FACTORS) == 100
    assert PriorityWeights.from_dict(weights.as_dict()) == weights
    assert PriorityWeights.from_dict({"amount": 50}) == PriorityWeights(amount=50)


@pytest.mark.parametrize(
    ("values", "message", "code"),
    [
        (
            {"days_overdue": -5},
            "Le poids « Jours de retard » ne peut pas être négatif (-5).",
            "priority_weight_negative",
        ),
        (
            {"disputes": 150},
            "Le poids « Réduction pour litige (%) » ne peut pas dépasser 100 (150).",
            "priority_weight_too_large",
        ),
        (
            {"amount": "35"},
            "Le poids « Montant dû » doit être un nombre entier ('35').",
            "priority_weight_not_an_integer",
        ),
        (
            dict.fromkeys(FACTORS, 0),
            "Au moins un facteur de priorité doit avoir un poids supérieur à 0 "
            "(tous les poids sont à 0).",
            "priority_weights_all_zero",
        ),
        (
            {"colour": 3},
            "Facteur de priorité inconnu : colour.",
            "priority_weight_unknown",
        ),
    ],
)
def test_invalid_weights_are_refused_in_french(values, message, code):
    with pytest.raises(RuleViolation) as refused:
        PriorityWeights.from_dict(values)

    assert (refused.value.message, refused.value.code) == (message, code)


def test_suggesting_with_invalid_weights_is_refused():
    with pytest.raises(RuleViolation, match="négatif"):
        suggest_priority(BIG_LATE, PriorityWeights(amount=-1))


# --- Properties ----------------------------------------------------------------------------------

amounts = st.decimals(min_value=0, max_value=10_000_000, places=2)
days = st.integers(min_value=-30, max_value=3000)
optional_days = st.none() | days


@st.composite
def all_facts(draw):
    step_count = draw(st.integers(min_value=0, max_value=8))
    return PriorityFacts(
        open_amount=draw(amounts),
        days_overdue=draw(days),
        step_reached=draw(st.integers(min_value=0, max_value=step_count)),
        step_count=step_count,
        broken_promises=draw(st.integers(min_value=0, max_value=20)),
        disputed_amount=draw(st.just(Decimal(0)) | amounts),
        disputes=draw(st.integers(min_value=0, max_value=5)),
        days_since_last_contact=draw(optional_days),
        average_days_late=draw(optional_days),
    )


weight = st.integers(min_value=0, max_value=100)
all_weights = st.builds(
    PriorityWeights,
    amount=weight,
    days_overdue=weight,
    broken_promises=weight,
    scenario_step=weight,
    payment_history=weight,
    last_contact=st.integers(min_value=1, max_value=100),  # never all zero
    disputes=weight,
)


def at_least_as_urgent(more, less):
    assert more.score >= less.score
    assert more.priority <= less.priority


@given(all_facts(), all_weights)
def test_bounds(facts, weights):
    suggestion = suggest_priority(facts, weights)

    assert 0 <= suggestion.score <= 100
    assert 1 <= suggestion.priority <= 5
    assert 1 <= len(suggestion.reasons) <= 3


@given(all_facts(), all_weights, amounts)
def test_more_money_never_lowers_the_urgency(facts, weights, more):
    grown = replace(facts, open_amount=facts.open_amount + more)

    at_least_as_urgent(suggest_priority(grown, weights), suggest_priority(facts, weights))


@given(all_facts(), all_weights, st.integers(min_value=0, max_value=1000))
def test_more_days_overdue_never_lower_the_urgency(facts, weights, more):
    later = replace(facts, days_overdue=facts.days_overdue + more)

    at_least_as_urgent(suggest_priority(later, weights), suggest_priority(facts, weights))


@given(all_facts(), all_weights, st.integers(min_value=0, max_value=10))
def test_more_broken_promises_never_lower_the_urgency(facts, weights, more):
    broken = replace(facts, broken_promises=facts.broken_promises + more)

    at_least_as_urgent(suggest_priority(broken, weights), suggest_priority(facts, weights))


@given(all_facts(), all_weights, st.integers(min_value=0, max_value=8))
def test_a_later_step_never_lowers_the_urgency(facts, weights, more):
    further = replace(facts, step_reached=min(facts.step_reached + more, facts.step_count))

    at_least_as_urgent(suggest_priority(further, weights), suggest_priority(facts, weights))


@given(all_facts(), all_weights, st.integers(min_value=0, max_value=365))
def test_a_longer_silence_or_a_worse_history_never_lowers_the_urgency(facts, weights, more):
    contact = facts.days_since_last_contact
    late = facts.average_days_late
    worse = replace(
        facts,
        days_since_last_contact=None if contact is None else contact + more,
        average_days_late=more if late is None else late + more,
    )
    never = replace(facts, days_since_last_contact=None)

    at_least_as_urgent(suggest_priority(worse, weights), suggest_priority(facts, weights))
    at_least_as_urgent(suggest_priority(never, weights), suggest_priority(facts, weights))


@given(all_facts(), all_weights, amounts)
def test_more_in_dispute_never_raises_the_urgency(facts, weights, more):
    disputed = replace(facts, disputed_amount=facts.disputed_amount + more)

    at_least_as_urgent(suggest_priority(facts, weights), suggest_priority(disputed, weights))


@given(all_facts(), all_weights)
def test_a_wholly_disputed_balance_is_never_priority_1(facts, weights):
    disputed = replace(facts, disputed_amount=facts.open_amount + facts.disputed_amount)

    assert suggest_priority(disputed, weights).priority >= 2


SAID = {
    "days_overdue": "de retard",
    "broken_promises": "non tenue",
    "scenario_step": "du scénario",
    "payment_history": "paie en moyenne",
    "last_contact": "contact",
}


@given(all_facts(), all_weights)
def test_the_explanation_names_the_heaviest_factor_and_is_deterministic(facts, weights):
    suggestion = suggest_priority(facts, weights)
    if facts.open_amount == 0:
        return
    heaviest = max(FACTORS, key=lambda name: (suggestion.points[name], -FACTORS.index(name)))

    said = SAID.get(heaviest, f"{format_amount(facts.open_amount)} dû")
    assert suggestion.explanation.startswith(f"Priorité suggérée {suggestion.priority} — ")
    assert said in suggestion.explanation
    assert suggest_priority(facts, weights) == suggestion
