"""« Structure › Utilisateurs » (PRODUCT §1, O3): logins, roles, collaborator links,
deactivation, one-time reset links; manager only, every change journaled."""

import html
import re
from datetime import datetime, timedelta

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from recouvrement.db.models import Collaborator, JournalEntry, Membership
from recouvrement.domain.statuses import Role
from recouvrement.services.passwords import reset_tokens
from recouvrement.services.users import change_role, link_collaborator, unlink_collaborator
from tests.builders import a_collector, a_company, a_user

NEW_PASSWORD = "Relances-Lyon-2026"
CREATE = {
    "username": "lea",
    "first_name": "Léa",
    "last_name": "Durand",
    "email": "lea.durand@example.fr",
    "role": Role.COLLECTOR.value,
    "password": NEW_PASSWORD,
    "password_again": NEW_PASSWORD,
}


def _journal(action: str) -> list[JournalEntry]:
    return list(JournalEntry.objects.filter(action=action, dossier=None))


def _log_in(client, username: str, password: str):
    return client.post(reverse("login"), {"username": username, "password": password})


def _role(user: User) -> str:
    return Membership.objects.get(user=user).role


def _edit(client, user: User, role: Role, collaborator: Collaborator | None = None):
    data = {"role": role.value, "collaborator": collaborator.pk if collaborator else ""}
    return client.post(reverse("user_edit", args=[user.pk]), data)


def test_the_manager_creates_a_collectors_login_linked_to_a_collaborator(client, team):
    durand = a_collector(team.company, None, "Durand")
    client.force_login(team.manager)

    response = client.post(reverse("user_create"), {**CREATE, "collaborator": durand.pk})

    assert response.status_code == 302
    lea = User.objects.get(username="lea")
    assert _role(lea) == Role.COLLECTOR
    durand.refresh_from_db()
    assert durand.user == lea
    assert lea.check_password(NEW_PASSWORD)
    [row] = _journal("user_created")
    assert row.user == team.manager
    assert row.company == team.company
    assert "« lea »" in row.message and "Chargé de recouvrement" in row.message
    assert row.after["collaborator_id"] == durand.pk
    assert NEW_PASSWORD not in str(row.after) + row.message
    page = client.get(reverse("user_list")).content.decode()
    assert "lea" in page and "Claire Durand" in page
    client.logout()
    assert _log_in(client, "lea", NEW_PASSWORD).status_code == 302


def test_the_users_page_lists_logins_with_their_role_and_state(client, team):
    client.force_login(team.manager)

    page = client.get(reverse("user_list")).content.decode()

    for header in ("Nom d'utilisateur", "Profil", "Collaborateur lié", "Dernière connexion"):
        assert header in page
    assert "sophie" in page and "Consultation" in page and "Actif" in page


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("court-1", "Ce mot de passe est trop court. Il doit contenir au minimum 12 caractères."),
        ("lea.durand@example", "trop semblable"),
        ("password1234", "Ce mot de passe est trop courant."),
        ("123456789012345", "Ce mot de passe est entièrement numérique."),
    ],
)
def test_a_weak_first_password_is_refused_in_french(client, team, password, message):
    client.force_login(team.manager)

    response = client.post(
        reverse("user_create"), {**CREATE, "password": password, "password_again": password}
    )

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not User.objects.filter(username="lea").exists()
    assert not _journal("user_created")


def test_a_username_already_taken_is_refused(client, team):
    client.force_login(team.manager)

    response = client.post(reverse("user_create"), {**CREATE, "username": "Sophie"})

    assert response.status_code == 400
    assert "« Sophie » est déjà pris" in response.content.decode()


def test_the_manager_changes_a_role_and_the_journal_keeps_before_and_after(client, team):
    client.force_login(team.manager)

    response = _edit(client, team.collector_user, Role.READ_ONLY, team.collector)

    assert response.status_code == 302
    assert _role(team.collector_user) == Role.READ_ONLY
    [row] = _journal("user_role_changed")
    assert row.user == team.manager
    assert row.before == {"role": "collector"}
    assert row.after == {"role": "read_only", "user_id": team.collector_user.pk}
    assert "Chargé de recouvrement → Consultation" in row.message
    assert not _journal("user_collaborator_changed")


def test_the_manager_links_and_unlinks_a_collaborator(client, team):
    durand = a_collector(team.company, None, "Durand")
    client.force_login(team.manager)

    _edit(client, team.reader, Role.READ_ONLY, durand)
    durand.refresh_from_db()
    assert durand.user == team.reader

    _edit(client, team.reader, Role.READ_ONLY, None)
    durand.refresh_from_db()
    assert durand.user is None
    assert len(_journal("user_collaborator_changed")) == 2


