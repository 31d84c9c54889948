"""The login page while the account or the address is locked (django-axes' lockout response).

Axes calls this (AXES_LOCKOUT_CALLABLE) instead of its bare English page: our login page, the
username kept, with the French message of `services.logins`, status 429.
"""

from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from recouvrement.services.logins import lockout_message


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials=None
) -> HttpResponse:
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    form = AuthenticationForm(request, initial={"username": username})
    return render(
        request,
        "registration/login.html",
        {"form": form, "locked": lockout_message(), "next": request.POST.get("next", "")},
        status=429,
    )
