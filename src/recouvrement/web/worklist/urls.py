"""URLs of this area (included by web/urls.py)."""

from django.urls import path

from recouvrement.web.exports import export_paths
from recouvrement.web.worklist import batch, export, opening, totals, views

urlpatterns = [
    path("gestion-des-actions/", views.worklist, name="worklist"),
    path("gestion-des-actions/totaux/", totals.worklist_totals_row, name="worklist_totals"),
    *export_paths("gestion-des-actions/export", export.worklist_export, "worklist_export"),
    path("gestion-des-actions/traiter/", batch.worklist_batch, name="worklist_batch"),
    path("dossiers/nouveau/", opening.dossier_create, name="dossier_create"),
    path("dossiers/nouveau/clients/", opening.customer_search, name="dossier_customer_search"),
]
