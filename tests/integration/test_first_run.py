"""`recouvrement init` and `serve` on a fresh database (PRODUCT §9 O1), in process and as a
user runs them: real processes, a real terminal for the password, a real server."""

import json
import os
import pty
import re
import select
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.contrib.auth.models import User

from recouvrement import cli
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
from tests.integration.test_cli import free_port, last_json

COMMAND = [sys.executable, "-m", "recouvrement.cli"]
PASSWORD = "Tournesol-Clair-2026"
SIREN, IBAN = "732829320", "FR76 3000 6000 0112 3456 7890 189"
INIT = [
    "init",
    "--company",
    "Atelier Dupont SARL",
    "--siren",
    "732 829 320",
    "--city",
    "Lyon",
    "--iban",
    "fr7630006000011234567890189",
    "--bic",
    "AGRIFRPP",
    "--manager",
    "claire",
    "--manager-email",
    "claire@atelier-dupont.fr",
]


def fresh_env(tmp_path: Path, **extra: str) -> dict:
    """A database that does not exist yet: the environment of a new install."""
    env = {**os.environ, "RECOUVREMENT_DATABASE_URL": f"sqlite:///{tmp_path}/societe.sqlite3"}
    env.pop("RECOUVREMENT_INIT_PASSWORD", None)
    return {**env, **extra}


def run(args: list[str], env: dict, timeout: int = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*COMMAND, *args], capture_output=True, text=True, timeout=timeout, env=env
    )


# --- In process, on the test database ------------------------------------------------------


def test_init_without_input_creates_the_company_its_defaults_and_its_manager(
    db, monkeypatch, capsys
):
    monkeypatch.setenv("RECOUVREMENT_INIT_PASSWORD", PASSWORD)
    open_first_run()  # a `serve` started before: its link dies with the first company

    code = cli.main([*INIT, "--no-input", "--json"])

    assert code == 0
    out = capsys.readouterr().out
    summary = last_json(out)
    assert set(summary) >= {"company", "manager"}
    company = Company.objects.get()
    assert summary["company"]["id"] == company.pk
    assert (company.name, company.siren, company.city) == ("Atelier Dupont SARL", SIREN, "Lyon")
    assert (company.iban, company.bic) == (IBAN, "AGRIFRPP")
    assert summary["company"]["scenarios"] == ["Relance standard", "Grands comptes", "Particuliers"]
    assert Scenario.objects.get(company=company, is_default=True).name == "Relance standard"
    assert sorted(
        LetterTemplate.objects.filter(company=company).values_list("code", flat=True)
    ) == [
        "deuxieme_relance",
        "mise_en_demeure",
        "relance_courtoise",
    ]
    manager = User.objects.get(username="claire")
    assert summary["manager"] == {
        "id": manager.pk,
        "username": "claire",
        "email": "claire@atelier-dupont.fr",
        "role": "manager",
    }
    assert manager.check_password(PASSWORD)
    assert Membership.objects.get(user=manager, company=company).role == Role.MANAGER
    assert JournalEntry.objects.filter(company=company, action="company_set_up").exists()
    assert not FirstRunToken.objects.exists()
    assert "Connexion : http://127.0.0.1:8000/connexion/" in out
    assert "SIREN 732 829 320" in out


def test_a_second_company_with_the_same_siren_is_refused_with_exit_2(db, monkeypatch, capsys):
    monkeypatch.setenv("RECOUVREMENT_INIT_PASSWORD", PASSWORD)
    assert cli.main([*INIT, "--no-input"]) == 0
    capsys.readouterr()
    again = [*INIT, "--company", "Dupont Bis", "--manager", "paul", "--no-input"]

    code = cli.main(again)

    assert code == 2
    err = capsys.readouterr().err
    assert "Erreur : --siren : Une société de SIREN 732 829 320 existe déjà" in err
    assert "« Atelier Dupont SARL »" in err
    assert Company.objects.count() == 1
    assert not User.objects.filter(username="paul").exists()


def test_a_wrong_siren_or_iban_key_is_refused_in_french_and_nothing_is_created(
    db, monkeypatch, capsys
):
    monkeypatch.setenv("RECOUVREMENT_INIT_PASSWORD", PASSWORD)
    bad = [*INIT, "--siren", "732 829 321", "--iban", "FR76 3000 6000 0112 3456 7890 188"]

    code = cli.main([*bad, "--bic", "AGRI", "--no-input"])

    assert code == 2
    err = capsys.readouterr().err
    assert "--siren : Le SIREN « 732 829 321 » n'est pas valide (clé de contrôle erronée)." in err
    assert "--iban : L'IBAN « FR76 3000 6000 0112 3456 7890 188 » n'est pas valide" in err
    assert "--bic : Le BIC « AGRI » n'est pas valide" in err
    assert not Company.objects.exists()
    assert not User.objects.exists()


def test_a_siren_that_is_not_nine_digits_is_named(db, monkeypatch, capsys):
    monkeypatch.setenv("RECOUVREMENT_INIT_PASSWORD", PASSWORD)

    assert cli.main([*INIT, "--siren", "73282932", "--no-input"]) == 2
    assert "Le SIREN « 73282932 » doit compter 9 chiffres." in capsys.readouterr().err


def test_the_password_follows_djangos_validators(db, monkeypatch, capsys):
    monkeypatch.setenv("RECOUVREMENT_INIT_PASSWORD", "court")

    code = cli.main([*INIT, "--no-input"])

    assert code == 2
    err = capsys.readouterr().err
    assert "mot de passe : Ce mot de passe est trop court." in err
    assert not Company.objects.exists()


