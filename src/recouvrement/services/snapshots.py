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


# What `plan_next_step` looks at: the steps, and the promises pending or broken.
PLANNING = Q(kind=InterventionKind.STEP) | (
    Q(kind=InterventionKind.PROMISE) & ~Q(status=InterventionStatus.DONE)
)
_KIND = {kind.value: kind for kind in InterventionKind}
_STATUS = {status.value: status for status in InterventionStatus}


ALL = Q()


def intervention_states(rows: Q, relevant: Q = ALL) -> dict[int, tuple[InterventionState, ...]]:
    """States by dossier id of the interventions matched by `rows` and `relevant`.

    Read unordered (the engine does not depend on the order). Dossiers whose interventions
    are alike share one tuple object, so that a batch plans each distinct state once.
    """
    raw: dict[int, list[tuple]] = defaultdict(list)
    query = (
        Intervention.objects.filter(rows, relevant)
        .order_by()
        .values_list("dossier_id", "kind", "status", "planned_date", "step_id", "done_date")
    )
    for row in query:
        raw[row[0]].append(row[1:])
    shared: dict[tuple, tuple[InterventionState, ...]] = {}
    states = {}
    for dossier_id, found in raw.items():
        key = tuple(found)
        if (same := shared.get(key)) is None:
            same = shared[key] = tuple(
                InterventionState(_KIND[kind], _STATUS[status], planned, step_id, done)
                for kind, status, planned, step_id, done in found
            )
        states[dossier_id] = same
    return states


def planning_states(id_range: tuple[int, int]) -> dict[int, tuple[InterventionState, ...]]:
    """What the engine needs of the dossiers whose id is in `id_range` (a batch's chunk)."""
    return intervention_states(Q(dossier__pk__range=id_range), PLANNING)


def dossier_snapshot(dossier: Dossier) -> DossierSnapshot:
    steps = step_specs([dossier.scenario_id]).get(dossier.scenario_id, ())
    return DossierSnapshot(
        status=DossierStatus(dossier.status),
        start_date=dossier.start_date,
        steps=steps,
        interventions=intervention_states(Q(dossier_id=dossier.pk)).get(dossier.pk, ()),
    )
