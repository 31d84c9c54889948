"""« Relevé de compte » (issue 13 §2): the customer's open échéances at a date as a PDF on
the company's letterhead — read back as text, as a reader or a printer would."""

import html
import io
import shutil
import subprocess
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from recouvrement.db.models import Allocation, Payment, Receivable
from recouvrement.domain.statuses import Role
from recouvrement.services.statements import customer_statement, customer_statement_pdf
from tests.builders import a_company, a_contact, a_customer, a_user
from tests.integration.test_disputes import a_reason
from tests.integration.test_letterhead_pdf import image_xobjects, set_letterhead
from tests.logos import a_png

TODAY = timezone.localdate()


def text_of(pdf: bytes) -> str:
    """The PDF's text, spaces folded (`pdftotext` when installed, else pypdf)."""
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
        ).stdout.decode()
    else:
        text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return " ".join(text.replace("\u202f", " ").replace("\u00a0", " ").split())


def an_echeance(customer, reference: str, amount: str, due: date, open_amount=None):
    return Receivable.objects.create(
        company=customer.company,
        customer=customer,
        reference=reference,
        piece_date=due - timedelta(days=30),
        due_date=due,
        amount=Decimal(amount),
        open_amount=Decimal(open_amount if open_amount is not None else amount),
    )


def paid(receivable: Receivable, amount: str, on: date) -> None:
    """A règlement on `on`, allocated to the échéance (its « reste dû » goes down)."""
    payment = Payment.objects.create(
        company=receivable.company,
        customer=receivable.customer,
        date=on,
        amount=Decimal(amount),
        reference=f"VIR {receivable.reference}",
    )
    Allocation.objects.create(payment=payment, receivable=receivable, amount=Decimal(amount))
    receivable.open_amount -= Decimal(amount)
    receivable.save(update_fields=["open_amount"])


@pytest.fixture
def durand(team):
    set_letterhead(team)
    customer = a_customer(
        team.company,
        code="CLI0042",
        name="Boulangerie Durand",
        address="3 rue des Lilas",
        postal_code="69003",
        city="Lyon",
    )
    a_contact(customer, civility="Madame", first_name="Anne", last_name="Durand")
    return customer


def test_the_statement_is_a_pdf_of_the_open_echeances_with_the_total(team, durand):
    an_echeance(durand, "FA-1001", "1234.56", TODAY - timedelta(days=40))
    an_echeance(durand, "FA-1002", "500.00", TODAY - timedelta(days=10), open_amount="200.00")
    an_echeance(durand, "FA-0999", "800.00", TODAY - timedelta(days=90), open_amount="0.00")

    pdf = customer_statement_pdf(durand, today=TODAY, user=team.collector_user)

    assert pdf.startswith(b"%PDF-")
    text = text_of(pdf)
    assert "Atelier Rhône SAS" in text and "12 quai Saint-Vincent" in text  # the letterhead
    assert "SIREN 512 846 379 RCS Lyon" in text  # the letters' footer
    assert "Boulangerie Durand" in text and "3 rue des Lilas 69003 Lyon" in text
    assert "À l'attention de Madame Anne Durand" in text
    assert f"Relevé de compte au {TODAY:%d/%m/%Y}" in text
    assert "Pièce Date Échéance Jours de retard Montant Reste dû" in text
    assert (
        f"FA-1001 {TODAY - timedelta(days=70):%d/%m/%Y} {TODAY - timedelta(days=40):%d/%m/%Y}"
        in text
    )
    assert "40 1 234,56 € 1 234,56 €" in text
    assert "FA-1002" in text and "500,00 € 200,00 €" in text
    assert "FA-0999" not in text
    assert "Total 1 734,56 € 1 434,56 €" in text
    assert "le solde de votre compte s'élève à 1 434,56 €" in text


def test_the_statement_at_an_earlier_date_takes_back_the_later_payments(team, durand):
    early = an_echeance(durand, "FA-2001", "900.00", date(2026, 9, 15))
    late = an_echeance(durand, "FA-2002", "300.00", date(2026, 10, 31))  # issued 01/10
    paid(early, "900.00", on=date(2026, 10, 20))
    at = date(2026, 9, 30)

    before = text_of(customer_statement_pdf(durand, today=TODAY, user=None, as_of=at))
    now = text_of(customer_statement_pdf(durand, today=TODAY, user=None))

    assert "Relevé de compte au 30/09/2026" in before
    assert "FA-2001" in before and "15 900,00 € 900,00 €" in before  # 15 days late on 30/09
    assert late.reference not in before  # not issued yet on 30/09
    assert "Total 900,00 € 900,00 €" in before
    assert "FA-2001" not in now and "FA-2002" in now


def test_a_customer_up_to_date_gets_a_statement_that_says_so(team, durand):
    text = text_of(customer_statement_pdf(durand, today=TODAY, user=None))

    assert "Aucune échéance ouverte" in text and "votre compte est à jour" in text


