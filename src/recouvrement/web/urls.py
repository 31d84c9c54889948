"""The URLs of the web UI (ROOT_URLCONF)."""

from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from recouvrement.web import views

urlpatterns = [
    path(
        "connexion/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    # LogoutView answers POST only: a link or a prefetch cannot log the user out.
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("", RedirectView.as_view(pattern_name="dossier_list"), name="home"),
    path("dossiers/", views.dossier_list, name="dossier_list"),
    path("dossiers/<int:pk>/", views.dossier_detail, name="dossier_detail"),
    path("dossiers/ouvrir-les-retards/", views.dossiers_open_overdue, name="dossiers_open_overdue"),
    path("", include("recouvrement.web.interventions.urls")),
    path("", include("recouvrement.web.worklist.urls")),
    path("structure/", include("recouvrement.web.structure.urls")),
    path("imports/", include("recouvrement.web.imports.urls")),
]
