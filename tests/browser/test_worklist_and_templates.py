"""« Gestion des actions » batch actions (S9) and « Mise en page » (S6), clicked in Chromium.

The data is built through the builders and services; everything after the login is done in
the browser as the responsable recouvrement, with the labels the user reads.
"""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from recouvrement.db.models import Intervention
from recouvrement.domain.statuses import ActionType, InterventionStatus
from recouvrement.services.letters import letter_templates
from tests.browser.conftest import log_in
from tests.builders import a_contact, a_customer, a_dossier, a_scenario

SCREENSHOTS = Path(__file__).parent / "screenshots"
BY_PHONE = [(0, ActionType.PHONE, "Appel de relance"), (10, ActionType.LETTER, "Courrier")]
BY_LETTER = [(0, ActionType.LETTER, "Courrier de relance"), (15, ActionType.PHONE, "Appel")]


def _worklist_dossiers(page: Page) -> list[str]:
    return page.locator("table.worklist tbody tr td.dossier-cell").all_inner_texts()


def _sort(page: Page, label: str) -> None:
    page.get_by_role("navigation", name="Tri").get_by_role("link", name=label).click()
    expect(
        page.get_by_role("navigation", name="Tri").get_by_role("link", name=label)
    ).to_have_attribute("aria-current", "true")


@pytest.mark.django_db(transaction=True)
def test_the_manager_prints_and_closes_actions_from_the_worklist(
    page, live_server, team, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "documents"
    today = timezone.localdate()
    by_phone = a_scenario(team.company, steps=BY_PHONE, name="Relance téléphonique")
    by_letter = a_scenario(team.company, steps=BY_LETTER, name="Relance par courrier")

    def opened(name: str, scenario, collector, priority: int, days_ago: int):
        customer = a_customer(team.company, name=name)  # no e-mail: the letter is printed
        a_contact(customer, civility="Monsieur", first_name="Paul", last_name="Lefèvre")
        return a_dossier(
            customer,
            today=today - timedelta(days=days_ago),
            scenario=scenario,
            user=team.manager,
            collector=collector,
            priority=priority,
        )

    # (priority, chargé, date prévue): Martin 2 J-5, Benali 2 J-1 (the letter), Martin 1 J-3.
    phone = opened("Garage Benoît", by_phone, team.collector, 2, days_ago=5)
    letter = opened("Hôtel du Parc", by_letter, team.other_collector, 2, days_ago=1)
    urgent = opened("Fromagerie Lacroix", by_phone, team.collector, 1, days_ago=3)
    SCREENSHOTS.mkdir(exist_ok=True)

    # The manager opens « Gestion des actions »: every chargé's actions, priority first.
    log_in(page, live_server.url, "responsable")
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Gestion des actions"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gestion des actions")
    expect(page.locator("select[name=charge]")).to_have_value("tous")  # « Tous les chargés »
    expect(page.locator("table.worklist tbody tr")).to_have_count(3)
    by_priority = [urgent.number, letter.number, phone.number]  # 1; then 2: Benali, Martin
    assert _worklist_dossiers(page) == by_priority

    _sort(page, "Chargé et priorité")
    assert _worklist_dossiers(page) == [letter.number, urgent.number, phone.number]
    _sort(page, "Date prévue")
    assert _worklist_dossiers(page) == [phone.number, urgent.number, letter.number]
    _sort(page, "Priorité et chargé")
    assert _worklist_dossiers(page) == by_priority
    letter_row = page.locator("table.worklist tbody tr", has_text=letter.number)
    expect(letter_row.locator("td").nth(6)).to_have_text("Courrier de relance")
    expect(letter_row.locator("td").nth(7)).to_have_text("Courrier")

    # The letter's row selected, « Exécuter »: its PDF opens in a new tab.
    page.get_by_label(f"Sélectionner {letter.number} Courrier de relance").check()
    with (
        page.context.expect_event(
            "response", predicate=lambda r: r.url.endswith("/gestion-des-actions/traiter/")
        ) as printed_info,
        page.expect_popup() as popup_info,
    ):
        page.get_by_role("button", name="Exécuter").click()
    printed = printed_info.value
    popup = popup_info.value
    assert printed.status == 200
    assert printed.headers["content-type"] == "application/pdf"
    assert printed.headers["content-disposition"].startswith('inline; filename="courriers-')
    # Chromium shows it in its PDF viewer (the body read back is the viewer's page): the
    # bytes are checked below, on the printed letter filed in the dossier.
    popup.close()
    done = Intervention.objects.get(dossier=letter, label="Courrier de relance")
    assert done.status == InterventionStatus.DONE

    # Back on the worklist: the letter is no longer « A faire », the summary line is there.
    page.reload()
    expect(page.get_by_role("status")).to_have_text("1 courrier imprimé.")
    expect(page.locator("table.worklist tbody tr")).to_have_count(2)
    assert _worklist_dossiers(page) == [urgent.number, phone.number]

    # Another row, « Marquer réalisée »: it leaves the list, the summary says so.
    page.get_by_label(f"Sélectionner {phone.number} Appel de relance").check()
    page.get_by_role("button", name="Marquer réalisée").click()
    expect(page.get_by_role("status")).to_have_text("1 action réalisée.")
    expect(page.locator("table.worklist tbody tr")).to_have_count(1)
    assert _worklist_dossiers(page) == [urgent.number]
    assert (
        Intervention.objects.get(dossier=phone, label="Appel de relance").status
        == InterventionStatus.DONE
    )
    page.screenshot(path=SCREENSHOTS / "worklist-batch.png", full_page=True)

    # The printed letter is filed on its intervention: the dossier's « PDF » link serves it.
    page.goto(f"{live_server.url}/dossiers/{letter.pk}/")
    filed_row = page.locator("#interventions-tab tbody tr", has_text="Courrier de relance")
    expect(filed_row.locator("td").nth(3)).to_have_text("Réalisée")
    pdf_href = filed_row.get_by_role("link", name="PDF").get_attribute("href")
    filed = page.request.get(live_server.url + pdf_href)
    assert filed.headers["content-type"] == "application/pdf"
    assert filed.body().startswith(b"%PDF")


