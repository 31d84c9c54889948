"""URLs of this area (included by web/urls.py)."""

from django.urls import path

from recouvrement.web.dossiers import edit, export, listing, opening, views
from recouvrement.web.exports import export_paths

urlpatterns = [
    path("dossiers/", views.dossier_list, name="dossier_list"),
    path("dossiers/totaux/", listing.dossier_list_totals, name="dossier_list_totals"),
    *export_paths("dossiers/export", export.dossier_list_export, "dossier_list_export"),
    path("dossiers/<int:pk>/", views.dossier_detail, name="dossier_detail"),
    path("dossiers/<int:pk>/modifier/", edit.dossier_edit, name="dossier_edit"),
    path("dossiers/<int:pk>/clore/", edit.dossier_close_form, name="dossier_closure"),
    path(
        "dossiers/ouvrir-les-retards/",
        opening.dossiers_open_overdue,
        name="dossiers_open_overdue",
    ),
]
