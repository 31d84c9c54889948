"""The e-mail outbox (PRODUCT §5 and §8, ARCHITECTURE rule 4): intent recorded, sent after.

Préparer writes an `OutgoingEmail` row, with its Message-ID, in the transaction that creates an
« E-mail » step. The worker (`send_due_emails`, `recouvrement send-emails`) then takes the due
rows one at a time:

1. claim the row (`FOR UPDATE SKIP LOCKED` on PostgreSQL), mark it `sending` and COMMIT: from
   here on the server may receive the message;
2. compose and render the letter of the day, record what the e-mail says, hand it to SMTP;
3. in one transaction: the row `sent`, the intervention « Réalisée », the PDF kept as sent.

A row still `sending` once its lease is over means a worker died between 2 and 3: the server
may have the message, so it is never sent again by itself but handed to a human.
"""

import hashlib
import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.utils import timezone

from recouvrement.db.bulk import insert_rows
from recouvrement.db.models import (
    Dossier,
    Intervention,
    OutgoingEmail,
    PrintBatch,
    PrintedLetter,
)
from recouvrement.documents import RenderedBatch
from recouvrement.domain.default_letters import DEFAULT_EMAIL
from recouvrement.domain.letters import compose_text
from recouvrement.domain.rules import RuleViolation
from recouvrement.domain.statuses import InterventionStatus
from recouvrement.mailing import (
    MaybeDelivered,
    NotDelivered,
    attachment_name,
    deliver,
    letter_email,
    new_message_id,
    sender,
)
from recouvrement.mailing.outbox import (
    LEASE,
    MAX_ATTEMPTS,
    Outcome,
    SendSummary,
    cancelled_message,
    given_up_message,
    interrupted_message,
    no_address_message,
    recipient_of,
    retry_delay,
)
from recouvrement.services.journal import insert_journal_rows, journal_entry, save_entries

# The e-mail's text needs the letter's context (its total, signatory…), which `Letter` does
# not carry yet: rebuilt here with the letters' own function.
from recouvrement.services.letters import Letter, compose_letters, render

logger = logging.getLogger(__name__)
PENDING, SENDING = OutgoingEmail.Status.PENDING, OutgoingEmail.Status.SENDING
SENT, FAILED = OutgoingEmail.Status.SENT, OutgoingEmail.Status.FAILED
Result = tuple[Outcome, str]  # and the French error, if any
# The journal's actions.
EMAIL_NO_ADDRESS = "email_no_address"
EMAIL_SENT = "email_sent"
EMAIL_INTERRUPTED = "email_interrupted"
EMAIL_FAILED = "email_failed"
EMAIL_CANCELLED = "email_cancelled"


# --- Préparer: the intent ------------------------------------------------------------------


def enqueue_email(intervention: Intervention, *, now: datetime) -> OutgoingEmail | None:
    """Record the e-mail of an « E-mail » step in the caller's transaction (S5).

    Without an address there is no row: a journal row says so and the intervention stays
    « A faire » for a human.
    """
    dossier = intervention.dossier
    recipient = recipient_of(
        dossier.contact.email if dossier.contact_id else None, dossier.customer.email
    )
    if not recipient:
        entry = journal_entry(
            dossier,
            EMAIL_NO_ADDRESS,
            no_address_message(intervention.label),
            user=None,
            intervention=intervention,
            at=now,
        )
        entry.user_id = intervention.user_id
        save_entries([entry])
        return None
    return OutgoingEmail.objects.create(
        company_id=dossier.company_id,
        intervention=intervention,
        recipient=recipient,
        message_id=new_message_id(intervention.pk),
        next_attempt_at=now,
        # What the e-mail says is composed on the day it leaves, with that day's amounts.
        subject="",
        body="",
        attachment_name="",
    )


OUTBOX_COLUMNS = (
    "company_id",
    "intervention_id",
    "recipient",
    "subject",
    "body",
    "attachment_name",
    "message_id",
    "status",
    "attempts",
    "next_attempt_at",
    "last_error",
    "created_at",
)


