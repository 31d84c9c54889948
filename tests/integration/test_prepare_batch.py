"""B1: `prepare_due(today)` prepares every due step, once."""

from datetime import date
from decimal import Decimal

from recouvrement import services
from recouvrement.db.models import Intervention, JournalEntry
from recouvrement.domain.statuses import ActionType, DossierStatus, InterventionStatus
from tests.builders import a_customer, a_dossier, a_receivable, a_scenario

OPENED = date(2026, 11, 2)


def finish_current_step(dossier, on: date, user) -> None:
    todo = dossier.interventions.get(kind="step", status=InterventionStatus.TODO)
    services.set_intervention_status(todo, InterventionStatus.DONE, today=on, user=user)


def test_the_batch_prepares_due_steps_only_and_a_second_run_creates_nothing(team):
    scenario = a_scenario(team.company)
    due = a_dossier(a_customer(team.company), scenario=scenario, today=OPENED)
    not_yet = a_dossier(a_customer(team.company), scenario=scenario, today=OPENED)
    waiting = a_dossier(a_customer(team.company), scenario=scenario, today=OPENED)
    finish_current_step(due, date(2026, 11, 3), team.manager)  # Téléphone due 13/11
    finish_current_step(not_yet, date(2026, 11, 10), team.manager)  # due 20/11

    first = services.prepare_due(date(2026, 11, 15))
    second = services.prepare_due(date(2026, 11, 15))

    assert first.as_json() == {
        "created": 1,
        "not_due": 1,
        "waiting": 0,
        "finished": 0,
        "below_minimum": 0,
        "promises_kept": 0,
        "promises_broken": 0,
        "by_action": {"phone": 1},
        "skipped": [],
    }
    assert second.created == 0
    prepared = due.interventions.get(status=InterventionStatus.TODO)
    assert (prepared.label, prepared.planned_date) == ("Téléphone", date(2026, 11, 13))
    assert waiting.interventions.count() == 1
    batch_entry = JournalEntry.objects.filter(action="intervention_prepared").last()
    assert (batch_entry.dossier, batch_entry.user) == (due, None)


def test_the_batch_leaves_closed_dossiers_and_finished_scenarios_alone(team):
    scenario = a_scenario(team.company, steps=[(0, ActionType.PHONE, "Appel")])
    finished = a_dossier(a_customer(team.company), scenario=scenario)
    closed = a_dossier(a_customer(team.company), scenario=a_scenario(team.company))
    finish_current_step(finished, OPENED, team.manager)
    finish_current_step(closed, OPENED, team.manager)
    services.close_dossier(closed, today=OPENED, user=team.manager)

    summary = services.prepare_due(date(2027, 1, 1))

    assert summary.created == 0
    assert summary.finished == 1
    assert Intervention.objects.count() == 2


def test_a_step_that_sets_litigation_moves_the_dossier_with_a_journal_row(team):
    scenario = a_scenario(
        team.company,
        steps=[(0, ActionType.PHONE, "Appel"), (5, ActionType.TASK, "Transmission contentieux")],
    )
    scenario.steps.filter(order=2).update(sets_dossier_status=DossierStatus.LITIGATION)
    dossier = a_dossier(a_customer(team.company), scenario=scenario)
    finish_current_step(dossier, OPENED, team.manager)

    services.prepare_due(date(2026, 11, 7))

    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.LITIGATION
    assert dossier.journal.filter(action="dossier_status_changed").count() == 1


def test_the_batch_reports_its_progress(team):
    scenario = a_scenario(team.company)
    for _ in range(3):
        finish_current_step(
            a_dossier(a_customer(team.company), scenario=scenario), OPENED, team.manager
        )
    seen = []

    services.prepare_due(date(2026, 12, 1), progress=lambda done, total: seen.append((done, total)))

    assert seen == [(3, 3)]


def penalty_scenario(team):
    scenario = a_scenario(
        team.company,
        steps=[(0, ActionType.PHONE, "Appel"), (10, ActionType.LETTER, "Courrier de relance")],
    )
    scenario.steps.filter(order=2).update(compute_penalties=True, fee_amount=Decimal("15.00"))
    return scenario


def test_a_step_with_penalties_stores_the_dossiers_penalties_and_its_fee(team):
    customer = a_customer(team.company)
    dossier = a_dossier(
        customer,
        scenario=penalty_scenario(team),
        receivables=[a_receivable(customer, "1234.56", date(2026, 9, 1))],
    )
    finish_current_step(dossier, OPENED, team.manager)

    services.prepare_due(date(2026, 11, 12))

    letter = dossier.interventions.get(status=InterventionStatus.TODO)
    # 1 234,56 € late from 02/09 to 12/11 (72 days) at 12,15 % = 29,59 €, plus 40 €.
    assert (letter.penalty_amount, letter.fee_amount) == (Decimal("69.59"), Decimal("15.00"))


def test_preparer_by_hand_computes_the_same_penalties(team):
    customer = a_customer(team.company)
    dossier = a_dossier(
        customer,
        scenario=penalty_scenario(team),
        receivables=[a_receivable(customer, "1234.56", date(2026, 9, 1))],
    )
    finish_current_step(dossier, OPENED, team.manager)

    letter = services.prepare_next_intervention(dossier, today=date(2026, 11, 12), user=None)

    assert letter.penalty_amount == Decimal("69.59")


def test_penalties_that_cannot_be_computed_do_not_stop_the_batch_and_are_journaled(team):
    customer = a_customer(team.company, contractual_penalty_rate=Decimal("9.00"))
    dossier = a_dossier(
        customer,
        scenario=penalty_scenario(team),
        receivables=[a_receivable(customer, "1234.56", date(2026, 9, 1))],
    )
    finish_current_step(dossier, OPENED, team.manager)

    summary = services.prepare_due(date(2026, 11, 12))

    # The contractual floor needs the legal rate of the 2nd semester 2026, not yet entered.
    assert summary.created == 1
    entry = dossier.journal.get(action="penalties_not_computed")
    assert "2e semestre 2026 n'est pas connu" in entry.message
