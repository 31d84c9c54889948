"""URLs of this area (included by web/urls.py under /imports/)."""

from django.urls import path

from recouvrement.web.exports import export_paths
from recouvrement.web.imports import export, progress, views

urlpatterns = [
    path("", views.import_upload, name="import_upload"),
    *export_paths("export", export.import_history_export, "import_history_export"),
    path("formats-csv/", views.csv_mapping_create, name="import_csv_mapping_create"),
    path("clients/", views.customers_file_import, name="import_customers"),
    path("<int:pk>/", views.import_preview, name="import_preview"),
    path("<int:pk>/importer/", views.import_apply, name="import_apply"),
    path("<int:pk>/avancement/", progress.import_progress, name="import_progress"),
]
