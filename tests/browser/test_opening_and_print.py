"""Issue 13 §4 in Chromium, at 1366 and 1024 px: « Ouvrir les dossiers des retards » previewed
then confirmed, « Nouveau dossier » with its client picker, and the print window of a letter not
due yet (« Fermer » is the default)."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from recouvrement import services
from recouvrement.db.models import Dossier
from recouvrement.domain.statuses import ActionType, InterventionStatus
from tests.browser.conftest import log_in
from tests.builders import a_customer, a_dossier, a_receivable, a_scenario

SCREENSHOTS = Path(__file__).parent / "screenshots"


def _no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], width


def _shots(page: Page, name: str) -> None:
    for width in (1366, 1024):
        page.set_viewport_size({"width": width, "height": 900})
        _no_sideways_scroll(page)
        page.screenshot(path=SCREENSHOTS / f"{name}-{width}.png", full_page=True)


@pytest.mark.django_db(transaction=True)
def test_the_manager_previews_then_opens_and_picks_a_client(page: Page, live_server, team):
    today = timezone.localdate()
    a_scenario(team.company, name="Relance standard", is_default=True)
    lighting = a_customer(team.company, name="Éclairage Cœur de Lyon")
    a_receivable(lighting, "1480.00", today - timedelta(days=45))
    bakery = a_customer(team.company, name="Boulangerie Durand", default_collector=team.collector)
    a_receivable(bakery, "320.00", today - timedelta(days=12))
    base = live_server.url
    log_in(page, base, "responsable")
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Dossiers de recouvrement"
    ).click()  # a manager lands on « Tableau de bord »

    page.get_by_role("link", name="Ouvrir les dossiers des retards").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ouvrir les dossiers des retards")
    _shots(page, "open-overdue")
    page.get_by_label("Chargé pour Éclairage Cœur de Lyon").select_option(
        label=str(team.other_collector)
    )
    page.get_by_role("button", name="Ouvrir les 2 dossiers").click()
    expect(page.get_by_text("2 dossiers ouverts.")).to_be_visible()
    assert Dossier.objects.get(customer=lighting).collector == team.other_collector

    # « Nouveau dossier »: « eclairage » finds « Éclairage », the overdue échéance pre-ticked.
    # The list's totals row (htmx) still reads the échéances: SQLite's shared in-memory test
    # database locks the table the test writes into until that request ends.
    page.wait_for_load_state("networkidle")
    a_receivable(lighting, "90.00", today - timedelta(days=3))
    page.get_by_role("link", name="Nouveau dossier").click()
    # htmx is a deferred script: typing before it has run would only change the field's value.
    page.wait_for_load_state("load")
    page.locator("#client-search").fill("eclairage")
    matches = page.locator("#client-matches")
    matches.get_by_role("link", name="Éclairage Cœur de Lyon").click()
    expect(page.get_by_role("heading", name="Échéances à rattacher")).to_be_visible()
    expect(page.locator("input[name=receivables]")).to_be_checked()
    _shots(page, "new-dossier")


@pytest.mark.django_db(transaction=True)
def test_a_letter_not_due_yet_defaults_to_fermer(page: Page, live_server, team):
    today = timezone.localdate()
    steps = [(0, ActionType.PHONE, "Appel de relance"), (12, ActionType.LETTER, "Courrier")]
    dossier = a_dossier(
        a_customer(team.company, name="Boulangerie Durand", address="3 rue des Lilas"),
        today=today,
        user=team.manager,
        collector=team.collector,
        scenario=a_scenario(team.company, steps=steps),
    )
    services.set_intervention_status(
        dossier.interventions.get(), InterventionStatus.DONE, today=today, user=team.manager
    )
    letter = services.prepare_next_intervention(dossier, today=today, user=team.manager)
    log_in(page, live_server.url, "sophie")

    page.goto(live_server.url + reverse("intervention_print", args=[letter.pk]))
    expect(page.get_by_role("status").filter(has_text="pas encore dû")).to_contain_text(
        f"il est prévu le {letter.planned_date:%d/%m/%Y}"
    )
    expect(page.get_by_role("link", name="Fermer")).to_be_focused()
    _shots(page, "print-not-due")
