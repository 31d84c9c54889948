"""« Modifier le dossier » and « Clore le dossier » in Chromium (issue 13 §1), at 1366 and
1024 px: the buttons on the dossier page, the forms without sideways scroll, the result."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from recouvrement.db.models import Resolution
from recouvrement.domain.statuses import DossierStatus
from tests.browser.conftest import log_in
from tests.builders import a_customer, a_dossier, a_receivable, a_scenario

SCREENSHOTS = Path(__file__).parent / "screenshots"


def _no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], width


@pytest.mark.django_db(transaction=True)
def test_a_collector_edits_then_closes_their_dossier(page: Page, live_server, team):
    customer = a_customer(team.company, name="Boulangerie Durand")
    dossier = a_dossier(
        customer, user=team.manager, collector=team.collector, scenario=a_scenario(team.company)
    )
    free = a_receivable(customer, amount="640.00")
    Resolution.objects.create(company=team.company, label="Payé intégralement")
    log_in(page, live_server.url, "sophie")

    for width in (1366, 1024):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}/dossiers/{dossier.pk}/")
        page.get_by_role("link", name="Modifier le dossier").click()
        expect(
            page.get_by_role("heading", name=f"Modifier le dossier {dossier.number}")
        ).to_be_visible()
        _no_sideways_scroll(page)
        page.screenshot(path=SCREENSHOTS / f"dossier-edit-{width}.png", full_page=True)

    page.get_by_label("Priorité").select_option("1")
    page.get_by_label(f"Rattacher {free.reference}").check()
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Dossier modifié : priorité 3 → 1").first).to_be_visible()
    page.screenshot(path=SCREENSHOTS / "dossier-edited.png", full_page=True)

    page.get_by_role("link", name="Clore le dossier").click()
    expect(page.get_by_text("les échéances sont libérées")).to_be_visible()
    _no_sideways_scroll(page)
    page.screenshot(path=SCREENSHOTS / "dossier-closure-1024.png", full_page=True)
    page.get_by_label("Résolution").select_option(label="Payé intégralement")
    page.get_by_label("Résultat").fill("Réglé par virement")
    page.get_by_role("button", name="Clore le dossier").click()

    expect(page.locator("h1 .badge")).to_have_text("Clos")
    expect(page.get_by_role("link", name="Modifier le dossier")).to_have_count(0)
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.CLOSED
