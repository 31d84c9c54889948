"""« Dossier de preuve » (B8): the stored pages of what was sent, their hashes, the amounts of
the dossier page, the route proposed; stored append-only and journaled."""

import hashlib
import io
import shutil
import zipfile
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, transaction
from django.utils import timezone
from pypdf import PdfReader

from recouvrement import services
from recouvrement.db.models import EvidencePack, JournalEntry, OutgoingEmail, PrintedLetter
from recouvrement.db.queries import dossier_page
from recouvrement.documents.evidence import pdf_text
from recouvrement.documents.pages import letter_pages
from recouvrement.domain.customers import CustomerKind
from recouvrement.domain.money import format_amount
from recouvrement.domain.statuses import ActionType, InterventionStatus
from recouvrement.services.emails import send_due_emails
from recouvrement.services.evidence import build_evidence_pack
from tests.builders import a_contact, a_customer, a_dossier, a_receivable, a_scenario
from tests.integration.test_emails import mail_server  # noqa: F401 (the fixture)

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")

OPENED = date(2026, 10, 1)
TODAY = date(2026, 10, 20)
LETTER_THEN_EMAIL = [
    (0, ActionType.LETTER, "Courrier de relance"),
    (0, ActionType.EMAIL, "Relance"),
]


def a_sent_dossier(team, amount="1234.56", kind=CustomerKind.B2B):
    """A letter printed, then an e-mail sent, through the real services."""
    customer = a_customer(
        team.company,
        kind=kind,
        name="Boulangerie Martin",
        address="3 rue Mercière",
        email="compta@boulangerie-martin.fr",
    )
    a_contact(customer, civility="Madame", last_name="Durand")
    dossier = a_dossier(
        customer,
        today=OPENED,
        scenario=a_scenario(team.company, steps=LETTER_THEN_EMAIL),
        collector=team.collector,
        receivables=[a_receivable(customer, amount, date(2026, 9, 1))],
    )
    letter = dossier.interventions.get()
    services.print_letters([letter], today=TODAY, user=team.collector_user)
    services.prepare_next_intervention(dossier, today=TODAY, user=team.manager)
    send_due_emails(now=timezone.now() + timedelta(seconds=1))
    return dossier


def squash(text: str) -> str:
    return " ".join(text.split())


def test_the_pack_holds_the_stored_pages_of_the_letter_and_the_email(team, mail_server):  # noqa: F811
    dossier = a_sent_dossier(team)
    email = OutgoingEmail.objects.get(intervention__dossier=dossier)
    assert email.status == OutgoingEmail.Status.SENT

    built = build_evidence_pack(dossier, today=TODAY, user=team.collector_user)

    pages = pdf_text(bytes(built.pack.pdf))
    everything = squash(" ".join(pages))
    printed = PrintedLetter.objects.filter(intervention__dossier=dossier).select_related("batch")
    assert printed.count() == 2
    [bordereau] = [squash(page) for page in pages if "Bordereau de pièces" in page][:1]
    for letter in printed:
        stored = letter_pages(bytes(letter.batch.pdf), letter.first_page, letter.last_page)
        stored_text = pdf_text(stored)
        # byte-identical in text: the stored pages follow one another in the pack
        start = pages.index(stored_text[0])
        assert pages[start : start + len(stored_text)] == stored_text
        piece = next(p for p in built.pieces if p.file.content == stored)
        assert hashlib.sha256(stored).hexdigest() == piece.sha256
        assert letter.batch.sha256 == hashlib.sha256(bytes(letter.batch.pdf)).hexdigest()
        assert letter.batch.sha256 in everything
    assert email.message_id in everything
    for piece in built.pieces:
        assert piece.sha256[:32] in bordereau and piece.sha256[32:] in bordereau
    assert "PROJET À VÉRIFIER" in everything


def test_the_amounts_match_the_dossier_page(team, mail_server):  # noqa: F811
    dossier = a_sent_dossier(team)

    built = build_evidence_pack(dossier, today=TODAY, user=None)

    figures = dossier_page(team.company, dossier.pk).figures
    assert built.claim.invoices == figures.invoices
    assert built.claim.payments == figures.payments
    assert built.claim.principal == figures.open_amount == Decimal("1234.56")
    assert built.claim.penalties.indemnity == Decimal("40.00")
    summary = squash(pdf_text(bytes(built.pack.pdf))[0])
    for amount in (figures.open_amount, built.claim.penalties.penalties, built.claim.total):
        assert squash(format_amount(amount)) in summary
    # The page's « Solde » (fees and penalties as the last letter stated them) is reconciled.
    assert f"solde affiché {squash(format_amount(figures.balance))}" in summary
    assert f"frais et pénalités {squash(format_amount(figures.charges))}" in summary
    assert "semestre 2026" in summary


