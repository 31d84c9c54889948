"""What a user does with an « E-mail » step's message (§3): « Envoyer maintenant », « Annuler
l'envoi », « Préparer l'envoi ».

None sends anything in the request: « Envoyer maintenant » hands the row back to the outbox
worker (`send_due_emails`, `recouvrement send-emails`), which sends it on its next run. Each
locks the dossier, then the outbox row (the order the worker's record of a send takes), checks
the user may change the dossier and what the e-mail's state allows, and writes a journal row.
A cancelled row is never taken by the worker (it claims `pending` and `sending` rows only); its
step stays « A faire », to be sent by hand and marked « Réalisée », or queued again.
"""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser

from recouvrement.db.models import Dossier, Intervention, OutgoingEmail
from recouvrement.domain.email_state import (
    NO_ADDRESS,
    EmailAction,
    EmailState,
    check_email_action,
    email_state,
    emailed,
)
from recouvrement.domain.rules import RuleViolation
from recouvrement.domain.statuses import InterventionStatus
from recouvrement.mailing.outbox import recipient_of
from recouvrement.services.actors import require_change
from recouvrement.services.emails import EMAIL_CANCELLED, enqueue_email
from recouvrement.services.journal import record, to_json
from recouvrement.services.use_case import use_case

# The journal's actions (EMAIL_CANCELLED is the worker's too).
EMAIL_SEND_NOW = "email_send_now"
EMAIL_QUEUED = "email_queued"
Status = OutgoingEmail.Status
WORKER_NOTE = "il part au prochain passage de l'envoi (recouvrement send-emails)"


@dataclass(frozen=True)
class _Locked:
    dossier: Dossier
    intervention: Intervention
    email: OutgoingEmail | None
    state: EmailState | None
    recipient: str  # the dossier's address now


def _lock(
    intervention: Intervention, user: AbstractBaseUser | None, action: EmailAction
) -> _Locked:
    """The dossier and the step's latest outbox row, locked, once the action is allowed."""
    dossier = Dossier.objects.select_for_update().get(pk=intervention.dossier_id)
    require_change(user, dossier)
    if not dossier.status_enum.is_open:
        raise RuleViolation(
            "Le dossier est clos : ses e-mails ne peuvent plus être modifiés.", "dossier_closed"
        )
    current = Intervention.objects.filter(pk=intervention.pk).first()
    if current is None:
        raise RuleViolation("Cette intervention n'existe plus.", "intervention_gone")
    if not emailed(current.action_type):
        raise RuleViolation(f"« {current.label} » n'est pas un e-mail.", "not_an_email")
    email = (
        OutgoingEmail.objects.select_for_update().filter(intervention=current).order_by("-pk")
    ).first()
    contact = dossier.contact.email if dossier.contact_id else ""
    recipient = recipient_of(contact, dossier.customer.email)
    todo = current.status == InterventionStatus.TODO
    state = email_state(
        email.status if email else None,
        attempts=email.attempts if email else 0,
        todo=todo,
        has_address=bool(recipient),
    )
    check_email_action(action, state, todo=todo, label=current.label)
    return _Locked(dossier, current, email, state, recipient)


def _journal(locked: _Locked, action: str, message: str, before, after, user, now) -> None:
    record(
        locked.dossier,
        action,
        message,
        user=user,
        intervention=locked.intervention,
        before=to_json(before) if before else None,
        after=to_json(after),
        at=now,
    )


@use_case
def send_email_now(
    intervention: Intervention, *, user: AbstractBaseUser | None, now: datetime
) -> OutgoingEmail:
    """« Envoyer maintenant »: the waiting or failed row due at `now`, for the worker's next
    run (its Message-ID kept: the server can tell a second copy). Nothing is sent here."""
    locked = _lock(intervention, user, EmailAction.SEND_NOW)
    email = locked.email
    before = {"status": email.status, "next_attempt_at": email.next_attempt_at}
    email.status, email.next_attempt_at = Status.PENDING, now
    email.save(update_fields=["status", "next_attempt_at"])
    _journal(
        locked,
        EMAIL_SEND_NOW,
        f"E-mail « {locked.intervention.label} » à {email.recipient} : envoi demandé, "
        f"{WORKER_NOTE}.",
        before,
        {"email": email.pk, "status": email.status, "next_attempt_at": now},
        user,
        now,
    )
    return email


@use_case
def cancel_email(
    intervention: Intervention, *, user: AbstractBaseUser | None, now: datetime
) -> OutgoingEmail:
    """« Annuler l'envoi »: the row `cancelled`, never sent; the step stays « A faire »."""
    locked = _lock(intervention, user, EmailAction.CANCEL)
    email = locked.email
    before = {"status": email.status}
    email.status = Status.CANCELLED
    email.save(update_fields=["status"])
    _journal(
        locked,
        EMAIL_CANCELLED,
        f"E-mail « {locked.intervention.label} » à {email.recipient} : envoi annulé. "
        "L'intervention reste « A faire » : envoyez-le à la main ou marquez-la réalisée.",
        before,
        {"email": email.pk, "status": email.status},
        user,
        now,
    )
    return email


@use_case
def queue_email(
    intervention: Intervention, *, user: AbstractBaseUser | None, now: datetime
) -> OutgoingEmail:
    """« Préparer l'envoi »: a new outbox row (a new Message-ID) for a step never queued (no
    address then) or cancelled, to the dossier's address now."""
    locked = _lock(intervention, user, EmailAction.QUEUE)
    if not locked.recipient:
        raise RuleViolation(NO_ADDRESS, "email_no_address")
    email = enqueue_email(locked.intervention, now=now)
    _journal(
        locked,
        EMAIL_QUEUED,
        f"E-mail « {locked.intervention.label} » mis dans la file d'envoi pour "
        f"{email.recipient} : {WORKER_NOTE}.",
        None,
        {"email": email.pk, "message_id": email.message_id, "status": email.status},
        user,
        now,
    )
    return email
