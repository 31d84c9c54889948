"""Configuring scenarios (M6): bad input gets a French error and writes nothing."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from recouvrement.db.models import Scenario
from recouvrement.domain.statuses import ActionType, DossierStatus
from recouvrement.services import StepInput, create_scenario

CALL = StepInput("Relance téléphonique", 10, ActionType.PHONE)


def test_a_manager_creates_a_scenario_with_ordered_steps(team):
    scenario = create_scenario(
        team.company,
        "Relance standard",
        [
            StepInput("E-mail de relance courtoise", 0, ActionType.EMAIL),
            CALL,
            StepInput("Mise en demeure", 15, ActionType.FORMAL_NOTICE, True, Decimal("15.00")),
        ],
        user=team.manager,
        is_default=True,
    )

    steps = list(scenario.steps.values_list("order", "label", "delay_days", "fee_amount"))
    assert steps == [
        (1, "E-mail de relance courtoise", 0, Decimal("0.00")),
        (2, "Relance téléphonique", 10, Decimal("0.00")),
        (3, "Mise en demeure", 15, Decimal("15.00")),
    ]
    assert scenario.is_default


def test_a_duplicate_scenario_name_is_refused_in_french(team):
    create_scenario(team.company, "Relance standard", [CALL], user=team.manager)

    with pytest.raises(ValidationError, match="Un scénario s'appelle déjà « Relance standard »"):
        create_scenario(team.company, "Relance standard ", [CALL], user=team.manager)

    assert Scenario.objects.count() == 1


@pytest.mark.parametrize(
    ("step", "message"),
    [
        (StepInput("Frais", 0, ActionType.TASK, fee_amount=Decimal("-1")), "Étape 2 : Le montant"),
        (StepInput("Appel", -3, ActionType.PHONE), "Étape 2 : le délai ne peut pas être négatif"),
        (StepInput("x" * 70, 0, ActionType.PHONE), "au plus 69 caractères"),
        (
            StepInput("Fin", 0, ActionType.TASK, sets_dossier_status=DossierStatus.CLOSED),
            "ne clôt pas",
        ),
    ],
)
def test_a_bad_step_is_refused_with_its_position_and_nothing_is_written(team, step, message):
    with pytest.raises(ValidationError, match=message):
        create_scenario(team.company, "Particuliers", [CALL, step], user=team.manager)

    assert not Scenario.objects.exists()


def test_a_name_longer_than_35_characters_or_no_step_is_refused(team):
    with pytest.raises(ValidationError, match="au plus 35 caractères"):
        create_scenario(team.company, "x" * 36, [CALL], user=team.manager)
    with pytest.raises(ValidationError, match="au moins une étape"):
        create_scenario(team.company, "Vide", [], user=team.manager)


def test_only_a_manager_configures_scenarios(team):
    for user in (team.collector_user, team.reader):
        with pytest.raises(PermissionDenied):
            create_scenario(team.company, "Perso", [CALL], user=user)
