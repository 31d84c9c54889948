"""The `recouvrement` command as a user runs it (PRODUCT §6): real processes, real server."""

import json
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from datetime import date
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from recouvrement import cli, services
from recouvrement.db.models import Receivable
from recouvrement.domain.statuses import InterventionStatus
from recouvrement.services import letters as letter_services
from tests.builders import a_customer, a_dossier, a_scenario

COMMAND = [sys.executable, "-m", "recouvrement.cli"]
DATA = Path(__file__).parent.parent / "data"


def run(*args: str, env: dict | None = None, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*COMMAND, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


def last_json(output: str) -> dict:
    return json.loads(output.strip().splitlines()[-1])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, seconds: float = 60) -> urllib.request.addinfourl:
    deadline = time.monotonic() + seconds
    while True:
        try:
            return urllib.request.urlopen(url, timeout=5)
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    result = run("demo", "--db", str(db), "--no-serve", "--json")
    assert result.returncode == 0, result.stderr
    pristine = db.parent / "pristine"  # as built, before the tests below change it
    pristine.mkdir()
    for path in [*db.parent.glob(f"{db.name}*"), *db.parent.glob("*FEC*.txt")]:
        shutil.copy(path, pristine / path.name)
    return db


@pytest.mark.sqlite_files
def test_demo_without_serving_prints_its_counts_and_logins_as_json(demo_db):
    result = run("demo", "--db", str(demo_db), "--no-serve", "--json")

    summary = last_json(result.stdout)
    assert result.returncode == 0
    assert summary["customers"] >= 40
    assert summary["receivables"] >= 150
    assert summary["scenarios"] == 3
    assert {u["role"] for u in summary["users"]} == {"manager", "collector", "read_only"}
    assert all(u["username"] in result.stdout for u in summary["users"])


