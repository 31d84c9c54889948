"""Bad input on the command line (issue 12 §6): a French message and exit status 2, never a
traceback — including any command run on a database never set up (PRODUCT §9 O1)."""

import os
import sqlite3
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from recouvrement import cli
from recouvrement.db.models import Dossier
from tests.builders import a_customer, a_receivable

COMMAND = [sys.executable, "-m", "recouvrement.cli"]


def run(args: list[str], env: dict, timeout: int = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*COMMAND, *args], capture_output=True, text=True, timeout=timeout, env=env
    )


# --- open-dossiers --min-amount -------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("NaN", "Le montant minimum « NaN » n'est pas un nombre."),
        ("inf", "Le montant minimum « inf » n'est pas un nombre."),
        ("-Infinity", "Le montant minimum « -Infinity » n'est pas un nombre."),
        ("abc", "Le montant minimum « abc » n'est pas un nombre."),
        ("-1", "Le montant minimum ne peut pas être négatif (-1,00\u00a0€)."),
        ("1e400", "Le montant minimum dépasse 9\u202f999\u202f999\u202f999,99\u00a0€"),
    ],
)
def test_open_dossiers_refuses_an_absurd_minimum_and_opens_nothing(team, capsys, amount, message):
    a_receivable(a_customer(team.company), amount="5000.00")

    code = cli.main(["open-dossiers", "--date", "2026-12-15", f"--min-amount={amount}"])

    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith(f"Erreur : {message}")
    assert "Traceback" not in err
    assert not Dossier.objects.exists()


def test_open_dossiers_reads_a_french_minimum(team, capsys):
    a_receivable(a_customer(team.company), amount="5000.00")

    code = cli.main(["open-dossiers", "--date", "2026-12-15", "--min-amount", "1 500,00"])

    assert code == 0
    assert Dossier.objects.count() == 1


# --- Every command on a database never set up ----------------------------------------------

# What each command needs to get past its own argument checks; `None`: the command sets the
# database up itself or serves forever (demo, serve, bench: run by their own tests).
ARGUMENTS: dict[str, list[str] | None] = {
    "init": ["--no-input"],
    "demo": None,
    "serve": None,
    "bench": None,
    "prepare": [],
    "letters": ["--out", "{tmp}/courriers.pdf"],
    "send-emails": [],
    "open-dossiers": [],
    "import": ["{data}/fec_tab.txt"],
    "import-customers": ["{tmp}/clients.csv"],
    "rates": [],
    "manage": ["check"],
    "backup": ["--out", "{tmp}/sauvegarde.tar"],
    "restore": ["{tmp}/absente.tar", "--db", "sqlite:///{tmp}/cible.sqlite3"],
    "verify": [],
    "report": ["aged-balance"],
    "token": ["create", "sophie"],
    "evidence": ["R2026-000001", "--out", "{tmp}/preuve.pdf"],
    "priority": ["--date", "2026-11-30"],
    "worker": ["--once"],
}
SET_UP_ADVICE = ("n'est pas initialisée", "recouvrement init --company")
# The commands that answer something else than the advice, and what they answer.
OTHER_ANSWERS = {
    "init": "Option(s) obligatoire(s) manquante(s)",  # sets the database up: asks what it lacks
    "restore": "n'existe pas",  # restores into an empty database: the archive is missing
}
SETS_UP = {"init"}


def test_the_list_covers_every_command():
    parser = cli.build_parser()
    (commands,) = [a for a in parser._actions if a.dest == "command"]

    assert set(commands.choices) == set(ARGUMENTS)


@pytest.fixture(scope="module")
def never_set_up(tmp_path_factory) -> dict[str, tuple[Path, subprocess.CompletedProcess]]:
    """Every command run once, each on its own empty SQLite file (three at a time)."""
    tmp_path = tmp_path_factory.mktemp("vide")
    (tmp_path / "clients.csv").write_text("Code;Nom;Type\nC1;Dupont;B2B\n", encoding="utf-8")
    data = Path(__file__).parent.parent / "data"

    def run_on_empty_file(name: str) -> tuple[Path, subprocess.CompletedProcess]:
        database = tmp_path / f"{name}.sqlite3"
        database.touch()  # an empty file: SQLite opens it as a database without any table
        env = {**os.environ, "RECOUVREMENT_DATABASE_URL": f"sqlite:///{database}"}
        env.pop("RECOUVREMENT_INIT_PASSWORD", None)
        args = [arg.format(tmp=tmp_path, data=data) for arg in ARGUMENTS[name]]
        return database, run([name, *args], env)

    names = [name for name, args in ARGUMENTS.items() if args is not None]
    with ThreadPoolExecutor(max_workers=3) as pool:
        return dict(zip(names, pool.map(run_on_empty_file, names), strict=True))


@pytest.mark.parametrize(
    "name",
    [name for name, args in ARGUMENTS.items() if args is not None],
)
@pytest.mark.sqlite_files
def test_a_command_on_a_database_never_set_up_says_how_to_set_it_up(never_set_up, name):
    database, result = never_set_up[name]

    assert "Traceback" not in result.stderr, result.stderr
    if name == "manage":  # Django's own check needs no table
        assert result.returncode == 0, result.stderr
    else:
        assert result.returncode == 2, (result.stdout, result.stderr)
        assert result.stderr.startswith("Erreur : "), result.stderr
        expected = (OTHER_ANSWERS[name],) if name in OTHER_ANSWERS else SET_UP_ADVICE
        assert all(part in result.stderr for part in expected), result.stderr
    if name not in SETS_UP:  # nothing set it up behind the user's back
        with sqlite3.connect(database) as connection:
            tables = connection.execute("select name from sqlite_master where type='table'")
            assert [table for (table,) in tables if table.startswith("recouvrement_")] == []
