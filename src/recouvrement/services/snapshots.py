"""Reading a dossier's state for the scenario engine (the batch reads through `db.planning`)."""

from collections import defaultdict
from collections.abc import Iterable

from recouvrement.db.models import Dossier, Intervention, Step
from recouvrement.db.planning import DOSSIER_STATUSES, shared_states
from recouvrement.domain.scenario import DossierSnapshot, StepSpec


def step_specs(scenario_ids: Iterable[int]) -> dict[int, tuple[StepSpec, ...]]:
    specs: dict[int, list[StepSpec]] = defaultdict(list)
    for step in Step.objects.filter(scenario_id__in=set(scenario_ids)).order_by("order"):
        specs[step.scenario_id].append(step.spec())
    return {scenario_id: tuple(steps) for scenario_id, steps in specs.items()}


def dossier_snapshot(dossier: Dossier) -> DossierSnapshot:
    """The dossier, its scenario's steps and all its interventions, read now."""
    steps = step_specs([dossier.scenario_id]).get(dossier.scenario_id, ())
    rows = Intervention.objects.filter(dossier_id=dossier.pk).values_list(
        "dossier_id", "kind", "status", "planned_date", "step_id", "done_date"
    )
    return DossierSnapshot(
        status=DOSSIER_STATUSES[dossier.status],
        start_date=dossier.start_date,
        steps=steps,
        interventions=shared_states(rows).get(dossier.pk, ()),
    )
