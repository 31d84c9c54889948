"""Template context shared by every page."""

from django.http import HttpRequest


def workspace(request: HttpRequest) -> dict:
    return {}
