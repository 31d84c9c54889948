"""Deployment behind HTTPS (PRODUCT §9 O4): RECOUVREMENT_HTTPS, _BEHIND_PROXY, _TRUSTED_ORIGINS,
_SESSION_HOURS; `recouvrement manage check --deploy` clean; a POST through a TLS proxy passes
CSRF; sessions end after inactivity and activity extends them."""

import os
import runpy
import secrets
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

import recouvrement.settings

COMMAND = Path(sys.executable).parent / "recouvrement"
SITE = "recouvrement.example.fr"
ONE_YEAR = 365 * 24 * 60 * 60


def _settings(monkeypatch, tmp_path, **env: str) -> dict:
    """The settings module as it reads this environment (a fresh run, not Django's copy)."""
    for name in list(os.environ):
        if name.startswith("RECOUVREMENT_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("RECOUVREMENT_DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite3'}")
    monkeypatch.setenv("RECOUVREMENT_SECRET_KEY", secrets.token_urlsafe(50))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(recouvrement.settings.__file__)


def _check_deploy(tmp_path, **env: str) -> subprocess.CompletedProcess:
    fresh = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "RECOUVREMENT_DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        "RECOUVREMENT_SECRET_KEY": secrets.token_urlsafe(50),
        "RECOUVREMENT_ALLOWED_HOSTS": SITE,
        **env,
    }
    return subprocess.run(
        [str(COMMAND), "manage", "check", "--deploy", "--fail-level", "WARNING"],
        env=fresh,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )


