"""« Préparer » (S5, B1): create the due step of one dossier or of thousands, one path.

The user's « Préparer », the opening of a dossier and the nightly batch (`services.batch`) all
hand `PlannedStep`s to `create_steps`, which writes the interventions « A faire », their
journal rows (`journal_rows`), the dossier statuses the steps set, and hands each step on to
what its action type does (`domain.statuses.ACTIONS`): a printed letter waits for
« Imprimer », an e-mail goes to the outbox in the same transaction.

Most dossiers of a batch share their plan (the batch plans each distinct state once, so equal
plans are one `NextStep` object): what a row says is built once per plan and reused.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser

from recouvrement.db.bulk import RowAdapter, insert_rows
from recouvrement.db.models import Company, Dossier, Intervention
from recouvrement.domain.letters import short_date
from recouvrement.domain.scenario import NextStep, dossier_status_after
from recouvrement.domain.statuses import DossierStatus, InterventionKind, InterventionStatus
from recouvrement.services.emails import enqueue_emails
from recouvrement.services.journal import INTERVENTION_FIELDS, insert_journal_rows
from recouvrement.services.penalties import penalties_or_reasons
from recouvrement.services.queue import collector_key

PREPARED = "intervention_prepared"
STATUS_CHANGED = "dossier_status_changed"
PENALTIES_NOT_COMPUTED = "penalties_not_computed"

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
_PENALTY = INTERVENTION_FIELDS.index("penalty_amount")


@dataclass(frozen=True, slots=True)
class PlannedStep:
    """A dossier's due step, with what its intervention copies of the dossier."""

    dossier_id: int
    company_id: int
    status: DossierStatus  # the dossier's, before the step
    next: NextStep
    # The worklist's copy of the dossier's priority and chargé (`services.queue`).
    queue: tuple[int, str, int | None]

    @classmethod
    def of(cls, dossier: Dossier, next_step: NextStep) -> "PlannedStep":
        queue = (dossier.priority, collector_key(dossier.collector), dossier.collector_id)
        return cls(dossier.pk, dossier.company_id, DossierStatus(dossier.status), next_step, queue)


def _per_plan(make: Callable[[PlannedStep], Any], by_status: bool = False):
    """`make` once per plan object (and dossier status): equal plans share one `NextStep`,
    whose id is a cheap key while the planned steps live."""
    made: dict[tuple, Any] = {}

    def run(p: PlannedStep) -> Any:
        key = (id(p.next), p.status if by_status else None)
        if key not in made:
            made[key] = make(p)
        return made[key]

    return run


def _step_values(next_step: NextStep, user_id: int | None) -> tuple:
    """The new intervention's INTERVENTION_FIELDS, once per (step, planned date, user)."""
    step = next_step.step
    fields = {
        "kind": InterventionKind.STEP.value,
        "status": InterventionStatus.TODO.value,
        "action_type": step.action_type.value,
        "label": step.label,
        "planned_date": next_step.planned_date,
        "done_date": None,
        "contact_id": None,
        "comment": "",
        "promise_amount": None,
        "penalty_amount": Decimal("0.00"),
        "fee_amount": step.fee_amount,
        "step_id": step.id,
        "user_id": user_id,
    }
    return tuple(fields[name] for name in INTERVENTION_FIELDS)


def _prepared(next_step: NextStep, user_id: int | None) -> tuple[str, dict[str, Any]]:
    """The journal's message and « after » of a prepared step (shared by equal plans)."""
    step = next_step.step
    message = (
        f"Étape « {step.label} » préparée, prévue le {short_date(next_step.planned_date)} : "
        f"{step.action_type.spec.prepared_note}."
    )
    after = {
        "kind": InterventionKind.STEP.value,
        "status": InterventionStatus.TODO.value,
        "action_type": step.action_type.value,
        "label": step.label,
        "planned_date": next_step.planned_date.isoformat(),
        "fee_amount": str(step.fee_amount),
        "step_id": step.id,
        "user_id": user_id,
    }
    return message, after


def _status_change(current: DossierStatus, next_step: NextStep) -> tuple | None:
    """(target, message, before, after) when the step moves its dossier (« Contentieux »)."""
    target = dossier_status_after(current, next_step.step)
    if target is None:
        return None
    message = f"Dossier passé à « {target.label} » par l'étape « {next_step.step.label} »."
    return target, message, {"status": current.value}, {"status": target.value}


