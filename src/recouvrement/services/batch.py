"""B1: « Préparer » for every dossier whose next step is due — `recouvrement prepare`."""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from recouvrement.db.models import Company, Dossier, Intervention, JournalEntry
from recouvrement.domain.scenario import DossierSnapshot, NextStep, plan_next_step
from recouvrement.domain.statuses import DossierStatus, InterventionKind, InterventionStatus
from recouvrement.services.snapshots import intervention_states, step_specs
from recouvrement.services.steps import step_intervention, step_journal

CHUNK = 2000


@dataclass
class PrepareSummary:
    """What a run of the batch did; `as_json` is the CLI's last line."""

    created: int = 0
    not_due: int = 0
    waiting: int = 0
    finished: int = 0
    by_action: Counter = field(default_factory=Counter)

    def as_json(self) -> dict:
        return {
            "created": self.created,
            "not_due": self.not_due,
            "waiting": self.waiting,
            "finished": self.finished,
            "by_action": dict(sorted(self.by_action.items())),
        }


def _candidates(today: date, company: Company | None):
    """Open dossiers with a scenario and no step still « A faire » (the others must wait)."""
    step_todo = Intervention.objects.filter(
        dossier=OuterRef("pk"), kind=InterventionKind.STEP, status=InterventionStatus.TODO
    )
    dossiers = Dossier.objects.filter(
        status__in=[DossierStatus.OPEN, DossierStatus.LITIGATION],
        scenario__isnull=False,
        start_date__lte=today,
    ).filter(~Exists(step_todo))
    if company is not None:
        dossiers = dossiers.filter(company=company)
    return dossiers.order_by("pk").values_list("pk", flat=True)


def prepare_due(
    today: date,
    *,
    company: Company | None = None,
    user: AbstractBaseUser | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> PrepareSummary:
    """Create the due step of every dossier, by chunks of one transaction each.

    A rerun on the same date creates nothing: a prepared step is « A faire » and blocks the
    next one. Each chunk locks its dossiers, so a user's « Préparer » at the same moment
    waits for the chunk and then finds the step already there.
    """
    summary = PrepareSummary()
    ids = list(_candidates(today, company))
    steps = step_specs(
        Dossier.objects.filter(scenario__isnull=False)
        .values_list("scenario_id", flat=True)
        .distinct()
    )
    for start in range(0, len(ids), CHUNK):
        _prepare_chunk(ids[start : start + CHUNK], steps, today, user, summary)
        if progress:
            progress(min(start + CHUNK, len(ids)), len(ids))
    return summary


def _prepare_chunk(ids, steps, today, user, summary: PrepareSummary) -> None:
    at = timezone.now()
    with transaction.atomic():
        dossiers = list(
            Dossier.objects.select_for_update()
            .filter(pk__in=ids)
            .only("pk", "company_id", "status", "start_date", "scenario_id")
        )
        states = intervention_states(ids)
        planned: list[tuple[Dossier, NextStep]] = []
        for dossier in dossiers:
            snapshot = DossierSnapshot(
                DossierStatus(dossier.status),
                dossier.start_date,
                steps.get(dossier.scenario_id, ()),
                tuple(states.get(dossier.pk, ())),
            )
            plan = plan_next_step(snapshot)
            if not isinstance(plan, NextStep):
                if plan.code == "scenario_finished":
                    summary.finished += 1
                else:
                    summary.waiting += 1
            elif not plan.is_due(today):
                summary.not_due += 1
            else:
                planned.append((dossier, plan))
        interventions = Intervention.objects.bulk_create(
            [step_intervention(dossier, plan, user) for dossier, plan in planned]
        )
        entries: list[JournalEntry] = []
        moved: list[Dossier] = []
        for (dossier, plan), intervention in zip(planned, interventions, strict=True):
            status_before = dossier.status
            entries += step_journal(dossier, intervention, plan, user, at)
            if dossier.status != status_before:
                moved.append(dossier)
            summary.by_action[plan.step.action_type.value] += 1
        JournalEntry.objects.bulk_create(entries, batch_size=1000)
        Dossier.objects.bulk_update(moved, ["status"])
        summary.created += len(interventions)
