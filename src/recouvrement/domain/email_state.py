"""What an « E-mail » step's message has become, and what a user may still do with it (§3).

Pure: the outbox row's status and attempts, the intervention's status and whether the dossier
has an address are given. The rule the screens keep: an « E-mail » step « A faire » always
shows why it has not left (en attente, nouvel essai, échec, annulé, pas d'adresse…).
"""

from enum import StrEnum

from recouvrement.domain.rules import RuleViolation
from recouvrement.domain.statuses import ActionType

# The outbox row's statuses (`OutgoingEmail.Status`), as stored.
PENDING = "pending"
NO_ADDRESS = "Pas d'adresse e-mail : ajoutez-en une au contact ou au client."


class EmailState(StrEnum):
    PENDING = "pending"  # waiting for the worker's next run
    RETRY = "retry"  # refused or unreachable: tried again at `next_attempt_at`
    SENDING = "sending"  # a worker holds it
    SENT = "sent"
    FAILED = "failed"  # given up, or may have reached the server: a human decides
    CANCELLED = "cancelled"  # « Annuler l'envoi »
    DROPPED = "dropped"  # still queued, but its step is no longer « A faire »: it will not leave
    NO_ADDRESS = "no_address"  # never queued: neither the contact nor the customer has an address
    NOT_QUEUED = "not_queued"  # never queued (or an address added since): « Préparer l'envoi »


def emailed(action_type: str) -> bool:
    """An intervention of this « Type d'action » sends its letter by e-mail (`ActionSpec`)."""
    return bool(action_type) and ActionType(action_type).queues_email


def email_state(
    outbox_status: str | None, *, attempts: int, todo: bool, has_address: bool
) -> EmailState | None:
    """The state of the step's latest outbox row (`outbox_status` None: it has none); None when
    there is nothing to say (a step done or ignored by hand that never queued an e-mail)."""
    if outbox_status is None:
        if not todo:
            return None
        return EmailState.NOT_QUEUED if has_address else EmailState.NO_ADDRESS
    if outbox_status == PENDING:
        if not todo:
            return EmailState.DROPPED
        return EmailState.RETRY if attempts else EmailState.PENDING
    return EmailState(outbox_status)


class EmailAction(StrEnum):
    SEND_NOW = "send_now"  # « Envoyer maintenant »: handed back to the worker, not sent here
    CANCEL = "cancel"  # « Annuler l'envoi »: the worker never takes it
    QUEUE = "queue"  # « Préparer l'envoi »: a new row (an address added since, or cancelled)


_ALLOWED = {
    EmailAction.SEND_NOW: {EmailState.PENDING, EmailState.RETRY, EmailState.FAILED},
    EmailAction.CANCEL: {EmailState.PENDING, EmailState.RETRY, EmailState.FAILED},
    EmailAction.QUEUE: {EmailState.NOT_QUEUED, EmailState.CANCELLED},
}


def email_actions(state: EmailState | None, *, todo: bool) -> frozenset[EmailAction]:
    """What may still be done with the step's e-mail: nothing once the step is not « A faire »."""
    if not todo:
        return frozenset()
    return frozenset(action for action, states in _ALLOWED.items() if state in states)


def check_email_action(
    action: EmailAction, state: EmailState | None, *, todo: bool, label: str
) -> None:
    """Refuse an action the state does not allow, saying why (`label`: the step's)."""
    if action in email_actions(state, todo=todo):
        return
    said = {
        EmailState.SENDING: f"L'e-mail de « {label} » est en cours d'envoi.",
        EmailState.SENT: f"L'e-mail de « {label} » est déjà envoyé.",
        EmailState.CANCELLED: f"L'envoi de l'e-mail de « {label} » est annulé.",
    }
    if state in said:
        message = said[state]
    elif not todo:
        message = f"« {label} » n'est plus « A faire » : son e-mail ne part plus."
    elif state is EmailState.NO_ADDRESS:
        message = NO_ADDRESS
    elif state is EmailState.NOT_QUEUED:
        message = f"L'e-mail de « {label} » n'est pas dans la file d'envoi."
    else:
        message = f"L'e-mail de « {label} » est déjà dans la file d'envoi."
    raise RuleViolation(message, "email_state")
