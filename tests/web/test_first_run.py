"""The web « Première installation » (PRODUCT §9 O1): a database without a company leads to
it, only the one-time token `recouvrement serve` prints opens it, and it creates the company,
its default scenarios and letter templates and its first manager, who is then logged in."""

import pytest
from django.contrib.auth.models import User
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from recouvrement.db.models import (
    Company,
    FirstRunToken,
    JournalEntry,
    LetterTemplate,
    Membership,
    Scenario,
)
from recouvrement.domain.statuses import Role
from recouvrement.services.companies import open_first_run

SIREN, IBAN = "732 829 320", "FR76 3000 6000 0112 3456 7890 189"
PASSWORD = "Tournesol-Clair-2026"
FORM = {
    "name": "Atelier Dupont SARL",
    "siren": SIREN,
    "address": "12 rue Mercière",
    "postal_code": "69002",
    "city": "Lyon",
    "iban": IBAN,
    "bic": "AGRIFRPP",
    "email": "compta@atelier-dupont.fr",
    "phone": "04 72 00 00 00",
    "manager": "claire.dupont",
    "manager_email": "claire@atelier-dupont.fr",
    "password": PASSWORD,
    "password_confirm": PASSWORD,
}


def first_run_url(token: str | None) -> str:
    return reverse("first_run") + (f"?jeton={token}" if token else "")


def pages_without_arguments(resolver=None, prefix: str = "") -> list[str]:
    """Every URL of the app that takes no argument (each area's lists and forms)."""
    resolver = resolver or get_resolver()
    found = []
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if pattern.pattern.converters:
            continue
        if isinstance(pattern, URLResolver):
            found += pages_without_arguments(pattern, route)
        elif isinstance(pattern, URLPattern):
            found.append("/" + route)
    return sorted(set(found))


# --- A database without a company ----------------------------------------------------------


def test_every_page_of_a_database_without_company_leads_to_premiere_installation(client, db):
    pages = pages_without_arguments()
    assert {"/", "/dossiers/", "/connexion/", "/premiere-installation/"} <= set(pages)
    led = []

    for url in pages:
        response = client.get(url, follow=True)

        assert response.status_code < 500, url
        if response.redirect_chain or url == reverse("login"):  # every page that needs a login
            assert response.status_code == 200, url
            assert response.request["PATH_INFO"] == reverse("login"), url
            page = response.content.decode()
            assert "Première installation" in page, url
            assert "recouvrement serve" in page and "recouvrement init" in page, url
            led.append(url)
    assert {"/", "/dossiers/", "/connexion/", "/structure/scenarios/", "/imports/"} <= set(led)
    assert client.get(reverse("first_run")).status_code == 403  # itself: only with its token


def test_no_page_answers_500_to_a_user_logged_in_on_a_database_without_company(
    client, django_user_model
):
    admin = django_user_model.objects.create_superuser("admin", password="x" * 12)
    client.force_login(admin)

    for url in pages_without_arguments():
        response = client.get(url)

        assert response.status_code < 500, url


def test_once_a_company_exists_the_login_page_shows_no_first_run_notice(client, team):
    page = client.get(reverse("login")).content.decode()

    assert "Se connecter" in page
    assert "Première installation" not in page


# --- The one-time token --------------------------------------------------------------------


@pytest.mark.parametrize("token", [None, "", "pas-le-bon-jeton"])
def test_without_the_printed_token_the_first_run_page_is_refused_in_french(client, db, token):
    open_first_run()

    response = client.get(first_run_url(token))

    assert response.status_code == 403
    page = response.content.decode()
    assert "Accès refusé" in page
    assert "Lien de première installation absent ou erroné" in page
    assert "recouvrement serve" in page
    assert "<form" not in page


def test_a_post_with_a_wrong_token_creates_nothing(client, db):
    open_first_run()

    response = client.post(first_run_url("faux"), {**FORM, "jeton": "faux"})

    assert response.status_code == 403
    assert not Company.objects.exists()
    assert not User.objects.exists()


