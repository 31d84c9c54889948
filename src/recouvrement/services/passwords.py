"""Passwords (PRODUCT §1, O3): the one-time reset link a manager hands over (no e-mail), the
page reached from it, and « Mon compte › Changer le mot de passe » for every user.

Each writes a company-level journal row; never a password nor a token.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, User
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from recouvrement.db.models import Company, Membership
from recouvrement.domain import audit
from recouvrement.domain.rules import RuleViolation
from recouvrement.services.actors import require_manager
from recouvrement.services.use_case import use_case
from recouvrement.services.users import (
    MANAGE_USERS,
    check_new_password,
    journal_user,
    member_of,
)

# A reset link is Django's token: it checks the user's password hash and last login, so it
# serves once, and its timestamp, so it expires after settings.PASSWORD_RESET_TIMEOUT.
reset_tokens = default_token_generator


def reset_link_hours() -> int:
    return settings.PASSWORD_RESET_TIMEOUT // 3600


def invalid_link_message() -> str:
    return (
        "Ce lien de réinitialisation n'est plus valable (déjà utilisé, ou émis il y a plus de "
        f"{reset_link_hours()} heures) : demandez-en un nouveau à votre responsable recouvrement."
    )


@dataclass(frozen=True)
class ResetLink:
    """What the manager hands over: the page's path (to make absolute) and its expiry."""

    username: str
    path: str
    expires_at: datetime


@use_case
def issue_password_reset(company: Company, target: AbstractBaseUser, *, user) -> ResetLink:
    """A one-time link the manager hands over (no e-mail): valid until the password changes,
    and for settings.PASSWORD_RESET_TIMEOUT (24 h). The token is never stored nor journaled."""
    require_manager(user, company.pk, MANAGE_USERS)
    membership = member_of(company, target)
    account = membership.user
    if not account.is_active:
        raise RuleViolation(
            f"« {account.username} » est désactivé : réactivez-le d'abord.", "user_inactive"
        )
    uidb64 = urlsafe_base64_encode(force_bytes(account.pk))
    path = reverse("password_reset_confirm", args=[uidb64, reset_tokens.make_token(account)])
    expires_at = timezone.now() + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)
    journal_user(
        membership,
        audit.PASSWORD_RESET_ISSUED,
        f"Lien de réinitialisation du mot de passe de « {account.username} » émis "
        f"(valable {reset_link_hours()} h).",
        user=user,
    )
    return ResetLink(username=account.username, path=path, expires_at=expires_at)


# --- Use cases of every user -------------------------------------------------------------


def reset_link_user(uidb64: str, token: str, *, lock: bool = False) -> User | None:
    """The active user a reset link was made for, while it is valid; else None."""
    try:
        pk = int(urlsafe_base64_decode(uidb64).decode())
    except (ValueError, TypeError, UnicodeDecodeError):
        return None
    users = User.objects.select_for_update() if lock else User.objects
    account = users.filter(pk=pk, is_active=True).first()
    if account is None or not reset_tokens.check_token(account, token):
        return None
    return account


def _journal_own(account: User, action: str, message: str) -> None:
    for membership in Membership.objects.filter(user=account).select_related("company", "user"):
        journal_user(membership, action, message, user=account)


@use_case
def reset_password(uidb64: str, token: str, password: str) -> User:
    """The page reached from the link (no login): sets the password once."""
    account = reset_link_user(uidb64, token, lock=True)
    if account is None:
        raise RuleViolation(invalid_link_message(), "reset_link_invalid")
    check_new_password(password, account, "password")
    account.set_password(password)
    account.save(update_fields=["password"])
    _journal_own(
        account,
        audit.PASSWORD_RESET,
        f"« {account.username} » a choisi un nouveau mot de passe (lien de réinitialisation).",
    )
    return account


@use_case
def change_own_password(user: AbstractBaseUser, old_password: str, new_password: str) -> User:
    """« Mon compte › Changer le mot de passe », for every role (even « Consultation »)."""
    account = User.objects.select_for_update().filter(pk=user.pk, is_active=True).first()
    if account is None:
        raise RuleViolation("Compte inconnu ou désactivé.", "user_unknown")
    if not account.check_password(old_password):
        raise ValidationError({"old_password": "Votre mot de passe actuel est incorrect."})
    if new_password == old_password:
        raise ValidationError(
            {"new_password": "Le nouveau mot de passe doit être différent de l'actuel."}
        )
    check_new_password(new_password, account, "new_password")
    account.set_password(new_password)
    account.save(update_fields=["password"])
    _journal_own(
        account, audit.PASSWORD_CHANGED, f"« {account.username} » a changé son mot de passe."
    )
    return account
