"""B1: « Préparer » for every dossier whose next step is due — `recouvrement prepare`."""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import DecimalField, Exists, OuterRef, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from recouvrement.db.models import (
    Collaborator,
    Company,
    Dossier,
    Intervention,
    JournalEntry,
    Scenario,
)
from recouvrement.db.planning import locked_dossiers, planning_states
from recouvrement.domain.scenario import DossierSnapshot, NextStep, NoNextStep, plan_next_step
from recouvrement.domain.statuses import DossierStatus, InterventionKind, InterventionStatus
from recouvrement.services.dispute_reads import wholly_disputed
from recouvrement.services.promises import settle_promises
from recouvrement.services.queue import collector_key
from recouvrement.services.snapshots import step_specs
from recouvrement.services.steps import PENALTIES_NOT_COMPUTED, PlannedStep, create_steps

CHUNK = 5000


@dataclass
class PrepareSummary:
    """What a run of the batch did; `as_json` is the CLI's last line."""

    created: int = 0
    not_due: int = 0
    waiting: int = 0
    finished: int = 0
    below_minimum: int = 0  # left alone: their open balance is under the company's minimum
    disputed: int = 0  # left alone: their whole open balance is in litige (B10)
    promises_kept: int = 0
    promises_broken: int = 0
    by_action: Counter = field(default_factory=Counter)
    # Dossiers whose penalties could not be computed (a rate not entered…): their step is
    # created all the same, journaled « Pénalités non calculées »; each {"dossier", "reason"}.
    skipped: list[dict[str, str]] = field(default_factory=list)
    # The interventions created, in order (the dry run describes them; not in `as_json`).
    intervention_ids: list[int] = field(default_factory=list, repr=False)
    # The dossiers counted in `disputed` (the dry run names them; not in `as_json`).
    disputed_ids: list[int] = field(default_factory=list, repr=False)

    def as_json(self) -> dict:
        return {
            "created": self.created,
            "not_due": self.not_due,
            "waiting": self.waiting,
            "finished": self.finished,
            "below_minimum": self.below_minimum,
            **({"disputed": self.disputed} if self.disputed else {}),
            "promises_kept": self.promises_kept,
            "promises_broken": self.promises_broken,
            "by_action": dict(sorted(self.by_action.items())),
            "skipped": list(self.skipped),
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


def _below_minimum(company: Company | None) -> set[int]:
    """Open dossiers whose échéances still open add up to less than their company's « solde
    minimum à relancer »: the scenario does not go on for them (one query per company that
    sets a minimum; none when no company does)."""
    companies = Company.objects.filter(minimum_balance__gt=0)
    if company is not None:
        companies = companies.filter(pk=company.pk)
    below: set[int] = set()
    for company_id, minimum in companies.values_list("pk", "minimum_balance"):
        open_balance = Coalesce(
            Sum("links__receivable__open_amount", filter=Q(links__is_active=True)),
            Value(Decimal("0")),
            output_field=DecimalField(max_digits=14, decimal_places=2),
        )
        below.update(
            Dossier.objects.filter(
                company_id=company_id,
                status__in=[DossierStatus.OPEN, DossierStatus.LITIGATION],
                scenario__isnull=False,
            )
            .annotate(open_balance=open_balance)
            .filter(open_balance__lt=minimum)
            .values_list("pk", flat=True)
        )
    return below


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
    with transaction.atomic():
        # B3 first: a promise whose date has passed unpaid lets its scenario go on today.
        promises = settle_promises(today, company=company, user=user)
    summary.promises_kept, summary.promises_broken = promises.kept, promises.broken
    ids = list(_candidates(today, company))
    if below := _below_minimum(company):
        kept = [pk for pk in ids if pk not in below]
        summary.below_minimum = len(ids) - len(kept)
        ids = kept
    if disputed := wholly_disputed(ids):
        kept = [pk for pk in ids if pk not in disputed]
        summary.disputed = len(ids) - len(kept)
        summary.disputed_ids = sorted(disputed)
        ids = kept
    scenarios = Scenario.objects.all() if company is None else company.scenarios.all()
    steps = step_specs(scenarios.values_list("pk", flat=True))
    collectors = {c.pk: collector_key(c) for c in Collaborator.objects.all()}
    for start in range(0, len(ids), CHUNK):
        _prepare_chunk(ids[start : start + CHUNK], steps, collectors, today, user, summary)
        if progress:
            progress(min(start + CHUNK, len(ids)), len(ids))
    return summary


def _prepare_chunk(ids, steps, collectors, today, user, summary: PrepareSummary) -> None:
    user_id = user.pk if user else None
    # Ranges of ids, not IN lists of thousands of values: cheaper to build and to plan.
    wanted, id_range = set(ids), (ids[0], ids[-1])
    with transaction.atomic():
        # Lock first, then read the interventions under the lock.
        dossiers = locked_dossiers(id_range)
        states = planning_states(id_range)
        plans: dict[tuple, NextStep | NoNextStep] = {}
        planned: list[PlannedStep] = []
        for pk, company_id, status, start_date, scenario_id, priority, collector in dossiers:
            if pk not in wanted:
                continue
            # Dossiers in the same state get the same plan: plan each state once. Alike
            # interventions are one tuple object (`db.planning`): its id is its key.
            done = states.get(pk, ())
            key = (status, start_date, scenario_id, id(done))
            plan = plans.get(key)
            if plan is None:
                snapshot = DossierSnapshot(status, start_date, steps.get(scenario_id, ()), done)
                plan = plans[key] = plan_next_step(snapshot)
            if not isinstance(plan, NextStep):
                if plan.code == "scenario_finished":
                    summary.finished += 1
                else:
                    summary.waiting += 1
            elif not plan.is_due(today):
                summary.not_due += 1
            else:
                queue = (priority, collectors.get(collector, ""), collector)
                planned.append(PlannedStep(pk, company_id, status, plan, queue))
                summary.by_action[plan.step.action_type.value] += 1
        at = timezone.now()
        created = create_steps(planned, user_id=user_id, at=at, today=today)
        summary.intervention_ids.extend(created.values())
        summary.created += len(planned)
        summary.skipped.extend(_penalties_not_computed([p.dossier_id for p in planned], at))


def _penalties_not_computed(dossier_ids: list[int], at) -> list[dict[str, str]]:
    """What `create_steps` journaled as « Pénalités non calculées » for these dossiers at
    `at`: the dossier and the reason (one query)."""
    if not dossier_ids:
        return []
    rows = (
        JournalEntry.objects.filter(
            action=PENALTIES_NOT_COMPUTED,
            at=at,
            dossier__pk__range=(min(dossier_ids), max(dossier_ids)),
        )
        .order_by("dossier__number")
        .values_list("dossier_id", "dossier__number", "message")
    )
    wanted = set(dossier_ids)
    return [
        {"dossier": number, "reason": message}  # « Pénalités non calculées : … »
        for dossier_id, number, message in rows
        if dossier_id in wanted
    ]
