"""Creating a scenario step's intervention and running what the step plans (S2, S5).

The single-dossier path (`create_step`) and the batch (`services.batch`) share the fields,
the messages and the journal contents defined here.
"""

from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser

from recouvrement.db.models import Company, Dossier, Intervention, JournalEntry
from recouvrement.domain.letters import short_date
from recouvrement.domain.scenario import NextStep, dossier_status_after, preparation_note
from recouvrement.domain.statuses import (
    ActionType,
    DossierStatus,
    InterventionKind,
    InterventionStatus,
)
from recouvrement.services.emails import enqueue_email
from recouvrement.services.journal import journal_entry
from recouvrement.services.penalties import penalties_or_reasons
from recouvrement.services.queue import queue_fields

PREPARED = "intervention_prepared"
STATUS_CHANGED = "dossier_status_changed"


def step_fields(plan: NextStep, user_id: int | None) -> dict[str, Any]:
    """The fields of the new intervention « A faire » (the journal's INTERVENTION_FIELDS)."""
    step = plan.step
    return {
        "kind": InterventionKind.STEP.value,
        "status": InterventionStatus.TODO.value,
        "action_type": step.action_type.value,
        "label": step.label,
        "planned_date": plan.planned_date,
        "done_date": None,
        "contact_id": None,
        "comment": "",
        "promise_amount": None,
        "penalty_amount": Decimal("0.00"),
        "fee_amount": step.fee_amount,
        "step_id": step.id,
        "user_id": user_id,
    }


def step_journal_after(fields: dict[str, Any]) -> dict[str, Any]:
    """What the journal keeps of a prepared step: the fields that say something."""
    return {
        "kind": fields["kind"],
        "status": fields["status"],
        "action_type": fields["action_type"],
        "label": fields["label"],
        "planned_date": fields["planned_date"].isoformat(),
        "fee_amount": str(fields["fee_amount"]),
        "step_id": fields["step_id"],
        "user_id": fields["user_id"],
    }


def prepared_message(plan: NextStep) -> str:
    return (
        f"Étape « {plan.step.label} » préparée, prévue le {short_date(plan.planned_date)} : "
        f"{preparation_note(plan.step)}."
    )


def status_message(target: DossierStatus, plan: NextStep) -> str:
    return f"Dossier passé à « {target.label} » par l'étape « {plan.step.label} »."


def charge_penalties(
    fields_by_dossier: dict[int, dict[str, Any]], company_of: dict[int, Company], today: date
) -> dict[int, str]:
    """« Calcul des pénalités » (S5, B2): store each dossier's penalties on `today` in its
    step's fields; return, by dossier, why they could not be computed (a rate not entered)."""
    reasons: dict[int, str] = {}
    by_company: dict[int, list[int]] = defaultdict(list)
    for dossier_id in fields_by_dossier:
        by_company[company_of[dossier_id].pk].append(dossier_id)
    for ids in by_company.values():
        results, failures = penalties_or_reasons(ids, today, company=company_of[ids[0]])
        for dossier_id, penalties in results.items():
            fields_by_dossier[dossier_id]["penalty_amount"] = penalties.total
        reasons.update((dossier_id, v.message) for dossier_id, v in failures.items())
    return reasons


def penalties_journal(dossier: Dossier, reason: str, user, at: datetime, intervention=None):
    return journal_entry(
        dossier,
        "penalties_not_computed",
        f"Pénalités non calculées : {reason}",
        user=user,
        intervention=intervention,
        at=at,
    )


def create_step(
    dossier: Dossier, plan: NextStep, user: AbstractBaseUser | None, at: datetime, today: date
) -> Intervention:
    """Save the step's intervention, apply the dossier status it sets, journal both."""
    fields = step_fields(plan, user.pk if user else None)
    reasons = (
        charge_penalties({dossier.pk: fields}, {dossier.pk: dossier.company}, today)
        if plan.step.compute_penalties
        else {}
    )
    intervention = Intervention(dossier=dossier, **fields, **queue_fields(dossier))
    intervention.save(force_insert=True)
    entries = [
        journal_entry(
            dossier,
            PREPARED,
            prepared_message(plan),
            user=user,
            intervention=intervention,
            after=step_journal_after(fields),
            at=at,
        )
    ]
    if dossier.pk in reasons:
        entries.append(penalties_journal(dossier, reasons[dossier.pk], user, at, intervention))
    target = dossier_status_after(DossierStatus(dossier.status), plan.step)
    if target is not None:
        entries.append(
            journal_entry(
                dossier,
                STATUS_CHANGED,
                status_message(target, plan),
                user=user,
                before={"status": dossier.status},
                after={"status": target.value},
                at=at,
            )
        )
        dossier.status = target
        dossier.save(update_fields=["status"])
    JournalEntry.objects.bulk_create(entries)
    if plan.step.action_type is ActionType.EMAIL:
        # S5: the step's e-mail goes to the outbox, in this transaction.
        enqueue_email(intervention, now=at)
    return intervention
