"""« Mon compte › Changer le mot de passe » and the page a reset link opens (public)."""

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from recouvrement.services.passwords import (
    change_own_password,
    invalid_link_message,
    reset_link_user,
    reset_password,
)
from recouvrement.web.account.forms import PasswordChangeForm, PasswordResetForm, password_rules


@never_cache
@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    """Every role, « Consultation » included, changes their own password."""
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            account = change_own_password(request.user, data["old_password"], data["new_password"])
        except ValidationError as refused:
            form.add_error(None, refused)
        else:
            update_session_auth_hash(request, account)  # this session stays signed in
            messages.success(request, "Votre mot de passe est modifié.")
            return redirect("password_change")
    return render(
        request,
        "account/password_change.html",
        {"form": form, "rules": password_rules()},
        status=400 if form.errors else 200,
    )


@never_cache
def password_reset_confirm(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """Reached from the link the manager handed over: no login; the token is checked."""
    account = reset_link_user(uidb64, token)
    if account is None:
        return render(
            request,
            "account/password_reset.html",
            {"invalid": invalid_link_message()},
            status=400,
        )
    form = PasswordResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            reset_password(uidb64, token, form.cleaned_data["password"])
        except ValidationError as refused:
            form.add_error(None, refused)
        else:
            return redirect("password_reset_complete")
    return render(
        request,
        "account/password_reset.html",
        {"form": form, "account": account, "rules": password_rules()},
        status=400 if form.errors else 200,
    )


def password_reset_complete(request: HttpRequest) -> HttpResponse:
    return render(request, "account/password_reset_complete.html")
