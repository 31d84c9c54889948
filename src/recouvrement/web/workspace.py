"""The company a request works in, the user's role there and their collaborator (M1, §1)."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from recouvrement.db.models import Collaborator, Company, Membership
from recouvrement.domain.statuses import Role

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
    def own_dossiers_by_default(self) -> bool:
        """S9: a user linked to a chargé de recouvrement sees that chargé's dossiers first."""
        return self.collaborator is not None and self.collaborator.is_collector


def current_workspace(request: HttpRequest) -> Workspace:
    """The user's first membership (no company switcher before B9); 403 without one."""
    cached = getattr(request, "_recouvrement_workspace", None)
    if cached is not None:
        return cached
    membership = (
        Membership.objects.filter(user_id=request.user.pk)
        .select_related("company", "user__collaborator")
        .order_by("pk")
        .first()
    )
    if membership is None:
        raise PermissionDenied(NO_COMPANY)
    collaborator = getattr(membership.user, "collaborator", None)
    if collaborator is not None and collaborator.company_id != membership.company_id:
        collaborator = None
    workspace = Workspace(membership.company, Role(membership.role), collaborator)
    request._recouvrement_workspace = workspace
    return workspace