def test_someone_outside_the_company_may_not_print_it(team, durand):
    stranger = a_user(a_company(name="Autre SARL"), Role.READ_ONLY)

    with pytest.raises(PermissionDenied):
        customer_statement_pdf(durand, today=TODAY, user=stranger)


def test_the_page_serves_it_inline_with_a_french_name_and_the_au_filter(client, team, durand):
    an_echeance(durand, "FA-3001", "420.00", date(2026, 9, 1))
    an_echeance(durand, "FA-3002", "180.00", TODAY + timedelta(days=20))
    url = reverse("customer_statement", args=[durand.pk])
    client.force_login(team.reader)

    response = client.get(url)
    dated = client.get(url, {"au": "2026-09-30"})
    refused = client.get(url, {"au": "31/02/2026"})

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'inline; filename="releve-CLI0042-{TODAY:%Y-%m-%d}.pdf"'
    )
    assert "FA-3002" in text_of(response.content)
    assert dated.status_code == 200
    assert dated["Content-Disposition"] == 'inline; filename="releve-CLI0042-2026-09-30.pdf"'
    assert "FA-3001" in text_of(dated.content) and "FA-3002" not in text_of(dated.content)
    assert refused.status_code == 400
    assert "« 31/02/2026 » n'est pas une date" in html.unescape(refused.content.decode())


def test_a_long_statement_keeps_the_logo_repeats_the_header_and_numbers_its_pages(team, durand):
    set_letterhead(team, logo=a_png())
    for n in range(60):
        an_echeance(durand, f"FA-{4000 + n}", "100.00", TODAY - timedelta(days=n + 1))

    pdf = customer_statement_pdf(durand, today=TODAY, user=None)

    pages = PdfReader(io.BytesIO(pdf)).pages
    assert len(pages) == 2
    assert image_xobjects(pdf) == ["/Image"]  # the logo, in the letters' header
    second = " ".join(pages[1].extract_text().split())
    assert "Pièce" in second and "Reste dû" in second  # the table's header again
    text = text_of(pdf)
    assert "Page 1/2" in text and "Page 2/2" in text
    assert "Total 6 000,00 € 6 000,00 €" in text


def test_an_echeance_in_litige_is_marked_and_the_total_given_without_it(team, durand):
    """B10: the statement shows every échéance, marks those in an open litige « En litige »
    and gives the total due both gross and « hors montants en litige »."""
    from recouvrement import services
    from recouvrement.db.models import Dispute, DisputeResult
    from tests.builders import a_dossier

    kept = an_echeance(durand, "FA-5001", "1000.00", TODAY - timedelta(days=40))
    contested = an_echeance(durand, "FA-5002", "700.00", TODAY - timedelta(days=30))
    dossier = a_dossier(durand, today=TODAY, receivables=[kept, contested])
    services.open_dispute(
        dossier,
        reason=a_reason(team.company),
        amount=Decimal("700.00"),
        receivables=[contested],
        today=TODAY,
        user=team.manager,
    )

    text = text_of(customer_statement_pdf(durand, today=TODAY, user=None))

    assert "FA-5002 — En litige" in text and "FA-5001 — En litige" not in text
    assert "Total 1 700,00 € 1 700,00 €" in text
    assert "Total hors montants en litige 1 000,00 €" in text
    assert "le solde de votre compte s'élève à 1 700,00 €" in text
    assert "Total dû hors montants en litige : 1 000,00 €" in text
    assert "« En litige » (700,00 €) ne vous sont pas réclamées" in text

    services.resolve_dispute(
        Dispute.objects.get(dossier=dossier),
        resolution=None,
        result=DisputeResult.MAINTAINED,
        today=TODAY,
        user=team.manager,
    )
    again = text_of(customer_statement_pdf(durand, today=TODAY, user=None))
    assert "En litige" not in again and "hors montants en litige" not in again


def test_a_dossier_wholly_in_litige_marks_each_of_its_echeances(team, durand):
    from recouvrement import services
    from tests.builders import a_dossier

    first = an_echeance(durand, "FA-6001", "300.00", TODAY - timedelta(days=20))
    second = an_echeance(durand, "FA-6002", "200.00", TODAY - timedelta(days=10))
    an_echeance(durand, "FA-6003", "50.00", TODAY - timedelta(days=5))  # in no dossier
    dossier = a_dossier(durand, today=TODAY, receivables=[first, second])
    services.open_dispute(
        dossier,
        reason=a_reason(team.company),
        amount=Decimal("500.00"),
        today=TODAY,
        user=team.manager,
    )

    statement = customer_statement(durand, today=TODAY)

    assert [(r.piece, r.disputed) for r in statement.rows] == [
        ("FA-6001", True),
        ("FA-6002", True),
        ("FA-6003", False),
    ]
    assert (statement.total_open, statement.total_claimed) == (
        Decimal("550.00"),
        Decimal("50.00"),
    )
