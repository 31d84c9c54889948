"""The scenario engine: which step comes next, and when (S2, S5, S8, M6).

Delay rule (M6): the planned date of step n is the date its predecessor became Réalisée or
Ignorée (for the first step, the dossier's start date) plus the step's delay. Nothing is
planned while a step of the scenario is still « A faire », nor after the last step. A pending
promise to pay (S11, B3) makes the scenario wait until the day after the promised date; a
broken one (« Ignorée ») lets it resume from that day, not from before the promise.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from recouvrement.domain.statuses import (
    ActionType,
    DossierStatus,
    InterventionKind,
    InterventionStatus,
)


@dataclass(frozen=True)
class StepSpec:
    """One étape of a scénario, as the engine needs it."""

    id: int
    order: int
    label: str
    delay_days: int
    action_type: ActionType
    compute_penalties: bool = False
    fee_amount: Decimal = Decimal("0")
    sets_dossier_status: DossierStatus | None = None


@dataclass(frozen=True)
class InterventionState:
    """What the engine needs to know of an existing intervention."""

    kind: InterventionKind
    status: InterventionStatus
    planned_date: date
    step_id: int | None = None
    done_date: date | None = None


@dataclass(frozen=True)
class DossierSnapshot:
    """A dossier, its scenario's steps and its interventions, read at one moment."""

    status: DossierStatus
    start_date: date
    steps: tuple[StepSpec, ...] = ()
    interventions: tuple[InterventionState, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class NextStep:
    step: StepSpec
    planned_date: date

    def is_due(self, today: date) -> bool:
        return self.planned_date <= today


@dataclass(frozen=True)
class NoNextStep:
    """Why nothing can be planned; `message` is shown to the user as is."""

    code: str
    message: str


CLOSED = NoNextStep("dossier_closed", "Le dossier est clos : aucune étape ne peut être préparée.")
NO_SCENARIO = NoNextStep(
    "no_scenario", "Le dossier n'est associé à aucun scénario : ses interventions sont manuelles."
)
STEP_TODO = NoNextStep(
    "step_todo",
    "Une étape du scénario est encore « A faire » : passez-la à « Réalisée » ou « Ignorée » "
    "avant de préparer la suivante.",
)
FINISHED = NoNextStep("scenario_finished", "La dernière étape du scénario a déjà été préparée.")


def plan_next_step(snapshot: DossierSnapshot) -> NextStep | NoNextStep:
    """The step Préparer would create now, with its planned date, or why there is none."""
    if not snapshot.status.is_open:
        return CLOSED
    if not snapshot.steps:
        return NO_SCENARIO
    # One pass over the interventions: the batch plans 100 000 dossiers (PRODUCT §7).
    order_of = {step.id: step.order for step in snapshot.steps}
    last_order, reference, promised = -1, snapshot.start_date, None
    for i in snapshot.interventions:
        if i.kind is InterventionKind.STEP:
            if i.status is InterventionStatus.TODO:
                return STEP_TODO
            order = order_of.get(i.step_id, -1)
            done = i.done_date or i.planned_date
            if order > last_order or (order == last_order and done > reference):
                last_order, reference = order, done
        elif i.kind is InterventionKind.PROMISE and i.status is not InterventionStatus.DONE:
            promised = i.planned_date if promised is None else max(promised, i.planned_date)
    later = [step for step in snapshot.steps if step.order > last_order]
    if not later:
        return FINISHED
    following = min(later, key=lambda step: step.order)
    planned = reference + timedelta(days=following.delay_days)
    if promised is not None:
        planned = max(planned, promised + timedelta(days=1))
    return NextStep(following, planned)


def first_step(steps: tuple[StepSpec, ...], start_date: date) -> NextStep | None:
    """The step created when a dossier with a scenario is opened (S2)."""
    plan = plan_next_step(DossierSnapshot(DossierStatus.OPEN, start_date, steps))
    return plan if isinstance(plan, NextStep) else None


def offers_next_step(snapshot: DossierSnapshot) -> bool:
    """S8: all interventions are done and the scenario has a next step to prepare."""
    all_done = all(i.status is not InterventionStatus.TODO for i in snapshot.interventions)
    return all_done and isinstance(plan_next_step(snapshot), NextStep)


def dossier_status_after(current: DossierStatus, step: StepSpec) -> DossierStatus | None:
    """The status a step moves its dossier to (e.g. « Contentieux »), or None to leave it."""
    target = step.sets_dossier_status
    if target is None or target is current or not current.is_open or not target.is_open:
        return None
    return target
