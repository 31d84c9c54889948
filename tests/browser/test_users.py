"""« Structure › Utilisateurs » and « Mon compte » clicked in Chromium (O3): the manager
creates a collector's login, the collector changes their password; a reset link is copied."""

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from recouvrement.db.models import Collaborator
from tests.browser.conftest import log_in
from tests.builders import a_collector

SCREENSHOTS = Path(__file__).parent / "screenshots"
FIRST = "Premier-Acces-2026"
CHOSEN = "Relances-Lyon-2026"


def _open_users(page: Page) -> None:
    page.get_by_text("Structure ▾").click()
    page.get_by_role("link", name="Utilisateurs").click()
    expect(page.get_by_role("heading", name="Utilisateurs", exact=True)).to_be_visible()


def _log_out(page: Page) -> None:
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_role("heading", name="Connexion")).to_be_visible()


@pytest.mark.django_db(transaction=True)
def test_the_manager_creates_a_login_and_the_collector_changes_their_password(
    page: Page, live_server, team
):
    a_collector(team.company, None, "Durand")
    page.set_viewport_size({"width": 1366, "height": 800})
    log_in(page, live_server.url, "responsable")
    _open_users(page)

    page.get_by_role("link", name="Nouvel utilisateur").click()
    page.get_by_label("Nom d'utilisateur").fill("lea")
    page.get_by_label("Prénom").fill("Léa")
    page.get_by_label("Nom", exact=True).fill("Durand")
    page.get_by_label("Profil").select_option(label="Chargé de recouvrement")
    page.get_by_label("Collaborateur lié").select_option(label="Claire Durand")
    page.get_by_label("Mot de passe", exact=True).fill(FIRST)
    page.get_by_label("Confirmation du mot de passe").fill(FIRST)
    page.screenshot(path=SCREENSHOTS / "user-create.png", full_page=True)
    page.get_by_role("button", name="Créer l'utilisateur").click()

    expect(page.get_by_text("Utilisateur « lea » créé.")).to_be_visible()
    row = page.get_by_role("row", name="lea")
    expect(row).to_contain_text("Chargé de recouvrement")
    expect(row).to_contain_text("Claire Durand")
    page.screenshot(path=SCREENSHOTS / "users.png", full_page=True)
    assert Collaborator.objects.get(last_name="Durand").user.username == "lea"
    _log_out(page)

    log_in(page, live_server.url, "lea", FIRST)
    page.get_by_role("link", name="Mon compte").click()
    expect(page.get_by_role("heading", name="Changer le mot de passe")).to_be_visible()
    page.get_by_label("Mot de passe actuel").fill(FIRST)
    page.get_by_label("Nouveau mot de passe", exact=True).fill("lea")
    page.get_by_label("Confirmation du nouveau mot de passe").fill("lea")
    page.get_by_role("button", name="Changer le mot de passe").click()
    expect(page.get_by_text("Ce mot de passe est trop court.")).to_be_visible()
    page.get_by_label("Mot de passe actuel").fill(FIRST)
    page.get_by_label("Nouveau mot de passe", exact=True).fill(CHOSEN)
    page.get_by_label("Confirmation du nouveau mot de passe").fill(CHOSEN)
    page.get_by_role("button", name="Changer le mot de passe").click()
    expect(page.get_by_text("Votre mot de passe est modifié.")).to_be_visible()
    _log_out(page)

    log_in(page, live_server.url, "lea", CHOSEN)
    expect(page.get_by_role("heading", name="Dossiers de recouvrement")).to_be_visible()


@pytest.mark.django_db(transaction=True)
def test_the_manager_copies_a_reset_link_that_serves_once(
    browser: Browser, page: Page, live_server, team
):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.set_viewport_size({"width": 1366, "height": 800})
    log_in(page, live_server.url, "responsable")
    _open_users(page)
    page.get_by_role("link", name="sophie").click()
    page.screenshot(path=SCREENSHOTS / "user-edit.png", full_page=True)
    page.get_by_role("button", name="Réinitialiser le mot de passe").click()

    page.get_by_role("button", name="Copier le lien").click()
    expect(page.get_by_text("Lien copié")).to_be_visible()
    link = page.evaluate("navigator.clipboard.readText()")
    assert link == page.get_by_label("Lien à usage unique").input_value()
    assert "/mot-de-passe/" in link
    page.screenshot(path=SCREENSHOTS / "user-reset-link.png", full_page=True)

    visitor = browser.new_context(locale="fr-FR").new_page()
    visitor.goto(link)
    visitor.get_by_label("Nouveau mot de passe").fill(CHOSEN)
    visitor.get_by_label("Confirmation du mot de passe").fill(CHOSEN)
    visitor.get_by_role("button", name="Enregistrer le mot de passe").click()
    expect(visitor.get_by_role("heading", name="Mot de passe enregistré")).to_be_visible()
    visitor.get_by_role("link", name="Se connecter").click()
    log_in(visitor, live_server.url, "sophie", CHOSEN)
    visitor.goto(link)
    expect(visitor.get_by_text("n'est plus valable")).to_be_visible()
    visitor.context.close()
