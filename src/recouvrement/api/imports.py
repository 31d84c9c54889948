"""The API's « Importer » (issue 14 §3, B4): a FEC or CSV file uploaded and stored with its
preview (the dry run the page shows), read again, then applied once — the services of
« Traitement › Importer » (`services.import_files`), manager only as the page."""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, File, Form, Query, Router, Schema, UploadedFile
from ninja.responses import Status
from pydantic import ConfigDict

from recouvrement.api.auth import actor
from recouvrement.api.errors import ErrorOut, error_body
from recouvrement.api.fields import Id, Money
from recouvrement.api.pagination import Page, PageParams, page_of
from recouvrement.db.models import AccountingImport
from recouvrement.services.import_files import (
    APPLIED,
    PREVIEW,
    import_state,
    import_stored_file,
    preview_stored_file,
    store_accounting_file,
)
from recouvrement.services.import_writer import CustomerChoice, CustomerChoices
from recouvrement.services.imports import CLOSED_NUMBERS, MAY_IMPORT, NEW_CUSTOMERS, ImportReport
from recouvrement.web.imports.forms import ImportUploadForm
from recouvrement.web.workspace import Workspace

router = Router(tags=["Imports"])

ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut}
LISTED_ERRORS = 200  # rejected lines listed; `rejected_lines` counts them all
TAKEN = "Ce fichier est déjà importé, ou en cours d'import par un autre appel : rien n'a été fait."


def _manager(request) -> Workspace:
    workspace = actor(request).workspace
    workspace.require_manager(MAY_IMPORT)
    return workspace


class LineErrorOut(Schema):
    line_number: int
    field: str
    value: str
    message: str


class NewCustomerOut(Schema):
    code: str
    name: str
    kind: str = Field(description="b2b, b2c, ou vide : « à vérifier ».")
    to_check: bool
    kind_reason: str
    payment_terms_days: int
    excluded: bool
    exclusion_reason: str


class ImportReportOut(Schema):
    """What the import would do (preview) or did (applied), as the page's figures."""

    format: str
    dry_run: bool
    applied: bool
    lines: int = 0
    as_of: date | None = None
    customers: int = 0
    customers_created: int = 0
    customers_excluded: int = 0
    customers_to_check: int = 0
    receivables_created: int = 0
    receivables_updated: int = 0
    receivables_closed: int = 0
    open_receivables: int = 0
    open_amount: Money = Field(default=Decimal("0.00"), description="Reste dû après l'import.")
    payments: int = 0
    dossiers_closed: int = 0
    dossiers_closed_numbers: list[str] = []
    promises_kept: int = 0
    promises_broken: int = 0
    rejected_lines: int = 0
    new_customers: list[NewCustomerOut] = Field(
        [], description="Les nouveaux clients (les 200 premiers)."
    )
    errors: list[LineErrorOut] = Field([], description="Les lignes rejetées (200 au plus).")


class ImportRowOut(Schema):
    id: int
    state: Literal["preview", "running", "applied"] = Field(
        description="preview : à importer ; running : en cours ; applied : importé."
    )
    file_name: str
    size: int
    sha256: str
    format: str
    as_of: date | None
    created_at: datetime
    applied_at: datetime | None


class ImportOut(ImportRowOut):
    report: ImportReportOut | None = Field(
        description="L'aperçu (calculé à chaque lecture) ou, importé, ce que l'import a fait."
    )
    error: str = Field(description="Pourquoi l'aperçu n'a pas pu être calculé ; vide sinon.")
    may_apply: bool


def _row(record: AccountingImport) -> dict:
    return {
        "id": record.pk,
        "state": import_state(record),
        "file_name": record.original_name,
        "size": record.size,
        "sha256": record.sha256,
        "format": record.file_format,
        "as_of": record.as_of,
        "created_at": record.created_at,
        "applied_at": record.applied_at,
    }


def _report(report: ImportReport) -> dict:
    errors = [
        {"line_number": e.line_number, "field": e.field, "value": e.value, "message": e.message}
        for e in report.errors[:LISTED_ERRORS]
    ]
    return {**report.as_json(), "errors": errors}


def _stored(summary: dict) -> dict:
    """The summary kept when applied (`ImportReport.as_json()` of its day)."""
    return {
        **summary,
        CLOSED_NUMBERS: summary.get(CLOSED_NUMBERS) or [],
        NEW_CUSTOMERS: summary.get(NEW_CUSTOMERS) or [],
    }


def _import(request, record: AccountingImport) -> dict:
    """The page « Aperçu » of the import: the dry run, fresh, or what the import did."""
    state, report, error = import_state(record), None, ""
    if state == APPLIED:
        report = _stored(record.summary or {}) if record.summary else None
    elif state == PREVIEW:
        try:
            dry_run = preview_stored_file(
                record.company, actor(request).user, record, today=timezone.localdate()
            )
        except ValidationError as refused:
            error = " ".join(refused.messages)
        else:
            report = _report(dry_run)
    may_apply = state == PREVIEW and report is not None and not report["rejected_lines"]
    return {**_row(record), "report": report, "error": error, "may_apply": may_apply}


