"""« Structure › Utilisateurs » (PRODUCT §1, O3): logins, roles, the link to a collaborator,
deactivation (never deletion: the journal names them); the passwords are `services.passwords`.

Every change writes a company-level journal row naming who did what to which user; never a
password. Passwords pass Django's validators (settings.AUTH_PASSWORD_VALIDATORS).
"""

from typing import Any

from django.contrib.auth import password_validation
from django.contrib.auth.models import AbstractBaseUser, User
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from recouvrement.db.models import Collaborator, Company, Membership
from recouvrement.domain import audit
from recouvrement.domain.rules import RuleViolation
from recouvrement.domain.statuses import Role
from recouvrement.services.actors import require_manager
from recouvrement.services.journal import changed, company_entry
from recouvrement.services.use_case import use_case

# Ends the domain's sentence: « Seul un responsable recouvrement peut gérer les utilisateurs. »
MANAGE_USERS = "peut gérer les utilisateurs"


# --- Reading -----------------------------------------------------------------------------


def _role(value: Role | str) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise RuleViolation("Profil inconnu.", "user_role") from None


def member_of(company: Company, target: AbstractBaseUser) -> Membership:
    """The target's membership of the company, locked; anyone else is unknown here."""
    membership = (
        Membership.objects.select_for_update()
        .select_related("user")
        .filter(company=company, user_id=target.pk)
        .first()
    )
    if membership is None:
        raise RuleViolation("Utilisateur inconnu dans cette société.", "user_unknown")
    return membership


def _state(membership: Membership) -> dict[str, Any]:
    """The journal's picture of a user: never their password."""
    account = membership.user
    collaborator_id = (
        Collaborator.objects.filter(user=account, company_id=membership.company_id)
        .values_list("pk", flat=True)
        .first()
    )
    return {
        "user_id": account.pk,
        "username": account.username,
        "role": membership.role,
        "is_active": account.is_active,
        "collaborator_id": collaborator_id,
    }


def journal_user(
    membership: Membership, action: str, message: str, *, user, before: dict | None = None
) -> None:
    after = _state(membership)
    if before is not None:
        before, after = changed(before, after)
        after["user_id"] = membership.user_id
    company_entry(membership.company, action, message, user=user, before=before, after=after)


# --- Rules -------------------------------------------------------------------------------


def _check_username(username: str) -> None:
    """Django's rules for a username, unique whatever the case; errors on the field."""
    try:
        if not username:
            raise ValidationError("Le nom d'utilisateur est obligatoire.", "username_required")
        if len(username) > 150:
            raise ValidationError("Au plus 150 caractères.", "username_length")
        UnicodeUsernameValidator()(username)
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError(
                f"Le nom d'utilisateur « {username} » est déjà pris.", "username_taken"
            )
    except ValidationError as error:
        raise ValidationError({"username": error.error_list}) from error


def check_new_password(password: str, account: AbstractBaseUser, field: str) -> None:
    """Django's validators (12 characters, not like the name, not common, not only digits);
    their French messages are attached to the form's `field`."""
    try:
        password_validation.validate_password(password, account)
    except ValidationError as error:
        raise ValidationError({field: error.error_list}) from error


def _check_not_last_manager(membership: Membership, actor: AbstractBaseUser | None) -> None:
    """The company keeps at least one active « Responsable recouvrement »."""
    if membership.role != Role.MANAGER or not membership.user.is_active:
        return
    managers = (
        Membership.objects.select_for_update()
        .select_related("user")
        .filter(company_id=membership.company_id, role=Role.MANAGER)
        .order_by("pk")
    )
    if any(m.user.is_active for m in managers if m.pk != membership.pk):
        return
    who = (
        "Vous êtes"
        if actor is not None and actor.pk == membership.user_id
        else f"« {membership.user.username} » est"
    )
    raise RuleViolation(
        f"{who} le dernier responsable recouvrement actif de la société : nommez d'abord un "
        "autre responsable recouvrement.",
        "last_manager",
    )


def _link(company: Company, account: AbstractBaseUser, collaborator_id: int | None):
    """The account's collaborator becomes `collaborator_id` (None: none); one user ↔ at most
    one collaborator (M5)."""
    collaborator = None
    if collaborator_id is not None:
        collaborator = (
            # Only the collaborator's row: its user is the nullable side of an outer join,
            # which PostgreSQL refuses to lock.
            Collaborator.objects.select_for_update(of=("self",))
            .select_related("user")
            .filter(company=company, pk=collaborator_id)
            .first()
        )
        if collaborator is None:
            raise RuleViolation("Collaborateur inconnu dans cette société.", "collaborator_unknown")
        if collaborator.user_id not in (None, account.pk):
            raise RuleViolation(
                f"Le collaborateur « {collaborator} » est déjà lié à l'utilisateur "
                f"« {collaborator.user.username} ».",
                "collaborator_user_taken",
            )
    previous = Collaborator.objects.filter(user_id=account.pk)
    if collaborator is not None:
        previous = previous.exclude(pk=collaborator.pk)
    previous.update(user=None)
    if collaborator is not None and collaborator.user_id != account.pk:
        collaborator.user = account
        collaborator.save(update_fields=["user"])
    return collaborator


