"""« Fiche client » in Chromium (issue 13 §2), at 1366 and 1024 px: reached from the dossier
page by the client's name, every section there without sideways scroll, and the « Relevé de
compte » opened as a PDF in a new tab."""

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from recouvrement.db.models import Allocation, Payment
from tests.browser.conftest import log_in
from tests.builders import a_contact, a_customer, a_dossier, a_receivable

SCREENSHOTS = Path(__file__).parent / "screenshots"


def _no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], width


@pytest.mark.django_db(transaction=True)
def test_a_collector_opens_the_customer_page_and_its_statement(page: Page, live_server, team):
    today = timezone.localdate()
    customer = a_customer(
        team.company,
        name="Boulangerie Durand",
        address="3 rue des Lilas",
        postal_code="69003",
        phone="04 78 42 17 30",
        email="compta@durand.example.fr",
        default_collector=team.collector,
    )
    a_contact(customer, function="Gérante", phone="06 12 34 56 78", email="anne@durand.fr")
    receivables = [
        a_receivable(customer, amount=f"{120 * n}.50", due_date=today - timedelta(days=9 * n))
        for n in range(1, 9)
    ]
    dossier = a_dossier(
        customer, user=team.manager, collector=team.collector, receivables=receivables[:5]
    )
    paid = a_receivable(customer, amount="300.00", open_amount="0.00")
    payment = Payment.objects.create(
        company=team.company,
        customer=customer,
        date=today - timedelta(days=4),
        amount=Decimal("300.00"),
        reference="VIR 4471",
    )
    Allocation.objects.create(payment=payment, receivable=paid, amount=Decimal("300.00"))
    log_in(page, live_server.url, "sophie")

    page.goto(f"{live_server.url}/dossiers/{dossier.pk}/")
    page.locator(".subtitle").get_by_role("link", name="Boulangerie Durand").click()
    expect(page.get_by_role("heading", name="Boulangerie Durand", level=1)).to_be_visible()
    for width in (1366, 1024):
        page.set_viewport_size({"width": width, "height": 900})
        expect(page.get_by_role("heading", name="Échéances ouvertes")).to_be_visible()
        _no_sideways_scroll(page)
        page.screenshot(path=SCREENSHOTS / f"customer-{width}.png", full_page=True)

    with page.context.expect_page() as opened:
        page.get_by_role("button", name="Relevé de compte (PDF)").click()
    statement = opened.value
    statement.wait_for_load_state()
    assert f"/clients/{customer.pk}/releve.pdf?au={today:%Y-%m-%d}" in statement.url
