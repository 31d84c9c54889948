"""URLs of this area (included by web/urls.py)."""

from django.urls import path

from recouvrement.web.exports import export_paths
from recouvrement.web.receivables import export, views

urlpatterns = [
    path("echeances/", views.receivable_list, name="receivable_list"),
    *export_paths("echeances/export", export.receivable_list_export, "receivable_list_export"),
]
