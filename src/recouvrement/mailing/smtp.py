"""Handing one message to the SMTP server, and telling apart « refused » from « maybe received ».

A refusal (server unreachable, or a 4xx/5xx answer) means the server does not have the message:
it may be tried again. A link that breaks while the message is in flight leaves it unknown
whether the server kept it: that message must never be sent again without a human's check.
"""

import contextlib
import smtplib

from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend


class NotDelivered(Exception):
    """The server does not have the message; the French text says why. Safe to try again."""


class MaybeDelivered(Exception):
    """The link broke during the send: the server may have the message. Never send it again."""


def deliver(message: EmailMessage, connection: BaseEmailBackend) -> None:
    """Send `message` on its own connection; raise NotDelivered or MaybeDelivered on failure."""
    try:
        message.message()  # a malformed address or header fails here, before any byte is sent
    except ValueError as error:
        raise NotDelivered(f"Message invalide, non envoyé : {error}.") from error
    try:
        connection.open()
    except OSError as error:  # SMTPException is an OSError: TLS, login…
        raise NotDelivered(_unreachable(connection, error)) from error
    try:
        sent = connection.send_messages([message])
    except smtplib.SMTPRecipientsRefused as error:
        refusals = "; ".join(
            f"{address} ({code} {_text(reply)})"
            for address, (code, reply) in error.recipients.items()
        )
        raise NotDelivered(f"Destinataire refusé par le serveur SMTP : {refusals}.") from error
    except smtplib.SMTPResponseException as error:  # an answer, so the server said no
        raise NotDelivered(
            f"Refusé par le serveur SMTP : {error.smtp_code} {_text(error.smtp_error)}."
        ) from error
    except (smtplib.SMTPNotSupportedError, ValueError) as error:  # refused before MAIL FROM
        raise NotDelivered(f"Message refusé avant l'envoi : {error}.") from error
    except OSError as error:  # disconnected or timed out: perhaps after the final « . »
        reason = str(error) or type(error).__name__
        raise MaybeDelivered(
            f"connexion au serveur SMTP perdue pendant l'envoi : {reason}"
        ) from error
    finally:
        _close(connection)
    if not sent:
        raise NotDelivered("Le serveur SMTP n'a pas pris le message (aucun destinataire).")


def _unreachable(connection: BaseEmailBackend, error: Exception) -> str:
    host, port = getattr(connection, "host", "?"), getattr(connection, "port", "?")
    reason = _text(error.smtp_error) if isinstance(error, smtplib.SMTPResponseException) else error
    return f"Serveur SMTP {host}:{port} injoignable ou refusant la connexion : {reason or error!r}."


def _text(reply: bytes | str) -> str:
    return reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)


def _close(connection: BaseEmailBackend) -> None:
    """A new connection for each message: none is left half-broken for the next one."""
    # The message's fate is already known: a failed QUIT changes nothing.
    with contextlib.suppress(OSError):
        connection.close()
