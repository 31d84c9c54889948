"""URLs of this area (included by web/urls.py)."""

from django.urls import path

from recouvrement.web.evidence import views

urlpatterns = [
    path("dossiers/<int:pk>/contentieux/", views.build_pack, name="evidence_build"),
    path("dossiers/<int:pk>/contentieux/<int:pack>/", views.pack_detail, name="evidence_detail"),
    path(
        "dossiers/<int:pk>/contentieux/<int:pack>/<str:kind>/",
        views.pack_download,
        name="evidence_download",
    ),
]