def test_without_input_the_password_must_be_in_the_environment(db, monkeypatch, capsys):
    monkeypatch.delenv("RECOUVREMENT_INIT_PASSWORD", raising=False)

    code = cli.main([*INIT, "--no-input"])

    assert code == 2
    assert "RECOUVREMENT_INIT_PASSWORD" in capsys.readouterr().err
    assert not Company.objects.exists()


def test_without_input_a_missing_option_is_named(db, monkeypatch, capsys):
    monkeypatch.setenv("RECOUVREMENT_INIT_PASSWORD", PASSWORD)

    code = cli.main(["init", "--company", "Atelier Dupont SARL", "--no-input"])

    assert code == 2
    err = capsys.readouterr().err
    assert "Option(s) obligatoire(s) manquante(s) : --siren, --city, --manager." in err


# --- Real processes on a fresh database ----------------------------------------------------


@pytest.mark.sqlite_files
def test_on_a_fresh_install_init_then_the_daily_commands_run(tmp_path):
    env = fresh_env(tmp_path)

    never_set_up = run(["prepare"], env)
    created = run([*INIT, "--no-input", "--json"], {**env, "RECOUVREMENT_INIT_PASSWORD": PASSWORD})
    prepared = run(["prepare", "--json"], env)
    opened = run(["open-dossiers", "--json"], env)

    assert never_set_up.returncode == 2
    assert "n'est pas initialisée" in never_set_up.stderr
    assert "recouvrement init --company" in never_set_up.stderr
    assert "Traceback" not in never_set_up.stderr
    assert created.returncode == 0, created.stderr
    assert last_json(created.stdout)["manager"]["username"] == "claire"
    assert prepared.returncode == 0, prepared.stderr
    assert opened.returncode == 0, opened.stderr


def wait_for_line(output, pattern: str, seconds: float = 60) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        line = output.readline()
        if match := re.search(pattern, line):
            return match.group(0)
        if not line:
            time.sleep(0.1)
    raise AssertionError(f"« {pattern} » jamais affiché")


def served(env: dict, port: int) -> subprocess.Popen:
    return subprocess.Popen(
        [*COMMAND, "serve", "--port", str(port)],
        env={**env, "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.mark.sqlite_files
def test_serve_prints_the_first_run_link_while_no_company_exists(tmp_path):
    env = fresh_env(tmp_path)
    port = free_port()
    server = served(env, port)
    try:
        link = wait_for_line(
            server.stdout, rf"http://127\.0\.0\.1:{port}/premiere-installation/\S+"
        )
        wait_for_line(server.stdout, "est servi sur")
        time.sleep(0.5)
        with_token = get(link)
        without_token = get(link.split("?")[0])
        login = get(f"http://127.0.0.1:{port}/dossiers/")
    finally:
        server.terminate()
        server.communicate(timeout=30)
    created = run([*INIT, "--no-input"], {**env, "RECOUVREMENT_INIT_PASSWORD": PASSWORD})
    port = free_port()
    server = served(env, port)
    try:
        wait_for_line(server.stdout, "est servi sur")
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)

    assert with_token[0] == 200
    assert "Première installation" in with_token[1] and "Créer la société" in with_token[1]
    assert without_token[0] == 403
    assert "Lien de première installation absent ou erroné" in without_token[1]
    assert login[0] == 200 and "Première installation" in login[1]
    assert created.returncode == 0, created.stderr
    assert "premiere-installation" not in output  # a company exists: no link any more


@pytest.mark.sqlite_files
def test_the_password_is_asked_on_a_terminal_and_checked(tmp_path):
    """A real pseudo-terminal: the missing city is asked, then the password (a weak one is
    refused with Django's message, then typed twice)."""
    env = fresh_env(tmp_path)
    args = [a for a in INIT if a not in ("--city", "Lyon")]
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [*COMMAND, *args, "--json"],
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
        env=env,
        start_new_session=True,
    )
    os.close(terminal)
    screen = ""

    def until(text: str, start: int = 0, seconds: float = 60) -> int:
        """Reads the terminal until `text` shows after `start`; where it ends."""
        nonlocal screen
        deadline = time.monotonic() + seconds
        while text not in screen[start:]:
            assert time.monotonic() < deadline, f"« {text} » jamais affiché :\n{screen}"
            ready, _, _ = select.select([controller], [], [], 0.5)
            if ready:
                try:
                    screen += os.read(controller, 4096).decode(errors="replace")
                except OSError:
                    break
        return screen.index(text, start) + len(text)

    def type_line(text: str) -> None:
        os.write(controller, text.encode() + b"\r")

    try:
        until("Ville")
        type_line("Lyon")
        until("Mot de passe de « claire »")
        type_line("court")
        refused = until("trop court")
        until("Mot de passe de « claire »", refused)
        type_line(PASSWORD)
        until("Confirmez le mot de passe")
        type_line(PASSWORD)
        until('"manager"')
        code = process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
        os.close(controller)

    assert code == 0
    assert PASSWORD not in screen  # never echoed
    summary = json.loads(screen[screen.index('{"company"') :].splitlines()[0])
    assert summary["company"]["city"] == "Lyon"
    assert summary["manager"]["username"] == "claire"


@pytest.mark.sqlite_files
def test_without_a_terminal_nor_no_input_the_password_is_not_guessed(tmp_path):
    result = subprocess.run(
        [*COMMAND, *INIT],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        env=fresh_env(tmp_path),
        timeout=120,
    )

    assert result.returncode == 2
    assert "Pas de terminal pour saisir le mot de passe" in result.stderr


@pytest.fixture(autouse=True)
def _no_init_password_leaks(monkeypatch):
    monkeypatch.delenv("RECOUVREMENT_INIT_PASSWORD", raising=False)
