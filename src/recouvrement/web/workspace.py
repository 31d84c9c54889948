"""The company a request works in, the user's role there and their collaborator (M1, §1).

Views ask the workspace what to display (`may_…`); a page that only makes sense to someone
allowed answers 403 through `require_…`, which raises the domain rule's own message. The
services check the same rules again when they write.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from recouvrement.db.models import Collaborator, Company, Dossier, Membership
from recouvrement.domain import permissions
from recouvrement.domain.statuses import Role
from recouvrement.services.use_case import rule_errors

NO_COMPANY = (
    "Votre compte n'est rattaché à aucune société : demandez à un responsable recouvrement "
    "de vous y donner accès."
)


@dataclass(frozen=True)
class Workspace:
    company: Company
    role: Role
    collaborator: Collaborator | None

    @property
    def collaborator_id(self) -> int | None:
        return self.collaborator.pk if self.collaborator else None

    @property
    def own_dossiers_by_default(self) -> bool:
        """S9: a user linked to a chargé de recouvrement sees that chargé's dossiers first."""
        return self.collaborator is not None and self.collaborator.is_collector

    @property
    def may_manage(self) -> bool:
        """Configuration, imports and series actions (the « Responsable recouvrement »)."""
        return permissions.may_manage(self.role)

    @property
    def may_change(self) -> bool:
        """Any change at all (not « Consultation »)."""
        return self.role.may_change

    def may_change_dossier(self, dossier: Dossier) -> bool:
        """Whether this dossier's actions are offered: the user may change it and it is open."""
        return (
            permissions.may_change_dossier(self.role, self.collaborator_id, dossier.collector_id)
            and dossier.status_enum.is_open
        )

    def require_manager(self, what: str) -> None:
        """403 with the domain's message unless a manager (`what`: « peut importer … »)."""
        with rule_errors():
            permissions.check_manager(self.role, what)

    def require_change(self) -> None:
        """403 with the domain's message for « Consultation »."""
        with rule_errors():
            permissions.check_may_change(self.role)

    def require_change_dossier(self, dossier: Dossier) -> None:
        """403 with the domain's message unless the user may change this dossier."""
        with rule_errors():
            permissions.check_may_change_dossier(
                self.role, self.collaborator_id, dossier.collector_id
            )


def current_workspace(request: HttpRequest) -> Workspace:
    """The user's first membership (no company switcher before B9); 403 without one."""
    cached = getattr(request, "_recouvrement_workspace", None)
    if cached is not None:
        return cached
    workspace = workspace_of(request.user)
    request._recouvrement_workspace = workspace
    return workspace


def workspace_of(user) -> Workspace:
    """`current_workspace` for a user known otherwise (an API token's, issue 14 §3)."""
    membership = (
        Membership.objects.filter(user_id=user.pk)
        .select_related("company", "user__collaborator")
        .order_by("pk")
        .first()
    )
    if membership is None:
        raise PermissionDenied(NO_COMPANY)
    collaborator: Collaborator | None = getattr(membership.user, "collaborator", None)
    if collaborator is not None and collaborator.company_id != membership.company_id:
        collaborator = None
    return Workspace(membership.company, Role(membership.role), collaborator)
