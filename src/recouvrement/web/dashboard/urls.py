"""URLs of the « Tableau de bord » (included by web/urls.py)."""

from django.urls import path

from recouvrement.web.dashboard import export, views
from recouvrement.web.exports import export_paths

urlpatterns = [
    path("", views.home, name="home"),
    path("tableau-de-bord/", views.dashboard, name="dashboard"),
    *export_paths(
        "tableau-de-bord/balance-agee/export", export.aged_balance_export, "aged_balance_export"
    ),
]
