"""URLs of this area (included by web/urls.py)."""

from django.urls import path

from recouvrement.web.priority import views

urlpatterns = [
    path("structure/priorite-suggeree/", views.priority_weights, name="priority_weights"),
    path(
        "dossiers/<int:pk>/priorite-suggeree/",
        views.adopt_priority,
        name="dossier_adopt_priority",
    ),
]
