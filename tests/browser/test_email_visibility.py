"""E-mails visible and controllable (issue 13 §3) in Chromium, at 1366 and 1024 px: Sophie
sees her failed e-mail on the dossier's row, opens it, reads it with its PDF and sends it
again; the manager sees it in « Envois », failures first. No sideways scroll."""

from datetime import date
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from recouvrement.db.models import OutgoingEmail
from recouvrement.domain.statuses import ActionType
from tests.browser.conftest import log_in
from tests.builders import a_contact, a_customer, a_dossier, a_receivable, a_scenario

SCREENSHOTS = Path(__file__).parent / "screenshots"
GIVEN_UP = "E-mail non envoyé après 8 essais : Refusé par le serveur SMTP : 554 Relay denied."


def _no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], width


@pytest.mark.django_db(transaction=True)
def test_sophie_sends_her_failed_email_again_and_the_manager_sees_the_outbox(
    page: Page, live_server, team
):
    customer = a_customer(
        team.company, name="Boulangerie Martin", email="compta@boulangerie-martin.fr"
    )
    contact = a_contact(customer, last_name="Durand", email="")
    dossier = a_dossier(
        customer,
        today=timezone.localdate(),
        scenario=a_scenario(team.company, steps=[(0, ActionType.EMAIL, "Relance par e-mail")]),
        collector=team.collector,
        contact=contact,
        receivables=[a_receivable(customer, "1234.56", date(2026, 9, 1))],
    )
    failed = OutgoingEmail.Status.FAILED
    OutgoingEmail.objects.update(status=failed, attempts=8, last_error=GIVEN_UP)
    log_in(page, live_server.url, "sophie")

    page.goto(f"{live_server.url}/dossiers/{dossier.pk}/")
    row = page.locator("table.interventions tbody tr").first
    expect(row).to_contain_text(f"Échec : {GIVEN_UP}")
    page.set_viewport_size({"width": 1024, "height": 900})
    page.screenshot(path=str(SCREENSHOTS / "email-state-dossier-1024.png"), full_page=True)
    page.goto(f"{live_server.url}/gestion-des-actions/")
    expect(page.locator("table.worklist tbody tr").first).to_contain_text(f"Échec : {GIVEN_UP}")
    _no_sideways_scroll(page)
    page.screenshot(path=str(SCREENSHOTS / "email-state-worklist-1024.png"), full_page=True)
    page.goto(f"{live_server.url}/dossiers/{dossier.pk}/")
    row.get_by_role("link", name="Voir l'e-mail").click()
    expect(page.get_by_role("heading", name="E-mail", level=1)).to_be_visible()
    expect(page.locator(".email-fields")).to_contain_text("compta@boulangerie-martin.fr")
    expect(page.locator(".email-body")).to_contain_text(dossier.number)
    expect(page.locator("iframe.letter-frame")).to_be_visible()
    for width in (1366, 1024):
        page.set_viewport_size({"width": width, "height": 900})
        _no_sideways_scroll(page)
        page.screenshot(path=str(SCREENSHOTS / f"email-preview-{width}.png"), full_page=True)
    page.get_by_role("button", name="Envoyer maintenant").click()
    expect(page.get_by_text("L'e-mail part au prochain passage de l'envoi")).to_be_visible()
    assert OutgoingEmail.objects.get().status == OutgoingEmail.Status.PENDING

    page.get_by_role("button", name="Se déconnecter").click()
    log_in(page, live_server.url, "responsable")
    page.get_by_role("link", name="Envois").first.click()
    expect(page.get_by_role("heading", name="Envois", level=1)).to_be_visible()
    expect(page.locator("table.outbox tbody tr").first).to_contain_text("Boulangerie Martin")
    for width in (1366, 1024):
        page.set_viewport_size({"width": width, "height": 900})
        _no_sideways_scroll(page)
        page.screenshot(path=str(SCREENSHOTS / f"outbox-{width}.png"), full_page=True)
