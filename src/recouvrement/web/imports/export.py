"""« Importer › Derniers imports » exported: every accounting import of the company, newest
first (the page lists the latest ones), for a responsable recouvrement only (as the page)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse

from recouvrement.db.models import AccountingImport, Company
from recouvrement.exports.columns import Column, Kind, Table
from recouvrement.services.import_files import APPLIED, RUNNING, import_state
from recouvrement.services.imports import MAY_IMPORT
from recouvrement.web.exports import export_response
from recouvrement.web.templatetags.display import person
from recouvrement.web.workspace import current_workspace

CHUNK = 500
STATES = {APPLIED: "Importé", RUNNING: "Import en cours"}
NOT_APPLIED = "Aperçu, non importé"


def _state(record: AccountingImport) -> str:
    return STATES.get(import_state(record), NOT_APPLIED)


def _applied_at(record: AccountingImport):
    return record.applied_at if import_state(record) == APPLIED else None


def _figure(key: str):
    """A figure of the import's summary: for an import applied only, as the page shows."""

    def get(record: AccountingImport):
        if import_state(record) != APPLIED:
            return None
        return (record.summary or {}).get(key)

    return get


COLUMNS = (
    Column.of("Déposé le", Kind.DATETIME, lambda record: record.created_at),
    Column.of("Fichier", Kind.TEXT, lambda record: record.original_name),
    Column.of("Format", Kind.TEXT, lambda record: record.file_format.upper()),
    Column.of("Arrêté au", Kind.DATE, lambda record: record.as_of),
    Column.of("Statut", Kind.TEXT, _state),
    Column.of("Importé le", Kind.DATETIME, _applied_at),
    Column.of("Lignes", Kind.INT, _figure("lines")),
    Column.of("Échéances créées", Kind.INT, _figure("receivables_created")),
    Column.of("Échéances soldées", Kind.INT, _figure("receivables_closed")),
    Column.of("Règlements", Kind.INT, _figure("payments")),
    Column.of("Dossiers clos", Kind.INT, _figure("dossiers_closed")),
    Column.of("Par", Kind.TEXT, lambda record: person(record.user)),
)


def import_history_table(company: Company) -> Table:
    rows = (
        AccountingImport.objects.filter(company=company)
        .select_related("user__collaborator")
        .defer("csv_mapping")
        .order_by("-created_at", "-id")
        .iterator(chunk_size=CHUNK)
    )
    return Table("imports", "Imports", COLUMNS, rows)


@login_required
def import_history_export(request: HttpRequest, fmt: str) -> HttpResponse:
    workspace = current_workspace(request)
    workspace.require_manager(MAY_IMPORT)
    return export_response(import_history_table(workspace.company), fmt)