def test_without_https_the_cookies_are_plain_and_no_page_is_framed(monkeypatch, tmp_path):
    conf = _settings(monkeypatch, tmp_path)

    assert conf["SESSION_COOKIE_SECURE"] is False
    assert conf["SECURE_SSL_REDIRECT"] is False
    assert conf["SECURE_HSTS_SECONDS"] == 0
    assert "SECURE_PROXY_SSL_HEADER" not in conf
    assert conf["X_FRAME_OPTIONS"] == "DENY"
    assert conf["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert conf["SECURE_REFERRER_POLICY"] == "same-origin"
    assert conf["SECURE_CROSS_ORIGIN_OPENER_POLICY"] == "same-origin"


def test_https_turns_on_what_the_deployment_checklist_asks(monkeypatch, tmp_path):
    conf = _settings(monkeypatch, tmp_path, RECOUVREMENT_HTTPS="1")

    assert conf["SESSION_COOKIE_SECURE"] is True
    assert conf["CSRF_COOKIE_SECURE"] is True
    assert conf["SECURE_SSL_REDIRECT"] is True
    assert conf["SECURE_HSTS_SECONDS"] == ONE_YEAR
    assert conf["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert conf["SECURE_HSTS_PRELOAD"] is False


def test_the_hsts_duration_and_preload_are_configurable(monkeypatch, tmp_path):
    conf = _settings(
        monkeypatch,
        tmp_path,
        RECOUVREMENT_HTTPS="1",
        RECOUVREMENT_HSTS_SECONDS="3600",
        RECOUVREMENT_HSTS_PRELOAD="1",
    )

    assert conf["SECURE_HSTS_SECONDS"] == 3600
    assert conf["SECURE_HSTS_PRELOAD"] is True
    assert conf["SILENCED_SYSTEM_CHECKS"] == []


def test_behind_a_proxy_the_scheme_comes_from_x_forwarded_proto(monkeypatch, tmp_path):
    conf = _settings(
        monkeypatch,
        tmp_path,
        RECOUVREMENT_BEHIND_PROXY="1",
        RECOUVREMENT_TRUSTED_ORIGINS=f"https://{SITE}, https://autre.example.fr",
        RECOUVREMENT_SESSION_HOURS="2",
    )

    assert conf["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")
    assert conf["CSRF_TRUSTED_ORIGINS"] == [f"https://{SITE}", "https://autre.example.fr"]
    assert conf["SESSION_COOKIE_AGE"] == 2 * 60 * 60


def test_the_session_lasts_8_hours_by_default(monkeypatch, tmp_path):
    assert _settings(monkeypatch, tmp_path)["SESSION_COOKIE_AGE"] == 8 * 60 * 60


def test_check_deploy_is_clean_with_https(tmp_path):
    done = _check_deploy(tmp_path, RECOUVREMENT_HTTPS="1", RECOUVREMENT_BEHIND_PROXY="1")

    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "System check identified no issues" in output
    assert "WARNING" not in output and "security.W" not in output


def test_check_deploy_without_https_names_what_is_missing(tmp_path):
    done = _check_deploy(tmp_path)

    output = done.stdout + done.stderr
    assert done.returncode != 0
    for check in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert check in output


@pytest.fixture
def behind_proxy(settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.ALLOWED_HOSTS = [SITE, "127.0.0.1"]
    return settings


def _post_through_proxy(team, host: str, origin: str) -> int:
    client = Client(enforce_csrf_checks=True)
    https = {"HTTP_X_FORWARDED_PROTO": "https", "HTTP_HOST": host, "secure": False}
    login_page = client.get(reverse("login"), **https)
    token = login_page.context["csrf_token"]
    response = client.post(
        reverse("login"),
        {"username": "sophie", "password": "secret-pass", "csrfmiddlewaretoken": str(token)},
        HTTP_ORIGIN=origin,
        **https,
    )
    return response.status_code


def test_a_post_through_the_tls_proxy_passes_csrf(team, behind_proxy):
    assert _post_through_proxy(team, SITE, f"https://{SITE}") == 302


def test_a_proxy_that_rewrites_the_host_needs_the_trusted_origin(team, behind_proxy):
    assert _post_through_proxy(team, "127.0.0.1", f"https://{SITE}") == 403

    behind_proxy.CSRF_TRUSTED_ORIGINS = [f"https://{SITE}"]

    assert _post_through_proxy(team, "127.0.0.1", f"https://{SITE}") == 302


def test_without_the_proxy_header_the_same_post_is_refused_in_french(team, settings):
    settings.ALLOWED_HOSTS = [SITE]

    status = _post_through_proxy(team, SITE, f"https://{SITE}")

    assert status == 403


def test_the_csrf_refusal_page_is_ours_in_french(team, settings):
    client = Client(enforce_csrf_checks=True)

    response = client.post(reverse("login"), {"username": "sophie", "password": "x"})

    assert response.status_code == 403
    page = response.content.decode()
    assert "Formulaire expiré" in page and '<html lang="fr">' in page
    assert "<style" not in page


def test_with_https_a_plain_http_request_is_redirected(client, team, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_HSTS_SECONDS = ONE_YEAR
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True

    plain = client.get(reverse("login"))
    tls = client.get(reverse("login"), HTTP_X_FORWARDED_PROTO="https")

    assert plain.status_code == 301 and plain.url.startswith("https://")
    assert tls.status_code == 200
    assert tls["Strict-Transport-Security"] == f"max-age={ONE_YEAR}; includeSubDomains"


# --- Sessions end after inactivity ----------------------------------------------------------


def _session(client: Client) -> Session:
    return Session.objects.get(session_key=client.session.session_key)


def test_a_session_idle_beyond_its_age_is_logged_out(client, team):
    client.force_login(team.manager)
    assert client.get(reverse("dossier_list")).status_code == 200
    Session.objects.filter(pk=_session(client).pk).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )

    response = client.get(reverse("dossier_list"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_activity_extends_the_session(client, team, settings):
    client.force_login(team.manager)
    soon = timezone.now() + timedelta(minutes=5)
    Session.objects.filter(pk=_session(client).pk).update(expire_date=soon)

    assert client.get(reverse("dossier_list")).status_code == 200

    expires = _session(client).expire_date
    assert expires > timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)
    assert client.cookies["sessionid"]["max-age"] == settings.SESSION_COOKIE_AGE


def test_activity_renews_the_session_every_few_minutes_not_on_every_request(client, team):
    from recouvrement.web.sessions import RENEW_AFTER

    client.force_login(team.manager)
    assert client.get(reverse("dossier_list")).status_code == 200  # renewed: first activity
    renewed = _session(client).expire_date

    assert client.get(reverse("dossier_list")).status_code == 200
    assert _session(client).expire_date == renewed  # no write for a read a moment later

    session = client.session
    session["_renewed_at"] -= RENEW_AFTER  # as if the last renewal were 5 minutes old
    session.save()
    Session.objects.filter(pk=_session(client).pk).update(
        expire_date=timezone.now() + timedelta(hours=1)
    )
    assert client.get(reverse("dossier_list")).status_code == 200
    assert _session(client).expire_date > timezone.now() + timedelta(hours=7)