def journal_rows(
    planned: list[PlannedStep],
    created: dict[int, int],
    reasons: dict[int, str],
    *,
    user_id: int | None,
    at: datetime,
) -> list[tuple]:
    """The journal of a Préparer (JOURNAL_COLUMNS): the step prepared, the penalties that
    could not be computed, and the dossier status the step set."""
    rows = []
    prepared = _per_plan(lambda p: _prepared(p.next, user_id))
    status_change = _per_plan(lambda p: _status_change(p.status, p.next), by_status=True)
    for p in planned:
        intervention_id = created[p.dossier_id]
        head = (p.company_id, p.dossier_id)
        message, after = prepared(p)
        rows.append((*head, intervention_id, at, user_id, PREPARED, message, None, after))
        if p.dossier_id in reasons:
            message = f"Pénalités non calculées : {reasons[p.dossier_id]}"[:255]
            rows.append(
                (*head, intervention_id, at, user_id, PENALTIES_NOT_COMPUTED, message, None, None)
            )
        if (change := status_change(p)) is not None:
            _, message, before, after = change
            rows.append((*head, None, at, user_id, STATUS_CHANGED, message, before, after))
    return rows


def create_steps(
    planned: list[PlannedStep], *, user_id: int | None, at: datetime, today: date
) -> dict[int, int]:
    """Write the planned steps (the caller holds the dossiers' locks); returns the new
    intervention's id by dossier id."""
    if not planned:
        return {}
    penalties, reasons = _penalties(planned, today)
    # What rows share is adapted for the database once: per plan, and the time stamp.
    adapt = RowAdapter(Intervention, INTERVENTION_FIELDS)
    step_values = _per_plan(lambda p: adapt(_step_values(p.next, user_id)))
    stamp = RowAdapter(Intervention, ("created_at", "updated_at"))((at, at))
    rows = []
    for p in planned:
        values = step_values(p)
        if p.dossier_id in penalties:
            with_penalty = [*_step_values(p.next, user_id)]
            with_penalty[_PENALTY] = penalties[p.dossier_id]
            values = adapt(with_penalty)
        rows.append((p.dossier_id, *values, p.company_id, *p.queue, *stamp))
    insert_rows(Intervention, INTERVENTION_COLUMNS, rows, adapted=True)
    created = _created_ids([p.dossier_id for p in planned])
    insert_journal_rows(journal_rows(planned, created, reasons, user_id=user_id, at=at))
    _hand_on(planned, created, user_id=user_id, at=at)
    moved: dict[DossierStatus, list[int]] = defaultdict(list)
    for p in planned:
        if (target := dossier_status_after(p.status, p.next.step)) is not None:
            moved[target].append(p.dossier_id)
    for target, ids in moved.items():
        Dossier.objects.filter(pk__in=ids).update(status=target)
    return created


def prepare_step(
    dossier: Dossier, next_step: NextStep, user: AbstractBaseUser | None, at: datetime, today: date
) -> Intervention:
    """`create_steps` for one dossier (« Préparer », a dossier's opening): its intervention."""
    planned = PlannedStep.of(dossier, next_step)
    created = create_steps([planned], user_id=user.pk if user else None, at=at, today=today)
    if (target := dossier_status_after(planned.status, next_step.step)) is not None:
        dossier.status = target
    return Intervention.objects.select_related("dossier").get(pk=created[dossier.pk])


def _created_ids(dossier_ids: list[int]) -> dict[int, int]:
    """Exactly one step « A faire » per dossier (a database constraint): its id is ours."""
    # Many ids: a range is cheaper to build and to plan than an IN list of thousands.
    lookup = (
        {"dossier__pk__range": (min(dossier_ids), max(dossier_ids))}
        if len(dossier_ids) > 500
        else {"dossier_id__in": dossier_ids}
    )
    created = dict(
        Intervention.objects.filter(
            kind=InterventionKind.STEP, status=InterventionStatus.TODO, **lookup
        ).values_list("dossier_id", "pk")
    )
    return {pk: created[pk] for pk in dossier_ids}


def _hand_on(
    planned: list[PlannedStep], created: dict[int, int], *, user_id: int | None, at: datetime
) -> None:
    """What each action type does once its step exists (`ActionSpec`): an « E-mail » step's
    message goes to the outbox, in this transaction (S5); a printed letter waits for
    « Imprimer »; a call or a task waits for the chargé."""
    enqueue_emails(
        [
            (p.dossier_id, created[p.dossier_id], p.next.step.label)
            for p in planned
            if p.next.step.action_type.queues_email
        ],
        now=at,
        user_id=user_id,
    )


def _penalties(planned: list[PlannedStep], today: date) -> tuple[dict[int, Decimal], dict]:
    """« Calcul des pénalités » (S5, B2): each such step's dossier penalties on `today`, and,
    by dossier, why they could not be computed (a rate not entered)."""
    by_company: dict[int, list[int]] = defaultdict(list)
    for p in planned:
        if p.next.step.compute_penalties:
            by_company[p.company_id].append(p.dossier_id)
    amounts: dict[int, Decimal] = {}
    reasons: dict[int, str] = {}
    for company in Company.objects.filter(pk__in=by_company):
        results, failures = penalties_or_reasons(by_company[company.pk], today, company=company)
        amounts.update((pk, penalties.total) for pk, penalties in results.items())
        reasons.update((pk, violation.message) for pk, violation in failures.items())
    return amounts, reasons
