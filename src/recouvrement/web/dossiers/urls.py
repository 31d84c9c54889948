"""URLs of this area (included by web/urls.py)."""

from django.urls import path

from recouvrement.web.dossiers import views

urlpatterns = [
    path("dossiers/", views.dossier_list, name="dossier_list"),
    path("dossiers/<int:pk>/", views.dossier_detail, name="dossier_detail"),
    path("dossiers/ouvrir-les-retards/", views.dossiers_open_overdue, name="dossiers_open_overdue"),
]
