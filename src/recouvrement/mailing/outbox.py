"""The outbox's rules, without the database: who receives, when to try again, what to tell."""

from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum

# Longer than a send can take (rendering, then SMTP with EMAIL_TIMEOUT per exchange): a row
# still `sending` after its lease belongs to a worker that died.
LEASE = timedelta(minutes=15)
FIRST_RETRY, LAST_RETRY = timedelta(minutes=1), timedelta(hours=2)
MAX_ATTEMPTS = 8  # 1, 2, 4 … 64 minutes apart: about two hours of a server being down


class Outcome(StrEnum):
    """What became of one row the worker took."""

    SENT = "sent"
    RETRIED = "retried"  # refused or unreachable: tried again later
    FAILED = "failed"  # refused MAX_ATTEMPTS times, or its letter cannot be produced
    INTERRUPTED = "interrupted"  # may have reached the server: a human checks
    CANCELLED = "cancelled"  # its intervention is no longer « A faire »


@dataclass
class SendSummary:
    """What a run of the worker did, one count per Outcome; `as_json` is the CLI's last line."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    interrupted: int = 0
    cancelled: int = 0
    error: str = field(default="", repr=False)  # the last one, in French

    def add(self, outcome: Outcome, error: str = "") -> None:
        setattr(self, outcome.value, getattr(self, outcome.value) + 1)
        self.error = error or self.error

    @property
    def ok(self) -> bool:
        """Every e-mail taken was sent, or rightly left unsent."""
        return not (self.retried or self.failed or self.interrupted)

    def as_json(self) -> dict[str, int]:
        return {outcome.value: getattr(self, outcome.value) for outcome in Outcome}


def recipient_of(contact_email: str | None, customer_email: str | None) -> str:
    """The dossier contact's address, else the customer's; empty when neither has one."""
    return (contact_email or customer_email or "").strip()


def retry_delay(attempts: int) -> timedelta:
    """1 min after the first failed try, then doubling, at most LAST_RETRY."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LAST_RETRY)


def no_address_message(label: str) -> str:
    return (
        f"E-mail « {label} » non envoyé : ni le contact du dossier ni le client n'a d'adresse "
        "e-mail. L'intervention reste « A faire »."
    )


def interrupted_message(message_id: str, reason: str = "") -> str:
    because = f" ({reason})" if reason else ""
    return (
        f"Envoi interrompu{because} : le serveur a peut-être reçu le message "
        f"(Message-ID {message_id}) ; vérifiez avant de renvoyer."
    )


def cancelled_message(label: str, status_label: str) -> str:
    return f"E-mail « {label} » non envoyé : l'intervention est passée « {status_label} »."


def given_up_message(attempts: int, error: str) -> str:
    return f"E-mail non envoyé après {attempts} essais : {error} L'intervention reste « A faire »."
