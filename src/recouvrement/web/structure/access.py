"""Who reaches « Structure »: everyone reads, only a responsable recouvrement changes (§1)."""

from django.http import HttpRequest

from recouvrement.web.workspace import Workspace, current_workspace

# Ends the domain's sentence: « Seul un responsable recouvrement peut modifier la structure. »
CHANGE = "peut modifier la structure"


def structure_workspace(request: HttpRequest) -> Workspace:
    """The workspace; a change (POST) by anyone but a manager answers 403."""
    workspace = current_workspace(request)
    if request.method == "POST":
        workspace.require_manager(CHANGE)
    return workspace
