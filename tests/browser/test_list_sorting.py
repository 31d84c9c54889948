"""The lists in Chromium (§5, §2): a header click sorts, the totals row arrives after the rows
(htmx, under the CSP), a phone step shows its number; screenshots at 1366 and 1024 px."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from recouvrement import services
from recouvrement.domain.statuses import ActionType, InterventionKind
from tests.browser.conftest import log_in
from tests.builders import a_contact, a_customer, a_dossier, a_receivable

SCREENSHOTS = Path(__file__).parent / "screenshots"
TODAY = timezone.localdate()


@pytest.mark.django_db(transaction=True)
def test_a_manager_sorts_the_lists_and_reads_their_totals(page: Page, live_server, team):
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Refused" in m.text else None)
    for n, (name, amount) in enumerate(
        [
            ("Éclairage Moreau", "1200.00"),
            ("Boulangerie Durand", "300.50"),
            ("Zinc Atelier", "49.50"),
        ]
    ):
        customer = a_customer(team.company, name=name, phone=f"04 78 42 17 3{n}")
        contact = a_contact(customer, phone=f"06 12 34 56 7{n}")
        dossier = a_dossier(
            customer,
            today=TODAY - timedelta(days=20),
            user=team.manager,
            collector=team.collector,
            contact=contact,
            priority=n + 1,
            receivables=[a_receivable(customer, amount)],
        )
        services.create_intervention(
            dossier,
            InterventionKind.MANUAL if n < 2 else InterventionKind.ALERT,
            today=TODAY - timedelta(days=20),
            user=team.manager,
            planned_date=TODAY - timedelta(days=n + 1),
            label="Appeler la comptable" if n < 2 else "",
            comment="" if n < 2 else "Rappeler M. Roux pour le chèque",
            action_type=ActionType.PHONE if n < 2 else "",
        )
    base = live_server.url
    log_in(page, base, "responsable")

    # « Dossiers de recouvrement »: the totals row, then « Client » sorted both ways.
    page.goto(f"{base}/dossiers/")
    table = page.locator("table.grid", has=page.locator("th", has_text="N° dossier"))
    expect(table.locator("tfoot")).to_contain_text("Total (3 dossiers)")
    expect(table.locator("tfoot")).to_contain_text("1\u202f550,00\u00a0€")
    page.get_by_role("link", name="Client", exact=True).click()
    expect(page.locator("th[aria-sort=ascending]")).to_have_text("Client ▲")
    expect(table.locator("tbody tr").first).to_contain_text("Boulangerie Durand")
    expect(table.locator("tfoot")).to_contain_text("Total (3 dossiers)")
    page.get_by_role("link", name="Client", exact=True).click()
    expect(page.locator("th[aria-sort=descending]")).to_have_text("Client ▼")
    expect(table.locator("tbody tr").first).to_contain_text("Zinc Atelier")
    for width in (1366, 1024):
        page.set_viewport_size({"width": width, "height": 800})
        page.screenshot(path=SCREENSHOTS / f"dossier-list-sorted-{width}.png", full_page=True)

    # « Gestion des actions »: the number to call, the alert's message, « Solde » sorted.
    page.goto(f"{base}/gestion-des-actions/?charge=tous")
    table = page.locator("table.worklist")
    expect(table.locator("tfoot")).to_contain_text("Total (3 dossiers)")
    expect(table.get_by_role("link", name="06 12 34 56 70")).to_have_attribute(
        "href", "tel:0612345670"
    )
    expect(table).to_contain_text("Rappeler M. Roux pour le chèque")
    page.get_by_role("link", name="Solde", exact=True).click()
    expect(page.locator("th[aria-sort=descending]")).to_have_text("Solde ▼")
    expect(table.locator("tbody tr").first).to_contain_text("Éclairage Moreau")
    expect(table.locator("tfoot")).to_contain_text("1\u202f550,00\u00a0€")
    for width in (1366, 1024):
        page.set_viewport_size({"width": width, "height": 800})
        page.screenshot(path=SCREENSHOTS / f"worklist-sorted-{width}.png", full_page=True)
        scroll = page.evaluate("document.documentElement.scrollWidth")
        if width == 1366:
            assert scroll <= width, f"sideways scroll at {width} px ({scroll} px)"

    assert refused == []