def test_a_collaborator_linked_to_someone_else_is_not_offered(client, team):
    client.force_login(team.manager)

    response = _edit(client, team.reader, Role.READ_ONLY, team.collector)

    assert response.status_code == 400
    team.collector.refresh_from_db()
    assert team.collector.user == team.collector_user


def test_a_deactivated_user_cannot_log_in_and_keeps_their_journal_rows(client, team):
    client.force_login(team.collector_user)
    client.post(
        reverse("password_change"),
        {
            "old_password": "secret-pass",
            "new_password": NEW_PASSWORD,
            "new_password_again": NEW_PASSWORD,
        },
    )
    client.force_login(team.manager)

    response = client.post(reverse("user_deactivate", args=[team.collector_user.pk]))

    assert response.status_code == 302
    team.collector_user.refresh_from_db()
    assert not team.collector_user.is_active
    assert User.objects.filter(username="sophie").exists()
    assert JournalEntry.objects.filter(user=team.collector_user).exists()
    [row] = _journal("user_deactivated")
    assert row.user == team.manager and row.after["is_active"] is False
    client.logout()
    refused = _log_in(client, "sophie", NEW_PASSWORD)
    assert refused.status_code == 200 and "_auth_user_id" not in client.session

    client.force_login(team.manager)
    client.post(reverse("user_reactivate", args=[team.collector_user.pk]))
    client.logout()
    assert _log_in(client, "sophie", NEW_PASSWORD).status_code == 302
    assert len(_journal("user_reactivated")) == 1


def test_a_deactivated_users_open_session_ends(client, team):
    client.force_login(team.collector_user)
    other = Client()
    other.force_login(team.manager)

    other.post(reverse("user_deactivate", args=[team.collector_user.pk]))

    assert client.get(reverse("dossier_list")).status_code == 302


@pytest.mark.parametrize("persona", ["collector_user", "reader"])
def test_only_a_manager_opens_or_changes_the_users(client, team, persona):
    client.force_login(getattr(team, persona))
    target = team.other_collector_user

    pages = [
        client.get(reverse("user_list")),
        client.get(reverse("user_create")),
        client.post(reverse("user_create"), CREATE),
        client.get(reverse("user_edit", args=[target.pk])),
        _edit(client, target, Role.MANAGER),
        client.post(reverse("user_deactivate", args=[target.pk])),
        client.post(reverse("user_password_reset", args=[target.pk])),
    ]

    assert [page.status_code for page in pages] == [403] * len(pages)
    assert "Seul un responsable recouvrement peut gérer les utilisateurs." in (
        pages[0].content.decode()
    )
    assert "Utilisateurs" not in client.get(reverse("dossier_list")).content.decode()
    assert _role(target) == Role.COLLECTOR and User.objects.get(pk=target.pk).is_active
    assert not JournalEntry.objects.filter(action__startswith="user_").exists()


def test_the_menu_offers_the_users_page_to_the_manager(client, team):
    client.force_login(team.manager)

    page = client.get(reverse("dossier_list")).content.decode()

    assert f'href="{reverse("user_list")}">Utilisateurs</a>' in page


def test_a_user_of_another_company_is_not_found(client, team):
    stranger = a_user(a_company(name="Autre SAS"), Role.COLLECTOR, "etranger")
    client.force_login(team.manager)

    assert client.get(reverse("user_edit", args=[stranger.pk])).status_code == 404
    assert client.post(reverse("user_deactivate", args=[stranger.pk])).status_code == 404


LAST_MANAGER = "Vous êtes le dernier responsable recouvrement actif de la société"


def test_the_last_active_manager_can_neither_demote_nor_deactivate_themselves(client, team):
    client.force_login(team.manager)

    demoted = _edit(client, team.manager, Role.COLLECTOR)
    deactivated = client.post(reverse("user_deactivate", args=[team.manager.pk]), follow=True)

    assert demoted.status_code == 400
    assert LAST_MANAGER in demoted.content.decode()
    assert LAST_MANAGER in deactivated.content.decode()
    team.manager.refresh_from_db()
    assert team.manager.is_active and _role(team.manager) == Role.MANAGER
    assert not _journal("user_role_changed") and not _journal("user_deactivated")


def test_a_deactivated_manager_does_not_count_but_an_active_one_does(client, team):
    second = a_user(team.company, Role.MANAGER, "adjointe")
    second.is_active = False
    second.save()
    client.force_login(team.manager)

    assert _edit(client, team.manager, Role.COLLECTOR).status_code == 400

    client.post(reverse("user_reactivate", args=[second.pk]))
    assert _edit(client, team.manager, Role.COLLECTOR).status_code == 302
    assert _role(team.manager) == Role.COLLECTOR


