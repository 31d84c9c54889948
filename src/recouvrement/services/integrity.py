"""`recouvrement verify` (O6): is what the database and the storage keep still what was written?

The journal: each company's hash chain recomputed row by row in id order (`domain.
journal_chain`) and compared with its head, so a modified, removed or moved row, or a removed
last row, is named — the first one of each company. The files: the SHA-256 of every stored
PDF (printed batches and e-mailed letters), evidence pack (its PDF and its ZIP), attached
document and accounting file (read through the configured storage: db/storage.py), against
the one recorded when it was kept. Everything is read
in one snapshot, without holding the writers up (PostgreSQL's REPEATABLE READ, SQLite's read
transaction).

A document is never served as it is without the same check (`document_content`).
"""

import contextlib
import hashlib
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.db import connection, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from recouvrement.db.models import (
    AccountingImport,
    AttachedDocument,
    Company,
    EvidencePack,
    JournalEntry,
    JournalHead,
    PrintBatch,
    PrintedLetter,
)
from recouvrement.domain.journal_chain import GENESIS, Serialiser
from recouvrement.domain.statuses import ActionType
from recouvrement.services.journal import CHAINED_COLUMNS

CHUNK = 20_000  # journal rows per query
VERIFY_HINT = "Prévenez l'administrateur (commande « recouvrement verify »)."


@dataclass
class IntegrityReport:
    """What `verify` checked (`checked`: counts by check) and what it found (`problems`,
    French, the first broken row or file named); `heads`: each company's last hash, to keep
    elsewhere — a later report with another hash for the same rows means a rewritten chain."""

    problems: list[str] = field(default_factory=list)
    checked: dict[str, int] = field(default_factory=dict)
    failed: dict[str, int] = field(default_factory=dict)  # problems by check
    heads: dict[int, str] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, check: str, problem: str) -> None:
        self.problems.append(problem)
        self.failed[check] = self.failed.get(check, 0) + 1

    def as_json(self) -> dict:
        return {
            "ok": self.ok,
            "problems": list(self.problems),
            "checked": dict(self.checked),
            "heads": {str(pk): digest for pk, digest in self.heads.items()},
            "seconds": round(self.seconds, 2),
        }


def verify() -> IntegrityReport:
    """Check the journal's chains and the SHA-256 of every kept PDF and file."""
    started = time.perf_counter()
    report = IntegrityReport()
    with _snapshot():
        _check_journal(report)
        _check_print_batches(report)
        _check_evidence_packs(report)
        _check_files(report, "documents", AttachedDocument.objects.select_related("intervention"))
        _check_files(report, "accounting_files", AccountingImport.objects.exclude(file=""))
    report.seconds = time.perf_counter() - started
    return report


@contextlib.contextmanager
def _snapshot() -> Iterator[None]:
    """One consistent view of the database for the whole check, writers not held up."""
    if connection.in_atomic_block:  # inside the caller's transaction: its view
        yield
    elif connection.vendor == "sqlite":  # a deferred read transaction (WAL), not IMMEDIATE
        connection.ensure_connection()  # which reads the configured mode
        mode = connection.transaction_mode
        connection.transaction_mode = "DEFERRED"
        try:
            with transaction.atomic():
                yield
        finally:
            connection.transaction_mode = mode
    else:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield


# --- The journal -----------------------------------------------------------------------------


def _journal_rows() -> Iterator[tuple]:
    """(id, company, dossier, intervention, at, user, action, message, before, after,
    previous hash, hash) of every row in id order; before/after as the JSON text stored."""
    quote = connection.ops.quote_name
    text = "::text" if connection.vendor == "postgresql" else ""
    columns = ", ".join(
        quote(name) + (text if name in ("before", "after") else "")
        for name in ("id", *CHAINED_COLUMNS)
    )
    sql = (
        f"SELECT {columns} FROM {quote(JournalEntry._meta.db_table)} "
        f"WHERE {quote('id')} > %s ORDER BY {quote('id')} LIMIT {CHUNK}"
    )
    last = 0
    with connection.cursor() as cursor:
        while True:
            cursor.execute(sql, [last])
            rows = cursor.fetchall()
            if not rows:
                return
            yield from rows
            last = rows[-1][0]


def _utc(at: datetime | str) -> datetime:
    return (datetime.fromisoformat(at) if isinstance(at, str) else at).replace(tzinfo=UTC)


