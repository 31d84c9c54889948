"""« Mon compte › Jetons d'API » (issue 14 §3): the user's personal API tokens.

Every role may hold tokens (a « Consultation » token only reads). A new token is shown once,
on the page the creation answers (never stored in clear, nor in the session: a reload does
not show it again); revoking asks for confirmation first.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from recouvrement.db.models import ApiToken
from recouvrement.services.api_tokens import NAME_MAX, create_token, revoke_token, token_for
from recouvrement.services.api_tokens import visible_tokens as own_tokens


class TokenForm(forms.Form):
    name = forms.CharField(
        label="Nom du jeton",
        max_length=NAME_MAX,
        help_text="Pour le reconnaître : l'outil qui l'utilise (ex. : « ERP », « Tableur »).",
    )


def _list(request: HttpRequest, form: TokenForm, status: int = 200) -> HttpResponse:
    return render(
        request,
        "account/api_tokens.html",
        {
            "form": form,
            "tokens": own_tokens(request.user),
            "docs_url": reverse("api:openapi-view"),
        },
        status=status,
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request: HttpRequest) -> HttpResponse:
    """The list and the creation form; a POST answers the new token, shown once."""
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, plain = create_token(request.user, name=form.cleaned_data["name"])
        except ValidationError as refused:
            form.add_error("name", refused)
        else:
            return render(
                request,
                "account/api_token_created.html",
                {
                    "token": token,
                    "plain": plain,
                    "api_url": request.build_absolute_uri(reverse("api:api-root")),
                },
            )
    return _list(request, form, status=400 if form.errors else 200)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def api_token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    """GET: the confirmation; POST: the token is revoked (its next call answers 401)."""
    try:
        token = token_for(request.user, token_id)
    except ApiToken.DoesNotExist:
        raise Http404("Jeton d'API introuvable.") from None
    if request.method == "POST":
        try:
            token = revoke_token(request.user, token.pk)
        except ValidationError as refused:
            for message in refused.messages:
                messages.error(request, message)
        else:
            messages.success(request, f"Le jeton « {token.name} » est révoqué.")
        return redirect("api_tokens")
    return render(request, "account/api_token_revoke.html", {"token": token})