@pytest.mark.django_db(transaction=True)
def test_the_manager_edits_a_letter_template_and_previews_it(page, live_server, team):
    courteous = letter_templates(team.company)["relance_courtoise"]
    subject, body = courteous.subject, courteous.body
    customer = a_customer(team.company, name="Boulangerie Des Terreaux SARL")
    a_contact(customer, civility="Monsieur", first_name="Paul", last_name="Lefèvre")
    dossier = a_dossier(customer, today=timezone.localdate(), user=team.manager)
    SCREENSHOTS.mkdir(exist_ok=True)

    # « Structure ▾ › Modèles de courrier » › « Relance courtoise ».
    log_in(page, live_server.url, "responsable")
    menu = page.get_by_role("navigation", name="Menu principal")
    menu.locator("summary", has_text="Structure").click()
    menu.get_by_role("link", name="Modèles de courrier").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Modèles de courrier")
    page.get_by_role("link", name="Relance courtoise").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Relance courtoise")
    expect(page.get_by_label("Objet")).to_have_value(subject)

    # An unknown variable: refused with its line, the template in use unchanged.
    broken = body.rstrip("\n") + "\n\nVotre code client : {{ client.nm }}\n"
    line = broken.count("\n", 0, broken.index("{{ client.nm }}")) + 1
    page.get_by_label("Texte").fill(broken)
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("alert")).to_contain_text(f"Ligne {line} :")
    expect(page.get_by_role("alert")).to_contain_text("{{ client.nm }}")
    expect(page.get_by_role("alert")).to_contain_text("le modèle en service reste inchangé")
    courteous.refresh_from_db()
    assert (courteous.subject, courteous.body) == (subject, body)

    # Fixed, with a new subject: saved.
    new_subject = "Rappel amical — facture(s) échue(s)"
    page.get_by_label("Objet").fill(new_subject)
    page.get_by_label("Texte").fill(broken.replace("{{ client.nm }}", "{{ client.code }}"))
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("status")).to_have_text("Modèle enregistré.")
    expect(page.get_by_role("alert")).to_have_count(0)
    courteous.refresh_from_db()
    assert courteous.subject == new_subject
    assert "{{ client.code }}" in courteous.body

    # « Aperçu » on the dossier: the preview frame loads the PDF.
    page.get_by_label("Dossier de l'aperçu").select_option(
        label=f"{dossier.number} — Boulangerie Des Terreaux SARL"
    )
    with page.expect_response(lambda r: r.url.endswith("/apercu/")) as preview_info:
        page.get_by_role("button", name="Aperçu").click()
    preview = preview_info.value
    assert preview.status == 200
    assert preview.headers["content-type"] == "application/pdf"
    page.frame(name="apercu").wait_for_url(preview.url)  # the frame shows that response
    # The same preview, posted again with the form's token, is a PDF (nothing is stored).
    token = page.locator("form.template-editor input[name=csrfmiddlewaretoken]").input_value()
    again = page.request.post(
        preview.url,
        form={
            "csrfmiddlewaretoken": token,
            "subject": new_subject,
            "body": courteous.body,
            "dossier": str(dossier.pk),
        },
        headers={"Referer": page.url},
    )
    assert again.headers["content-type"] == "application/pdf"
    assert again.body().startswith(b"%PDF")
    page.wait_for_timeout(2000)  # only for the screenshot: the viewer draws the page late
    page.screenshot(path=SCREENSHOTS / "template-editor.png", full_page=True)