@dataclass(slots=True)
class _Chain:
    last_hash: str = GENESIS
    rows: int = 0
    last_id: int | None = None
    broken: bool = False


def _check_journal(report: IntegrityReport) -> None:
    names = dict(Company.objects.values_list("pk", "name"))
    heads = {head.company_id: head for head in JournalHead.objects.all()}
    chains: dict[int, _Chain] = {}
    serialiser = Serialiser(raw=True)
    times: dict[object, datetime] = {}  # SQLite's naive UTC times, made aware once
    sha256, count = hashlib.sha256, 0
    for pk, company, *values, previous, digest in _journal_rows():
        count += 1
        chain = chains.get(company)
        if chain is None:
            chain = chains[company] = _Chain()
        chain.rows += 1
        if chain.broken:
            continue
        at = values[2]
        if getattr(at, "tzinfo", None) is None:  # SQLite: UTC, naive or as text
            if (aware := times.get(at)) is None:
                if len(times) > 4096:
                    times.clear()
                aware = times[at] = _utc(at)
            values[2] = at = aware
        where = f"Journal de {names.get(company, company)} : "
        if previous != chain.last_hash:
            report.add(
                "journal",
                f"{where}la ligne précédant la n° {pk} manque ou a été modifiée (chaîne rompue).",
            )
            chain.broken = True
            continue
        text = serialiser.with_tail((company, *values))
        if sha256(f"{previous}\n{text}".encode()).hexdigest() != digest:
            when = f"{timezone.localtime(at):%d/%m/%Y %H:%M}"
            report.add(
                "journal",
                f"{where}la ligne n° {pk} du {when} a été modifiée (empreinte différente).",
            )
            chain.broken = True
            continue
        chain.last_hash, chain.last_id = digest, pk
    report.checked["journal_rows"] = count
    report.checked["companies"] = len(set(chains) | set(heads))
    for company in sorted(set(chains) | set(heads)):
        _check_head(report, names.get(company, company), chains.get(company), heads.get(company))
    report.heads = {pk: head.last_hash for pk, head in sorted(heads.items())}


def _check_head(
    report: IntegrityReport, name: object, chain: _Chain | None, head: JournalHead | None
) -> None:
    """The rows read against the company's chain head: a removed last row shows here."""
    chain = chain or _Chain()
    if chain.broken:
        return
    where = f"Journal de {name} : "
    if head is None:
        report.add("journal", f"{where}la tête de chaîne manque ({chain.rows} ligne(s)).")
    elif chain.rows < head.rows:
        report.add(
            "journal",
            f"{where}{head.rows - chain.rows} dernière(s) ligne(s) manque(nt) : le journal en "
            f"compte {chain.rows}, la tête de chaîne {head.rows} (dernière : n° {head.last_id}).",
        )
    elif chain.rows > head.rows:
        report.add(
            "journal",
            f"{where}{chain.rows - head.rows} ligne(s) ajoutée(s) hors de l'application après "
            f"la n° {head.last_id} (le journal en compte {chain.rows}, la tête {head.rows}).",
        )
    elif chain.last_hash != head.last_hash or chain.last_id != head.last_id:
        report.add(
            "journal",
            f"{where}la dernière ligne (n° {chain.last_id}) ne correspond pas à la tête de "
            "chaîne (empreinte différente).",
        )


# --- The files -------------------------------------------------------------------------------


def _check_print_batches(report: IntegrityReport) -> None:
    emailed = {a.value for a in ActionType if a.queues_email}
    by_email = set(
        PrintedLetter.objects.filter(intervention__action_type__in=emailed).values_list(
            "batch_id", flat=True
        )
    )
    batches = PrintBatch.objects.order_by("pk").values_list("pk", "sha256", "pdf", "printed_at")
    count = altered = 0
    for pk, sha256, pdf, printed_at in batches.iterator(chunk_size=20):
        count += 1
        if hashlib.sha256(pdf).hexdigest() == sha256:
            continue
        altered += 1
        if altered == 1:
            what = "Le PDF de l'e-mail" if pk in by_email else "Le PDF de l'impression"
            report.add(
                "print_batches",
                f"{what} n° {pk} du {timezone.localtime(printed_at):%d/%m/%Y %H:%M} a été "
                "modifié (empreinte différente).",
            )
    if altered > 1:
        report.add("print_batches", f"… et {altered - 1} autre(s) PDF modifié(s).")
    report.checked["print_batches"] = count
    report.checked["email_pdfs"] = len(by_email)


