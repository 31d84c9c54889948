"""Signing in and out (PRODUCT §1): Django's authentication, a French login page."""

from django.urls import reverse


def test_the_login_page_answers_in_french(client, db):
    response = client.get(reverse("login"))

    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="fr">' in page
    assert "<title>Recouvrement — Connexion</title>" in page
    assert "Nom d'utilisateur" in page
    assert "Mot de passe" in page
    assert "Se connecter" in page


def test_an_anonymous_visitor_of_the_dossier_list_is_sent_to_the_login_page(client, db):
    response = client.get(reverse("dossier_list"))

    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={reverse('dossier_list')}"


def test_the_home_page_leads_a_manager_to_the_dashboard_the_others_to_the_dossiers(client, team):
    client.force_login(team.manager)

    response = client.get("/")

    assert response.status_code == 302
    assert response.url == reverse("dashboard")
    for user in (team.collector_user, team.reader):
        client.force_login(user)
        assert client.get("/").url == reverse("dossier_list")


def test_a_user_logs_in_with_their_password_and_lands_on_the_dossier_list(client, team):
    response = client.post(reverse("login"), {"username": "sophie", "password": "secret-pass"})

    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.get(response.url).url == reverse("dossier_list")
    assert client.get(reverse("dossier_list")).status_code == 200


def test_a_wrong_password_is_refused_with_a_french_message(client, team):
    response = client.post(reverse("login"), {"username": "sophie", "password": "faux"})

    assert response.status_code == 200
    assert "mot de passe valides" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_top_bar_shows_the_company_the_user_and_their_role(client, team):
    client.force_login(team.collector_user)

    response = client.get(reverse("dossier_list"))

    page = response.content.decode()
    assert "Atelier Rhône SAS" in page
    assert "sophie" in page
    assert "Chargé de recouvrement" in page
    assert "Traitement" in page
    assert "Dossiers de recouvrement" in page
    assert "Se déconnecter" in page


def test_the_role_label_of_a_manager_and_of_a_reader_is_french(client, team):
    client.force_login(team.manager)
    manager_page = client.get(reverse("dossier_list")).content.decode()
    client.force_login(team.reader)
    reader_page = client.get(reverse("dossier_list")).content.decode()

    assert "Responsable recouvrement" in manager_page
    assert "Consultation" in reader_page


def test_logging_out_is_a_post_that_ends_the_session(client, team):
    client.force_login(team.manager)

    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert response.url == reverse("login")
    assert client.get(reverse("dossier_list")).status_code == 302


def test_a_user_without_membership_is_refused_with_a_french_message(client, django_user_model):
    orphan = django_user_model.objects.create_user("orphelin", password="secret-pass")
    client.force_login(orphan)

    response = client.get(reverse("dossier_list"))

    assert response.status_code == 403
    assert "aucune société" in response.content.decode()
