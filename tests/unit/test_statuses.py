"""Status changes are data (S4, M7): who may move what, and the drop-down's choices."""

import pytest

from recouvrement.domain.rules import RuleViolation
from recouvrement.domain.statuses import (
    DossierStatus,
    InterventionKind,
    InterventionStatus,
    Role,
    allowed_intervention_statuses,
    check_dossier_transition,
    check_intervention_transition,
)

TODO, DONE, SKIPPED = InterventionStatus.TODO, InterventionStatus.DONE, InterventionStatus.SKIPPED


def check(current, target, role=Role.COLLECTOR, **kwargs):
    kwargs.setdefault("kind", InterventionKind.STEP)
    check_intervention_transition(current, target, role, **kwargs)


@pytest.mark.parametrize("target", [DONE, SKIPPED])
def test_a_collector_may_finish_or_skip_an_intervention_todo(target):
    check(TODO, target)


@pytest.mark.parametrize("current", [DONE, SKIPPED])
def test_only_a_manager_may_set_a_finished_intervention_back_to_todo(current):
    check(current, TODO, Role.MANAGER)
    with pytest.raises(RuleViolation, match="Seul un responsable") as refused:
        check(current, TODO, Role.COLLECTOR)
    assert refused.value.code == "manager_only"


def test_done_cannot_become_skipped_directly():
    with pytest.raises(RuleViolation, match="« Réalisée » à « Ignorée » interdit"):
        check(DONE, SKIPPED, Role.MANAGER)


def test_a_read_only_user_changes_nothing():
    with pytest.raises(RuleViolation) as refused:
        check(TODO, DONE, Role.READ_ONLY)
    assert refused.value.code == "read_only"


def test_setting_the_same_status_again_is_refused():
    with pytest.raises(RuleViolation, match="déjà au statut « A faire »"):
        check(TODO, TODO)


def test_a_step_cannot_go_back_to_todo_while_another_step_is_todo():
    with pytest.raises(RuleViolation, match="une seule étape") as refused:
        check(DONE, TODO, Role.MANAGER, another_step_todo=True)
    assert refused.value.code == "step_already_todo"


def test_an_alert_may_go_back_to_todo_even_when_a_step_is_todo():
    check(DONE, TODO, Role.MANAGER, kind=InterventionKind.ALERT, another_step_todo=True)


def test_the_status_drop_down_offers_what_the_role_may_choose():
    assert allowed_intervention_statuses(TODO, Role.COLLECTOR) == [TODO, DONE, SKIPPED]
    assert allowed_intervention_statuses(DONE, Role.COLLECTOR) == [DONE]
    assert allowed_intervention_statuses(DONE, Role.MANAGER) == [DONE, TODO]
    assert allowed_intervention_statuses(TODO, Role.READ_ONLY) == [TODO]


def test_labels_are_the_seeds_words():
    assert [s.label for s in InterventionStatus] == ["A faire", "Réalisée", "Ignorée"]
    assert [s.label for s in DossierStatus] == ["En cours", "Contentieux", "Clos"]


def test_a_closed_dossier_stays_closed():
    check_dossier_transition(DossierStatus.OPEN, DossierStatus.CLOSED)
    check_dossier_transition(DossierStatus.LITIGATION, DossierStatus.CLOSED)
    with pytest.raises(RuleViolation, match="« Clos » ne peut pas passer à « En cours »"):
        check_dossier_transition(DossierStatus.CLOSED, DossierStatus.OPEN)