def _check_evidence_packs(report: IntegrityReport) -> None:
    """Each « dossier de preuve »: its PDF and its ZIP against their SHA-256 (B8)."""
    packs = EvidencePack.objects.order_by("pk").values_list(
        "pk", "dossier__number", "built_at", "pdf", "sha256", "zip", "zip_sha256"
    )
    count = altered = 0
    for pk, number, built_at, pdf, sha256, archive, zip_sha256 in packs.iterator(chunk_size=20):
        count += 1
        wrong = [
            what
            for what, content, digest in (("PDF", pdf, sha256), ("ZIP", archive, zip_sha256))
            if hashlib.sha256(content).hexdigest() != digest
        ]
        if not wrong:
            continue
        altered += 1
        if altered == 1:
            report.add(
                "evidence_packs",
                f"Le {' et le '.join(wrong)} du dossier de preuve n° {pk} (dossier {number}) "
                f"du {timezone.localtime(built_at):%d/%m/%Y %H:%M} "
                f"{'ont' if len(wrong) > 1 else 'a'} été modifié{'s' if len(wrong) > 1 else ''} "
                "(empreinte différente).",
            )
    if altered > 1:
        report.add(
            "evidence_packs", f"… et {altered - 1} autre(s) dossier(s) de preuve modifié(s)."
        )
    report.checked["evidence_packs"] = count


def unreadable(error: Exception) -> bool:
    """A stored file that cannot be read: missing, a path refused, or a bucket that does not
    answer or refuses (botocore's errors, told by their module: no import of boto here)."""
    return isinstance(error, OSError | SuspiciousFileOperation) or type(
        error
    ).__module__.startswith("botocore")


def file_digest(file: FieldFile) -> str | None:
    """The SHA-256 of a stored file, or None when it is not in the storage (or unreadable)."""
    digest = hashlib.sha256()
    try:
        with file.storage.open(file.name, "rb") as stream:
            while chunk := stream.read(1 << 20):
                digest.update(chunk)
    except Exception as error:
        if not unreadable(error):
            raise
        return None
    return digest.hexdigest()


def _file_problem(record: AttachedDocument | AccountingImport, digest: str | None) -> str:
    if isinstance(record, AttachedDocument):
        what = (
            f"Le fichier du document « {record.original_name} » (intervention n° "
            f"{record.intervention_id}, dossier n° {record.intervention.dossier_id})"
        )
    else:
        what = f"Le fichier de l'import comptable « {record.original_name} » (n° {record.pk})"
    if digest is None:
        return f"{what} est introuvable dans le stockage des documents ({record.file.name})."
    return f"{what} a été modifié dans le stockage des documents (empreinte différente)."


def _check_files(report: IntegrityReport, check: str, records) -> None:
    count = bad = 0
    for record in records.order_by("pk").iterator(chunk_size=500):
        count += 1
        digest = file_digest(record.file)
        if digest == record.sha256:
            continue
        bad += 1
        if bad == 1:
            report.add(check, _file_problem(record, digest))
    if bad > 1:
        report.add(check, f"… et {bad - 1} autre(s) fichier(s) manquant(s) ou modifié(s).")
    report.checked[check] = count


# --- Serving a document ----------------------------------------------------------------------


def document_content(document: AttachedDocument) -> bytes:
    """The document's bytes, only if they are still those deposited (S10, O6); else a
    ValidationError: code `document_missing` or `document_altered`."""
    name = document.original_name
    try:
        with document.file.storage.open(document.file.name, "rb") as stream:
            content = stream.read()
    except Exception as error:
        if not unreadable(error):
            raise
        raise ValidationError(
            f"Le fichier du document « {name} » est introuvable dans le stockage des documents : "
            f"il ne peut pas être affiché. {VERIFY_HINT}",
            code="document_missing",
        ) from None
    if hashlib.sha256(content).hexdigest() != document.sha256:
        raise ValidationError(
            f"Le document « {name} » a été modifié dans le stockage des documents depuis son "
            f"dépôt : il n'est pas servi. {VERIFY_HINT}",
            code="document_altered",
        )
    return content
