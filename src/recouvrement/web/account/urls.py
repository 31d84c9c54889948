"""URLs of « Mon compte » and of the reset links (included by web/urls.py at the root)."""

from django.urls import path

from recouvrement.web.account import tokens, views

urlpatterns = [
    path("compte/mot-de-passe/", views.password_change, name="password_change"),
    path("compte/jetons/", tokens.api_tokens, name="api_tokens"),
    path(
        "compte/jetons/<int:token_id>/revoquer/", tokens.api_token_revoke, name="api_token_revoke"
    ),
    path(
        "mot-de-passe/<str:uidb64>/<str:token>/",
        views.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path("mot-de-passe/enregistre/", views.password_reset_complete, name="password_reset_complete"),
]
