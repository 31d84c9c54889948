"""The Content-Security-Policy and the throttled login, in Chromium (PRODUCT §9 O3–O4).

The manager clicks through the main pages (dossiers, a dossier, htmx interactions, « Gestion
des actions », the print window and its PDF frame, the letter template's preview) and the
browser reports no CSP violation; a collector's fifth wrong password locks the login, with
the French message, until the manager unlocks it.
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import BrowserContext, Page, expect

from recouvrement.db.models import Intervention
from recouvrement.domain.statuses import ActionType, InterventionStatus
from tests.browser.conftest import PASSWORD, log_in
from tests.builders import a_contact, a_customer, a_dossier, a_scenario

LETTER_FIRST = [(0, ActionType.LETTER, "Courrier de relance"), (8, ActionType.PHONE, "Appel")]
# Reported from every frame of every page, before any script of ours runs.
LISTEN = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__reportCsp({
    page: document.URL, directive: event.violatedDirective,
    blocked: event.blockedURI, sample: event.sample,
  });
});
"""


def _watch_csp(context: BrowserContext) -> list:
    violations: list = []
    context.expose_binding("__reportCsp", lambda source, report: violations.append(report))
    context.add_init_script(LISTEN)
    context.on(
        "console",
        lambda message: (
            violations.append(message.text)
            if "Content Security Policy" in message.text or "Refused to" in message.text
            else None
        ),
    )
    return violations


def _htmx(page: Page):
    """Waits for one request htmx made (its HX-Request header)."""
    return page.expect_request(lambda request: request.headers.get("hx-request") == "true")


def _pdf_viewer_shown(page: Page) -> None:
    """Chromium's PDF viewer (an extension frame) runs inside the page's PDF frame."""
    for _ in range(50):
        if any(frame.url.startswith("chrome-extension://") for frame in page.frames):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"no PDF viewer in {[frame.url for frame in page.frames]}")


@pytest.mark.django_db(transaction=True)
def test_the_main_pages_work_in_chromium_with_no_csp_violation(
    page, live_server, team, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "documents"
    customer = a_customer(team.company, name="Boulangerie Durand")
    a_contact(customer, civility="Madame", first_name="Anne", last_name="Durand")
    dossier = a_dossier(
        customer,
        today=timezone.localdate() - timedelta(days=1),
        user=team.manager,
        collector=team.collector,
        scenario=a_scenario(team.company, steps=LETTER_FIRST),
    )
    a_customer(team.company, name="Garage Benoît")  # for « Nouveau dossier »
    violations = _watch_csp(page.context)
    base = live_server.url

    # Dossiers › the dossier.
    log_in(page, base, "responsable")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tableau de bord")  # the landing
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Dossiers de recouvrement"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dossiers de recouvrement")
    page.get_by_role("link", name=dossier.number).click()
    expect(page.locator("#interventions-tab")).to_contain_text("Courrier de relance")

    # htmx: « Modifier » swaps the tab for its entry line, « Enregistrer » posts it.
    with _htmx(page):
        page.get_by_role("link", name="Modifier « Courrier de relance »").click()
    comment = page.locator("#interventions-tab").get_by_label("Commentaire")
    expect(comment).to_be_visible()
    comment.fill("Adresse vérifiée")
    with _htmx(page) as saved:
        page.get_by_role("button", name="Enregistrer").click()
    assert saved.value.method == "POST"
    expect(page.locator("#interventions-tab")).to_contain_text("Adresse vérifiée")
    assert Intervention.objects.get(dossier=dossier).comment == "Adresse vérifiée"

    # « Gestion des actions »: « Tout sélectionner » (a static script, no inline handler).
    menu = page.get_by_role("navigation", name="Menu principal")
    menu.get_by_role("link", name="Gestion des actions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gestion des actions")
    page.get_by_label("Tout sélectionner").check()
    for box in page.locator("input[name=ids]").all():
        expect(box).to_be_checked()

    # « Nouveau dossier »: the client picker searches as one types (htmx, accents ignored);
    # choosing the customer swaps the form in (hx-push-url).
    page.get_by_role("link", name="Nouveau dossier").click()
    page.wait_for_load_state("load")  # htmx is deferred: it must run before one types
    with _htmx(page):
        page.locator("#client-search").fill("boulangerie")
    matches = page.locator("#client-matches")
    with _htmx(page):
        matches.get_by_role("link", name=f"{customer.code} Boulangerie Durand").click()
    expect(page.get_by_role("heading", name="Dossier", exact=True)).to_be_visible()

    # The print window: the preview PDF in its frame, then « Imprimer », the printed PDF.
    page.goto(f"{base}/dossiers/{dossier.pk}/")
    page.get_by_role("link", name="Modifier « Courrier de relance »").click()
    page.locator(".entry-actions summary", has_text="Actions").click()
    with page.expect_response(lambda r: r.url.endswith("/apercu.pdf")) as preview:
        page.get_by_role("link", name="Imprimer le courrier…").click()
    assert preview.value.status == 200
    assert preview.value.headers["content-type"] == "application/pdf"
    _pdf_viewer_shown(page)  # framed by our page: neither X-Frame-Options nor the CSP block it
    with page.expect_response(lambda r: r.url.endswith("/courrier.pdf")) as printed:
        page.get_by_role("button", name="Imprimer").click()
    assert printed.value.status == 200
    expect(page.locator(".print-state")).to_contain_text("Courrier imprimé le")
    _pdf_viewer_shown(page)
    letter = Intervention.objects.get(dossier=dossier, label="Courrier de relance")
    assert letter.status == InterventionStatus.DONE
    page.get_by_role("link", name="Retour au dossier").click()
    expect(page.locator("#interventions-tab")).to_contain_text("Réalisée")

    # « Structure › Modèles de courrier »: « Aperçu » into the page's frame.
    menu.locator("summary", has_text="Structure").click()
    menu.get_by_role("link", name="Modèles de courrier").click()
    page.get_by_role("link", name="Relance courtoise").click()
    with page.expect_response(lambda r: r.url.endswith("/apercu/")) as template_preview:
        page.get_by_role("button", name="Aperçu").click()
    assert template_preview.value.headers["content-type"] == "application/pdf"
    page.frame(name="apercu").wait_for_url(template_preview.value.url)

    # « Structure › Utilisateurs » and « Mon compte ».
    menu.locator("summary", has_text="Structure").click()
    menu.get_by_role("link", name="Utilisateurs").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Utilisateurs")
    page.get_by_role("link", name="Mon compte").click()
    page.wait_for_timeout(500)  # a late violation (a frame drawn late) would still be caught

    assert violations == []


