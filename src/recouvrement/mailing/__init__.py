"""E-mail: building a message that carries a letter, and handing it to the SMTP server."""

from recouvrement.mailing.messages import attachment_name, letter_email, new_message_id, sender
from recouvrement.mailing.smtp import MaybeDelivered, NotDelivered, deliver

__all__ = [
    "MaybeDelivered",
    "NotDelivered",
    "attachment_name",
    "deliver",
    "letter_email",
    "new_message_id",
    "sender",
]
