"""What the screens show of an « E-mail » step's message (§3): its state on the rows of the
dossier's tab and of « Gestion des actions », and its preview — reads, nothing stored.

The state comes from the step's latest outbox row; a step « A faire » without one says why
from the dossier's addresses as they are now (none: « Pas d'adresse e-mail »; one added
since: « Préparer l'envoi »), so that no « E-mail » step sits « A faire » without a reason.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

from recouvrement.db.models import Intervention, OutgoingEmail
from recouvrement.db.outbox import dossier_addresses, latest_emails
from recouvrement.domain.email_state import (
    EmailAction,
    EmailState,
    email_actions,
    email_state,
    emailed,
)
from recouvrement.domain.statuses import InterventionStatus
from recouvrement.mailing.outbox import recipient_of
from recouvrement.services.emails import email_text
from recouvrement.services.letters import (
    compose_letters,
    preview_letter,
    printed_letter,
    printed_letter_pdf,
)
from recouvrement.services.use_case import rule_errors

SENT = OutgoingEmail.Status.SENT
# The rows whose recipient is already fixed: the worker sends to it, whatever changed since.
QUEUED = (OutgoingEmail.Status.PENDING, OutgoingEmail.Status.SENDING, OutgoingEmail.Status.FAILED)


@dataclass(frozen=True)
class StepEmail:
    """What an « E-mail » step's row shows: its state, its latest outbox row (None: never
    queued) and what may still be done with it."""

    intervention_id: int
    state: EmailState
    email: OutgoingEmail | None
    actions: frozenset[EmailAction]
    waiting_until: datetime | None = None  # a pending row not due yet


def step_emails(
    interventions: Sequence[Intervention], *, now: datetime | None = None
) -> dict[int, StepEmail]:
    """The state of each « E-mail » intervention of a page, by id: one query for their outbox
    rows, one more only when a step « A faire » has none."""
    now = now or timezone.now()
    steps = [i for i in interventions if emailed(i.action_type)]
    rows = latest_emails(i.pk for i in steps)
    todo = {i.pk for i in steps if i.status == InterventionStatus.TODO}
    without = {i.dossier_id for i in steps if i.pk in todo and i.pk not in rows}
    addressed = {
        pk
        for pk, emails in (dossier_addresses(without) if without else {}).items()
        if recipient_of(*emails)
    }
    states = {}
    for intervention in steps:
        row = rows.get(intervention.pk)
        state = email_state(
            row.status if row else None,
            attempts=row.attempts if row else 0,
            todo=intervention.pk in todo,
            has_address=intervention.dossier_id in addressed,
        )
        if state is None:
            continue
        waiting = row.next_attempt_at if row and row.next_attempt_at > now else None
        actions = email_actions(state, todo=intervention.pk in todo)
        states[intervention.pk] = StepEmail(intervention.pk, state, row, actions, waiting)
    return states


def attach_step_emails(interventions: Sequence[Intervention]) -> None:
    """`step_emails` set on each intervention as `email_state` (None: nothing to show)."""
    states = step_emails(interventions)
    for intervention in interventions:
        intervention.email_state = states.get(intervention.pk)


# --- The preview -----------------------------------------------------------------------------


@dataclass(frozen=True)
class EmailPreview:
    """The e-mail as it left (`sent_at`), or as it would leave today; `error`: why its letter
    cannot be composed today (a rate not entered…), the text then left empty."""

    step: StepEmail | None
    recipient: str
    subject: str = ""
    body: str = ""
    attachment: str = ""
    sent_at: datetime | None = None
    error: str = ""
    current_recipient: str = ""  # the dossier's address now, when it differs from the row's

    @property
    def has_address(self) -> bool:
        return bool(self.recipient)


def _composable(intervention_id: int) -> Intervention:
    return (
        Intervention.objects.select_related(
            "dossier__company",
            "dossier__customer",
            "dossier__collector",
            "dossier__contact",
            "step__letter_template",
        )
        .prefetch_related("dossier__customer__contacts")
        .get(pk=intervention_id)
    )


def email_preview(intervention: Intervention, *, today: date) -> EmailPreview:
    """The step's e-mail: as sent (what the outbox recorded), else composed on `today`."""
    step = step_emails([intervention]).get(intervention.pk)
    row = step.email if step else None
    if row is not None and row.status == SENT:
        row = OutgoingEmail.objects.get(pk=row.pk)  # with its body
        return EmailPreview(
            step, row.recipient, row.subject, row.body, row.attachment_name, row.sent_at
        )
    current = _composable(intervention.pk)
    dossier = current.dossier
    address = recipient_of(dossier.contact.email if dossier.contact else "", dossier.customer.email)
    recipient = row.recipient if row is not None and row.status in QUEUED else address
    other = address if address and address != recipient else ""
    try:
        with rule_errors():
            [letter] = compose_letters([current], today=today)
    except ValidationError as error:
        return EmailPreview(
            step, recipient, error=" ".join(error.messages), current_recipient=other
        )
    subject, body, attachment = email_text(letter)
    return EmailPreview(step, recipient, subject, body, attachment, current_recipient=other)


def email_attachment(intervention: Intervention, *, today: date) -> bytes:
    """The PDF attached: as sent (kept like a printed letter), else as it would leave today.
    Errors: ValidationError (a rate not entered, a rendering failure)."""
    printed = printed_letter(intervention)
    if printed is not None:
        return printed_letter_pdf(printed)
    return preview_letter(_composable(intervention.pk), today=today)
