"""« Importer » (B4): a FEC or CSV file dropped, previewed (dry run), then imported.

Manager only, like the service. The file is stored with the `AccountingImport` row on upload;
the preview page runs the service on it with `dry_run=True` each time it is shown, so what it
shows is what « Importer » would do now; once imported, the page shows the stored summary.
"""

from datetime import timedelta
from decimal import Decimal
from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from recouvrement.db.models import AccountingImport, Company, Dossier, SavedCsvMapping
from recouvrement.db.models.imports import ImportFormat, ImportStatus
from recouvrement.domain.statuses import Role
from recouvrement.imports import CsvMapping
from recouvrement.services.imports import (
    ImportOptions,
    ImportReport,
    detect_format,
    import_accounting_file,
)
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
# « Importer » claims the row (applied_at set, status still preview) while the service runs:
# a second click waits for nothing and imports nothing. A claim this old is a crashed run.
CLAIM_TIMEOUT = timedelta(minutes=15)
CLOSED_NUMBERS = "dossiers_closed_numbers"  # in the stored summary: the links
STALE_PREVIEW = timedelta(days=1)  # a file previewed but never imported is removed after this


def _manager_workspace(request: HttpRequest) -> Workspace:
    workspace = current_workspace(request)
    if workspace.role is not Role.MANAGER:
        raise PermissionDenied(
            "Seul un responsable recouvrement peut importer un fichier comptable."
        )
    return workspace


# --- Déposer un fichier ----------------------------------------------------------------------


@login_required
def import_upload(request: HttpRequest) -> HttpResponse:
    """The upload form, the saved CSV formats and the company's last imports."""
    workspace = _manager_workspace(request)
    company = workspace.company
    if request.method == "POST":
        form = ImportUploadForm(request.POST, request.FILES, company=company)
        if form.is_valid():
            record = _store(form, company, request.user)
            return redirect("import_preview", record.pk)
    else:
        form = ImportUploadForm(company=company)
    return _upload_page(request, company, form, CsvMappingForm())


def _store(form: ImportUploadForm, company: Company, user) -> AccountingImport:
    """The row « Aperçu » and its file (stored under a name made of its SHA-256)."""
    data = form.cleaned_data
    upload = data["file"]
    file_format = data["file_format"] or detect_format(upload)
    mapping = None
    if file_format == ImportFormat.CSV:
        saved = data["csv_mapping"]
        mapping = saved.mapping if saved else CsvMapping().to_dict()
    record = AccountingImport(
        company=company,
        user=user,
        original_name=PurePath(upload.name).name[:255],
        size=upload.size,
        sha256=form.sha256,
        file_format=file_format,
        csv_mapping=mapping,
        as_of=data["as_of"],  # the date chosen, if any; the service stores the one applied
    )
    upload.seek(0)
    _remove_stale_previews(company)
    record.file.save(record.original_name, upload, save=False)
    record.save()
    return record


def _remove_stale_previews(company: Company) -> None:
    """Files dropped, previewed and never imported go after a day (an imported one stays)."""
    stale = AccountingImport.objects.filter(
        company=company,
        status=ImportStatus.PREVIEW,
        applied_at__isnull=True,
        created_at__lt=timezone.now() - STALE_PREVIEW,
    )
    for record in stale:
        record.file.delete(save=False)
        record.delete()


