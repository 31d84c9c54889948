"""« Première installation » (PRODUCT §9 O1) clicked in Chromium on an empty database: the
link `recouvrement serve` prints, the form, then the new manager logs in with the password
they chose, creates a collector's login, and the collector logs in and changes their password
(issue 11's first day, in one story)."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from recouvrement.db.models import Company
from recouvrement.services.companies import open_first_run
from tests.browser.conftest import log_in
from tests.browser.test_users import _log_out, _open_users

SCREENSHOTS = Path(__file__).parent / "screenshots"
PASSWORD = "Tournesol-Clair-2026"


@pytest.mark.django_db(transaction=True)
def test_the_first_run_link_creates_the_company_and_its_manager_logs_in(page: Page, live_server):
    url = live_server.url
    token = open_first_run()  # what `recouvrement serve` prints on an empty database

    page.goto(f"{url}/dossiers/")
    expect(page.get_by_role("heading", name="Première installation")).to_be_visible()
    expect(page.get_by_text("recouvrement serve")).to_be_visible()

    page.goto(f"{url}/premiere-installation/")
    expect(page.get_by_role("heading", name="Accès refusé")).to_be_visible()
    expect(page.locator("form")).to_have_count(0)

    page.goto(f"{url}/premiere-installation/?jeton={token}")
    page.get_by_label("Raison sociale").fill("Atelier Dupont SARL")
    page.get_by_label("SIREN").fill("732 829 321")  # a wrong key, as typed by mistake
    page.get_by_label("Adresse").fill("12 rue Mercière")
    page.get_by_label("Code postal").fill("69002")
    page.get_by_label("Ville").fill("Lyon")
    page.get_by_label("IBAN").fill("FR76 3000 6000 0112 3456 7890 189")
    page.get_by_label("BIC").fill("AGRIFRPP")
    page.get_by_label("Identifiant de connexion").fill("claire.dupont")
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.get_by_label("Confirmation du mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Créer la société").click()

    expect(page.get_by_text("n'est pas valide (clé de contrôle erronée)")).to_be_visible()
    page.get_by_label("SIREN").fill("732 829 320")
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.get_by_label("Confirmation du mot de passe").fill(PASSWORD)
    page.screenshot(path=str(SCREENSHOTS / "first-run.png"), full_page=True)
    page.get_by_role("button", name="Créer la société").click()

    expect(page.get_by_text("La société « Atelier Dupont SARL » est créée")).to_be_visible()
    expect(page.get_by_title("Société")).to_have_text("Atelier Dupont SARL")
    assert Company.objects.get().siren == "732829320"
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_role("heading", name="Connexion")).to_be_visible()
    expect(page.get_by_text("Première installation")).to_have_count(0)

    log_in(page, url, "claire.dupont", PASSWORD)
    expect(page.get_by_text("Responsable recouvrement").first).to_be_visible()
    page.goto(f"{url}/premiere-installation/?jeton={token}")
    expect(page.get_by_text("la société existe déjà")).to_be_visible()

    # The new manager gives a collector a login; the collector chooses their own password.
    page.goto(f"{url}/dossiers/")
    _open_users(page)
    page.get_by_role("link", name="Nouvel utilisateur").click()
    page.get_by_label("Nom d'utilisateur").fill("marc.vidal")
    page.get_by_label("Profil").select_option(label="Chargé de recouvrement")
    page.get_by_label("Mot de passe", exact=True).fill("Premier-Acces-2026")
    page.get_by_label("Confirmation du mot de passe").fill("Premier-Acces-2026")
    page.get_by_role("button", name="Créer l'utilisateur").click()
    expect(page.get_by_text("Utilisateur « marc.vidal » créé.")).to_be_visible()
    _log_out(page)

    log_in(page, url, "marc.vidal", "Premier-Acces-2026")
    page.get_by_role("link", name="Mon compte").click()
    page.get_by_label("Mot de passe actuel").fill("Premier-Acces-2026")
    page.get_by_label("Nouveau mot de passe", exact=True).fill("Ma-Phrase-Secrete-42")
    page.get_by_label("Confirmation du nouveau mot de passe").fill("Ma-Phrase-Secrete-42")
    page.get_by_role("button", name="Changer le mot de passe").click()
    expect(page.get_by_text("Votre mot de passe est modifié.")).to_be_visible()
    _log_out(page)
    log_in(page, url, "marc.vidal", "Ma-Phrase-Secrete-42")
    expect(page.get_by_text("Chargé de recouvrement").first).to_be_visible()
