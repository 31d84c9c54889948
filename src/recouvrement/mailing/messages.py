"""The e-mail that carries a letter (LETTERS.md §4): French text, the letter as a PDF attachment."""

import uuid
from collections.abc import Sequence
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils.text import slugify

MESSAGE_ID_DOMAIN = "recouvrement"


def new_message_id(intervention_id: int, nonce: str | None = None) -> str:
    """A Message-ID for one e-mail, recorded before any try: the send's idempotency key.

    Unique with the intervention's id and a random nonce; a batch passes one nonce for all
    its rows (its interventions differ), sparing a random draw per row.
    """
    return f"<{intervention_id}.{nonce or uuid.uuid4().hex}@{MESSAGE_ID_DOMAIN}>"


def attachment_name(dossier_number: str, letter_name: str) -> str:
    """« R2026-000042-relance-courtoise.pdf »: the dossier and the letter, safe in any mailbox."""
    return f"{dossier_number}-{slugify(letter_name) or 'courrier'}.pdf"


def sender(company_name: str) -> str:
    """DEFAULT_FROM_EMAIL, shown under the company's name unless it names someone already."""
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return formataddr((name or company_name, address or settings.DEFAULT_FROM_EMAIL))


def letter_email(
    *,
    from_email: str,
    recipient: str,
    subject: str,
    body: str,
    message_id: str,
    attachment: str,
    pdf: bytes,
    reply_to: Sequence[str] = (),
) -> EmailMessage:
    """The message as it leaves: our Message-ID (not one made up at send time), the PDF attached."""
    message = EmailMessage(
        subject=subject,
        body=body,
        from_email=from_email,
        to=[recipient],
        reply_to=list(reply_to),
        headers={"Message-ID": message_id},
    )
    message.attach(attachment, pdf, "application/pdf")
    return message
