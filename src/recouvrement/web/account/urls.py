"""URLs of « Mon compte » and of the reset links (included by web/urls.py at the root)."""

from django.urls import path

from recouvrement.web.account import views

urlpatterns = [
    path("compte/mot-de-passe/", views.password_change, name="password_change"),
    path(
        "mot-de-passe/<str:uidb64>/<str:token>/",
        views.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path("mot-de-passe/enregistre/", views.password_reset_complete, name="password_reset_complete"),
]
