"""B1: « Préparer » for every dossier whose next step is due — `recouvrement prepare`."""

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from recouvrement.db.bulk import insert_rows
from recouvrement.db.models import Collaborator, Company, Dossier, Intervention, JournalEntry
from recouvrement.domain.scenario import (
    DossierSnapshot,
    NextStep,
    dossier_status_after,
    plan_next_step,
)
from recouvrement.domain.statuses import (
    ActionType,
    DossierStatus,
    InterventionKind,
    InterventionStatus,
)
from recouvrement.services.emails import enqueue_emails
from recouvrement.services.journal import INTERVENTION_FIELDS, JOURNAL_COLUMNS
from recouvrement.services.promises import settle_promises
from recouvrement.services.queue import collector_key
from recouvrement.services.snapshots import PLANNING, intervention_states, step_specs
from recouvrement.services.steps import (
    PREPARED,
    STATUS_CHANGED,
    charge_penalties,
    prepared_message,
    status_message,
    step_fields,
    step_journal_after,
)

CHUNK = 5000


@dataclass
class PrepareSummary:
    """What a run of the batch did; `as_json` is the CLI's last line."""

    created: int = 0
    not_due: int = 0
    waiting: int = 0
    finished: int = 0
    promises_kept: int = 0
    promises_broken: int = 0
    by_action: Counter = field(default_factory=Counter)

    def as_json(self) -> dict:
        return {
            "created": self.created,
            "not_due": self.not_due,
            "waiting": self.waiting,
            "finished": self.finished,
            "promises_kept": self.promises_kept,
            "promises_broken": self.promises_broken,
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
    with transaction.atomic():
        # B3 first: a promise whose date has passed unpaid lets its scenario go on today.
        promises = settle_promises(today, company=company, user=user)
    summary.promises_kept, summary.promises_broken = promises.kept, promises.broken
    ids = list(_candidates(today, company))
    steps = step_specs(
        Dossier.objects.filter(scenario__isnull=False)
        .values_list("scenario_id", flat=True)
        .distinct()
    )
    collectors = {c.pk: collector_key(c) for c in Collaborator.objects.all()}
    for start in range(0, len(ids), CHUNK):
        _prepare_chunk(ids[start : start + CHUNK], steps, collectors, today, user, summary)
        if progress:
            progress(min(start + CHUNK, len(ids)), len(ids))
    return summary


INTERVENTION_COLUMNS = (
    "dossier_id",
    *INTERVENTION_FIELDS,
    "company_id",
    "queue_priority",
    "queue_collector",
    "queue_collector_id",
    "created_at",
    "updated_at",
)


def _prepare_chunk(ids, steps, collectors, today, user, summary: PrepareSummary) -> None:
    at = timezone.now()
    user_id = user.pk if user else None
    # Ranges of ids, not IN lists of thousands of values: cheaper to build and to plan.
    wanted, id_range = set(ids), (ids[0], ids[-1])
    with transaction.atomic():
        # Lock first (list() runs the query now), then read the interventions under the lock.
        dossiers = list(
            Dossier.objects.select_for_update()
            .filter(pk__range=id_range)
            .values_list(
                "pk",
                "company_id",
                "status",
                "start_date",
                "scenario_id",
                "priority",
                "collector_id",
            )
        )
        states = intervention_states(PLANNING, dossier__pk__range=id_range)
        planned: list[tuple[int, int, DossierStatus, NextStep, dict, tuple]] = []
        for pk, company_id, status, start_date, scenario_id, priority, collector in dossiers:
            if pk not in wanted:
                continue
            status = DossierStatus(status)
            snapshot = DossierSnapshot(
                status, start_date, steps.get(scenario_id, ()), tuple(states.get(pk, ()))
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
                fields = step_fields(plan, user_id)
                queue = (company_id, priority, collectors.get(collector, ""), collector)
                planned.append((pk, company_id, status, plan, fields, queue))
        reasons = _charge_penalties(planned, today)
        insert_rows(
            Intervention,
            INTERVENTION_COLUMNS,
            (
                (pk, *(fields[name] for name in INTERVENTION_FIELDS), *queue, at, at)
                for pk, _, _, _, fields, queue in planned
            ),
        )
        # Exactly one step « A faire » per dossier (a database constraint): its id is ours.
        created = dict(
            Intervention.objects.filter(
                dossier__pk__range=id_range,
                kind=InterventionKind.STEP,
                status=InterventionStatus.TODO,
            ).values_list("dossier_id", "pk")
        )
        journal = []
        moved: dict[DossierStatus, list[int]] = defaultdict(list)
        for pk, company_id, status, plan, fields, _ in planned:
            journal.append(
                (
                    company_id,
                    pk,
                    created[pk],
                    at,
                    user_id,
                    PREPARED,
                    prepared_message(plan),
                    None,
                    step_journal_after(fields),
                )
            )
            target = dossier_status_after(status, plan.step)
            if target is not None:
                moved[target].append(pk)
                journal.append(
                    (
                        company_id,
                        pk,
                        None,
                        at,
                        user_id,
                        STATUS_CHANGED,
                        status_message(target, plan),
                        {"status": status.value},
                        {"status": target.value},
                    )
                )
            if pk in reasons:
                journal.append(
                    (
                        company_id,
                        pk,
                        created[pk],
                        at,
                        user_id,
                        "penalties_not_computed",
                        f"Pénalités non calculées : {reasons[pk]}",
                        None,
                        None,
                    )
                )
            summary.by_action[plan.step.action_type.value] += 1
        insert_rows(JournalEntry, JOURNAL_COLUMNS, journal)
        # S5: each « E-mail » step's message goes to the outbox, in this transaction.
        enqueue_emails(
            [
                (pk, created[pk], plan.step.label)
                for pk, _, _, plan, _, _ in planned
                if plan.step.action_type is ActionType.EMAIL
            ],
            now=at,
            user_id=user_id,
        )
        for target, pks in moved.items():
            Dossier.objects.filter(pk__in=pks).update(status=target)
        summary.created += len(planned)


def _charge_penalties(planned, today: date) -> dict[int, str]:
    """The steps with « Calcul des pénalités » get their dossier's penalties (few dossiers:
    one read for all of them); returns why some could not be computed."""
    wanted = {pk: fields for pk, _, _, plan, fields, _ in planned if plan.step.compute_penalties}
    if not wanted:
        return {}
    companies = {c.pk: c for c in Company.objects.filter(dossiers__pk__in=wanted).distinct()}
    company_ids = dict(Dossier.objects.filter(pk__in=wanted).values_list("pk", "company_id"))
    return charge_penalties(wanted, {pk: companies[company_ids[pk]] for pk in wanted}, today)
