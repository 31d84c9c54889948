"""Who is acting: the user's role in a company and the collaborator linked to them."""

from django.contrib.auth.models import AbstractBaseUser

from recouvrement.db.models import Collaborator, Dossier, Membership
from recouvrement.domain.permissions import check_manager, check_may_change_dossier
from recouvrement.domain.rules import RuleViolation
from recouvrement.domain.statuses import Role

# The batch (`recouvrement prepare`, cron) acts as the system, with no user and full rights.
SYSTEM = None


def role_of(user: AbstractBaseUser | None, company_id: int) -> Role:
    if user is SYSTEM:
        return Role.MANAGER
    role = (
        Membership.objects.filter(user=user, company_id=company_id)
        .values_list("role", flat=True)
        .first()
    )
    if role is None:
        raise RuleViolation("Vous n'avez pas accès à cette société.", "foreign_company")
    return Role(role)


def collaborator_id_of(user: AbstractBaseUser | None) -> int | None:
    if user is SYSTEM:
        return None
    return Collaborator.objects.filter(user=user).values_list("id", flat=True).first()


def require_manager(user: AbstractBaseUser | None, company_id: int, what: str) -> None:
    """Refuse (PermissionDenied) unless the user is a manager of the company."""
    check_manager(role_of(user, company_id), what)


def require_change(user: AbstractBaseUser | None, dossier: Dossier) -> Role:
    """The user's role, once checked that they may change this dossier."""
    role = role_of(user, dossier.company_id)
    if user is not SYSTEM:
        check_may_change_dossier(role, collaborator_id_of(user), dossier.collector_id)
    return role
