"""Logins (PRODUCT §9 O3): the throttle's figures and locks, the journal of every login.

django-axes counts the failures in the database (settings AXES_*): 5 failures within 15
minutes of each other lock the account (from any address) and the address (for any account)
for 15 minutes. This module journals each login and failure with the address, reads which
accounts and addresses are locked, and lets a manager unlock them.

Journal rows are company-level: a login on each company the account belongs to (one, on the
usual install). A failure on an existing username is journaled the same way, up to the failure
that locks; the refused attempts during a lock are only counted by axes (an attacker cannot
fill the journal). A failure on an unknown username names no company: axes keeps it (its
AccessAttempt rows, with the address), the journal does not.
"""

import ipaddress
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, User
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models import Max, Sum
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone

from recouvrement.db.models import Company, Membership
from recouvrement.domain.rules import RuleViolation
from recouvrement.services.actors import require_manager
from recouvrement.services.journal import company_entry
from recouvrement.services.use_case import use_case
from recouvrement.services.users import MANAGE_USERS, member_of

LOGIN_SUCCEEDED = "login_succeeded"
LOGIN_FAILED = "login_failed"
USER_UNLOCKED = "user_unlocked"
ADDRESS_UNLOCKED = "address_unlocked"


# --- The throttle's figures ----------------------------------------------------------------


def failure_limit() -> int:
    return settings.AXES_FAILURE_LIMIT


def lock_duration() -> timedelta:
    return settings.AXES_COOLOFF_TIME


def lock_minutes() -> int:
    return int(lock_duration().total_seconds() // 60)


def lockout_message() -> str:
    """What the login page answers while the account or the address is locked."""
    return (
        f"Trop de tentatives de connexion : la connexion est bloquée. Réessayez dans "
        f"{lock_minutes()} minutes ou demandez au responsable recouvrement de débloquer "
        "le compte (Structure › Utilisateurs)."
    )


def client_address(request: HttpRequest) -> str | None:
    """The client's address: behind our reverse proxy (RECOUVREMENT_BEHIND_PROXY), the last
    one of X-Forwarded-For, the one the proxy added (a client can only prepend others);
    otherwise the socket's peer. Axes counts per this address (AXES_CLIENT_IP_CALLABLE)."""
    address = request.META.get("REMOTE_ADDR") or None
    if settings.RECOUVREMENT_BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1].strip()
        address = forwarded or address
    return address


# --- Journal of logins ---------------------------------------------------------------------


def _address(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return getattr(request, "axes_ip_address", None) or client_address(request)


def _companies(account: AbstractBaseUser) -> list[Company]:
    memberships = Membership.objects.filter(user_id=account.pk).select_related("company")
    return [m.company for m in memberships.order_by("company_id")]


@use_case
def _journal(account, action: str, message: str, *, user, after: dict[str, Any]) -> None:
    for company in _companies(account):
        company_entry(company, action, message, user=user, after=after)


@receiver(user_logged_in, dispatch_uid="recouvrement.logins.succeeded")
def journal_login(sender, request: HttpRequest | None, user: AbstractBaseUser, **kwargs) -> None:
    address = _address(request)
    _journal(
        user,
        LOGIN_SUCCEEDED,
        f"Connexion de « {user.get_username()} » (adresse {address or 'inconnue'}).",
        user=user,
        after={"username": user.get_username(), "ip_address": address},
    )


@receiver(user_login_failed, dispatch_uid="recouvrement.logins.failed")
def journal_login_failure(
    sender, credentials: dict, request: HttpRequest | None = None, **kwargs
) -> None:
    username = str(credentials.get("username") or "")
    account = User.objects.filter(username=username).first() if username else None
    if account is None:
        return  # no company to journal it on: axes keeps the attempt and its address
    # Axes' own receiver ran first (its app is listed before ours) and counted this failure.
    failures = getattr(request, "axes_failures_since_start", None)
    limit = failure_limit()
    if failures is not None and failures > limit:
        return  # refused during the lock: counted by axes, not journaled again
    address = _address(request)
    message = f"Échec de connexion au compte « {username} » (adresse {address or 'inconnue'})"
    if failures is not None and failures >= limit:
        message += f" : {failures} échecs, connexion bloquée {lock_minutes()} minutes."
    else:
        message += "."
    _journal(
        account,
        LOGIN_FAILED,
        message,
        user=None,  # nobody is signed in: the row names the account in its message and data
        after={"username": username, "ip_address": address, "failures": failures},
    )


# --- Locks ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Lock:
    key: str  # the username or the address
    failures: int
    until: datetime


def _locks(field: str, values: list[str] | None = None) -> list[Lock]:
    """As axes counts them: the failures newer than the lock duration, summed per field."""
    attempts = AccessAttempt.objects.filter(attempt_time__gte=timezone.now() - lock_duration())
    if values is not None:
        attempts = attempts.filter(**{f"{field}__in": values})
    rows = (
        attempts.exclude(**{f"{field}__isnull": True})
        .values(field)
        .annotate(total=Sum("failures_since_start"), last=Max("attempt_time"))
        .filter(total__gte=failure_limit())
        .order_by(field)
    )
    return [Lock(row[field], row["total"], row["last"] + lock_duration()) for row in rows]


def locked_usernames(usernames: list[str]) -> dict[str, Lock]:
    """The locks of these accounts (« Bloqué » in « Structure › Utilisateurs »)."""
    return {lock.key: lock for lock in _locks("username", usernames)}


def locked_addresses() -> list[Lock]:
    """The addresses locked, whatever the accounts tried from them."""
    return _locks("ip_address")


@use_case
def unlock_user(company: Company, target: AbstractBaseUser, *, user) -> bool:
    """« Débloquer »: the account's failures are forgotten (from every address); False when
    it had none."""
    require_manager(user, company.pk, MANAGE_USERS)
    membership = member_of(company, target)
    username = membership.user.get_username()
    if not reset(username=username):
        return False
    company_entry(
        company,
        USER_UNLOCKED,
        f"Compte « {username} » débloqué : ses échecs de connexion sont effacés.",
        user=user,
        after={"username": username, "user_id": membership.user_id},
    )
    return True


@use_case
def unlock_address(company: Company, address: str, *, user) -> bool:
    """« Débloquer » an address (an office behind one address, after a colleague's typos)."""
    require_manager(user, company.pk, MANAGE_USERS)
    try:
        address = str(ipaddress.ip_address(address.strip()))
    except ValueError:
        raise RuleViolation("Adresse IP invalide.", "address_invalid") from None
    if not reset(ip=address):
        return False
    company_entry(
        company,
        ADDRESS_UNLOCKED,
        f"Adresse {address} débloquée : ses échecs de connexion sont effacés.",
        user=user,
        after={"ip_address": address},
    )
    return True