# --- The one-time reset link -----------------------------------------------------------


def _issue_link(client, team) -> str:
    client.force_login(team.manager)
    response = client.post(reverse("user_password_reset", args=[team.collector_user.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    url = re.search(r'id="reset-link" value="([^"]+)"', page).group(1)
    client.logout()
    return url.removeprefix("http://testserver")


def _reset(client, path: str, password: str = NEW_PASSWORD):
    return client.post(path, {"password": password, "password_again": password})


def test_the_reset_link_is_shown_once_with_a_copy_button_without_inline_script(client, team):
    client.force_login(team.manager)

    response = client.post(reverse("user_password_reset", args=[team.collector_user.pk]))

    page = response.content.decode()
    assert response["Cache-Control"].startswith("max-age=0")
    assert "Copier le lien" in page and 'data-copy="reset-link"' in page
    assert re.search(r'<script src="[^"]*recouvrement/copy\.js" defer></script>', page)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)  # no inline script
    assert " onclick=" not in page
    [row] = _journal("password_reset_issued")
    assert row.user == team.manager and "sophie" in row.message
    token = re.search(r"/mot-de-passe/[^/]+/([^/]+)/", page).group(1)
    assert token not in str(row.after) + row.message


def test_the_reset_link_sets_a_password_once(client, team):
    path = _issue_link(client, team)

    form = client.get(path)
    done = _reset(client, path)
    again = client.get(path)

    assert form.status_code == 200 and "Choisir un mot de passe" in form.content.decode()
    assert done.status_code == 302 and done.url == reverse("password_reset_complete")
    assert "Se connecter" in client.get(done.url).content.decode()
    assert again.status_code == 400
    assert "n'est plus valable" in html.unescape(again.content.decode())
    assert _reset(client, path, "Autre-Mot-De-Passe-9").status_code == 400
    assert _log_in(client, "sophie", NEW_PASSWORD).status_code == 302
    [row] = _journal("password_reset")
    assert row.user == team.collector_user


def test_the_reset_page_refuses_a_weak_password_in_french(client, team):
    path = _issue_link(client, team)

    response = _reset(client, path, "sophie")

    assert response.status_code == 400
    assert "Il doit contenir au minimum 12 caractères." in response.content.decode()
    team.collector_user.refresh_from_db()
    assert team.collector_user.check_password("secret-pass")


@pytest.mark.parametrize(
    ("later", "status"),
    [(timedelta(hours=23, minutes=59), 200), (timedelta(hours=24, seconds=2), 400)],
)
def test_the_reset_link_expires_after_24_hours(client, team, monkeypatch, later, status):
    path = _issue_link(client, team)
    monkeypatch.setattr(reset_tokens, "_now", lambda: datetime.now() + later)

    response = client.get(path)

    assert response.status_code == status
    if status == 400:
        assert "plus de 24 heures" in response.content.decode()
        assert _reset(client, path).status_code == 400
        team.collector_user.refresh_from_db()
        assert team.collector_user.check_password("secret-pass")


def test_a_forged_link_is_refused(client, team):
    assert client.get(reverse("password_reset_confirm", args=["MQ", "faux-jeton"])).status_code == (
        400
    )
    assert client.get(reverse("password_reset_confirm", args=["%%%", "x"])).status_code == 400


def test_no_reset_link_for_a_deactivated_user(client, team):
    client.force_login(team.manager)
    client.post(reverse("user_deactivate", args=[team.collector_user.pk]))

    response = client.post(
        reverse("user_password_reset", args=[team.collector_user.pk]), follow=True
    )

    assert "est désactivé : réactivez-le d'abord" in html.unescape(response.content.decode())
    assert not _journal("password_reset_issued")


def test_the_services_change_role_and_link_for_other_callers(team):
    durand = a_collector(team.company, None, "Durand")

    assert change_role(team.company, team.reader, Role.COLLECTOR, user=team.manager)
    assert link_collaborator(team.company, team.reader, durand.pk, user=team.manager)
    durand.refresh_from_db()
    assert durand.user == team.reader and _role(team.reader) == Role.COLLECTOR
    assert unlink_collaborator(team.company, team.reader, user=team.manager)
    durand.refresh_from_db()
    assert durand.user is None
    with pytest.raises(PermissionDenied):
        change_role(team.company, team.manager, Role.READ_ONLY, user=team.collector_user)
    with pytest.raises(ValidationError, match="« responsable » est le dernier responsable"):
        change_role(team.company, team.manager, Role.READ_ONLY, user=None)  # the batch/CLI
