"""« La journée de Sophie » (issue 13), in Chromium: a collector's whole day in the app.

Sophie Martin, chargée de recouvrement, logs in; the landing page tells her what is due today;
she calls the customer whose number the worklist shows, edits the dossier, previews an e-mail
and sends it now (the outbox worker, run as cron runs it, sends it through a real SMTP server),
executes her letters and e-mails in one batch, and finds a customer typed without accents.
Screenshots of the dossier page, the worklist and the customer page at 1366 and 1024 px.
"""

from datetime import date, timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from recouvrement import cli, services
from recouvrement.db.models import Dossier, Intervention, OutgoingEmail
from recouvrement.domain.statuses import ActionType, InterventionKind, InterventionStatus
from tests.browser.conftest import log_in
from tests.builders import a_contact, a_customer, a_dossier, a_receivable, a_scenario
from tests.integration.test_emails import mail_server  # noqa: F401 (a real SMTP server)

SCREENSHOTS = Path(__file__).parent / "screenshots"
NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"
WIDTHS = (1366, 1024)


def _day(team):
    """Sophie's morning: an e-mail step and an alert on « Éclairage Lumière », a call to make
    on « Garage Benoît », two letters and an e-mail due elsewhere."""
    today = timezone.localdate()
    company, sophie = team.company, team.collector_user

    def manual(dossier, action_type, label):
        return services.create_intervention(
            dossier,
            InterventionKind.MANUAL,
            today=today - timedelta(days=3),
            user=team.manager,
            planned_date=today - timedelta(days=1),
            label=label,
            action_type=action_type,
        )

    def dossier_of(name, **fields):
        customer = a_customer(company, name=name, **fields)
        receivable = a_receivable(customer, "1250.00", today - timedelta(days=40))
        return customer, a_dossier(
            customer,
            today=today - timedelta(days=10),
            user=team.manager,
            collector=team.collector,
            receivables=[receivable],
        )

    lumiere = a_customer(company, name="Éclairage Lumière SARL", email="compta@eclairage.fr")
    contact = a_contact(
        lumiere, civility="Monsieur", first_name="Paul", last_name="Lefèvre", phone="0478123456"
    )
    by_email = a_scenario(company, steps=[(0, ActionType.EMAIL, "E-mail de relance courtoise")])
    lighting = a_dossier(
        lumiere,
        today=today,
        scenario=by_email,
        user=team.manager,
        collector=team.collector,
        contact=contact,
        receivables=[a_receivable(lumiere, "3480.00", date(2026, 9, 30))],
    )
    services.create_intervention(
        lighting,
        InterventionKind.ALERT,
        today=today - timedelta(days=2),
        user=sophie,
        planned_date=today,
        comment="Rappeler M. Lefèvre avant midi",
    )
    _, garage = dossier_of("Garage Benoît", phone="04 72 00 11 22")
    call = manual(garage, ActionType.PHONE, "Appel de relance")
    letters = [
        manual(dossier_of(f"Fromagerie {n}")[1], ActionType.LETTER, "Courrier de relance")
        for n in ("Lacroix", "Morel")
    ]
    _, hotel = dossier_of("Hôtel du Parc", email="compta@hotel-du-parc.fr")
    email = manual(hotel, ActionType.EMAIL, "E-mail de relance")
    return lighting, call, letters, email


