"""What the API tests share: a token per persona and a client sending it."""

import pytest

from recouvrement.services.api_tokens import create_token


class Caller:
    """The Django test client with `Authorization: Bearer <token>` on every call."""

    def __init__(self, client, plain: str) -> None:
        self.client, self.plain = client, plain
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {plain}"}

    def get(self, path: str, **params):
        return self.client.get(path, params, **self.headers)

    def post(self, path: str, body):
        return self.client.post(path, body, content_type="application/json", **self.headers)

    def patch(self, path: str, body):
        return self.client.patch(path, body, content_type="application/json", **self.headers)


@pytest.fixture
def call(client):
    """call(user) → a Caller with a fresh token of that user."""

    def make(user) -> Caller:
        return Caller(client, create_token(user, name="test")[1])

    return make
