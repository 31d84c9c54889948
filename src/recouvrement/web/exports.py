"""The export responses of the lists: « XLSX » (a file written to a temporary file, sent,
then gone) and « CSV » (streamed as the rows are read), named after the list and today's date.

A list's export has two URLs, `…/export.xlsx` and `…/export.csv`, under one name
(`export_paths`); any other format is no URL at all (404).
"""

from collections.abc import Callable

from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.urls import URLPattern, path
from django.utils import timezone

from recouvrement.exports import csv, xlsx
from recouvrement.exports.columns import Table

FORMATS = ("xlsx", "csv")
UNKNOWN_FORMAT = "Format d'export inconnu : XLSX ou CSV."


def export_paths(route: str, view: Callable, name: str) -> list[URLPattern]:
    """`route.xlsx` and `route.csv`, both named `name`: `{% url name fmt="csv" %}`."""
    return [path(f"{route}.{fmt}", view, {"fmt": fmt}, name=name) for fmt in FORMATS]


def file_name(table: Table, fmt: str) -> str:
    """« dossiers-2026-12-01.xlsx »."""
    return f"{table.name}-{timezone.localdate().isoformat()}.{fmt}"


def export_response(table: Table, fmt: str) -> HttpResponse:
    """The table as a download in `fmt` (« xlsx » or « csv »)."""
    if fmt == "xlsx":
        return FileResponse(
            xlsx.xlsx_file(table),  # closed, hence deleted, once sent
            as_attachment=True,
            filename=file_name(table, fmt),
            content_type=xlsx.CONTENT_TYPE,
        )
    if fmt == "csv":
        response = StreamingHttpResponse(
            csv.chunks(csv.csv_lines(table)), content_type=csv.CONTENT_TYPE
        )
        response["Content-Disposition"] = f'attachment; filename="{file_name(table, fmt)}"'
        return response
    raise Http404(UNKNOWN_FORMAT)
