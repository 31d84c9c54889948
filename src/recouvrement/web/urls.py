"""The URLs of the web UI (ROOT_URLCONF)."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from recouvrement.api.main import api
from recouvrement.web import today

urlpatterns = [
    path(
        "connexion/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    # LogoutView answers POST only: a link or a prefetch cannot log the user out.
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("recouvrement.web.dashboard.urls")),  # `home`: a manager's landing
    path("", include("recouvrement.web.dossiers.urls")),
    path("", include("recouvrement.web.disputes.urls")),
    path("", include("recouvrement.web.receivables.urls")),
    path("aujourdhui/", today.today, name="today"),
    path("", include("recouvrement.web.interventions.urls")),
    path("", include("recouvrement.web.worklist.urls")),
    path("", include("recouvrement.web.outbox.urls")),
    path("", include("recouvrement.web.simulation.urls")),
    path("", include("recouvrement.web.evidence.urls")),
    path("", include("recouvrement.web.priority.urls")),
    path("", include("recouvrement.web.customers.urls")),
    path("structure/", include("recouvrement.web.structure.urls")),
    path("imports/", include("recouvrement.web.imports.urls")),
    path("", include("recouvrement.web.account.urls")),
    path("", include("recouvrement.web.setup.urls")),
    path("api/v1/", api.urls),
]
