"""« Simulation » in Chromium (B12): the « forcer » checkbox sits beside its label on the form's
line (not stretched like a search field), and the dossiers held in litige are listed."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import log_in
from tests.integration.test_prepare_dry_run import disputed_dossiers

SCREENSHOT = Path("/tmp/simulation.png")


@pytest.mark.django_db(transaction=True)
def test_the_force_checkbox_is_a_small_box_beside_its_label(page: Page, live_server, team):
    disputed_dossiers(team)
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, live_server.url, "responsable")

    page.goto(f"{live_server.url}/simulation/?date=2026-11-20")

    box = page.get_by_label("Simuler un traitement forcé (--force)")
    expect(box).to_be_visible()
    label = page.locator("label[for=id_force]").bounding_box()
    square = box.bounding_box()
    assert square["width"] < 30 and square["height"] < 30
    assert 0 <= label["x"] - (square["x"] + square["width"]) < 20  # just right of the box
    assert abs((label["y"] + label["height"] / 2) - (square["y"] + square["height"] / 2)) < 6
    expect(page.get_by_role("heading", name="En litige, non avancés (1)")).to_be_visible()
    page.screenshot(path=SCREENSHOT, full_page=True)