@pytest.mark.django_db(transaction=True)
def test_the_fifth_wrong_password_locks_the_login_until_the_manager_unlocks(
    browser, live_server, team, settings
):
    # Behind the proxy the client's address comes from X-Forwarded-For: the collector and the
    # manager sit at two addresses (otherwise the collector's address would lock them both).
    settings.RECOUVREMENT_BEHIND_PROXY = True
    base = live_server.url

    def at(address: str) -> Page:
        context = browser.new_context(
            locale="fr-FR", extra_http_headers={"X-Forwarded-For": address}
        )
        context.set_default_timeout(15_000)
        return context.new_page()

    sophie = at("203.0.113.7")
    sophie.goto(f"{base}/connexion/")
    for attempt in range(1, 6):
        sophie.get_by_label("Nom d'utilisateur").fill("sophie")
        sophie.get_by_label("Mot de passe").fill("mauvais-mot-de-passe")
        sophie.get_by_role("button", name="Se connecter").click()
        if attempt < 5:
            expect(sophie.get_by_role("alert")).to_contain_text("mot de passe valides")
    expect(sophie.get_by_role("alert")).to_contain_text("Trop de tentatives de connexion")

    # The right password now: refused all the same, on the French login page.
    sophie.get_by_label("Mot de passe").fill(PASSWORD)
    sophie.get_by_role("button", name="Se connecter").click()
    expect(sophie.get_by_role("alert")).to_contain_text("Réessayez dans 15 minutes")
    expect(sophie.get_by_role("heading", name="Connexion")).to_be_visible()
    expect(sophie.get_by_role("button", name="Se déconnecter")).to_have_count(0)

    # The manager, elsewhere, sees « Bloqué » and unlocks.
    manager = at("198.51.100.23")
    log_in(manager, base, "responsable")
    manager.goto(f"{base}/structure/utilisateurs/")
    row = manager.locator("table.user-list tbody tr", has_text="sophie")
    expect(row).to_contain_text("Bloqué")
    row.get_by_role("button", name="Débloquer « sophie »").click()
    expect(manager.get_by_role("status")).to_contain_text("« sophie » est débloqué")

    log_in(sophie, base, "sophie")
    sophie.context.close()
    manager.context.close()