@pytest.mark.parametrize(
    ("amount", "kind", "route"),
    [
        ("3000", CustomerKind.B2B, "small_claims"),
        ("12000", CustomerKind.B2B, "injunction_commerce"),
        ("800", CustomerKind.B2C, "small_claims"),
    ],
)
def test_the_route_for_three_cases(team, mail_server, amount, kind, route):  # noqa: F811
    dossier = a_sent_dossier(team, amount=amount, kind=kind)

    built = build_evidence_pack(dossier, today=TODAY, user=None)

    assert built.pack.route == route
    text = squash(" ".join(pdf_text(bytes(built.pack.pdf))))
    assert built.route.label in text


def test_the_zip_holds_each_piece_and_the_bordereau(team, mail_server):  # noqa: F811
    dossier = a_sent_dossier(team)

    built = build_evidence_pack(dossier, today=TODAY, user=None)

    archive = zipfile.ZipFile(io.BytesIO(bytes(built.pack.zip)))
    names = archive.namelist()
    assert "00-bordereau-de-pieces.pdf" in names
    for piece in built.pieces:
        assert hashlib.sha256(archive.read(piece.file.filename)).hexdigest() == piece.sha256
    reader = PdfReader(io.BytesIO(bytes(built.pack.pdf)))
    titles = [item.title for item in reader.outline]
    assert titles[:2] == ["Synthèse", "Bordereau de pièces"]
    assert titles[-1] == "Projet de requête (à vérifier)"
    assert len(titles) == len(built.pieces) + 3


def test_the_pack_is_stored_append_only_and_journaled(team, mail_server):  # noqa: F811
    dossier = a_sent_dossier(team)

    built = build_evidence_pack(dossier, today=TODAY, user=team.manager)

    pack = EvidencePack.objects.get()
    assert pack.sha256 == hashlib.sha256(bytes(pack.pdf)).hexdigest()
    entry = JournalEntry.objects.get(action="evidence_pack_built")
    assert entry.after["sha256"] == built.pack.sha256
    with pytest.raises(DatabaseError), transaction.atomic():
        EvidencePack.objects.filter(pk=pack.pk).update(pieces=0)
    with pytest.raises(DatabaseError), transaction.atomic():
        EvidencePack.objects.filter(pk=pack.pk).delete()


def test_only_the_manager_or_the_dossiers_collector_builds_it(team, mail_server):  # noqa: F811
    dossier = a_sent_dossier(team)
    for user in (team.other_collector_user, team.reader):
        with pytest.raises(PermissionDenied):
            build_evidence_pack(dossier, today=TODAY, user=user)
    assert not EvidencePack.objects.exists()
    assert dossier.interventions.filter(status=InterventionStatus.DONE).count() == 2


def test_a_disputed_echeance_is_left_out_of_the_claim(team):
    from recouvrement.db.models import DisputeReason
    from recouvrement.services.disputes import open_dispute

    customer = a_customer(team.company, name="Garage Petit", address="1 rue Neuve")
    disputed = a_receivable(customer, "500.00", date(2026, 9, 1))
    dossier = a_dossier(
        customer,
        today=OPENED,
        collector=team.collector,
        receivables=[a_receivable(customer, "1000.00", date(2026, 9, 1)), disputed],
    )
    reason = DisputeReason.objects.create(company=team.company, label="Marchandise abîmée")
    open_dispute(
        dossier,
        reason=reason,
        amount=Decimal("500.00"),
        receivables=[disputed],
        today=TODAY,
        user=None,
    )

    built = build_evidence_pack(dossier, today=TODAY, user=None)

    assert built.claim.disputed == Decimal("500.00")
    assert built.claim.principal == Decimal("1000.00")
    summary = squash(pdf_text(bytes(built.pack.pdf))[0])
    assert "Montants en litige, hors demande" in summary


@pytest.mark.parametrize(
    ("siren", "printed"), [("801587858", "801 587 858"), ("", "non renseigné — à compléter")]
)
def test_the_debtors_siren_is_printed_on_the_summary_and_the_requete(team, siren, printed):
    customer = a_customer(team.company, name="Garage Petit", address="1 rue Neuve", siren=siren)
    dossier = a_dossier(
        customer,
        today=OPENED,
        collector=team.collector,
        receivables=[a_receivable(customer, "3000.00", date(2026, 9, 1))],
    )

    built = build_evidence_pack(dossier, today=TODAY, user=None)

    pages = [squash(page) for page in pdf_text(bytes(built.pack.pdf))]
    requete = " ".join(page for page in pages if "Projet de requête —" in page)
    for text in (pages[0], requete):  # the summary, then the draft requête
        debtor = text[text.index("Dénomination / nom Garage Petit") :]
        assert debtor.startswith(
            f"Dénomination / nom Garage Petit Qualité Professionnel (code client "
            f"{customer.code}) SIREN {printed} Adresse 1 rue Neuve, Lyon"
        )
