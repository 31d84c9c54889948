"""Who calls the API: `Authorization: Bearer <token>`, a personal token (services.api_tokens).

After TokenAuth, `request.auth` is an ApiActor: the token's user and their Workspace — the
same object the UI's permission checks use (company, role, collaborator).
"""

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest
from ninja.security import HttpBearer

from recouvrement.db.models import ApiToken
from recouvrement.services import api_tokens
from recouvrement.web.workspace import Workspace, workspace_of


@dataclass(frozen=True)
class ApiActor:
    user: AbstractBaseUser
    workspace: Workspace
    token: ApiToken

    @property
    def company(self):
        return self.workspace.company


class TokenAuth(HttpBearer):
    """A personal API token; unknown or revoked → 401, past the rate limit → 429
    (api_tokens.RateLimited), a user without a company → 403 (the UI's message)."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiActor | None:
        found = api_tokens.authenticate(token.strip())
        if found is None:
            return None
        return ApiActor(user=found.user, workspace=workspace_of(found.user), token=found)


def actor(request: HttpRequest) -> ApiActor:
    """The caller of an authenticated endpoint."""
    return request.auth  # type: ignore[attr-defined]
