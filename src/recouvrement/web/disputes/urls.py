"""URLs of the dossier's « Litiges » (included by web/urls.py)."""

from django.urls import path

from recouvrement.web.disputes import views

urlpatterns = [
    path("dossiers/<int:pk>/litiges/nouveau/", views.dispute_create, name="dispute_create"),
    path(
        "dossiers/<int:pk>/litiges/<int:dispute_pk>/resoudre/",
        views.dispute_resolve,
        name="dispute_resolve",
    ),
]
