"""« Mon compte › Changer le mot de passe » (PRODUCT §1, O3): every role, Django's validators
with their French messages, the session kept, the journal written (never the password)."""

import pytest
from django.urls import reverse

from recouvrement.db.models import JournalEntry

OLD = "secret-pass"  # tests.builders.a_user
NEW = "Relances-Lyon-2026"


def _change(client, old: str = OLD, new: str = NEW, again: str | None = None):
    return client.post(
        reverse("password_change"),
        {"old_password": old, "new_password": new, "new_password_again": again or new},
    )


def _logs_in(client, username: str, password: str) -> bool:
    client.logout()
    client.post(reverse("login"), {"username": username, "password": password})
    return "_auth_user_id" in client.session


@pytest.mark.parametrize("persona", ["manager", "collector_user", "reader"])
def test_every_role_changes_their_own_password(client, team, persona):
    user = getattr(team, persona)
    client.force_login(user)

    response = _change(client)

    assert response.status_code == 302 and response.url == reverse("password_change")
    followed = client.get(response.url).content.decode()
    assert "Votre mot de passe est modifié." in followed  # still signed in
    [row] = JournalEntry.objects.filter(action="password_changed", dossier=None)
    assert row.user == user and row.company == team.company
    assert NEW not in f"{row.message}{row.before}{row.after}"
    assert not _logs_in(client, user.username, OLD)
    assert _logs_in(client, user.username, NEW)


def test_the_top_bar_leads_every_user_to_their_account(client, team):
    client.force_login(team.reader)

    page = client.get(reverse("dossier_list")).content.decode()

    assert f'href="{reverse("password_change")}"' in page and "Mon compte" in page
    account = client.get(reverse("password_change")).content.decode()
    assert "Changer le mot de passe" in account
    assert "Votre mot de passe doit contenir au minimum 12 caractères." in account


def test_a_wrong_current_password_is_refused(client, team):
    client.force_login(team.collector_user)

    response = _change(client, old="pas-le-bon-mot")

    assert response.status_code == 400
    assert "Votre mot de passe actuel est incorrect." in response.content.decode()
    team.collector_user.refresh_from_db()
    assert team.collector_user.check_password(OLD)
    assert not JournalEntry.objects.filter(action="password_changed").exists()


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("Lyon-2026", "Ce mot de passe est trop court. Il doit contenir au minimum 12 caractères."),
        ("sophie.martin@atelier", "Le mot de passe est trop semblable au champ"),
        ("password1234", "Ce mot de passe est trop courant."),
        ("202620262026", "Ce mot de passe est entièrement numérique."),
    ],
)
def test_a_weak_new_password_is_refused_with_the_french_message(client, team, new, message):
    team.collector_user.email = "sophie.martin@atelier-rhone.fr"
    team.collector_user.save()
    client.force_login(team.collector_user)

    response = _change(client, new=new)

    assert response.status_code == 400
    assert message in response.content.decode()
    team.collector_user.refresh_from_db()
    assert team.collector_user.check_password(OLD)


def test_the_confirmation_must_repeat_the_new_password(client, team):
    client.force_login(team.collector_user)

    response = _change(client, again="Relances-Lyon-2027")

    assert response.status_code == 400
    assert "Les deux mots de passe ne correspondent pas." in response.content.decode()


def test_the_new_password_differs_from_the_current_one(client, team):
    team.collector_user.set_password(NEW)
    team.collector_user.save()
    client.force_login(team.collector_user)

    response = _change(client, old=NEW, new=NEW)

    assert response.status_code == 400
    assert "doit être différent" in response.content.decode()


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, db):
    response = client.get(reverse("password_change"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
