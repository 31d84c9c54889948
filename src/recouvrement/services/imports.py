"""B4: an accounting file in — customers, échéances and règlements follow it, and so do the
dossiers (closed « Payé » when nothing is left) and the promises (kept or broken by the money).

The file is a snapshot on its date (« arrêté au »): what it lists as open is open, what it
lists as settled is closed by the payments it shows, and an imported échéance it no longer
lists at all has been paid in the meantime (a payment « Règlement constaté » records it). One
transaction: a file with one rejected line imports nothing, and a preview is the same run
rolled back. Importing the same file twice changes nothing the second time.

The file's new customers are created with what the manager chose on the preview, else what
the import proposes (`imports.customers`): B2B when the name shows a company, « à vérifier »
otherwise (created with `CustomerChoices.unchecked_kind`, B2C by default: nothing claimed that
only a professional owes), « Exclu du recouvrement » when the account is not a debtor. A FEC
with no entry on the chosen date, or no customer line, is refused rather than imported empty.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import BinaryIO

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Count, Max, Q, Sum
from django.utils import timezone

from recouvrement.db.models import (
    AccountingImport,
    Company,
    Dossier,
    Receivable,
    Resolution,
)
from recouvrement.db.models.imports import ImportFormat, ImportStatus
from recouvrement.domain.rules import RuleViolation
from recouvrement.domain.statuses import DossierStatus
from recouvrement.imports import (
    CsvMapping,
    ImportPlan,
    LineError,
    plan_fec,
    plan_open_items,
    read_fec,
    read_open_items_csv,
)
from recouvrement.imports.fields import header_key
from recouvrement.imports.plan import CUSTOMER_PREFIXES
from recouvrement.imports.reconcile import plural
from recouvrement.services.actors import require_manager
from recouvrement.services.dossiers import close_dossier
from recouvrement.services.import_writer import (
    CustomerChoices,
    ImportWriter,
    NewCustomer,
    check_choices,
)
from recouvrement.services.journal import company_entry
from recouvrement.services.promises import pending_promises, settle_promises
from recouvrement.services.use_case import rule_errors, use_case

ZERO = Decimal("0")
CENT = Decimal("0.01")
PAID_RESOLUTION = "Payé"
CLOSED_NUMBERS = "dossiers_closed_numbers"  # in the summary: the closed dossiers
NEW_CUSTOMERS = "new_customers"  # in the summary: the first LISTED_CUSTOMERS created
LISTED_CUSTOMERS = 200
MAY_IMPORT = "peut importer un fichier comptable"  # the end of the refusal's sentence
# Progress: (READING, lines read) every 10 000 lines, then WRITING once, before the transaction.
READING, WRITING = "reading", "writing"
ImportProgress = Callable[[str, int], None]


@dataclass(frozen=True)
class ImportOptions:
    file_format: str | None = None  # "fec", "csv", or None to tell from the first line
    as_of: date | None = None  # FEC: lines after it left out; default the file's last date
    mapping: CsvMapping | None = None  # CSV columns (default: imports.CsvMapping())
    file_name: str = ""
    accounts: tuple[str, ...] = CUSTOMER_PREFIXES  # FEC: the customer accounts' prefixes
    choices: CustomerChoices = CustomerChoices()  # the new customers' kinds, terms, exclusion
    progress: ImportProgress | None = None  # told how far the import is (the page's bar)


@dataclass
class ImportReport:
    file_format: str
    dry_run: bool
    lines: int = 0
    as_of: date | None = None
    customers: int = 0  # in the file
    new_customers: list[NewCustomer] = field(default_factory=list)  # created, in file order
    receivables_created: int = 0
    receivables_updated: int = 0
    receivables_closed: int = 0
    payments: int = 0  # règlements recorded
    dossiers_closed: list[str] = field(default_factory=list)
    promises_kept: int = 0
    promises_broken: int = 0
    open_receivables: int = 0  # the company's open échéances after the import
    open_amount: Decimal = ZERO
    errors: list[LineError] = field(default_factory=list)
    rejected_lines: int = 0
    already_imported: str = ""  # the date of an earlier import of the very same file

    @property
    def applied(self) -> bool:
        return not self.dry_run and not self.rejected_lines

    @property
    def customers_created(self) -> int:
        return len(self.new_customers)

    @property
    def customers_excluded(self) -> int:
        return sum(1 for new in self.new_customers if new.excluded)

    @property
    def customers_to_check(self) -> int:
        return sum(1 for new in self.new_customers if new.to_check)

    @property
    def changes(self) -> int:
        return (
            self.customers_created
            + self.receivables_created
            + self.receivables_updated
            + self.receivables_closed
            + self.payments
        )

    def as_json(self) -> dict:
        return {
            "format": self.file_format,
            "dry_run": self.dry_run,
            "applied": self.applied,
            "lines": self.lines,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "customers": self.customers,
            "customers_created": self.customers_created,
            "customers_excluded": self.customers_excluded,
            "customers_to_check": self.customers_to_check,
            "receivables_created": self.receivables_created,
            "receivables_updated": self.receivables_updated,
            "receivables_closed": self.receivables_closed,
            "open_receivables": self.open_receivables,
            "open_amount": str(self.open_amount),
            "payments": self.payments,
            "dossiers_closed": len(self.dossiers_closed),
            CLOSED_NUMBERS: self.dossiers_closed,
            "promises_kept": self.promises_kept,
            "promises_broken": self.promises_broken,
            "rejected_lines": self.rejected_lines,
            NEW_CUSTOMERS: [new.as_json() for new in self.new_customers[:LISTED_CUSTOMERS]],
        }


def detect_format(stream: BinaryIO) -> str:
    """FEC when the first line names `JournalCode`, else a CSV of open items."""
    start = stream.tell()
    head = stream.readline(64 * 1024)
    stream.seek(start)
    text = head.decode("latin-1")
    return ImportFormat.FEC if "journalcode" in header_key(text) else ImportFormat.CSV


def read_plan(
    stream: BinaryIO, options: ImportOptions, known: set[tuple[str, str]] | None = None
) -> tuple[str, ImportPlan]:
    """Read and check the whole file: its format and its plan. `known`: the (customer code,
    reference) of the open échéances, whose settlement the plan must keep."""
    file_format = options.file_format or detect_format(stream)
    told = options.progress
    lines_read = None if told is None else (lambda lines: told(READING, lines))
    if file_format == ImportFormat.FEC:
        rows = read_fec(stream, accounts=options.accounts, progress=lines_read)
        keep = None if known is None else (lambda code, ref: (code, ref) in known)
        plan = plan_fec(rows, as_of=options.as_of, prefixes=options.accounts, keep_settled=keep)
        return file_format, plan
    if file_format == ImportFormat.CSV:
        rows = read_open_items_csv(stream, options.mapping, progress=lines_read)
        return file_format, plan_open_items(rows)
    raise RuleViolation(f"Format inconnu « {file_format} » (fec ou csv).", "import_format")


def import_accounting_file(
    company: Company,
    stream: BinaryIO,
    *,
    today: date,
    user: AbstractBaseUser | None,
    options: ImportOptions = ImportOptions(),
    dry_run: bool = False,
    upload: AccountingImport | None = None,
) -> ImportReport:
    """Preview (`dry_run`) or apply a FEC or CSV file; see the module's docstring.

    The file is read and checked before the transaction starts (a 10⁶-line FEC takes seconds
    to read: writers are not held that long). `upload` is the stored file of the « Importer »
    page, marked applied with the result; the command line records a row without the file.
    """
    with rule_errors():
        require_manager(user, company.pk, MAY_IMPORT)
        digest, size = file_digest(stream)
        known = set(
            Receivable.objects.filter(company=company, open_amount__gt=0).values_list(
                "customer__code", "reference"
            )
        )
        file_format, plan = read_plan(stream, options, known)
        if file_format == ImportFormat.FEC and not plan.error_count:
            check_entries(plan, options)
        check_choices(options.choices)
    report = ImportReport(file_format=str(file_format), dry_run=dry_run, lines=plan.lines)
    report.customers = len(plan.customers)
    report.rejected_lines, report.errors = plan.error_count, plan.errors
    if plan.error_count:
        return report
    if file_format == ImportFormat.CSV:
        report.as_of = options.as_of or today
    else:
        report.as_of = options.as_of or plan.last_date or today
    record = upload or AccountingImport(
        company=company,
        user=user,
        original_name=options.file_name[:255],
        size=size,
        sha256=digest,
        file_format=file_format,
    )
    if options.progress is not None:
        options.progress(WRITING, plan.lines)  # outside the transaction: seen at once
    _apply(company, plan, report, today=today, user=user, record=record, options=options)
    return report


def check_entries(plan: ImportPlan, options: ImportOptions) -> None:
    """A FEC imported empty would close every échéance it no longer lists: a file without
    entries, without entry on the chosen date, or without customer line is refused."""
    first, last = plan.first_date, plan.latest_date
    if first is None or last is None:
        raise RuleViolation(
            "Le fichier ne contient aucune écriture : rien n'a été importé.", "import_empty_file"
        )
    as_of = options.as_of
    if as_of is not None and first > as_of:
        raise RuleViolation(
            f"Aucune écriture au {as_of:%d/%m/%Y} : les écritures du fichier vont du "
            f"{first:%d/%m/%Y} au {last:%d/%m/%Y}. Choisissez une date d'arrêté à partir du "
            f"{first:%d/%m/%Y}, ou laissez-la vide pour arrêter le fichier à sa dernière "
            "écriture.",
            "import_nothing_as_of",
        )
    if not plan.customers:
        on = f"au {as_of:%d/%m/%Y} " if as_of is not None else ""
        raise RuleViolation(
            f"Aucune écriture des comptes clients ({', '.join(options.accounts)}) {on}dans ce "
            f"fichier (écritures du {first:%d/%m/%Y} au {last:%d/%m/%Y}) : rien n'a été "
            "importé. Vérifiez le fichier ou les comptes clients.",
            "import_no_customer_lines",
        )


def file_digest(stream: BinaryIO) -> tuple[str, int]:
    """The SHA-256 (hex) and size of what is left to read; the stream is put back."""
    start = stream.tell()
    digest, size = hashlib.sha256(), 0
    while chunk := stream.read(1 << 20):
        digest.update(chunk)
        size += len(chunk)
    stream.seek(start)
    return digest.hexdigest(), size


@use_case
def _apply(
    company: Company,
    plan: ImportPlan,
    report: ImportReport,
    *,
    today: date,
    user: AbstractBaseUser | None,
    record: AccountingImport,
    options: ImportOptions,
) -> None:
    as_of = report.as_of
    if not report.dry_run:
        # One import at a time per company: the second waits, then sees the first one's rows.
        list(Company.objects.select_for_update().filter(pk=company.pk).values_list("pk"))
        # Locks before the first journal row (which takes the journal's head until commit):
        # the promises this import will judge, so a user's promise edit never waits on the
        # head while holding one of them (services.journal: dossiers first, journal last).
        list(pending_promises(company).select_for_update(of=("self",)).values_list("pk"))
    applied = AccountingImport.objects.filter(company=company, status=ImportStatus.APPLIED)
    if record.pk is not None and applied.filter(pk=record.pk).exists():
        # A claim taken over while the first run still ran: this one waited on the lock.
        raise RuleViolation("Ce fichier a déjà été importé : rien n'a été fait.", "import_done")
    latest = applied.aggregate(latest=Max("as_of"))["latest"]
    if latest is not None and as_of < latest:
        raise RuleViolation(
            f"Ce fichier est arrêté au {as_of:%d/%m/%Y}, avant le dernier import (arrêté au "
            f"{latest:%d/%m/%Y}) : il rouvrirait des échéances payées depuis. Importez un "
            "fichier au moins aussi récent.",
            "import_older_file",
        )
    same = applied.filter(sha256=record.sha256).order_by("applied_at").first()
    if same is not None and same.applied_at:
        report.already_imported = f"{timezone.localtime(same.applied_at):%d/%m/%Y %H:%M}"

    writer = ImportWriter(company, as_of, report)
    customers = writer.customers(plan, options.choices)
    keys = writer.receivables(plan.receivables, customers)
    writer.payments(plan, customers, keys)
    writer.fill_gaps()
    dossiers = writer.follow_dossiers(user)

    promises = settle_promises(today, company=company, user=user)
    report.promises_kept, report.promises_broken = promises.kept, promises.broken
    close_paid_dossiers(company, dossiers, today, user, report)
    totals = Receivable.objects.filter(company=company, open_amount__gt=0).aggregate(
        count=Count("id"), amount=Sum("open_amount")
    )
    report.open_receivables = totals["count"]
    report.open_amount = (totals["amount"] or ZERO).quantize(CENT)
    if report.dry_run:
        transaction.set_rollback(True)
        return
    record.status = ImportStatus.APPLIED
    record.applied_at = timezone.now()
    record.as_of = as_of
    record.summary = report.as_json()
    # The stored file's row: its job's progress fields are the worker's, not saved here.
    record.save(update_fields=["status", "applied_at", "as_of", "summary"] if record.pk else None)
    if report.changes or report.dossiers_closed or report.promises_kept or report.promises_broken:
        _journal(company, user, record, report)


def _journal(company: Company, user, record: AccountingImport, report: ImportReport) -> None:
    """The import itself in the company's journal (no dossier: each moved dossier has its own
    line); a file that changes nothing leaves no line."""
    counts = [
        (report.receivables_created, "échéance créée"),
        (report.receivables_updated, "échéance modifiée"),
        (report.receivables_closed, "échéance soldée"),
        (report.payments, "règlement enregistré"),
        (len(report.dossiers_closed), "dossier clos"),
        (report.promises_kept, "promesse tenue"),
        (report.promises_broken, "promesse non tenue"),
    ]
    parts = [plural(count, words) for count, words in counts if count]
    if report.customers_created:
        created = plural(report.customers_created, "client créé")
        if excluded := report.customers_excluded:
            created += f" (dont {excluded} exclu{'s' if excluded > 1 else ''} du recouvrement)"
        parts.insert(0, created)
    what = ", ".join(parts)
    name = record.original_name[:60] or record.file_format.upper()
    after = {k: v for k, v in report.as_json().items() if k not in (CLOSED_NUMBERS, NEW_CUSTOMERS)}
    company_entry(
        company,
        "accounting_file_imported",
        f"Import comptable « {name} » arrêté au {report.as_of:%d/%m/%Y} : {what}.",
        user=user,
        after=after | {"import_id": record.pk},
        at=record.applied_at,
    )


def close_paid_dossiers(
    company: Company,
    dossier_ids: list[int],
    today: date,
    user: AbstractBaseUser | None,
    report: ImportReport,
) -> None:
    """Close with résolution « Payé » each open dossier whose échéances are all paid."""
    if not dossier_ids:
        return
    unpaid = Q(links__is_active=True, links__receivable__open_amount__gt=0)
    paid = (
        Dossier.objects.filter(pk__in=dossier_ids)
        .exclude(status=DossierStatus.CLOSED)
        .annotate(unpaid=Count("links", filter=unpaid))
        .filter(unpaid=0)
        .order_by("number")
    )
    resolution = None
    for dossier in paid:
        if resolution is None:
            resolution, _ = Resolution.objects.get_or_create(company=company, label=PAID_RESOLUTION)
        close_dossier(
            dossier,
            today=today,
            user=user,
            resolution=resolution,
            result=f"Soldé par l'import comptable arrêté au {report.as_of:%d/%m/%Y}.",
        )
        report.dossiers_closed.append(dossier.number)
