"""« Tableau de bord » in Chromium (issue 14 §1): a manager lands on it, its four charts are
drawn (pygal's SVG as images, their inner style applied) beside their tables, the browser
reports no CSP violation, and in print the charts fit an A4 page."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import log_in
from tests.browser.test_csp_and_login import _watch_csp
from tests.web.test_dashboard import hand_made_books

SCREENSHOT = Path("/tmp/dashboard.png")
PRINTED = Path("/tmp/dashboard.pdf")
A4_CONTENT_PX = 186 / 25.4 * 96  # A4's 210 mm less 12 mm margins each side, in CSS pixels
# The share of a chart's pixels in its first series' colour (STYLE in web/dashboard/charts.py):
# drawn from pygal's own <style> inside the SVG; without it the bars would be black.
COLOURED = """img => {
  const canvas = document.createElement("canvas");
  canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;
  const context = canvas.getContext("2d");
  context.drawImage(img, 0, 0);
  const data = context.getImageData(0, 0, canvas.width, canvas.height).data;
  let blue = 0;
  for (let i = 0; i < data.length; i += 4) {
    if (Math.abs(data[i] - 0x1c) < 40 && Math.abs(data[i + 1] - 0x64) < 40
        && Math.abs(data[i + 2] - 0xb0) < 40) blue++;
  }
  return blue / (data.length / 4);
}"""


@pytest.mark.django_db(transaction=True)
def test_the_manager_lands_on_the_dashboard_and_sees_its_charts_with_no_csp_violation(
    page: Page, live_server, team
):
    hand_made_books(team)
    violations = _watch_csp(page.context)
    page.set_viewport_size({"width": 1366, "height": 900})

    log_in(page, live_server.url, "responsable")

    expect(page.get_by_role("heading", level=1)).to_have_text("Tableau de bord")
    charts = page.locator("figure.dash-chart img")
    expect(charts).to_have_count(4)
    for n in range(4):
        chart = charts.nth(n)
        chart.scroll_into_view_if_needed()
        expect(chart).to_be_visible()
        box = chart.bounding_box()
        assert box is not None and box["width"] > 300 and box["height"] > 100
        assert chart.evaluate("img => img.complete && img.naturalWidth > 0")
        assert chart.evaluate(COLOURED) > 0.001, chart.get_attribute("alt")
    expect(page.locator("#balance-total")).to_have_text("1 525,75 €")
    page.screenshot(path=SCREENSHOT, full_page=True)

    page.emulate_media(media="print")
    expect(page.locator(".topbar")).to_be_hidden()
    for n in range(4):
        assert charts.nth(n).bounding_box()["width"] <= A4_CONTENT_PX
    expect(page.locator("#flow-table")).to_be_visible()
    page.pdf(path=PRINTED, format="A4")  # as « Imprimer » gives it, to look at
    assert violations == []