# --- Use cases of the manager ------------------------------------------------------------


@use_case
def create_user(
    company: Company,
    *,
    username: str,
    password: str,
    role: Role | str,
    user: AbstractBaseUser | None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    collaborator_id: int | None = None,
) -> User:
    """A manager creates a login with its first password, its role and maybe its collaborator."""
    require_manager(user, company.pk, MANAGE_USERS)
    role = _role(role)
    username = username.strip()
    _check_username(username)
    email = email.strip()
    if email:
        try:
            validate_email(email)
        except ValidationError as error:
            raise ValidationError({"email": error.error_list}) from error
    account = User(
        username=username, first_name=first_name.strip(), last_name=last_name.strip(), email=email
    )
    check_new_password(password, account, "password")
    account.set_password(password)
    account.save()
    membership = Membership.objects.create(user=account, company=company, role=role)
    collaborator = _link(company, account, collaborator_id)
    linked = f", lié au collaborateur {collaborator}" if collaborator else ""
    journal_user(
        membership,
        audit.USER_CREATED,
        f"Utilisateur « {username} » créé : {role.label}{linked}.",
        user=user,
    )
    return account


def _set_role(company, target, role, actor) -> bool:
    membership = member_of(company, target)
    role = _role(role)
    if membership.role == role:
        return False
    if role is not Role.MANAGER:
        _check_not_last_manager(membership, actor)
    before = _state(membership)
    previous = Role(membership.role)
    membership.role = role
    membership.save(update_fields=["role"])
    journal_user(
        membership,
        audit.USER_ROLE_CHANGED,
        f"Profil de « {membership.user.username} » : {previous.label} → {role.label}.",
        user=actor,
        before=before,
    )
    return True


def _set_collaborator(company, target, collaborator_id, actor) -> bool:
    membership = member_of(company, target)
    before = _state(membership)
    if before["collaborator_id"] == collaborator_id:
        return False
    collaborator = _link(company, membership.user, collaborator_id)
    name = membership.user.username
    message = (
        f"Utilisateur « {name} » lié au collaborateur {collaborator}."
        if collaborator
        else f"Utilisateur « {name} » n'est plus lié à un collaborateur."
    )
    journal_user(membership, audit.USER_COLLABORATOR_CHANGED, message, user=actor, before=before)
    return True


@use_case
def change_role(company: Company, target: AbstractBaseUser, role: Role | str, *, user) -> bool:
    """Whether the role changed; the last active manager keeps theirs."""
    require_manager(user, company.pk, MANAGE_USERS)
    return _set_role(company, target, role, user)


@use_case
def link_collaborator(
    company: Company, target: AbstractBaseUser, collaborator_id: int, *, user
) -> bool:
    require_manager(user, company.pk, MANAGE_USERS)
    return _set_collaborator(company, target, collaborator_id, user)


@use_case
def unlink_collaborator(company: Company, target: AbstractBaseUser, *, user) -> bool:
    require_manager(user, company.pk, MANAGE_USERS)
    return _set_collaborator(company, target, None, user)


@use_case
def update_user(
    company: Company,
    target: AbstractBaseUser,
    *,
    role: Role | str,
    collaborator_id: int | None,
    user,
) -> bool:
    """The user page's form: role and collaborator in one go; whether anything changed."""
    require_manager(user, company.pk, MANAGE_USERS)
    role_changed = _set_role(company, target, role, user)
    return _set_collaborator(company, target, collaborator_id, user) or role_changed


@use_case
def deactivate_user(company: Company, target: AbstractBaseUser, *, user) -> bool:
    """The login stops working (Django refuses inactive users) and open sessions end; the
    user and their journal rows stay."""
    require_manager(user, company.pk, MANAGE_USERS)
    membership = member_of(company, target)
    if not membership.user.is_active:
        return False
    _check_not_last_manager(membership, user)
    before = _state(membership)
    User.objects.filter(pk=membership.user_id).update(is_active=False)
    membership.user.is_active = False
    journal_user(
        membership,
        audit.USER_DEACTIVATED,
        f"Utilisateur « {membership.user.username} » désactivé.",
        user=user,
        before=before,
    )
    return True


@use_case
def reactivate_user(company: Company, target: AbstractBaseUser, *, user) -> bool:
    require_manager(user, company.pk, MANAGE_USERS)
    membership = member_of(company, target)
    if membership.user.is_active:
        return False
    before = _state(membership)
    User.objects.filter(pk=membership.user_id).update(is_active=True)
    membership.user.is_active = True
    journal_user(
        membership,
        audit.USER_REACTIVATED,
        f"Utilisateur « {membership.user.username} » réactivé.",
        user=user,
        before=before,
    )
    return True
