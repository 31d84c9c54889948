"""« Gestion des actions » › « Exécuter » in Chromium, at 1024 px: phone and e-mail rows stay
in the tab with one summary line; letters open their PDF in a new tab and the worklist's tab
shows the summary when the user comes back to it; « voir » lists the rows refused."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from recouvrement import services
from recouvrement.db.models import Intervention, OutgoingEmail
from recouvrement.domain.statuses import ActionType, InterventionKind, InterventionStatus
from tests.browser.conftest import log_in
from tests.builders import a_customer, a_dossier

SCREENSHOTS = Path(__file__).parent / "screenshots"


@pytest.mark.django_db(transaction=True)
def test_sophie_executes_her_actions_from_the_worklist(page, live_server, team, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "documents"
    today = timezone.localdate()

    def row(name, action_type, label, collector=None, email=""):
        dossier = a_dossier(
            a_customer(team.company, name=name, email=email),
            today=today - timedelta(days=10),
            user=team.manager,
            collector=collector or team.collector,
        )
        return services.create_intervention(
            dossier,
            InterventionKind.MANUAL,
            today=today - timedelta(days=10),
            user=None,
            planned_date=today - timedelta(days=1),
            label=label,
            action_type=action_type,
        )

    phone = row("Garage Benoît", ActionType.PHONE, "Appel de relance")
    email = row("Hôtel du Parc", ActionType.EMAIL, "E-mail de relance", email="compta@hdp.fr")
    letters = [row(f"Fromagerie {n}", ActionType.LETTER, f"Courrier {n}") for n in (1, 2)]
    karim = row("Chez Karim", ActionType.LETTER, "Courrier de Karim", team.other_collector)
    SCREENSHOTS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": 1024, "height": 800})
    log_in(page, live_server.url, "sophie")
    page.goto(f"{live_server.url}/gestion-des-actions/?charge=tous")

    # At 1024 px the bar wraps, nothing leaves the page sideways.
    bar = page.locator(".batch-bar")
    expect(bar.get_by_role("button", name="Exécuter")).to_be_visible()
    expect(bar.get_by_label("Commentaire")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    # A phone and an e-mail: « Exécuter » stays in this tab, one summary line.
    for done in (phone, email):
        page.get_by_label(f"Sélectionner {done.dossier.number} {done.label}").check()
    bar.get_by_label("Commentaire").fill("Client joint, règlement promis")
    bar.get_by_role("button", name="Exécuter").click()
    expect(page.get_by_role("status")).to_have_text("1 e-mail remis à l'envoi, 1 action réalisée.")
    assert len(page.context.pages) == 1
    assert Intervention.objects.get(pk=phone.pk).status == InterventionStatus.DONE
    assert Intervention.objects.get(pk=phone.pk).comment == "Client joint, règlement promis"
    assert OutgoingEmail.objects.get(intervention=email).status == "pending"

    # Two letters and Karim's: their PDF in a new tab; back on the worklist, the summary.
    for letter in (*letters, karim):
        page.get_by_label(f"Sélectionner {letter.dossier.number} {letter.label}").check()
    with page.expect_popup() as popup_info:
        bar.get_by_role("button", name="Exécuter").click()
    popup = popup_info.value
    popup.wait_for_load_state()
    # Headless Chromium sends no blur nor focus on a change of tab: those a browser sends.
    page.evaluate("window.dispatchEvent(new Event('blur'))")
    popup.close()
    with page.expect_navigation():  # worklist-batch.js reloads the worklist
        page.evaluate("window.dispatchEvent(new Event('focus'))")
    summary = page.get_by_role("status")
    expect(summary).to_contain_text("2 courriers imprimés, 1 action refusée : voir")
    expect(summary.get_by_role("listitem")).to_be_hidden()
    summary.get_by_text("voir").click()
    expect(summary.get_by_role("listitem")).to_have_text(
        f"{karim.dossier.number} « Courrier de Karim » : "
        "Ce dossier est suivi par un autre chargé de recouvrement."
    )
    page.screenshot(path=SCREENSHOTS / "worklist-batch-1024.png", full_page=True)
    page.set_viewport_size({"width": 1366, "height": 800})
    page.screenshot(path=SCREENSHOTS / "worklist-batch-1366.png", full_page=True)
    assert [Intervention.objects.get(pk=x.pk).status for x in letters] == ["done", "done"]
    assert Intervention.objects.get(pk=karim.pk).status == InterventionStatus.TODO
