"""Template context shared by every page."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from recouvrement.web.menu import menu
from recouvrement.web.workspace import current_workspace


def workspace(request: HttpRequest) -> dict:
    """`workspace` (company, role, collaborator) and the `menu` for the top bar."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"workspace": None, "menu": []}
    try:
        found = current_workspace(request)
    except PermissionDenied:
        # The 403 page itself renders with this processor: it must not raise again.
        return {"workspace": None, "menu": []}
    match = getattr(request, "resolver_match", None)
    current = match.url_name if match else None
    return {"workspace": found, "menu": menu(current, found.role)}
