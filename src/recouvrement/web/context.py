"""Template context shared by every page."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from recouvrement.web.workspace import current_workspace


def workspace(request: HttpRequest) -> dict:
    """`workspace` (company, role, collaborator) for the top bar, or None outside a company."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"workspace": None}
    try:
        return {"workspace": current_workspace(request)}
    except PermissionDenied:
        # The 403 page itself renders with this processor: it must not raise again.
        return {"workspace": None}