def enqueue_emails(
    steps: Sequence[tuple[int, int, str]], *, now: datetime, user_id: int | None
) -> int:
    """`enqueue_email` for the batch: `steps` are (dossier id, intervention id, label).

    One query for the addresses and bulk inserts, whatever the number of steps; returns the
    number of rows written.
    """
    if not steps:
        return 0
    ids = [dossier_id for dossier_id, _, _ in steps]
    # Many ids: a range of the chunk is cheaper to plan than a long IN list (the batch's way).
    lookup = {"pk__range": (min(ids), max(ids))} if len(ids) > 500 else {"pk__in": ids}
    addresses = {
        pk: (company_id, recipient_of(contact_email, customer_email))
        for pk, company_id, contact_email, customer_email in Dossier.objects.filter(
            **lookup
        ).values_list("pk", "company_id", "contact__email", "customer__email")
    }
    nonce = uuid.uuid4().hex
    rows, journal = [], []
    for dossier_id, intervention_id, label in steps:
        company_id, recipient = addresses[dossier_id]
        if recipient:
            # OUTBOX_COLUMNS' order; subject, body and file name are set on the day it leaves.
            row = (company_id, intervention_id, recipient, "", "", "")
            message_id = new_message_id(intervention_id, nonce)
            rows.append((*row, message_id, PENDING.value, 0, now, "", now))
        else:
            entry = (company_id, dossier_id, intervention_id, now, user_id, EMAIL_NO_ADDRESS)
            journal.append((*entry, no_address_message(label), None, None))
    insert_journal_rows(journal)
    return insert_rows(OutgoingEmail, OUTBOX_COLUMNS, rows)


# --- The worker ----------------------------------------------------------------------------


def send_due_emails(
    *, now: datetime, limit: int = 500, connection: BaseEmailBackend | None = None
) -> SendSummary:
    """Send the outbox's due e-mails, at most `limit`, one transaction per step of each.

    Several workers may run at once: each claims rows the others have not locked.
    """
    connection = connection or get_connection(fail_silently=False)
    summary = SendSummary()
    for _ in range(limit):
        claimed = _claim(now)
        if claimed is None:
            break
        summary.add(*(claimed if isinstance(claimed, tuple) else _send(claimed, now, connection)))
    return summary


def _claim(now: datetime) -> OutgoingEmail | Result | None:
    """Take the next due row and mark it `sending` (committed), or settle a dead worker's row."""
    with transaction.atomic():
        row = (
            # OF self: the dossier and intervention rows stay free for the users.
            OutgoingEmail.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("intervention__dossier__company")
            .filter(status__in=[PENDING, SENDING], next_attempt_at__lte=now)
            .order_by("next_attempt_at", "pk")
            .first()
        )
        if row is None:
            return None
        intervention = row.intervention
        if row.status == SENDING:
            # Its lease is over: the worker died between the send and its record.
            message = interrupted_message(row.message_id)
            return _fail(row, Outcome.INTERRUPTED, message, EMAIL_INTERRUPTED, now)
        if intervention.status != InterventionStatus.TODO:
            message = cancelled_message(
                intervention.label, InterventionStatus(intervention.status).label
            )
            return _fail(row, Outcome.CANCELLED, message, EMAIL_CANCELLED, now)
        row.status = SENDING
        row.attempts += 1
        row.next_attempt_at = now + LEASE
        row.save(update_fields=["status", "attempts", "next_attempt_at"])
    return row


def _fail(row: OutgoingEmail, outcome: Outcome, error: str, action: str, now: datetime) -> Result:
    """Close a row the worker will not send, and say so in the dossier's journal."""
    row.status = FAILED
    row.last_error = error
    row.save(update_fields=["status", "last_error"])
    intervention = row.intervention
    entry = journal_entry(
        intervention.dossier,
        action,
        error,
        user=None,
        intervention=intervention,
        after={"email": row.pk, "message_id": row.message_id, "status": FAILED.value},
        at=now,
    )
    save_entries([entry])
    return outcome, error


@dataclass(frozen=True)
class _Composed:
    letter: Letter
    rendered: RenderedBatch
    subject: str
    body: str
    attachment: str