def _screenshots(page: Page, name: str) -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        assert page.evaluate(NO_SIDEWAYS_SCROLL), f"{name} scrolls sideways at {width} px"
        page.screenshot(path=str(SCREENSHOTS / f"journee-{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})


@pytest.mark.django_db(transaction=True)
def test_la_journee_de_sophie(page: Page, live_server, team, settings, tmp_path, mail_server):  # noqa: F811
    settings.MEDIA_ROOT = tmp_path / "documents"
    SCREENSHOTS.mkdir(exist_ok=True)
    lighting, call, letters, email = _day(team)
    url = live_server.url

    # 8 h 30: the landing page tells her what is due today, and the menu counts it.
    log_in(page, url, "sophie")
    panel = page.locator(".today-panel")
    expect(panel).to_contain_text("Rappeler M. Lefèvre avant midi")
    expect(panel).to_contain_text("Éclairage Lumière SARL")
    menu = page.get_by_role("navigation", name="Menu principal")
    expect(menu.get_by_role("link", name="Aujourd'hui")).to_contain_text("1")

    # The call: « Gestion des actions » shows the number to dial on the « Téléphone » row.
    menu.get_by_role("link", name="Gestion des actions").click()
    call_row = page.locator("table.worklist tbody tr", has_text="Garage Benoît")
    expect(call_row.locator('a[href^="tel:"]')).to_have_text("04 72 00 11 22")
    expect(call_row.locator('a[href^="tel:"]')).to_have_attribute("href", "tel:0472001122")
    alert_row = page.locator("table.worklist tbody tr", has_text="Éclairage Lumière SARL").filter(
        has_text="Rappeler"
    )
    expect(alert_row).to_contain_text("Rappeler M. Lefèvre avant midi")
    _screenshots(page, "worklist")

    # A search typed without accents finds « Éclairage Lumière ».
    menu.get_by_role("link", name="Dossiers de recouvrement").click()
    page.get_by_label("Rechercher").fill("eclairage")
    page.get_by_role("button", name="Rechercher").click()
    expect(page.locator("table.dossiers tbody tr")).to_have_count(1)
    expect(page.locator("table.dossiers tbody tr")).to_contain_text("Éclairage Lumière SARL")
    page.locator("table.dossiers").get_by_role("link", name=lighting.number).click()

    # The dossier: she raises its priority and writes what the call gave.
    expect(page.get_by_role("heading", level=1)).to_contain_text(lighting.number)
    page.get_by_role("link", name="Modifier le dossier").click()
    page.get_by_label("Priorité").select_option("1")
    page.get_by_label("Résumé").fill("M. Lefèvre promet un virement vendredi")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator("#general")).to_contain_text("M. Lefèvre promet un virement vendredi")
    lighting.refresh_from_db()
    assert (lighting.priority, lighting.summary) == (1, "M. Lefèvre promet un virement vendredi")
    assert lighting.journal.filter(action="dossier_changed").exists()

    # Its e-mail step is waiting in the outbox: she previews it and sends it now.
    step = page.locator("table.interventions tbody tr", has_text="E-mail de relance courtoise")
    expect(step).to_contain_text("E-mail en attente")
    _screenshots(page, "dossier")
    step.get_by_role("link", name="Voir l'e-mail").click()
    expect(page.locator(".email-fields")).to_contain_text("compta@eclairage.fr")
    expect(page.locator("iframe.letter-frame")).to_be_visible()
    page.get_by_role("button", name="Envoyer maintenant").click()
    expect(page.get_by_text("L'e-mail part au prochain passage de l'envoi")).to_be_visible()
    assert mail_server.received == []  # handed to the worker, not sent by the page

    # The worker (cron's `recouvrement send-emails`) sends it; the row says so.
    assert cli.main(["send-emails"]) == 0
    assert [m["To"] for m in mail_server.received] == ["compta@eclairage.fr"]
    page.goto(f"{url}/dossiers/{lighting.pk}/")
    expect(step).to_contain_text("Envoyé le")

    # The customer page, from the dossier's client name.
    page.locator(".page-head").get_by_role("link", name="Éclairage Lumière SARL").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Éclairage Lumière SARL")
    expect(page.locator('a[href^="tel:"]').first).to_be_visible()
    _screenshots(page, "client")

    # Afternoon: the call is made, then one « Exécuter » on two letters and an e-mail.
    page.goto(f"{url}/gestion-des-actions/")
    bar = page.locator(".batch-bar")
    page.get_by_label(f"Sélectionner {call.dossier.number} {call.label}").check()
    bar.get_by_label("Commentaire").fill("Appel passé : règlement sous huit jours")
    bar.get_by_role("button", name="Exécuter").click()
    expect(page.get_by_role("status")).to_contain_text("1 action réalisée")
    assert Intervention.objects.get(pk=call.pk).status == InterventionStatus.DONE

    for row in (*letters, email):
        page.get_by_label(f"Sélectionner {row.dossier.number} {row.label}").check()
    with page.expect_popup() as popup_info:
        bar.get_by_role("button", name="Exécuter").click()
    pdf = popup_info.value
    pdf.wait_for_load_state()
    page.evaluate("window.dispatchEvent(new Event('blur'))")  # headless: no tab events
    pdf.close()
    with page.expect_navigation():
        page.evaluate("window.dispatchEvent(new Event('focus'))")
    expect(page.get_by_role("status")).to_contain_text(
        "2 courriers imprimés, 1 e-mail remis à l'envoi"
    )
    assert [Intervention.objects.get(pk=x.pk).status for x in letters] == ["done", "done"]
    assert OutgoingEmail.objects.get(intervention=email).status == OutgoingEmail.Status.PENDING
    assert Dossier.objects.get(pk=lighting.pk).priority == 1