def _upload_page(
    request: HttpRequest,
    company: Company,
    form: ImportUploadForm,
    mapping_form: CsvMappingForm,
) -> HttpResponse:
    imports = AccountingImport.objects.filter(company=company).select_related("user")
    rows = [
        {"record": record, "state": _state(record), "summary": record.summary or {}}
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
        saved = SavedCsvMapping(
            company=company, name=form.cleaned_data["name"], mapping=form.mapping().to_dict()
        )
        try:
            saved.full_clean()  # the model's constraint: « Un format CSV porte déjà ce nom. »
            with transaction.atomic():
                saved.save()
        except ValidationError as refused:
            for message in refused.messages:
                form.add_error(None, message)
        except IntegrityError:  # the same name saved by someone else at the same instant
            form.add_error(None, "Un format CSV porte déjà ce nom.")
        else:
            messages.success(request, f"Format CSV « {saved.name} » enregistré.")
            return redirect("import_upload")
    return _upload_page(request, company, ImportUploadForm(company=company), form)


# --- Aperçu, puis import ---------------------------------------------------------------------


@login_required
def import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """A preview row: the dry run, fresh; an imported one: what the import did."""
    workspace = _manager_workspace(request)
    record = get_object_or_404(
        AccountingImport.objects.select_related("user"), pk=pk, company=workspace.company
    )
    report, error = None, ""
    if record.status != ImportStatus.APPLIED and not _claimed(record):
        report, error = _run(record, workspace.company, request.user, dry_run=True)
    return _result_page(request, workspace.company, record, report, error)


@login_required
@require_POST
def import_apply(request: HttpRequest, pk: int) -> HttpResponse:
    """« Importer »: the service applies the file; a second click finds the row taken."""
    workspace = _manager_workspace(request)
    company = workspace.company
    record = get_object_or_404(AccountingImport, pk=pk, company=company)
    if not _claim(record):
        return redirect("import_preview", record.pk)  # imported, or being imported
    report, error = None, ""
    try:
        report, error = _run(record, company, request.user, dry_run=False)
    finally:
        if record.status != ImportStatus.APPLIED:
            _release(record)
    if error:
        return _result_page(request, company, record, None, error, status=400)
    if report is not None and report.applied and report.already_imported:
        messages.info(request, f"Ce fichier avait déjà été importé le {report.already_imported}.")
    return redirect("import_preview", record.pk)


def _claim(record: AccountingImport) -> bool:
    now = timezone.now()
    free = Q(applied_at__isnull=True) | Q(applied_at__lt=now - CLAIM_TIMEOUT)
    taken = (
        AccountingImport.objects.filter(pk=record.pk, status=ImportStatus.PREVIEW)
        .filter(free)
        .update(applied_at=now)
    )
    return taken == 1


def _release(record: AccountingImport) -> None:
    AccountingImport.objects.filter(pk=record.pk, status=ImportStatus.PREVIEW).update(
        applied_at=None
    )


def _claimed(record: AccountingImport) -> bool:
    """A preview row whose « Importer » is running right now."""
    return (
        record.status == ImportStatus.PREVIEW
        and record.applied_at is not None
        and record.applied_at >= timezone.now() - CLAIM_TIMEOUT
    )


def _state(record: AccountingImport) -> str:
    if record.status == ImportStatus.APPLIED:
        return "applied"
    return "running" if _claimed(record) else "preview"


def _run(
    record: AccountingImport, company: Company, user, *, dry_run: bool
) -> tuple[ImportReport | None, str]:
    """The service on the stored file: its report, or its refusal in French."""
    options = ImportOptions(
        file_format=record.file_format,
        as_of=record.as_of,
        mapping=CsvMapping.from_dict(record.csv_mapping) if record.csv_mapping else None,
        file_name=record.original_name,
    )
    try:
        stream = record.file.open("rb")
    except (OSError, ValueError):  # the stored file is gone (ValueError: the row has none)
        return None, "Le fichier déposé est introuvable : déposez-le de nouveau."
    with stream:
        try:
            report = import_accounting_file(
                company,
                stream,
                today=timezone.localdate(),
                user=user,
                options=options,
                dry_run=dry_run,
                upload=None if dry_run else record,
            )
        except ValidationError as refused:
            return None, " ".join(refused.messages)
    return report, ""


def _result_page(
    request: HttpRequest,
    company: Company,
    record: AccountingImport,
    report: ImportReport | None,
    error: str,
    *,
    status: int = 200,
) -> HttpResponse:
    applied = record.status == ImportStatus.APPLIED
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
            "running": _claimed(record),
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