def _compose(intervention_id: int, today: date) -> _Composed:
    """The letter as on `today`, its PDF, and the e-mail's text (LETTERS.md §4)."""
    intervention = (
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
    [letter] = compose_letters([intervention], today=today)
    rendered = render([letter.content])  # a rendering failure: ValidationError
    return _Composed(letter, rendered, *email_text(letter))


def email_text(letter: Letter) -> tuple[str, str, str]:
    """The e-mail's subject, body and attachment's name for this letter (LETTERS.md §4)."""
    subject, body = compose_text(
        DEFAULT_EMAIL.parsed(), letter.context, {"objet_du_courrier": letter.content.subject_text}
    )
    return subject, body, attachment_name(letter.intervention.dossier.number, letter.template.name)


def _send(row: OutgoingEmail, now: datetime, connection: BaseEmailBackend) -> Result:
    try:
        composed = _compose(row.intervention_id, timezone.localdate(now))
    except RuleViolation as error:
        return _postpone(row, f"Courrier impossible à produire : {error}", now)
    except ValidationError as error:  # the letter did not render
        return _postpone(row, f"Courrier impossible à produire : {' '.join(error.messages)}", now)
    except Exception as error:  # nothing has left yet: trying again later is safe
        logger.exception("E-mail %s : courrier non produit", row.message_id)
        return _postpone(row, f"Courrier impossible à produire : {error!r}", now)
    company = composed.letter.intervention.dossier.company
    email = letter_email(
        from_email=sender(company.name),
        recipient=row.recipient,
        subject=composed.subject,
        body=composed.body,
        message_id=row.message_id,
        attachment=composed.attachment,
        pdf=composed.rendered.pdf,
        reply_to=[company.email] if company.email else [],
    )
    # What leaves is on record before it leaves.
    OutgoingEmail.objects.filter(pk=row.pk).update(
        subject=composed.subject[:255], body=composed.body, attachment_name=composed.attachment
    )
    try:
        deliver(email, connection)
    except NotDelivered as error:
        return _postpone(row, str(error), now)
    except MaybeDelivered as error:
        text = interrupted_message(row.message_id, str(error))
        with transaction.atomic():
            return _fail(_locked(row), Outcome.INTERRUPTED, text, EMAIL_INTERRUPTED, now)
    _record_sent(row, composed, now)
    return Outcome.SENT, ""


def _locked(row: OutgoingEmail) -> OutgoingEmail:
    return (
        OutgoingEmail.objects.select_for_update(of=("self",))
        .select_related("intervention__dossier")
        .get(pk=row.pk)
    )


def _postpone(row: OutgoingEmail, error: str, now: datetime) -> Result:
    """The server does not have the message: try again later, or give up after MAX_ATTEMPTS."""
    with transaction.atomic():
        row = _locked(row)
        if row.attempts >= MAX_ATTEMPTS:
            message = given_up_message(row.attempts, error)
            return _fail(row, Outcome.FAILED, message, EMAIL_FAILED, now)
        row.status = PENDING
        row.last_error = error
        row.next_attempt_at = now + retry_delay(row.attempts)
        row.save(update_fields=["status", "last_error", "next_attempt_at"])
    return Outcome.RETRIED, error


def _record_sent(row: OutgoingEmail, composed: _Composed, now: datetime) -> None:
    """The server took the message: row `sent`, intervention « Réalisée », PDF kept (S7)."""
    today = timezone.localdate(now)
    letter = composed.letter
    with transaction.atomic():
        dossier = Dossier.objects.select_for_update().get(pk=letter.intervention.dossier_id)
        row = _locked(row)
        # Even a row declared interrupted meanwhile: the server has now said it took it.
        row.status, row.sent_at, row.last_error = SENT, now, ""
        row.save(update_fields=["status", "sent_at", "last_error"])
        intervention = Intervention.objects.select_related("step").get(pk=row.intervention_id)
        after = {"email": row.pk, "message_id": row.message_id}
        after |= _keep_evidence(intervention, composed, dossier.company_id, now)
        before = None
        message = f"E-mail « {letter.template.name} » envoyé à {row.recipient}"
        # A user may have set it « Réalisée » or « Ignorée » by hand since the claim.
        if intervention.status == InterventionStatus.TODO:
            intervention.status = InterventionStatus.DONE
            intervention.done_date = today
            if intervention.step is not None and intervention.step.compute_penalties:
                intervention.penalty_amount = letter.penalties.total
            intervention.save(update_fields=["status", "done_date", "penalty_amount", "updated_at"])
            before = {"status": InterventionStatus.TODO.value}
            after |= {
                "status": InterventionStatus.DONE.value,
                "done_date": today.isoformat(),
                "penalty_amount": str(intervention.penalty_amount),
            }
            message += f" : « {intervention.label} » A faire → Réalisée"
        entry = journal_entry(
            dossier,
            EMAIL_SENT,
            f"{message} (Message-ID {row.message_id}).",
            user=None,
            intervention=intervention,
            before=before,
            after=after,
            at=now,
        )
        save_entries([entry])


def _keep_evidence(
    intervention: Intervention, composed: _Composed, company_id: int, now: datetime
) -> dict:
    """The exact PDF attached, kept like a printed letter (never updated nor deleted)."""
    if PrintedLetter.objects.filter(intervention=intervention).exists():
        return {}
    pdf = composed.rendered.pdf
    batch = PrintBatch.objects.create(
        company_id=company_id,
        pdf=pdf,
        sha256=hashlib.sha256(pdf).hexdigest(),
        letters=1,
        pages=composed.rendered.pages[-1][1],
        printed_at=now,
        printed_by=None,
    )
    first, last = composed.rendered.pages[0]
    PrintedLetter.objects.create(
        intervention=intervention,
        batch=batch,
        first_page=first,
        last_page=last,
        template_name=composed.letter.template.name,
    )
    return {"print_batch": batch.pk, "sha256": batch.sha256}
