"""« Remettre A faire » (issue 13 §6): a manager undoes « Réalisée » or « Ignorée », with a
reason written in the dossier's journal (rules: `domain.reopening`)."""

from datetime import date

from django.contrib.auth.models import AbstractBaseUser

from recouvrement.db.models import Dossier, Intervention, OutgoingEmail, PrintedLetter
from recouvrement.domain.reopening import check_reopen
from recouvrement.domain.statuses import InterventionKind, InterventionStatus
from recouvrement.services.actors import require_change
from recouvrement.services.interventions import DOSSIER_CLOSED
from recouvrement.services.journal import INTERVENTION_FIELDS, changed, record, snapshot
from recouvrement.services.queue import queue_fields
from recouvrement.services.use_case import use_case

REOPENED = "intervention_reopened"
# An e-mail that left, or may have left (a worker holds it): the debtor may have it.
LEFT = (OutgoingEmail.Status.SENT, OutgoingEmail.Status.SENDING)


def _later_step(dossier: Dossier, current: Intervention) -> str | None:
    """The label of a step of the scenario prepared after this one (created later)."""
    if current.kind_enum is not InterventionKind.STEP:
        return None
    later = dossier.interventions.filter(kind=InterventionKind.STEP, pk__gt=current.pk)
    return later.order_by("pk").values_list("label", flat=True).first()


@use_case
def reopen_intervention(
    intervention: Intervention, *, reason: str, user: AbstractBaseUser | None, today: date
) -> Intervention:
    """Set a « Réalisée » or « Ignorée » intervention back to « A faire » (manager only).

    Refused when it printed a letter or sent an e-mail, and for a step of the scenario once the
    next step was prepared after it. A promise the money had judged is judged again by the next
    import or batch (`services.promises`); its « Promesse non tenue » alert, if any, stays.
    """
    dossier = Dossier.objects.select_for_update().get(pk=intervention.dossier_id)
    role = require_change(user, dossier)
    if not dossier.status_enum.is_open:
        raise DOSSIER_CLOSED
    current = Intervention.objects.get(pk=intervention.pk)
    reason = reason.strip()
    another_step_todo = (
        dossier.interventions.filter(kind=InterventionKind.STEP, status=InterventionStatus.TODO)
        .exclude(pk=current.pk)
        .exists()
    )
    check_reopen(
        current.status_enum,
        role,
        kind=current.kind_enum,
        reason=reason,
        emailed=OutgoingEmail.objects.filter(intervention=current, status__in=LEFT).exists(),
        printed=PrintedLetter.objects.filter(intervention=current).exists(),
        later_step=_later_step(dossier, current),
        another_step_todo=another_step_todo,
    )
    was = current.status_enum
    before = snapshot(current, INTERVENTION_FIELDS)
    current.status = InterventionStatus.TODO
    current.done_date = None
    if current.kind_enum is InterventionKind.PROMISE:
        current.promise_kept = None
    for name, value in queue_fields(dossier).items():
        setattr(current, name, value)  # the worklist's copy of today's priority and chargé
    current.save()
    old, new = changed(before, snapshot(current, INTERVENTION_FIELDS))
    record(
        dossier,
        REOPENED,
        f"« {current.label} » remise « A faire » (était « {was.label} ») : {reason}",
        user=user,
        intervention=current,
        before=old,
        after={**new, "reason": reason, "on": today.isoformat()},
    )
    return current
