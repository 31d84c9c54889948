"""The scenarios a new company starts with (PRODUCT §9 O1): the letters of LETTERS.md in their
order, within the limits of M6, and no fee the law does not allow by default."""

from decimal import Decimal

from recouvrement.domain.default_letters import DEFAULT_TEMPLATES
from recouvrement.domain.default_scenarios import CONSUMERS, DEFAULT_SCENARIOS, STANDARD
from recouvrement.domain.statuses import ActionType, DossierStatus


def test_one_default_scenario_and_names_and_labels_within_m6():
    assert [s.name for s in DEFAULT_SCENARIOS if s.is_default] == [STANDARD]
    assert len({s.name for s in DEFAULT_SCENARIOS}) == len(DEFAULT_SCENARIOS)
    for scenario in DEFAULT_SCENARIOS:
        assert len(scenario.name) <= 35
        assert all(len(step.label) <= 69 and step.delay_days >= 0 for step in scenario.steps)
        assert all(step.sets_dossier_status is not DossierStatus.CLOSED for step in scenario.steps)


def test_every_letter_step_names_a_template_of_letters_md():
    for scenario in DEFAULT_SCENARIOS:
        for step in scenario.steps:
            if step.action_type.uses_letter:
                assert step.letter_code in DEFAULT_TEMPLATES
            else:
                assert step.letter_code is None


def test_the_standard_scenario_sends_the_three_letters_in_their_order():
    standard = next(s for s in DEFAULT_SCENARIOS if s.name == STANDARD)

    assert [s.letter_code for s in standard.steps if s.letter_code] == [
        "relance_courtoise",
        "deuxieme_relance",
        "mise_en_demeure",
    ]
    assert standard.steps[-1].action_type is ActionType.FORMAL_NOTICE


def test_no_default_step_charges_a_fee():
    """Costs without an enforceable title stay the creditor's (L111-8 CPCE); a consumer is
    never charged any, a professional owes the 40 € indemnity computed apart."""
    assert all(
        step.fee_amount == Decimal("0") for scenario in DEFAULT_SCENARIOS for step in scenario.steps
    )
    consumers = next(s for s in DEFAULT_SCENARIOS if s.name == CONSUMERS)
    assert consumers.steps[0].letter_code == "relance_courtoise"  # courteous, even by post
