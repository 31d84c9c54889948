"""Personal API tokens (issue 14 §3, B7): created, listed, revoked, and checked on each call.

A token is `rcv_` + 43 random characters, shown once when created; only its SHA-256 is kept
(`ApiToken.key_hash`), so nobody reading the database can use it. Its calls act as its user,
with their role and company, exactly as the UI. Each call costs one UPDATE of the token's row:
it counts the call in the current minute (the rate limit, shared by every process serving the
database), refuses it past `settings.RECOUVREMENT_API_RATE_PER_MINUTE`, and stamps
`last_used_at`.
"""

import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Case, F, PositiveIntegerField, Q, Value, When
from django.utils import timezone

from recouvrement.db.models import ApiToken, Membership
from recouvrement.domain import audit
from recouvrement.domain.permissions import may_manage
from recouvrement.domain.rules import RuleViolation
from recouvrement.domain.statuses import Role
from recouvrement.services.journal import company_entry
from recouvrement.services.use_case import use_case

PREFIX = "rcv_"
SHOWN = 8  # characters of the token kept in clear to tell tokens apart: « rcv_AbCd… »
NAME_MAX = 100


class RateLimited(Exception):
    """Too many calls of one token in the current minute (HTTP 429 with Retry-After)."""

    def __init__(self, retry_after: int, limit: int) -> None:
        self.retry_after = retry_after
        self.limit = limit
        super().__init__(
            f"Trop de requêtes : ce jeton est limité à {limit} appels par minute. "
            f"Réessayez dans {retry_after} s."
        )


def digest(plain: str) -> str:
    return hashlib.sha256(plain.encode("utf-8")).hexdigest()


def _membership(user: AbstractBaseUser) -> Membership:
    """The user's company, as the UI's workspace picks it (their first membership)."""
    membership = (
        Membership.objects.filter(user_id=user.pk).select_related("company").order_by("pk").first()
    )
    if membership is None:
        raise RuleViolation(
            f"« {user.get_username()} » n'est rattaché à aucune société : pas de jeton d'API.",
            "user_unknown",
        )
    return membership


def _state(token: ApiToken) -> dict:
    """The journal's picture of a token: never its text nor its hash."""
    return {
        "token_id": token.pk,
        "name": token.name,
        "prefix": token.prefix,
        "user_id": token.user_id,
    }


@use_case
def create_token(user: AbstractBaseUser, *, name: str) -> tuple[ApiToken, str]:
    """A new token of `user` (any role: a « Consultation » token only reads); the plain text
    is returned once and never stored."""
    name = (name or "").strip()
    if not name:
        raise RuleViolation("Donnez un nom au jeton (ex. : « ERP », « Tableur »).", "name")
    if len(name) > NAME_MAX:
        raise RuleViolation(f"Le nom du jeton fait au plus {NAME_MAX} caractères.", "name")
    if not user.is_active:
        raise RuleViolation(f"« {user.get_username()} » est désactivé.", "user_inactive")
    membership = _membership(user)
    plain = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        key_hash=digest(plain),
        prefix=plain[: len(PREFIX) + SHOWN],
        created_at=timezone.now(),
    )
    company_entry(
        membership.company,
        audit.API_TOKEN_CREATED,
        f"Jeton d'API « {name} » ({token.prefix}…) créé pour « {user.get_username()} ».",
        user=user,
        after=_state(token),
    )
    return token, plain


def visible_tokens(user: AbstractBaseUser):
    """The user's own tokens, newest first (« Jetons d'API », `token list`)."""
    return ApiToken.objects.filter(user_id=user.pk).order_by("-created_at", "-pk")


def token_for(user: AbstractBaseUser | None, token_id: int) -> ApiToken:
    """A token `user` may revoke: their own, or, for a manager, one of a user of their
    company; `user` None is the system (the command line). ApiToken.DoesNotExist otherwise."""
    token = ApiToken.objects.select_related("user").get(pk=token_id)
    if user is None or token.user_id == user.pk:
        return token
    membership = Membership.objects.filter(user_id=user.pk).order_by("pk").first()
    if (
        membership is not None
        and may_manage(Role(membership.role))
        and Membership.objects.filter(
            user_id=token.user_id, company_id=membership.company_id
        ).exists()
    ):
        return token
    raise ApiToken.DoesNotExist("Jeton d'API introuvable.")


@use_case
def revoke_token(user: AbstractBaseUser | None, token_id: int) -> ApiToken:
    """Revoke a token (its next call answers 401); revoking twice changes nothing."""
    token = token_for(user, token_id)
    token = ApiToken.objects.select_for_update().select_related("user").get(pk=token.pk)
    if token.revoked_at is not None:
        return token
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    membership = _membership(token.user)
    who = user.get_username() if user is not None else "la ligne de commande"
    company_entry(
        membership.company,
        audit.API_TOKEN_REVOKED,
        f"Jeton d'API « {token.name} » ({token.prefix}…) de « {token.user.get_username()} » "
        f"révoqué par {who}.",
        user=user,
        before={"revoked_at": None},
        after={**_state(token), "revoked_at": token.revoked_at.isoformat()},
    )
    return token


def _minute(now: datetime) -> datetime:
    return now.replace(second=0, microsecond=0)


def authenticate(plain: str, *, now: datetime | None = None) -> ApiToken | None:
    """The active token of an active user with this text, else None; counts the call (one
    UPDATE: the minute's count, `last_used_at`) and raises RateLimited past the limit."""
    if not plain or not plain.startswith(PREFIX) or len(plain) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=digest(plain), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = now or timezone.now()
    minute = _minute(now)
    limit = settings.RECOUVREMENT_API_RATE_PER_MINUTE
    same_minute = Q(window_start=minute)
    counted = (
        ApiToken.objects.filter(pk=token.pk)
        .filter(~same_minute | Q(window_start__isnull=True) | Q(window_count__lt=limit))
        .update(
            window_count=Case(
                When(same_minute, then=F("window_count") + 1),
                default=Value(1),
                output_field=PositiveIntegerField(),
            ),
            window_start=Value(minute),
            last_used_at=Value(now),
        )
    )
    if not counted:
        wait = max(1, int((minute + timedelta(minutes=1) - now).total_seconds() + 0.999))
        raise RateLimited(wait, limit)
    token.last_used_at = now
    return token
