"""Failed logins throttled per account and per address, journaled, unlocked by a manager
(PRODUCT §9 O3; django-axes, settings AXES_*): 5 failures lock for 15 minutes."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.db.models import F
from django.test import Client
from django.urls import reverse

from recouvrement.db.models import JournalEntry

PASSWORD = "secret-pass"  # tests.builders.a_user
OFFICE = "203.0.113.7"
HOME = "198.51.100.23"
LOCKED = "Trop de tentatives de connexion"


def _log_in(client: Client, username: str, password: str, address: str = OFFICE, **extra):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address, **extra
    )


def _fail(client: Client, username: str, times: int, address: str = OFFICE) -> list[int]:
    return [_log_in(client, username, "mauvais", address).status_code for _ in range(times)]


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def _journal(action: str) -> list[JournalEntry]:
    return list(JournalEntry.objects.filter(action=action, dossier=None).order_by("id"))


def test_the_fifth_failure_locks_the_account_even_with_the_right_password_then(client, team):
    assert _fail(client, "sophie", 4) == [200, 200, 200, 200]  # « … mot de passe valides »

    fifth = _log_in(client, "sophie", "mauvais")
    right = _log_in(client, "sophie", PASSWORD)

    assert fifth.status_code == 429
    assert right.status_code == 429
    assert not _signed_in(client)
    page = right.content.decode()
    assert LOCKED in page
    assert "Réessayez dans 15 minutes" in page
    assert "demandez au responsable recouvrement de débloquer le compte" in page


def test_the_lock_answers_our_french_login_page_never_a_bare_english_one(client, team):
    _fail(client, "sophie", 5)

    page = _log_in(client, "sophie", PASSWORD).content.decode()

    assert '<html lang="fr">' in page
    assert "<title>Recouvrement — Connexion</title>" in page
    assert 'value="sophie"' in page  # the username kept in the form
    assert "Se connecter" in page
    assert "Account locked" not in page and "too many" not in page.lower()


def test_the_account_is_locked_from_every_address(client, team):
    _fail(client, "sophie", 5, address=OFFICE)

    response = _log_in(Client(), "sophie", PASSWORD, address=HOME)

    assert response.status_code == 429
    assert LOCKED in response.content.decode()


def test_the_address_is_locked_for_every_account(client, team):
    for username in ("sophie", "karim", "inconnu", "admin", "lecture"):
        _fail(client, username, 1, address=OFFICE)

    from_office = _log_in(Client(), "responsable", PASSWORD, address=OFFICE)
    from_home = _log_in(Client(), "responsable", PASSWORD, address=HOME)

    assert from_office.status_code == 429
    assert from_home.status_code == 302  # the account itself has no failure


def test_sixty_wrong_passwords_are_not_all_answered_as_normal_attempts(client, team):
    statuses = _fail(client, "sophie", 60)

    assert statuses.count(200) == 4
    assert statuses.count(429) == 56
    assert all(status == 429 for status in statuses[4:])


def test_the_lock_ends_15_minutes_after_the_last_failure(client, team):
    _fail(client, "sophie", 5)
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=16))

    response = _log_in(client, "sophie", PASSWORD)

    assert response.status_code == 302
    assert _signed_in(client)


def test_a_manager_sees_the_locked_account_and_unlocks_it(client, team):
    _fail(Client(), "sophie", 5)
    client.force_login(team.manager)

    page = client.get(reverse("user_list")).content.decode()
    assert "Bloqué" in page
    assert f'action="{reverse("user_unlock", args=[team.collector_user.pk])}"' in page
    response = client.post(reverse("user_unlock", args=[team.collector_user.pk]), follow=True)

    assert "« sophie » est débloqué" in response.content.decode()
    assert "Bloqué" not in client.get(reverse("user_list")).content.decode()
    assert _log_in(Client(), "sophie", PASSWORD).status_code == 302
    (row,) = _journal("user_unlocked")
    assert row.user == team.manager
    assert row.company == team.company
    assert "sophie" in row.message


def test_a_manager_unlocks_an_address_locked_by_typos_on_several_names(client, team):
    for username in ("sophie", "Sophie", "sophei", "sohpie", "sophie "):
        _fail(Client(), username, 1, address=OFFICE)
    client.force_login(team.manager)

    page = client.get(reverse("user_list")).content.decode()
    assert "Adresses bloquées" in page and OFFICE in page
    client.post(reverse("address_unlock"), {"address": OFFICE})

    assert _log_in(Client(), "karim", PASSWORD, address=OFFICE).status_code == 302
    (row,) = _journal("address_unlocked")
    assert OFFICE in row.message and row.user == team.manager


@pytest.mark.parametrize("who", ["collector_user", "reader"])
def test_only_a_manager_unlocks(client, team, who):
    _fail(Client(), "karim", 5)
    client.force_login(getattr(team, who))

    response = client.post(reverse("user_unlock", args=[team.other_collector_user.pk]))

    assert response.status_code == 403
    assert AccessAttempt.objects.filter(username="karim").exists()
    assert client.post(reverse("address_unlock"), {"address": OFFICE}).status_code == 403


def test_a_success_and_a_failure_are_journaled_with_the_address(client, team):
    _log_in(Client(), "sophie", "mauvais", address=HOME)
    _log_in(client, "sophie", PASSWORD, address=OFFICE)

    (failure,) = _journal("login_failed")
    (success,) = _journal("login_succeeded")
    assert failure.company == team.company and success.company == team.company
    assert HOME in failure.message and "sophie" in failure.message
    assert failure.after["ip_address"] == HOME and failure.user is None
    assert OFFICE in success.message
    assert success.after == {"username": "sophie", "ip_address": OFFICE}
    assert success.user == team.collector_user


def test_the_lock_is_journaled_once_and_the_refusals_during_it_are_not(client, team):
    _fail(client, "sophie", 30)

    failures = _journal("login_failed")

    assert len(failures) == 5
    assert "connexion bloquée 15 minutes" in failures[-1].message
    assert AccessAttempt.objects.get(username="sophie").failures_since_start == 30


def test_a_failure_on_an_unknown_name_is_kept_by_axes_not_journaled(client, team):
    _log_in(client, "personne", "mauvais", address=HOME)

    assert not _journal("login_failed")
    attempt = AccessAttempt.objects.get(username="personne")
    assert attempt.ip_address == HOME
    assert "mauvais" not in attempt.post_data  # axes never keeps the password typed


def test_behind_the_proxy_the_address_is_the_one_the_proxy_added(client, team, settings):
    settings.RECOUVREMENT_BEHIND_PROXY = True
    forwarded = {"HTTP_X_FORWARDED_FOR": f"10.9.9.9, {HOME}"}  # a client's forgery, then ours

    for _ in range(5):
        _log_in(Client(), "sophie", "mauvais", address="127.0.0.1", **forwarded)
    other = _log_in(
        Client(), "karim", PASSWORD, address="127.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.50"
    )

    assert AccessAttempt.objects.get().ip_address == HOME
    assert other.status_code == 302  # the proxy's own address is not locked
    assert _journal("login_failed")[0].after["ip_address"] == HOME
