"""« Importer » (B4): a FEC or CSV file dropped, previewed (dry run), then imported.

Manager only, like the services (`services.import_files`): the upload stores the file with its
row « Aperçu »; the preview page runs the dry run on it each time it is shown, so what it shows
is what « Importer » would do now; « Importer » queues the import for `recouvrement worker`
and the page shows its progress (`imports.progress`); once imported, the stored summary.
"""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from recouvrement.db.models import AccountingImport, Company, Customer, Dossier, SavedCsvMapping
from recouvrement.imports import CsvMapping
from recouvrement.services.customer_import import CustomerImportReport, import_customers_file
from recouvrement.services.import_files import (
    APPLIED,
    PREVIEW,
    import_state,
    preview_stored_file,
    save_csv_mapping,
    store_accounting_file,
)
from recouvrement.services.import_jobs import start_import
from recouvrement.services.imports import (
    CLOSED_NUMBERS,
    LISTED_CUSTOMERS,
    MAY_IMPORT,
    NEW_CUSTOMERS,
    ImportReport,
)
from recouvrement.services.opening import unfollowed_overdue
from recouvrement.web.imports.forms import (
    CsvMappingForm,
    CustomerChoicesForm,
    CustomersFileForm,
    ImportUploadForm,
    max_import_bytes,
    size_text,
)
from recouvrement.web.imports.progress import job_context
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
    customers_form: CustomersFileForm | None = None,
    customers_report: CustomerImportReport | None = None,
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
            "customers_form": customers_form or CustomersFileForm(),
            "customers_report": customers_report,
        },
        status=400
        if form.errors
        or mapping_form.errors
        or (customers_form and customers_form.errors)
        or (customers_report and customers_report.errors)
        else 200,
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


@login_required
@require_POST
def customers_file_import(request: HttpRequest) -> HttpResponse:
    """« Importer le fichier des clients »: kinds, payment terms, contact details in bulk; a
    file with a bad line changes nothing and lists its lines."""
    workspace = _manager_workspace(request)
    company = workspace.company
    form = CustomersFileForm(request.POST, request.FILES)
    report = None
    if form.is_valid():
        upload = form.cleaned_data["customers_file"]
        try:
            report = import_customers_file(company, upload, user=request.user, name=upload.name)
        except ValidationError as refused:
            form.add_error(None, _refusal(refused))
        else:
            if report.applied:
                messages.success(
                    request, f"Fichier des clients « {upload.name} » importé : {report.sentence()}."
                )
                return redirect(f"{reverse('import_upload')}#clients")
    upload_form = ImportUploadForm(company=company)
    return _upload_page(request, company, upload_form, CsvMappingForm(), form, report)


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
        report, error = _dry_run(request, company, record)
    return _result_page(request, company, record, report, error)


@login_required
@require_POST
def import_apply(request: HttpRequest, pk: int) -> HttpResponse:
    """« Importer »: the service queues the import of the file for `recouvrement worker`,
    with the new customers as the manager set them on the preview; its page shows the
    progress, then the result. A second click finds the row taken and starts nothing."""
    workspace = _manager_workspace(request)
    company = workspace.company
    record = get_object_or_404(AccountingImport, pk=pk, company=company)
    choices = CustomerChoicesForm(request.POST)
    if not choices.is_valid():
        report, error = _dry_run(request, company, record)
        return _result_page(request, company, record, report, error, choices=choices, status=400)
    try:
        start_import(
            company, request.user, record, today=timezone.localdate(), choices=choices.choices()
        )
    except ValidationError as refused:
        return _result_page(request, company, record, None, _refusal(refused), status=400)
    return redirect("import_preview", record.pk)


def _dry_run(
    request: HttpRequest, company: Company, record: AccountingImport
) -> tuple[ImportReport | None, str]:
    try:
        return preview_stored_file(company, request.user, record, today=timezone.localdate()), ""
    except ValidationError as refused:
        return None, _refusal(refused)


def _result_page(
    request: HttpRequest,
    company: Company,
    record: AccountingImport,
    report: ImportReport | None,
    error: str,
    *,
    choices: CustomerChoicesForm | None = None,
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
    may_apply = report is not None and not report.rejected_lines and not applied
    new_customers = report.new_customers if may_apply else []
    if may_apply and choices is None:
        choices = CustomerChoicesForm(new_customers=new_customers)
    return render(
        request,
        "imports/preview.html",
        {
            "record": record,
            "applied": applied,
            "job": job_context(record, state),
            "report": report,
            "error": error,
            "as_of": as_of,
            "figures": _figures(summary) if summary else [],
            "closed_dossiers": _dossiers(company, numbers),
            "more_dossiers": max(0, len(numbers) - LISTED_DOSSIERS),
            "may_apply": may_apply,
            "choices": choices if may_apply else None,
            "customer_rows": choices.rows(new_customers) if may_apply else [],
            "more_customers": max(0, len(new_customers) - LISTED_CUSTOMERS),
            "created_customers": _created(company, summary) if applied else [],
            "more_created": max(0, summary.get("customers_created", 0) - LISTED_CUSTOMERS),
            "unfollowed": _unfollowed(company) if applied else None,
            "size": size_text(record.size),
        },
        status=status,
    )


def _created(company: Company, summary: dict) -> list[dict]:
    """The customers an import created (as the summary lists them), with their page's id."""
    listed = summary.get(NEW_CUSTOMERS) or []
    ids = dict(
        Customer.objects.filter(
            company=company, code__in=[row["code"] for row in listed]
        ).values_list("code", "pk")
    )
    return [row | {"pk": ids.get(row["code"])} for row in listed]


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

    rows = [
        row("Lignes lues dans le fichier", "lines"),
        row("Clients dans le fichier", "customers"),
        row("dont nouveaux clients", "customers_created", detail=True),
        row("dont exclus du recouvrement", "customers_excluded", detail=True),
        row("dont à vérifier (type inconnu)", "customers_to_check", detail=True),
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
    quiet = ("dont exclus du recouvrement", "dont à vérifier (type inconnu)")
    return [r for r in rows if r["value"] or r["label"] not in quiet]


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