@pytest.mark.sqlite_files
def test_prepare_on_the_demo_creates_the_due_steps_once(demo_db):
    env = {"RECOUVREMENT_DATABASE_URL": f"sqlite:///{demo_db}"}

    first = run("prepare", "--date", "2026-12-15", "--json", env=env)
    second = run("prepare", "--date", "15/12/2026", "--json", env=env)

    assert first.returncode == 0, first.stderr
    assert last_json(first.stdout)["created"] > 0
    assert last_json(second.stdout)["created"] == 0
    assert "Préparer au 15/12/2026" in second.stdout


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
@pytest.mark.sqlite_files
def test_letters_on_the_demo_print_one_pdf_and_mark_the_letters_done(demo_db, tmp_path):
    env = {"RECOUVREMENT_DATABASE_URL": f"sqlite:///{demo_db}"}
    out = tmp_path / "letters.pdf"

    first = run("letters", "--date", "2026-12-15", "--out", str(out), "--json", env=env)
    again = run(
        "letters", "--date", "2026-12-15", "--out", str(tmp_path / "b.pdf"), "--json", env=env
    )

    assert first.returncode == 0, first.stderr
    summary = last_json(first.stdout)
    assert summary["printed"] > 0
    assert last_json(again.stdout)["printed"] == 0
    raw = subprocess.run(
        ["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True
    ).stdout
    text = " ".join(raw.split())
    assert "Lumière Distribution SAS" in text
    assert "L441-10" in text  # the penalty sentence, for professional debtors
    assert "indemnité forfaitaire" in text
    assert re.search(r"\d\s\d{3},\d{2}\s€", raw)  # « 1 234,56 € » (pdftotext gives spaces)
    assert "le 15 décembre 2026" in text


@pytest.mark.sqlite_files
def test_the_demo_is_served_and_its_login_page_answers(demo_db):
    port = free_port()
    server = subprocess.Popen(
        [*COMMAND, "demo", "--db", str(demo_db), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        response = wait_for(f"http://127.0.0.1:{port}/connexion/")
        page = response.read().decode()
        css = wait_for(f"http://127.0.0.1:{port}/static/recouvrement/app.css")
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)

    assert response.status == 200
    assert "Se connecter" in page
    assert css.status == 200
    assert f"http://127.0.0.1:{port}/" in output


@pytest.mark.sqlite_files
def test_serve_uses_the_configured_database(tmp_path):
    port = free_port()
    env = {**os.environ, "RECOUVREMENT_DATABASE_URL": f"sqlite:///{tmp_path}/prod.sqlite3"}
    server = subprocess.Popen(
        [*COMMAND, "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL
    )
    try:
        response = wait_for(f"http://127.0.0.1:{port}/dossiers/")
    finally:
        server.terminate()
        server.wait(timeout=30)

    assert response.url.endswith("/connexion/?next=/dossiers/")
    assert (tmp_path / "prod.sqlite3").exists()


@pytest.mark.sqlite_files
def test_one_serve_process_also_runs_the_background_work(demo_db, tmp_path):
    """Issue 16 §3: a one-machine install runs no `worker`: `serve` runs the daily « Préparer »
    at the company's hour in a thread (the demo's company set to 00:00, so due now)."""
    db = tmp_path / "base.sqlite3"
    shutil.copy(demo_db.parent / "pristine" / demo_db.name, db)
    with sqlite3.connect(db) as base:
        base.execute("UPDATE recouvrement_company SET daily_run_at = '00:00:00'")
    port = free_port()
    env = {**os.environ, "RECOUVREMENT_DATABASE_URL": f"sqlite:///{db}"}
    server = subprocess.Popen(
        [*COMMAND, "serve", "--port", str(port)], env=env, stdout=subprocess.PIPE, text=True
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/connexion/")
        deadline, runs = time.monotonic() + 60, []
        while not runs and time.monotonic() < deadline:
            time.sleep(0.5)
            with sqlite3.connect(db) as base:
                runs = base.execute(
                    "SELECT name, status FROM recouvrement_scheduledrun WHERE name = 'daily' "
                    "AND finished_at IS NOT NULL"
                ).fetchall()
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)

    assert "Tâches de fond : exécutées par ce processus." in output
    # Done, or refused by the stale-import guard (the demo's last import is weeks old): run.
    assert runs in ([("daily", "done")], [("daily", "refused")])


def test_the_prepare_command_runs_the_batch_on_the_configured_database(team, capsys):
    dossier = a_dossier(a_customer(team.company), scenario=a_scenario(team.company))
    services.set_intervention_status(
        dossier.interventions.get(), InterventionStatus.DONE, today=date(2026, 11, 2), user=None
    )

    code = cli.main(["prepare", "--date", "2026-11-30", "--json"])

    assert code == 0
    assert last_json(capsys.readouterr().out) == {
        "date": "2026-11-30",
        "created": 1,
        "not_due": 0,
        "waiting": 0,
        "finished": 0,
        "below_minimum": 0,
        "promises_kept": 0,
        "promises_broken": 0,
        "by_action": {"phone": 1},
        "skipped": [],
    }


def test_a_bad_date_gets_a_french_error_and_a_non_zero_exit(capsys):
    code = cli.main(["prepare", "--date", "31/02/2026"])

    assert code == 2
    assert "Date invalide : « 31/02/2026 »" in capsys.readouterr().err


def test_without_a_date_the_commands_work_on_the_configured_time_zones_today(
    team, monkeypatch, capsys
):
    monkeypatch.setattr(timezone, "localdate", lambda *args: date(2026, 11, 30))

    code = cli.main(["prepare", "--json"])

    assert code == 0
    assert last_json(capsys.readouterr().out)["date"] == "2026-11-30"


def test_letters_that_cannot_be_rendered_print_nothing_and_fail_in_french(
    team, monkeypatch, capsys, tmp_path
):
    def not_rendered(company, *, today, deliver=None):
        raise ValidationError("Le rendu PDF a échoué.", code="letter_not_rendered")

    monkeypatch.setattr(letter_services, "print_due_letters", not_rendered)
    out = tmp_path / "letters.pdf"

    code = cli.main(["letters", "--date", "2026-12-15", "--out", str(out), "--json"])

    captured = capsys.readouterr()
    assert code == 2
    assert f"Erreur : {team.company} : aucun courrier imprimé — Le rendu PDF a échoué." in (
        captured.err
    )
    assert captured.out == ""
    assert not out.exists()


@pytest.mark.sqlite_files
def test_the_benchmark_prints_one_json_figure_per_line(tmp_path):
    env = {"RECOUVREMENT_DATABASE_URL": f"sqlite:///{tmp_path}/bench.sqlite3"}

    result = run("bench", "--size", "200", env=env)

    figures = [json.loads(line) for line in result.stdout.splitlines()]
    assert result.returncode == 0, result.stderr
    assert [f["bench"] for f in figures] == [
        "build",
        *["worklist_first_page"] * 5,
        "prepare",
        "prepare_again",
        "letters",
    ]
    assert [f["sort"] for f in figures[1:6]] == [
        "priority,collector",
        "collector,priority",
        "date",
        "own dossiers, priority",
        "own dossiers, date",
    ]
    assert figures[-3]["created"] == 200
    assert figures[-2]["created"] == 0
    assert figures[-1]["letters"] == 200


def test_import_prints_its_counts_and_a_json_last_line(team, capsys, tmp_path):
    path = tmp_path / "123456789FEC20261231.txt"
    path.write_bytes((DATA / "fec_tab.txt").read_bytes())

    preview = cli.main(["import", str(path), "--dry-run", "--json"])
    assert (preview, Receivable.objects.count()) == (0, 0)
    assert last_json(capsys.readouterr().out)["dry_run"] is True

    code = cli.main(["import", str(path), "--json"])

    out = capsys.readouterr().out
    summary = last_json(out)
    assert code == 0
    assert summary | {} == {
        **summary,
        "customers": 2,
        "open_receivables": 1,
        "open_amount": "1437.12",
        "payments": 1,
        "rejected_lines": 0,
        "dry_run": False,
    }
    assert "Échéances ouvertes : 1 pour 1\u202f437,12\u00a0€" in out
    assert Receivable.objects.get().reference == "F2026-001"


def test_import_of_a_malformed_file_names_the_lines_imports_nothing_and_fails(team, capsys):
    code = cli.main(["import", str(DATA / "fec_bad_lines.txt"), "--json"])

    captured = capsys.readouterr()
    assert code == 2
    assert "Rejetée — Ligne 3 : date « 20261332 » invalide (EcritureDate)" in captured.out
    assert last_json(captured.out)["rejected_lines"] == 2
    assert "rien n'a été importé" in captured.err
    assert not Receivable.objects.exists()


def test_import_of_a_csv_with_an_as_of_date_and_a_missing_file(team, capsys, tmp_path):
    code = cli.main(
        ["import", str(DATA / "open_items_semicolon.csv"), "--format", "csv",
         "--as-of", "30/11/2026", "--json"]
    )  # fmt: skip
    summary = last_json(capsys.readouterr().out)
    assert (code, summary["as_of"], summary["format"]) == (0, "2026-11-30", "csv")

    assert cli.main(["import", str(tmp_path / "absent.txt")]) == 2
    assert "Fichier introuvable" in capsys.readouterr().err


@pytest.mark.sqlite_files
def test_the_import_benchmark_imports_a_generated_fec_in_a_child_process(tmp_path):
    env = {"RECOUVREMENT_DATABASE_URL": f"sqlite:///{tmp_path}/bench.sqlite3"}

    result = run("bench", "--only", "import", "--size", "3000", env=env)

    assert result.returncode == 0, result.stderr
    generated, first, again = [json.loads(line) for line in result.stdout.splitlines()]
    assert generated["lines"] >= 3000
    assert first["lines"] == generated["lines"] and first["receivables_created"] > 0
    assert first["peak_rss_mb"] > 0 and first["lines_per_second"] > 0
    assert (again["receivables_created"], again["payments"]) == (0, 0)
    assert again["open_receivables"] == first["open_receivables"]


@pytest.mark.sqlite_files
def test_the_demos_sample_fec_closes_paid_dossiers_and_keeps_a_promise(demo_db, tmp_path):
    for path in (demo_db.parent / "pristine").glob("*"):  # the database, its WAL, the FEC
        shutil.copy(path, tmp_path / path.name)
    [sample] = tmp_path.glob("*FEC*.txt")
    env = {"RECOUVREMENT_DATABASE_URL": f"sqlite:///{tmp_path / demo_db.name}"}

    first = run("import", str(sample), "--json", env=env)
    again = run("import", str(sample), "--json", env=env)

    assert first.returncode == 0, first.stderr
    summary = last_json(first.stdout)
    assert (summary["dossiers_closed"], summary["promises_kept"]) == (3, 1)
    assert (summary["customers_created"], summary["receivables_created"]) == (1, 2)
    assert "Dossiers clos (Payé) : R2026-" in first.stdout
    repeated = last_json(again.stdout)
    assert repeated["open_amount"] == summary["open_amount"]
    assert (repeated["payments"], repeated["receivables_closed"]) == (0, 0)
    assert "déjà été importé" in again.stdout
