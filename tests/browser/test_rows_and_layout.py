"""Issue 13 §6 in Chromium: the interventions' rows chosen by a click and by the keyboard (as
in Sage), the skip link, « Aujourd'hui » in the menu, « Remettre A faire », and the top bar
and pages at 1024 and 1366 px (nothing overlaps, no sideways scroll)."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from recouvrement import services
from recouvrement.db.models import Intervention
from recouvrement.domain.statuses import ActionType, InterventionKind, InterventionStatus
from tests.browser.conftest import log_in
from tests.builders import a_contact, a_customer, a_dossier

SCREENSHOTS = Path(__file__).parent / "screenshots"
NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


def _calls(team):
    """Sophie's dossier with three calls « A faire » and one « Réalisée », and an alert due."""
    today = timezone.localdate()
    customer = a_customer(team.company, name="Boulangerie Durand", phone="04 78 42 17 30")
    a_contact(customer, civility="Madame", first_name="Anne", last_name="Durand")
    dossier = a_dossier(
        customer, today=today - timedelta(days=20), user=team.manager, collector=team.collector
    )
    calls = [
        services.create_intervention(
            dossier,
            InterventionKind.MANUAL,
            today=today,
            user=team.collector_user,
            planned_date=today + timedelta(days=k),
            label=f"Appel {k + 1}",
            action_type=ActionType.PHONE,
            comment=f"Rappeler Mme Durand ({k + 1})",
        )
        for k in range(4)
    ]
    services.set_intervention_status(
        calls[3], InterventionStatus.DONE, today=today, user=team.collector_user
    )
    services.create_intervention(
        dossier,
        InterventionKind.ALERT,
        today=today,
        user=team.collector_user,
        planned_date=today,
        comment="Le gérant rappelle ce matin",
    )
    return dossier, calls


def _row(page: Page, intervention: Intervention):
    return page.locator(f"#intervention-{intervention.pk}")


def _boxes_intersect(a: dict, b: dict) -> bool:
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


@pytest.mark.django_db(transaction=True)
def test_rows_are_chosen_by_click_and_keyboard_and_the_skip_link_leads_to_the_content(
    page, live_server, team
):
    dossier, calls = _calls(team)
    SCREENSHOTS.mkdir(exist_ok=True)
    log_in(page, live_server.url, "sophie")

    # « Aujourd'hui » counts Sophie's alert in the menu, on the landing page.
    today_link = page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Aujourd'hui"
    )
    expect(today_link.locator(".menu-count")).to_have_text("1 à traiter")
    expect(page.locator(".today-panel")).to_contain_text("Le gérant rappelle ce matin")

    # The skip link is the first stop of the keyboard and leads into the page's content.
    page.goto(f"{live_server.url}/dossiers/{dossier.pk}/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Aller au contenu")
    expect(skip).to_be_focused()
    assert skip.bounding_box()["y"] >= 0  # shown once focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "contenu"
    assert page.url.endswith("#contenu")

    # The keyboard: ↓ moves the highlighted row, Entrée opens its ligne de saisie.
    body = page.locator("table.interventions tbody[data-rows]")
    rows = [
        page.locator(f"#{row_id}")
        for row_id in body.locator("tr[data-row]").evaluate_all("rows => rows.map(row => row.id)")
    ]
    assert len(rows) == 5  # the calls and the alert, by date
    body.focus()
    expect(rows[0]).to_have_attribute("aria-selected", "true")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowUp")
    expect(rows[1]).to_have_attribute("aria-selected", "true")
    expect(rows[0]).to_have_attribute("aria-selected", "false")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    entry = page.locator("tr.entry-line")
    expect(entry).to_have_attribute("id", rows[2].get_attribute("id"))
    expect(entry.get_by_label("Date")).to_be_focused()
    page.screenshot(path=SCREENSHOTS / "rows-entry-line.png")

    # Échap cancels the ligne de saisie: the row again, still highlighted, the focus on the body.
    page.keyboard.press("Escape")
    expect(page.locator("tr.entry-line")).to_have_count(0)
    expect(rows[2]).to_have_attribute("aria-selected", "true")
    expect(body).to_be_focused()
    page.keyboard.press("End")
    expect(rows[4]).to_have_attribute("aria-selected", "true")

    # A click on a row (not on a link) selects it, as « Modifier » does.
    _row(page, calls[0]).locator("td.comment").click()
    expect(page.locator("tr.entry-line")).to_have_attribute("id", f"intervention-{calls[0].pk}")
    # Échap from a field of the ligne de saisie cancels it too, nothing saved.
    page.locator("tr.entry-line").get_by_label("Commentaire").fill("Non enregistré")
    page.keyboard.press("Escape")
    expect(page.locator("tr.entry-line")).to_have_count(0)
    calls[0].refresh_from_db()
    assert calls[0].comment == "Rappeler Mme Durand (1)"


@pytest.mark.django_db(transaction=True)
def test_the_top_bar_and_pages_fit_at_1024_and_1366_and_a_manager_sets_a_row_back(
    page, live_server, team
):
    dossier, calls = _calls(team)
    SCREENSHOTS.mkdir(exist_ok=True)
    log_in(page, live_server.url, "responsable")
    pages = {
        "dossier-list": f"{live_server.url}/dossiers/",
        "worklist": f"{live_server.url}/gestion-des-actions/",
        "dossier-page": f"{live_server.url}/dossiers/{dossier.pk}/",
        "today": f"{live_server.url}/aujourdhui/",
    }
    for width in (1024, 1366):
        page.set_viewport_size({"width": width, "height": 800})
        for name, url in pages.items():
            page.goto(url)
            assert page.evaluate(NO_SIDEWAYS_SCROLL), f"{name} défile de côté à {width} px"
            session = page.locator(".topbar .session").bounding_box()
            for item in page.locator(".topbar .menu > .menu-block").all():
                assert not _boxes_intersect(item.bounding_box(), session), (
                    f"{name} à {width} px : le menu chevauche la société et l'utilisateur"
                )
            page.screenshot(path=SCREENSHOTS / f"layout-{name}-{width}.png")

    # At 1024 px, « Remettre A faire… » on the done call, with its reason.
    page.set_viewport_size({"width": 1024, "height": 800})
    page.goto(f"{live_server.url}/dossiers/{dossier.pk}/?modifier={calls[3].pk}#interventions")
    entry = page.locator("tr.entry-menus")
    entry.get_by_text("Remettre A faire…").click()
    entry.get_by_label("Raison").fill("Marqué réalisé par erreur : l'appel n'a pas eu lieu")
    page.screenshot(path=SCREENSHOTS / "reopen-1024.png")
    entry.get_by_role("button", name="Remettre A faire").click()
    expect(page.locator("#interventions-tab")).to_contain_text(
        "« Appel 4 » est de nouveau « A faire »."
    )
    expect(_row(page, calls[3]).locator(".badge")).to_have_text("A faire")
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
