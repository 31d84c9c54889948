"""The seed's whole story, clicked in Chromium: « Gérer les interventions d'un dossier ».

The data is built through the builders and services; everything after the login is done in
the browser, with the labels the user reads (S2–S12).
"""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from recouvrement.domain.statuses import ActionType
from tests.browser.conftest import log_in
from tests.builders import a_contact, a_customer, a_dossier, a_scenario

SCREENSHOTS = Path(__file__).parent / "screenshots"
CALL_LETTER_NOTICE = [
    (0, ActionType.PHONE, "Appel de relance"),
    (0, ActionType.LETTER, "Courrier de relance"),
    (15, ActionType.FORMAL_NOTICE, "Mise en demeure"),
]
PROMISE = re.compile(r"Promesse de règlement de 1\s234,56\s€")
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _row(page: Page, text: str | re.Pattern) -> Locator:
    """The row of the « Interventions » tab showing `text` (the entry line when selected)."""
    return page.locator("#interventions-tab tbody tr[id^=intervention-]", has_text=text)


def _cell(row: Locator, column: int) -> Locator:
    return row.locator("td").nth(column)  # Date, Étape, Type d'action, Statut, …, Document


def _select(page: Page, text: str | re.Pattern) -> None:
    """« Modifier » on a row: its ligne de saisie opens, with its menus."""
    _row(page, text).get_by_role("link", name="Modifier").click()
    expect(page.locator("tr.entry-line")).to_contain_text(text)


def _message(page: Page, text: str | re.Pattern) -> None:
    expect(page.get_by_role("status")).to_contain_text(text)


def _mark_done(page: Page, label: str) -> None:
    """« Paramètres › Réalisée » on the selected row."""
    _select(page, label)
    page.locator("tr.entry-menus summary", has_text="Paramètres").click()
    page.locator("tr.entry-menus").get_by_role("button", name="Réalisée").click()
    _message(page, f"« {label} » : statut « Réalisée ».")
    expect(_cell(_row(page, label), 3)).to_have_text("Réalisée")


def _worklist_dossiers(page: Page) -> list[str]:
    return page.locator("table.worklist tbody tr td.dossier-cell").all_inner_texts()


