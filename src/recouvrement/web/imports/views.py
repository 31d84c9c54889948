"""« Importer » (B4): a FEC or CSV file dropped, previewed (dry run), then imported.

Manager only, like the services (`services.import_files`): the upload stores the file with its
row « Aperçu »; the preview page runs the dry run on it each time it is shown, so what it shows
is what « Importer » would do now; once imported, the page shows the stored summary.
"""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from recouvrement.db.models import AccountingImport, Company, Dossier, SavedCsvMapping
from recouvrement.imports import CsvMapping
from recouvrement.services.import_files import (
    APPLIED,
    PREVIEW,
    RUNNING,
    import_state,
    import_stored_file,
    preview_stored_file,
    save_csv_mapping,
    store_accounting_file,
)
from recouvrement.services.imports import CLOSED_NUMBERS, MAY_IMPORT, ImportReport
from recouvrement.services.opening import unfollowed_overdue
from recouvrement.web.imports.forms import (
    CsvMappingForm,
    ImportUploadForm,
    max_import_bytes,
    size_text,
)
from recouvrement.web.workspace import Workspace, current_workspace

RECENT_IMPORTS = 20
LISTED_DOSSIERS = 200


def _manager_workspace(request: HttpRequest) -> Workspace:
    workspace = current_workspace(request)
    workspace.require_manager(MAY_IMPORT)
    return workspace


def _refusal(refused: ValidationError) -> str:
    return " ".join(refused.messages)


# --- Déposer un fichier ----------------------------------------------------------------------


@login_required
def import_upload(request: HttpRequest) -> HttpResponse:
    """The upload form, the saved CSV formats and the company's last imports."""
    workspace = _manager_workspace(request)
    company = workspace.company
    if request.method == "POST":
        form = ImportUploadForm(request.POST, request.FILES, company=company)
        if form.is_valid():
            data = form.cleaned_data
            try:
                record = store_accounting_file(
                    company,
                    request.user,
                    data["file"],
                    name=data["file"].name,
                    file_format=data["file_format"],
                    as_of=data["as_of"],
                    csv_mapping=data["csv_mapping"],
                )
            except ValidationError as refused:
                form.add_error(None, _refusal(refused))
            else:
                return redirect("import_preview", record.pk)
    else:
        form = ImportUploadForm(company=company)
    return _upload_page(request, company, form, CsvMappingForm())


def _upload_page(
    request: HttpRequest,
    company: Company,
    form: ImportUploadForm,
    mapping_form: CsvMappingForm,
) -> HttpResponse:
    imports = AccountingImport.objects.filter(company=company).select_related("user")
    rows = [
        {"record": record, "state": import_state(record), "summary": record.summary or {}}
        for record in imports[:RECENT_IMPORTS]
    ]
    return render(
        request,
        "imports/upload.html",
        {
            "form": form,
            "mapping_form": mapping_form,
            "mappings": [
                {"saved": saved, "columns": _columns_text(saved.mapping)}
                for saved in SavedCsvMapping.objects.filter(company=company)
            ],
            "default_columns": _columns_text(CsvMapping().to_dict()),
            "rows": rows,
            "max_size": size_text(max_import_bytes()),
        },
        status=400 if form.errors or mapping_form.errors else 200,
    )


def _columns_text(mapping: dict) -> str:
    columns = CsvMapping.from_dict(mapping or {})
    names = [
        columns.customer_code,
        columns.customer_name,
        columns.piece_ref,
        columns.piece_date,
        columns.due_date,
        columns.amount,
        columns.open_amount,
    ]
    return " ; ".join(name for name in names if name)


@login_required
@require_POST
def csv_mapping_create(request: HttpRequest) -> HttpResponse:
    """« Enregistrer un format CSV »: a name for the header names of one source's CSV."""
    workspace = _manager_workspace(request)
    company = workspace.company
    form = CsvMappingForm(request.POST)
    if form.is_valid():
        try:
            saved = save_csv_mapping(
                company, request.user, form.cleaned_data["name"], form.mapping()
            )
        except ValidationError as refused:
            for message in refused.messages:
                form.add_error(None, message)
        else:
            messages.success(request, f"Format CSV « {saved.name} » enregistré.")
            return redirect("import_upload")
    return _upload_page(request, company, ImportUploadForm(company=company), form)