def _record(workspace: Workspace, pk: int) -> AccountingImport:
    return get_object_or_404(
        AccountingImport.objects.select_related("company"), pk=pk, company=workspace.company
    )


@router.get("/", response={200: Page[ImportRowOut], **ERRORS}, summary="Imports")
def list_imports(request, page: Query[PageParams]) -> dict:
    """The company's accounting files, the latest first."""
    workspace = _manager(request)
    rows = AccountingImport.objects.filter(company=workspace.company)
    items, cursor = page_of(rows, cursor=page.cursor, limit=page.limit, order=("-pk",))
    return {"items": [_row(record) for record in items], "next_cursor": cursor}


class UploadIn(Schema):
    format: Literal["", "fec", "csv"] = Field(
        "", description="fec, csv, ou vide : reconnu d'après la première ligne."
    )
    as_of: date | None = Field(
        None, description="Arrêté au ; par défaut la dernière date du FEC ou le jour (CSV)."
    )
    csv_mapping_id: Id | None = Field(None, description="Un format CSV enregistré.")


@router.post("/", response={201: ImportOut, **ERRORS}, summary="Déposer un fichier")
def upload(request, file: File[UploadedFile], options: Form[UploadIn]) -> Status:
    """The file stored « Aperçu » and its preview; nothing is imported before `apply`."""
    workspace = _manager(request)
    form = ImportUploadForm(
        {
            "file_format": options.format,
            "as_of": options.as_of or "",
            "csv_mapping": options.csv_mapping_id or "",
        },
        {"file": file},
        company=workspace.company,
    )
    if not form.is_valid():
        fields = {"file_format": "format", "csv_mapping": "csv_mapping_id"}
        raise ValidationError(
            {fields.get(name, name): errors for name, errors in form.errors.items()},
            code="invalid",
        )
    data = form.cleaned_data
    record = store_accounting_file(
        workspace.company,
        actor(request).user,
        data["file"],
        name=data["file"].name,
        file_format=data["file_format"],
        as_of=data["as_of"],
        csv_mapping=data["csv_mapping"],
    )
    return Status(201, _import(request, record))


@router.get("/{import_id}/", response={200: ImportOut, **ERRORS}, summary="Aperçu d'un import")
def get_import(request, import_id: Id) -> dict:
    """Not yet imported: what « Importer » would do now (the dry run, run at each read);
    imported: what it did."""
    return _import(request, _record(_manager(request), import_id))


class CustomerChoiceIn(Schema):
    """A new customer of the file, as the manager wants it created."""

    model_config = ConfigDict(extra="forbid")

    code: str
    kind: str = Field("", description="b2b, b2c, ou vide : la proposition de l'import.")
    payment_terms_days: int | None = Field(None, description="Par défaut : celui de la société.")
    excluded: bool | None = Field(None, description="Exclu du recouvrement ; par défaut : proposé.")


class ApplyIn(Schema):
    model_config = ConfigDict(extra="forbid")

    unchecked_kind: str = Field(
        "b2c", description="Type des nouveaux clients laissés « à vérifier » : b2b ou b2c."
    )
    customers: list[CustomerChoiceIn] = Field([], max_length=10_000)


@router.post(
    "/{import_id}/apply/",
    response={200: ImportOut, 409: ErrorOut, **ERRORS},
    summary="Importer",
)
def apply(request, import_id: Id, payload: ApplyIn | None = None) -> dict | Status:
    """« Importer »: the stored file applied once, its new customers created as `customers`
    says (else as proposed). A file with rejected lines imports nothing (400, the lines in
    `errors`); already imported or being imported: 409."""
    workspace = _manager(request)
    record = _record(workspace, import_id)
    payload = payload or ApplyIn()
    choices = CustomerChoices(
        {
            row.code: CustomerChoice(
                kind=row.kind, payment_terms_days=row.payment_terms_days, excluded=row.excluded
            )
            for row in payload.customers
        },
        payload.unchecked_kind,
    )
    report = import_stored_file(
        workspace.company,
        actor(request).user,
        record,
        today=timezone.localdate(),
        choices=choices,
    )
    if report is None:
        return Status(409, error_body(TAKEN, "import_taken"))
    if report.rejected_lines:
        errors = [
            {"field": f"ligne {e.line_number}", "message": e.message}
            for e in report.errors[:LISTED_ERRORS]
        ]
        detail = f"{report.rejected_lines} ligne(s) rejetée(s) : rien n'a été importé."
        return Status(400, error_body(detail, "import_rejected_lines", errors))
    record.refresh_from_db()
    return _import(request, record)
