"""Creating a scenario step's intervention and running what the step plans (S2, S5)."""

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser

from recouvrement.db.models import Dossier, Intervention, JournalEntry
from recouvrement.domain.scenario import NextStep, dossier_status_after, preparation_note
from recouvrement.domain.statuses import DossierStatus, InterventionKind, InterventionStatus
from recouvrement.services.journal import INTERVENTION_FIELDS, journal_entry, snapshot


def step_intervention(
    dossier: Dossier, plan: NextStep, user: AbstractBaseUser | None
) -> Intervention:
    """The unsaved intervention « A faire » of the planned step."""
    step = plan.step
    return Intervention(
        dossier=dossier,
        step_id=step.id,
        kind=InterventionKind.STEP,
        status=InterventionStatus.TODO,
        action_type=step.action_type,
        label=step.label,
        planned_date=plan.planned_date,
        fee_amount=step.fee_amount,
        user=user,
    )


def step_journal(
    dossier: Dossier,
    intervention: Intervention,
    plan: NextStep,
    user: AbstractBaseUser | None,
    at: datetime,
) -> list[JournalEntry]:
    """The journal rows of a prepared step, and the dossier status it sets (applied here)."""
    entries = [
        journal_entry(
            dossier,
            "intervention_prepared",
            f"Étape « {plan.step.label} » préparée, prévue le {plan.planned_date:%d/%m/%Y} : "
            f"{preparation_note(plan.step)}.",
            user=user,
            intervention=intervention,
            after=snapshot(intervention, INTERVENTION_FIELDS),
            at=at,
        )
    ]
    target = dossier_status_after(DossierStatus(dossier.status), plan.step)
    if target is not None:
        entries.append(
            journal_entry(
                dossier,
                "dossier_status_changed",
                f"Dossier passé à « {target.label} » par l'étape « {plan.step.label} ».",
                user=user,
                before={"status": dossier.status},
                after={"status": target.value},
                at=at,
            )
        )
        dossier.status = target
    return entries


def create_step(
    dossier: Dossier, plan: NextStep, user: AbstractBaseUser | None, at: datetime
) -> Intervention:
    intervention = step_intervention(dossier, plan, user)
    intervention.save(force_insert=True)
    status_before = dossier.status
    entries = step_journal(dossier, intervention, plan, user, at)
    if dossier.status != status_before:
        dossier.save(update_fields=["status"])
    JournalEntry.objects.bulk_create(entries)
    return intervention