# --- Aperçu, puis import ---------------------------------------------------------------------


@login_required
def import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """A preview row: the dry run, fresh; an imported one: what the import did."""
    workspace = _manager_workspace(request)
    company = workspace.company
    record = get_object_or_404(
        AccountingImport.objects.select_related("user"), pk=pk, company=company
    )
    report, error = None, ""
    if import_state(record) == PREVIEW:
        try:
            report = preview_stored_file(company, request.user, record, today=timezone.localdate())
        except ValidationError as refused:
            error = _refusal(refused)
    return _result_page(request, company, record, report, error)


@login_required
@require_POST
def import_apply(request: HttpRequest, pk: int) -> HttpResponse:
    """« Importer »: the service applies the file once; a second click finds the row taken."""
    workspace = _manager_workspace(request)
    company = workspace.company
    record = get_object_or_404(AccountingImport, pk=pk, company=company)
    try:
        report = import_stored_file(company, request.user, record, today=timezone.localdate())
    except ValidationError as refused:
        return _result_page(request, company, record, None, _refusal(refused), status=400)
    if report is not None and report.applied and report.already_imported:
        messages.info(request, f"Ce fichier avait déjà été importé le {report.already_imported}.")
    return redirect("import_preview", record.pk)


def _result_page(
    request: HttpRequest,
    company: Company,
    record: AccountingImport,
    report: ImportReport | None,
    error: str,
    *,
    status: int = 200,
) -> HttpResponse:
    state = import_state(record)
    applied = state == APPLIED
    if applied:
        summary = record.summary or {}
        numbers = summary.get(CLOSED_NUMBERS) or []
        as_of = record.as_of
    elif report is not None:
        summary = report.as_json()
        numbers = report.dossiers_closed
        as_of = report.as_of or record.as_of
    else:
        summary, numbers, as_of = {}, [], record.as_of
    return render(
        request,
        "imports/preview.html",
        {
            "record": record,
            "applied": applied,
            "running": state == RUNNING,
            "report": report,
            "error": error,
            "as_of": as_of,
            "figures": _figures(summary) if summary else [],
            "closed_dossiers": _dossiers(company, numbers),
            "more_dossiers": max(0, len(numbers) - LISTED_DOSSIERS),
            "may_apply": report is not None and not report.rejected_lines and not applied,
            "unfollowed": _unfollowed(company) if applied else None,
            "size": size_text(record.size),
        },
        status=status,
    )


def _unfollowed(company: Company) -> dict:
    """B5 after an import: the customers whose overdue échéances no dossier follows yet."""
    overdue = unfollowed_overdue(company, timezone.localdate())
    return overdue.aggregate(customers=Count("customer", distinct=True), amount=Sum("open_amount"))


def _figures(summary: dict) -> list[dict]:
    """The counts of a report (`ImportReport.as_json()`, or the summary stored when applied)."""

    def row(label: str, key: str, *, money: bool = False, detail: bool = False) -> dict:
        value = summary.get(key) or 0
        return {
            "label": label,
            "value": Decimal(value) if money else value,
            "money": money,
            "detail": detail,
        }

    return [
        row("Lignes lues dans le fichier", "lines"),
        row("Clients dans le fichier", "customers"),
        row("dont nouveaux clients", "customers_created", detail=True),
        row("Échéances créées", "receivables_created"),
        row("Échéances modifiées", "receivables_updated"),
        row("Échéances soldées", "receivables_closed"),
        row("Règlements enregistrés", "payments"),
        row("Dossiers clos (Payé)", "dossiers_closed"),
        row("Promesses tenues", "promises_kept"),
        row("Promesses non tenues", "promises_broken"),
        row("Échéances ouvertes après l'import", "open_receivables"),
        row("Reste dû total après l'import", "open_amount", money=True),
    ]


def _dossiers(company: Company, numbers: list[str]) -> list[Dossier]:
    listed = numbers[:LISTED_DOSSIERS]
    if not listed:
        return []
    found = {
        dossier.number: dossier
        for dossier in Dossier.objects.filter(company=company, number__in=listed).select_related(
            "customer"
        )
    }
    return [found[number] for number in listed if number in found]