@pytest.mark.django_db(transaction=True)
def test_sophie_follows_the_seed_story_in_the_browser(page, live_server, team, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "documents"
    today = timezone.localdate()
    scenario = a_scenario(team.company, steps=CALL_LETTER_NOTICE, name="Relance par courrier")

    def opened(name: str, collector, priority: int):
        customer = a_customer(team.company, name=name)  # no e-mail: the letter is printed
        a_contact(customer, civility="Monsieur", first_name="Paul", last_name="Lefèvre")
        return a_dossier(
            customer,
            today=today,
            scenario=scenario,
            user=team.manager,
            collector=collector,
            priority=priority,
        )

    dossier = opened("Boulangerie Des Terreaux SARL", team.collector, 3)
    urgent = opened("Hôtel du Parc", team.collector, 1)
    karims = opened("Garage Benoît", team.other_collector, 2)
    second = opened("Fromagerie Lacroix", team.collector, 2)
    SCREENSHOTS.mkdir(exist_ok=True)

    # Sophie logs in and opens « Dossiers de recouvrement ».
    log_in(page, live_server.url, "sophie")
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Dossiers de recouvrement"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dossiers de recouvrement")
    page.get_by_role("link", name=dossier.number, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Dossier {dossier.number}")

    # The scenario's first step is « A faire » (S2).
    call = _row(page, "Appel de relance")
    expect(_cell(call, 2)).to_have_text("Téléphone")
    expect(_cell(call, 3)).to_have_text("A faire")

    # « Modifier »: the ligne de saisie; a contact and a comment, then « Enregistrer » (S3).
    _select(page, "Appel de relance")
    entry = page.locator("tr.entry-line")
    entry.get_by_label("Contact").select_option(label="Monsieur Paul Lefèvre")
    entry.get_by_label("Commentaire").fill("Promet d'appeler le comptable")
    entry.get_by_role("button", name="Enregistrer").click()
    _message(page, "Intervention « Appel de relance » enregistrée.")
    expect(page.locator("tr.entry-line")).to_have_count(0)
    expect(_cell(call, 5)).to_have_text("Monsieur Paul Lefèvre")
    expect(_cell(call, 6)).to_have_text("Promet d'appeler le comptable")

    # « Paramètres › Réalisée » (S4).
    _mark_done(page, "Appel de relance")

    # « Fonctions › Préparer »: the next step is a letter, the print window opens (S5).
    page.get_by_role("toolbar", name="Interventions").locator(
        "summary", has_text="Fonctions"
    ).click()
    page.get_by_role("button", name="Préparer", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Impression du courrier")
    expect(page.locator(".print-state")).to_contain_text("rien n'est enregistré")
    page.get_by_role("button", name="Imprimer").click()
    expect(page.locator(".print-state")).to_contain_text("l'intervention est « Réalisée »")
    _message(page, "Courrier imprimé : « Courrier de relance » est « Réalisée ».")
    page.get_by_role("link", name="Retour au dossier").click()

    # The letter's row is « Réalisée », with the printed letter's PDF (S7).
    letter = _row(page, "Courrier de relance")
    expect(_cell(letter, 3)).to_have_text("Réalisée")
    pdf_link = _cell(letter, 2).get_by_role("link", name="PDF")
    expect(pdf_link).to_be_visible()
    printed = page.request.get(live_server.url + pdf_link.get_attribute("href"))
    assert printed.headers["content-type"] == "application/pdf"
    assert printed.body().startswith(b"%PDF")

    # « Créer une intervention »: an Alerte (date, message) … (S11)
    page.get_by_role("link", name="Créer une intervention").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Créer une intervention")
    page.get_by_role("radio", name="Alerte").check()
    page.get_by_label("Date", exact=True).fill(f"{today:%Y-%m-%d}")
    page.get_by_label("Commentaire / message").fill("Rappeler M. Lefèvre vendredi")
    page.get_by_role("button", name="Créer").click()
    _message(page, "Alerte « Alerte » créée.")
    alert = _row(page, "Rappeler M. Lefèvre vendredi")
    expect(_cell(alert, 1)).to_have_text("Alerte")
    expect(_cell(alert, 3)).to_have_text("A faire")

    # … and a Promesse (amount « 1 234,56 », date).
    page.get_by_role("link", name="Créer une intervention").click()
    page.get_by_role("radio", name="Promesse").check()
    page.get_by_label("Date", exact=True).fill(f"{today + timedelta(days=7):%Y-%m-%d}")
    page.get_by_label("Montant promis").fill("1 234,56")
    page.get_by_role("button", name="Créer").click()
    promise = _row(page, PROMISE)
    expect(_cell(promise, 0)).to_have_text(f"{today + timedelta(days=7):%d/%m/%Y}")
    expect(_cell(promise, 3)).to_have_text("A faire")

    # « Actions › Attacher un document… » on the alert: the 📎 in « Document » (S10).
    _select(page, "Alerte")
    page.locator("tr.entry-menus summary", has_text="Actions").click()
    page.get_by_role("link", name="Attacher un document…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Attacher un document…")
    upload = tmp_path / "accuse-reception.pdf"
    upload.write_bytes(PDF)
    page.get_by_label("Document").set_input_files(upload)
    page.get_by_role("button", name="Valider").click()
    _message(page, "Document « accuse-reception.pdf » attaché.")
    expect(_cell(alert, 7)).to_have_text("📎 accuse-reception.pdf")
    attached = page.request.get(
        live_server.url + _cell(alert, 7).get_by_role("link").get_attribute("href")
    )
    assert attached.body() == PDF

    # « Supprimer » the promise, the confirmation accepted (S12).
    _select(page, PROMISE)
    questions: list[str] = []

    def accept(dialog) -> None:
        questions.append(dialog.message)
        dialog.accept()

    page.once("dialog", accept)
    page.locator("tr.entry-menus").get_by_role("link", name="Supprimer").click()
    _message(page, "supprimée.")
    assert len(questions) == 1 and questions[0].startswith("Voulez-vous supprimer l'intervention")
    expect(_row(page, PROMISE)).to_have_count(0)
    expect(_row(page, "Alerte")).to_have_count(1)

    # « Gestion des actions »: what is due, by priority then chargé (S9).
    page.get_by_role("link", name="Gestion des actions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gestion des actions")
    expect(page.get_by_role("link", name="Mes actions")).to_have_attribute("aria-current", "true")
    mine = [urgent.number, second.number, dossier.number]
    expect(page.locator("table.worklist tbody tr")).to_have_count(3)
    assert _worklist_dossiers(page) == mine
    page.get_by_role("link", name="Tous les chargés").click()
    expect(page.locator("table.worklist tbody tr")).to_have_count(4)
    # Priority 1 before 2 whatever the chargé; within priority 2, Benali before Martin.
    assert _worklist_dossiers(page) == [urgent.number, karims.number, second.number, dossier.number]
    story_row = page.locator("table.worklist tbody tr", has_text=dossier.number)
    # The alert's row reads its message, no longer « Alerte / Alerte » (issue 13 §2).
    expect(story_row.locator("td").nth(6)).to_have_text("Rappeler M. Lefèvre vendredi")
    expect(story_row.locator("td").nth(7)).to_have_text("Alerte")
    page.screenshot(path=SCREENSHOTS / "worklist.png", full_page=True)

    # Back on the dossier: the alert done, « Fermer » offers the next step (S8).
    story_row.get_by_role("link", name=dossier.number).click()
    _mark_done(page, "Alerte")
    statuses = page.locator("#interventions-tab tbody tr td:nth-child(4)").all_inner_texts()
    assert statuses == ["Réalisée"] * 3
    page.screenshot(path=SCREENSHOTS / "dossier.png", full_page=True)
    page.get_by_role("link", name="Fermer").click()
    expect(page.get_by_role("alertdialog")).to_contain_text(
        "Voulez-vous préparer l'intervention suivante ?"
    )
    expect(page.get_by_role("button", name="Oui")).to_be_visible()
    expect(page.get_by_role("link", name="Non")).to_be_visible()
