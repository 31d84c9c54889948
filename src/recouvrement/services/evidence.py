"""« Dossier de preuve » (B8): one PDF with bookmarks and a ZIP of the same pieces, for the
lawyer, the commissaire de justice or the court's registry; stored append-only, journaled.

Every letter and e-mail sent goes in as the stored PDF pages (the print batch, or the PDF
kept when the e-mail left), never re-rendered; each piece carries its SHA-256.
"""

import hashlib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.utils import timezone

from recouvrement.db.models import (
    AttachedDocument,
    Dossier,
    EvidencePack,
    JournalEntry,
    OutgoingEmail,
    PrintedLetter,
)
from recouvrement.db.queries import dossier_page
from recouvrement.documents import LetterRenderingError, letter_pages
from recouvrement.documents.evidence import PackFile, assemble_pdf, assemble_zip, render_part
from recouvrement.documents.statement import render_statement
from recouvrement.domain.court_route import CourtRoute, propose_route
from recouvrement.domain.customers import CustomerKind
from recouvrement.domain.letters import short_date
from recouvrement.services.actors import require_change
from recouvrement.services.company_settings import letterhead
from recouvrement.services.evidence_parts import (
    Claim,
    Party,
    bordereau_part,
    chronology_part,
    requete_part,
    summary_part,
)
from recouvrement.services.journal import record
from recouvrement.services.letters import NOT_RENDERED
from recouvrement.services.penalties import dossier_penalties_on, receivables_due
from recouvrement.services.print_batches import batch_pdf
from recouvrement.services.statements import customer_statement
from recouvrement.services.use_case import use_case

EVIDENCE_PACK_BUILT = "evidence_pack_built"


@dataclass(frozen=True)
class Piece:
    number: int
    title: str
    detail: str
    file: PackFile

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.file.content).hexdigest()

    def as_dict(self) -> dict:
        return {
            "number": self.number,
            "title": self.title,
            "detail": self.detail,
            "filename": self.file.filename,
            "sha256": self.sha256,
            "in_pdf": self.file.pdf,
        }


@dataclass(frozen=True)
class BuiltPack:
    pack: EvidencePack
    route: CourtRoute
    claim: Claim
    pieces: tuple[Piece, ...]


def _parties(dossier: Dossier) -> tuple[Party, Party]:
    head = letterhead(dossier.company)
    creditor = Party(
        name=head.name,
        kind=f"{head.legal_form or 'Société'} — créancier",
        siren=head.siren,
        address=head.address_lines,
    )
    customer = dossier.customer
    kind = CustomerKind(customer.kind)
    debtor = Party(
        name=customer.name,
        kind=f"{kind.label} (code client {customer.code})",
        siren=customer.siren,
        address=(customer.address, f"{customer.postal_code} {customer.city}".strip()),
    )
    return creditor, debtor


def _sent_pieces(dossier: Dossier) -> list[tuple[str, str, PackFile]]:
    """Each letter printed or e-mailed, as its stored pages, oldest first."""
    sent = {
        email.intervention_id: email
        for email in OutgoingEmail.objects.filter(
            intervention__dossier=dossier, status=OutgoingEmail.Status.SENT
        )
    }
    pieces = []
    printed = (
        PrintedLetter.objects.filter(intervention__dossier=dossier)
        .select_related("batch", "intervention")
        .order_by("batch__printed_at", "pk")
    )
    for letter in printed:
        intervention, batch = letter.intervention, letter.batch
        pages = letter_pages(batch_pdf(batch), letter.first_page, letter.last_page)
        email = sent.pop(intervention.pk, None)
        if email is not None:
            title = f"Courriel « {email.subject} » à {email.recipient}"
            when = timezone.localtime(email.sent_at).strftime("%d/%m/%Y à %H:%M:%S")
            detail = (
                f"envoyé le {when}, Message-ID {email.message_id}, PDF joint conservé "
                f"(lot n° {batch.pk}, SHA-256 du lot {batch.sha256})"
            )
        else:
            title = f"Courrier « {letter.template_name} » — {intervention.label}"
            sent_on = (
                f"envoyé le {intervention.done_date:%d/%m/%Y}, " if intervention.done_date else ""
            )
            detail = (
                f"{sent_on}imprimé le {timezone.localtime(batch.printed_at):%d/%m/%Y}, pages "
                f"{letter.first_page}–{letter.last_page} du lot n° {batch.pk} "
                f"(SHA-256 du lot {batch.sha256})"
            )
        name = f"courrier-{intervention.pk}.pdf"
        pieces.append((title, detail, PackFile(title, name, pages)))
    return pieces


def _attached(dossier: Dossier) -> list[tuple[str, str, PackFile]]:
    pieces = []
    documents = AttachedDocument.objects.filter(intervention__dossier=dossier).select_related(
        "intervention"
    )
    for document in documents.order_by("uploaded_at", "pk"):
        with document.file.open("rb") as handle:
            content = handle.read()
        is_pdf = document.content_type == "application/pdf" or content.startswith(b"%PDF")
        title = f"Document « {document.original_name} » — {document.intervention.label}"
        detail = f"SHA-256 enregistré au dépôt {document.sha256}"
        name = f"document-{document.pk}-{document.original_name}"
        pieces.append((title, detail, PackFile(title, name, content, pdf=is_pdf)))
    return pieces


