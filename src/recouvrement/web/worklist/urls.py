"""URLs of this area (included by web/urls.py)."""

from django.urls import path

from recouvrement.web.worklist import opening, views

urlpatterns = [
    path("gestion-des-actions/", views.worklist, name="worklist"),
    path("gestion-des-actions/traiter/", views.worklist_batch, name="worklist_batch"),
    path("dossiers/nouveau/", opening.dossier_create, name="dossier_create"),
]
