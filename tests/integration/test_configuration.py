"""Services of « Structure »: scenario steps and collaborators, manager only, French errors."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from recouvrement.db.models import Collaborator
from recouvrement.domain.statuses import ActionType, Role
from recouvrement.services.configuration import (
    StepRow,
    create_scenario_with_steps,
    save_collaborator,
    update_scenario_steps,
)
from recouvrement.services.letters import letter_templates
from tests.builders import a_company, a_customer, a_dossier, a_scenario, a_user


def rows_of(scenario) -> list[StepRow]:
    return [
        StepRow(step_id=s.pk, label=s.label, delay_days=s.delay_days, action_type=s.action_type)
        for s in scenario.steps.all()
    ]


def test_a_scenario_is_created_with_the_letter_template_of_each_step(team):
    template = letter_templates(team.company)["mise_en_demeure"]
    rows = [
        StepRow("Relance", 0, ActionType.EMAIL),
        StepRow("Mise en demeure", 15, ActionType.FORMAL_NOTICE, letter_template_id=template.pk),
    ]

    scenario = create_scenario_with_steps(team.company, "Pro", rows, user=team.manager)

    assert [s.letter_template for s in scenario.steps.all()] == [None, template]


def test_a_template_of_another_company_is_refused_and_nothing_is_created(team):
    foreign = letter_templates(a_company(name="Autre"))["mise_en_demeure"]
    rows = [StepRow("Mise en demeure", 0, ActionType.FORMAL_NOTICE, letter_template_id=foreign.pk)]

    with pytest.raises(ValidationError, match="Étape 1 : modèle de courrier inconnu."):
        create_scenario_with_steps(team.company, "Pro", rows, user=team.manager)

    assert not team.company.scenarios.exists()


def test_steps_are_renumbered_in_their_new_order_and_new_ones_are_added(team):
    scenario = a_scenario(team.company)
    first, second, *rest = rows_of(scenario)
    added = StepRow("Contrôle", 3, ActionType.TASK, fee_amount=Decimal("12.50"))

    update_scenario_steps(scenario, [second, first, *rest, added], user=team.manager)

    assert [(s.order, s.label) for s in scenario.steps.all()] == [
        (1, "Téléphone"),
        (2, "E-mail de relance courtoise"),
        (3, "Courrier de relance"),
        (4, "Mise en demeure"),
        (5, "Contrôle"),
    ]


def test_an_unused_step_left_out_is_deleted_and_a_used_one_is_refused(team):
    scenario = a_scenario(team.company)
    a_dossier(a_customer(team.company), scenario=scenario, user=team.manager)  # uses step 1
    rows = rows_of(scenario)

    update_scenario_steps(scenario, rows[:3], user=team.manager)
    with pytest.raises(ValidationError, match="a déjà servi à des interventions"):
        update_scenario_steps(scenario, rows[1:3], user=team.manager)

    assert scenario.steps.count() == 3


def test_a_negative_delay_is_refused_and_nothing_changes(team):
    scenario = a_scenario(team.company)
    rows = rows_of(scenario)
    rows[1] = StepRow("Téléphone", -1, ActionType.PHONE, step_id=rows[1].step_id)

    with pytest.raises(ValidationError, match="Étape 2 : le délai ne peut pas être négatif."):
        update_scenario_steps(scenario, rows, user=team.manager)

    assert scenario.steps.get(order=2).delay_days == 10


def test_making_a_scenario_the_default_unsets_the_previous_one(team):
    old = a_scenario(team.company, is_default=True)
    new = a_scenario(team.company)

    update_scenario_steps(new, rows_of(new), user=team.manager, is_default=True)

    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.is_default, new.is_default) == (False, True)


def test_only_a_manager_configures(team):
    scenario = a_scenario(team.company)

    with pytest.raises(PermissionDenied):
        update_scenario_steps(scenario, rows_of(scenario), user=team.collector_user)
    with pytest.raises(PermissionDenied):
        save_collaborator(team.collector, user=team.reader)


def test_a_collaborator_is_linked_to_a_user_of_the_company_only_once(team):
    lea = a_user(team.company, Role.COLLECTOR, "lea")
    stranger = a_user(a_company(name="Autre"), Role.COLLECTOR, "x")

    saved = save_collaborator(
        Collaborator(company=team.company, last_name="Durand", is_collector=True, user=lea),
        user=team.manager,
    )
    with pytest.raises(ValidationError, match="déjà lié au collaborateur"):
        save_collaborator(
            Collaborator(company=team.company, last_name="Autre", user=lea), user=team.manager
        )
    with pytest.raises(ValidationError, match="n'a pas accès à la société"):
        save_collaborator(
            Collaborator(company=team.company, last_name="Tiers", user=stranger),
            user=team.manager,
        )

    assert saved.user == lea and saved.is_collector
    assert team.company.collaborators.count() == 3