def test_with_the_token_the_page_asks_for_the_company_and_its_first_manager(client, db):
    token = open_first_run()

    response = client.get(first_run_url(token))

    assert response.status_code == 200
    page = response.content.decode()
    assert "<title>Première installation — Recouvrement</title>" in page
    for label in (
        "Raison sociale",
        "SIREN",
        "Ville",
        "IBAN",
        "BIC",
        "Identifiant de connexion",
        "Mot de passe",
        "Confirmation du mot de passe",
        "Créer la société",
    ):
        assert label in page
    assert f'name="jeton" value="{token}"' in page
    assert FirstRunToken.objects.get().digest != token  # only its digest is kept


def test_the_install_creates_the_company_its_defaults_and_its_manager_who_is_logged_in(client, db):
    token = open_first_run()

    response = client.post(first_run_url(token), {**FORM, "jeton": token})

    assert response.status_code == 302
    assert response.url == reverse("dossier_list")
    company = Company.objects.get()
    assert (company.name, company.siren, company.city) == (
        "Atelier Dupont SARL",
        "732829320",
        "Lyon",
    )
    assert company.iban == IBAN and company.bic == "AGRIFRPP"
    assert LetterTemplate.objects.filter(company=company).count() == 3
    scenarios = Scenario.objects.filter(company=company)
    assert [s.name for s in scenarios.order_by("pk")] == [
        "Relance standard",
        "Grands comptes",
        "Particuliers",
    ]
    standard = scenarios.get(is_default=True)
    assert standard.name == "Relance standard"
    assert [
        s.letter_template.code if s.letter_template else None for s in standard.steps.all()
    ] == [
        "relance_courtoise",
        None,
        "deuxieme_relance",
        "mise_en_demeure",
    ]
    manager = User.objects.get(username="claire.dupont")
    assert manager.check_password(PASSWORD)
    assert manager.email == "claire@atelier-dupont.fr"
    assert Membership.objects.get(user=manager).role == Role.MANAGER
    assert not hasattr(manager, "collaborator")  # a user, not a collaborator (as in Sage)
    assert JournalEntry.objects.filter(company=company, action="company_set_up").exists()
    page = client.get(reverse("dossier_list")).content.decode()
    assert "Atelier Dupont SARL" in page
    assert "Responsable recouvrement" in page
    assert "Importer" in page and "est créée" in page


def test_the_token_is_used_up_by_the_install(client, db):
    token = open_first_run()
    client.post(first_run_url(token), {**FORM, "jeton": token})
    client.logout()

    again = client.get(first_run_url(token))
    second = client.post(first_run_url(token), {**FORM, "siren": "552 100 554", "jeton": token})

    assert again.status_code == 403
    assert "la société existe déjà" in again.content.decode()
    assert second.status_code == 403
    assert Company.objects.count() == 1
    assert not FirstRunToken.objects.exists()


def test_every_token_serve_printed_dies_with_the_first_company(client, db):
    first, second = open_first_run(), open_first_run()  # two starts of `recouvrement serve`
    assert client.get(first_run_url(first)).status_code == 200

    client.post(first_run_url(second), {**FORM, "jeton": second})

    assert client.get(first_run_url(first)).status_code == 403
    assert open_first_run() is None  # a company exists: `serve` prints no link any more


def test_bad_identifiers_and_a_weak_password_are_shown_on_their_fields(client, db):
    token = open_first_run()
    bad = {
        **FORM,
        "siren": "123 456 789",
        "iban": "FR76 3000 6000 0112 3456 7890 188",
        "password": "court",
        "password_confirm": "court",
        "jeton": token,
    }

    response = client.post(first_run_url(token), bad)

    assert response.status_code == 400
    form = response.context["form"]
    assert "clé de contrôle erronée" in form.errors["siren"][0]
    assert "L'IBAN" in form.errors["iban"][0]
    assert any("12 caractères" in error for error in form.errors["password"])
    page = response.content.decode()
    assert "Le SIREN « 123 456 789 » n&#x27;est pas valide" in page
    assert not Company.objects.exists()
    assert client.get(first_run_url(token)).status_code == 200  # the token still opens it


def test_the_password_typed_twice_must_match(client, db):
    token = open_first_run()

    response = client.post(
        first_run_url(token), {**FORM, "password_confirm": PASSWORD + "!", "jeton": token}
    )

    assert response.status_code == 400
    assert response.context["form"].errors["password_confirm"] == [
        "Les deux mots de passe diffèrent."
    ]
    assert not Company.objects.exists()
