"""Reading a dossier's state for the scenario engine, one dossier or thousands at a time."""

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Q

from recouvrement.db.models import Dossier, Intervention, Step
from recouvrement.domain.scenario import DossierSnapshot, InterventionState, StepSpec
from recouvrement.domain.statuses import DossierStatus, InterventionKind, InterventionStatus


def step_specs(scenario_ids: Iterable[int]) -> dict[int, tuple[StepSpec, ...]]:
    specs: dict[int, list[StepSpec]] = defaultdict(list)
    for step in Step.objects.filter(scenario_id__in=set(scenario_ids)).order_by("order"):
        specs[step.scenario_id].append(step.spec())
    return {scenario_id: tuple(steps) for scenario_id, steps in specs.items()}


ALL = Q()
# What `plan_next_step` looks at: the steps, and the promises pending or broken.
PLANNING = Q(kind=InterventionKind.STEP) | (
    Q(kind=InterventionKind.PROMISE) & ~Q(status=InterventionStatus.DONE)
)


def intervention_states(
    relevant: Q = ALL, **dossier_lookup: object
) -> dict[int, list[InterventionState]]:
    """States by dossier id, for the dossiers matched by a lookup (`dossier_id__range=…`)."""
    states: dict[int, list[InterventionState]] = defaultdict(list)
    rows = Intervention.objects.filter(relevant, **dossier_lookup).values_list(
        "dossier_id", "kind", "status", "planned_date", "step_id", "done_date"
    )
    for dossier_id, kind, status, planned, step_id, done in rows:
        states[dossier_id].append(
            InterventionState(
                InterventionKind(kind), InterventionStatus(status), planned, step_id, done
            )
        )
    return states


def dossier_snapshot(dossier: Dossier) -> DossierSnapshot:
    steps = step_specs([dossier.scenario_id]).get(dossier.scenario_id, ())
    return DossierSnapshot(
        status=DossierStatus(dossier.status),
        start_date=dossier.start_date,
        steps=steps,
        interventions=tuple(intervention_states(dossier_id=dossier.pk).get(dossier.pk, ())),
    )
