"""The scenario engine (S2, S5, S8, M6) on plain snapshots: no database, no clock."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from recouvrement.domain.scenario import (
    CLOSED,
    FINISHED,
    NO_SCENARIO,
    STEP_TODO,
    DossierSnapshot,
    InterventionState,
    NextStep,
    StepSpec,
    dossier_status_after,
    first_step,
    offers_next_step,
    plan_next_step,
)
from recouvrement.domain.statuses import (
    ActionType,
    DossierStatus,
    InterventionKind,
    InterventionStatus,
)

START = date(2026, 11, 2)
STEPS = (
    StepSpec(11, 1, "E-mail de relance courtoise", 0, ActionType.EMAIL),
    StepSpec(12, 2, "Téléphone", 10, ActionType.PHONE),
    StepSpec(13, 3, "Courrier de relance", 15, ActionType.LETTER),
    StepSpec(14, 4, "Mise en demeure", 15, ActionType.FORMAL_NOTICE),
)


def step_done(step: StepSpec, done: date, status=InterventionStatus.DONE) -> InterventionState:
    return InterventionState(InterventionKind.STEP, status, done, step.id, done)


def step_todo(step: StepSpec, planned: date) -> InterventionState:
    return InterventionState(InterventionKind.STEP, InterventionStatus.TODO, planned, step.id)


def dossier(*interventions, status=DossierStatus.OPEN, steps=STEPS) -> DossierSnapshot:
    return DossierSnapshot(status, START, steps, tuple(interventions))


def test_the_first_step_is_planned_at_the_start_date_plus_its_delay():
    plan = first_step(STEPS, START)

    assert plan == NextStep(STEPS[0], START)


def test_the_next_step_is_planned_from_the_day_its_predecessor_was_done():
    done_on = date(2026, 11, 5)

    plan = plan_next_step(dossier(step_done(STEPS[0], done_on)))

    assert plan == NextStep(STEPS[1], done_on + timedelta(days=10))


def test_an_ignored_step_counts_as_finished_for_the_delay_rule():
    skipped_on = date(2026, 11, 6)

    plan = plan_next_step(dossier(step_done(STEPS[0], skipped_on, InterventionStatus.SKIPPED)))

    assert plan == NextStep(STEPS[1], date(2026, 11, 16))


def test_nothing_is_planned_while_a_step_is_still_todo():
    plan = plan_next_step(dossier(step_todo(STEPS[0], START)))

    assert plan is STEP_TODO


def test_nothing_is_planned_after_the_last_step():
    done = [step_done(s, START + timedelta(days=i)) for i, s in enumerate(STEPS)]

    assert plan_next_step(dossier(*done)) is FINISHED


def test_a_closed_dossier_plans_nothing():
    assert plan_next_step(dossier(status=DossierStatus.CLOSED)) is CLOSED


def test_a_dossier_without_scenario_has_only_manual_interventions():
    assert plan_next_step(dossier(steps=())) is NO_SCENARIO
    assert first_step((), START) is None


def test_steps_are_taken_in_their_order_not_their_listing():
    shuffled = (STEPS[2], STEPS[0], STEPS[3], STEPS[1])

    plan = plan_next_step(dossier(step_done(STEPS[1], START), steps=shuffled))

    assert plan.step is STEPS[2]


def test_manual_interventions_still_todo_do_not_block_the_scenario():
    manual = InterventionState(InterventionKind.MANUAL, InterventionStatus.TODO, START)

    plan = plan_next_step(dossier(step_done(STEPS[0], START), manual))

    assert plan.step is STEPS[1]


def test_a_pending_promise_makes_the_scenario_wait_until_the_day_after_the_promised_date():
    promised = date(2026, 12, 20)
    promise = InterventionState(InterventionKind.PROMISE, InterventionStatus.TODO, promised)

    plan = plan_next_step(dossier(step_done(STEPS[0], START), promise))

    assert plan.planned_date == date(2026, 12, 21)


def test_a_broken_promise_resumes_the_scenario_the_day_after_its_date_not_before():
    promise = InterventionState(
        InterventionKind.PROMISE, InterventionStatus.SKIPPED, date(2026, 12, 20), None, START
    )

    plan = plan_next_step(dossier(step_done(STEPS[0], START), promise))

    assert plan.planned_date == date(2026, 12, 21)


def test_a_kept_promise_no_longer_delays_the_scenario():
    promise = InterventionState(
        InterventionKind.PROMISE, InterventionStatus.DONE, date(2026, 12, 20), None, START
    )

    plan = plan_next_step(dossier(step_done(STEPS[0], START), promise))

    assert plan.planned_date == START + timedelta(days=10)


def test_a_next_step_is_due_on_its_planned_date_and_after():
    plan = NextStep(STEPS[1], date(2026, 11, 12))

    assert not plan.is_due(date(2026, 11, 11))
    assert plan.is_due(date(2026, 11, 12))
    assert plan.is_due(date(2026, 12, 1))


def test_closing_the_window_offers_the_next_step_only_when_everything_is_done():
    all_done = dossier(step_done(STEPS[0], START))
    still_todo = dossier(step_todo(STEPS[0], START))
    finished = dossier(*[step_done(s, START) for s in STEPS])

    assert offers_next_step(all_done)
    assert not offers_next_step(still_todo)
    assert not offers_next_step(finished)


def test_a_step_can_move_an_open_dossier_to_litigation_but_not_a_closed_one():
    step = StepSpec(20, 5, "Contentieux", 0, ActionType.TASK, False, 0, DossierStatus.LITIGATION)

    assert dossier_status_after(DossierStatus.OPEN, step) is DossierStatus.LITIGATION
    assert dossier_status_after(DossierStatus.LITIGATION, step) is None
    assert dossier_status_after(DossierStatus.CLOSED, step) is None
    assert dossier_status_after(DossierStatus.OPEN, STEPS[0]) is None


@given(
    delays=st.lists(st.integers(0, 60), min_size=1, max_size=6),
    gaps=st.lists(st.integers(0, 40), min_size=6, max_size=6),
)
def test_walking_a_scenario_visits_each_step_once_in_order_with_the_delay_rule(delays, gaps):
    steps = tuple(
        StepSpec(100 + i, i + 1, f"Étape {i + 1}", d, ActionType.TASK) for i, d in enumerate(delays)
    )
    done: list[InterventionState] = []
    visited = []
    reference = START

    while isinstance(plan := plan_next_step(dossier(*done, steps=steps)), NextStep):
        assert plan.planned_date == reference + timedelta(days=plan.step.delay_days)
        visited.append(plan.step)
        reference = plan.planned_date + timedelta(days=gaps[len(visited) - 1])
        done.append(step_done(plan.step, reference))

    assert visited == list(steps)
    assert plan is FINISHED
