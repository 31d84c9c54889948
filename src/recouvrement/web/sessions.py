"""Sessions that end after a period without requests (O3), without a write per request.

Django's `SESSION_SAVE_EVERY_REQUEST` renews the session on every request: one database write
per page, which on SQLite takes the write lock for what is only a read. Here a signed-in
session is renewed (saved: a new expiry in the database and a new cookie max-age) when it was
last renewed more than `RENEW_AFTER` ago, so it still ends `SESSION_COOKIE_AGE` after the last
activity, give or take those few minutes.
"""

import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

RENEW_AFTER = 5 * 60  # seconds
_RENEWED = "_renewed_at"


class SlidingSessionMiddleware:
    """After the session and authentication middlewares (MIDDLEWARE order)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            if now - request.session.get(_RENEWED, 0) >= RENEW_AFTER:
                request.session[_RENEWED] = now  # modified: SessionMiddleware saves it
        return response