@use_case
def build_evidence_pack(
    dossier: Dossier, *, today: date, user: AbstractBaseUser | None
) -> BuiltPack:
    """Build, store and journal the pack of `dossier` (manager or the dossier's collector)."""
    require_change(user, dossier)
    page = dossier_page(dossier.company, dossier.pk)
    dossier = page.dossier
    b2b = dossier.customer.kind == CustomerKind.B2B
    dues = receivables_due([dossier.pk])
    penalties = dossier_penalties_on(
        [dossier.pk], today, company=dossier.company, receivables=dues
    )[dossier.pk]
    disputed = getattr(dues.get(dossier.pk), "disputed_total", None) or Decimal("0.00")
    figures = page.figures
    claim = Claim(figures.invoices, figures.payments, penalties, b2b, disputed, figures.charges)
    route = propose_route(claim.total, b2b=b2b)
    creditor, debtor = _parties(dossier)
    number = dossier.number
    try:
        statement = render_statement(customer_statement(dossier.customer, today=today))
        journal = [
            (entry.at, str(entry.user or "système"), entry.message)
            for entry in JournalEntry.objects.filter(dossier=dossier)
            .select_related("user")
            .order_by("at", "id")
        ]
        chronology = render_part(chronology_part(number, journal), on=today)
        raw = [
            (
                f"Relevé de compte au {short_date(today)}",
                "échéances ouvertes du client",
                PackFile("Relevé de compte", "releve-de-compte.pdf", statement),
            ),
            (
                "Chronologie du dossier (journal)",
                "",
                PackFile("Chronologie", "chronologie.pdf", chronology),
            ),
            *_sent_pieces(dossier),
            *_attached(dossier),
        ]
        pieces = tuple(
            Piece(
                n,
                title,
                detail,
                PackFile(
                    f"Pièce {n} — {f.bookmark}", f"piece-{n:02d}-{f.filename}", f.content, f.pdf
                ),
            )
            for n, (title, detail, f) in enumerate(raw, start=1)
        )
        listed = [piece.as_dict() for piece in pieces]
        summary = render_part(
            summary_part(
                number=number,
                creditor=creditor,
                debtor=debtor,
                claim=claim,
                route=route,
                today=today,
            ),
            on=today,
        )
        bordereau = render_part(bordereau_part(number, listed), on=today)
        requete = render_part(
            requete_part(
                number=number,
                creditor=creditor,
                debtor=debtor,
                claim=claim,
                route=route,
                pieces=listed,
            ),
            on=today,
        )
    except LetterRenderingError as error:
        raise ValidationError(str(error), code=NOT_RENDERED) from error
    files = [
        PackFile("Synthèse", "00-synthese.pdf", summary),
        PackFile("Bordereau de pièces", "00-bordereau-de-pieces.pdf", bordereau),
        *(piece.file for piece in pieces),
        PackFile("Projet de requête (à vérifier)", "99-projet-de-requete.pdf", requete),
    ]
    pdf = assemble_pdf(files, title=f"Dossier de preuve {number}")
    archive = assemble_zip(files)
    pack = EvidencePack.objects.create(
        company_id=dossier.company_id,
        dossier=dossier,
        pdf=pdf,
        sha256=hashlib.sha256(pdf).hexdigest(),
        zip=archive,
        zip_sha256=hashlib.sha256(archive).hexdigest(),
        pieces=len(pieces),
        route=route.kind.value,
        amount_claimed=claim.total,
        built_at=timezone.now(),
        built_by=user,
    )
    record(
        dossier,
        EVIDENCE_PACK_BUILT,
        f"Dossier de preuve préparé : {len(pieces)} pièces, {route.label} "
        f"(SHA-256 {pack.sha256[:16]}…).",
        user=user,
        after={"evidence_pack": pack.pk, "sha256": pack.sha256, "zip_sha256": pack.zip_sha256},
    )
    return BuiltPack(pack, route, claim, pieces)


def find_dossier(company_id: int, number: str) -> Dossier:
    """The dossier numbered `number` of the company (ValidationError when there is none)."""
    dossier = Dossier.objects.filter(company_id=company_id, number=number.strip()).first()
    if dossier is None:
        raise ValidationError(f"Aucun dossier n° « {number} » dans cette société.")
    return dossier


def evidence_pack(company_id: int, pk: int) -> EvidencePack:
    """A stored pack of the company (EvidencePack.DoesNotExist otherwise)."""
    return EvidencePack.objects.select_related("dossier").get(company_id=company_id, pk=pk)


def evidence_packs(dossier: Dossier) -> list[EvidencePack]:
    """The packs built for the dossier, the newest first (their PDF and ZIP left unread)."""
    return list(
        EvidencePack.objects.filter(dossier=dossier)
        .select_related("built_by")
        .defer("pdf", "zip")
        .order_by("-built_at", "-pk")
    )
