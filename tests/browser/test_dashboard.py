"""« Tableau de bord » in Chromium (issue 14 §1): a manager lands on it, its four charts are
drawn (inline SVG coloured by dashboard.css) beside their tables, the browser reports no CSP
violation, and in print the charts fit an A4 page, in black and white."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import log_in
from tests.browser.test_csp_and_login import _watch_csp
from tests.web.test_dashboard import hand_made_books

SCREENSHOT = Path("/tmp/dashboard.png")
PRINTED = Path("/tmp/dashboard.pdf")
A4_CONTENT_PX = 186 / 25.4 * 96  # A4's 210 mm less 12 mm margins each side, in CSS pixels
ACCENT = "rgb(28, 100, 176)"  # --accent (app.css): the first series' colour
SECOND = "rgb(217, 132, 0)"  # the second series' (dashboard.css)
FILL = "element => getComputedStyle(element).fill"


@pytest.mark.django_db(transaction=True)
def test_the_manager_lands_on_the_dashboard_and_sees_its_charts_with_no_csp_violation(
    page: Page, live_server, team
):
    hand_made_books(team)
    violations = _watch_csp(page.context)
    page.set_viewport_size({"width": 1366, "height": 900})

    log_in(page, live_server.url, "responsable")

    expect(page.get_by_role("heading", level=1)).to_have_text("Tableau de bord")
    charts = page.locator("figure.dash-chart svg.chart")
    expect(charts).to_have_count(4)
    for n in range(4):
        chart = charts.nth(n)
        chart.scroll_into_view_if_needed()
        expect(chart).to_be_visible()
        box = chart.bounding_box()
        assert box is not None and box["width"] > 300 and box["height"] > 100
    expect(page.get_by_role("img", name="Diagramme en barres : montant dû")).to_be_visible()
    bar = page.locator("#balance-chart .chart-bar").first
    assert bar.bounding_box()["height"] > 50  # « Non échu »: 1 000 € of a 2 000 € scale
    assert bar.evaluate(FILL) == ACCENT
    assert page.locator("#flow-chart .chart-bar.chart-s2").first.evaluate(FILL) == SECOND
    line = page.locator("#dso-chart .chart-line")
    assert line.evaluate("element => getComputedStyle(element).stroke") == ACCENT
    assert line.evaluate(FILL) == "none"
    expect(page.locator("#balance-total")).to_have_text("1 525,75 €")
    page.screenshot(path=SCREENSHOT, full_page=True)

    page.emulate_media(media="print")
    expect(page.locator(".topbar")).to_be_hidden()
    for n in range(4):
        assert charts.nth(n).bounding_box()["width"] <= A4_CONTENT_PX
    assert bar.evaluate(FILL) == "rgb(68, 68, 68)"  # black and white
    second = page.locator("#flow-chart .chart-bar.chart-s2").first
    assert second.evaluate(FILL) == "rgb(255, 255, 255)"
    assert second.evaluate("element => getComputedStyle(element).stroke") == "rgb(0, 0, 0)"
    expect(page.locator("#flow-table")).to_be_visible()
    page.pdf(path=PRINTED, format="A4")  # as « Imprimer » gives it, to look at
    assert violations == []
