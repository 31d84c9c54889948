"""Migration 0012 chains the journal rows written before it (O6), per company in id order, and
leaves every append-only table refusing UPDATE, DELETE and REPLACE — forwards and back."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = r"""
import json, sqlite3, sys
from datetime import UTC, datetime

from recouvrement.cli.base import setup

setup()
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

def migrate(*target):
    call_command("migrate", "recouvrement", *target, verbosity=0)

def report():
    from recouvrement.db.models import JournalHead
    from recouvrement.services.integrity import verify
    checked = verify()
    heads = {h.company_id: [h.rows, h.last_id] for h in JournalHead.objects.order_by("pk")}
    return {"ok": checked.ok, "problems": checked.problems, "heads": heads}

def replaced():
    raw = sqlite3.connect(sys.argv[1])
    try:
        raw.execute(
            "REPLACE INTO recouvrement_journalentry SELECT * FROM recouvrement_journalentry "
            "WHERE id = 3"
        )
    except sqlite3.DatabaseError as error:
        return str(error)
    finally:
        raw.close()
    return "replaced"

migrate("0011")
apps = MigrationExecutor(connection).loader.project_state(
    ("recouvrement", "0011_letters_charges")
).apps
Company = apps.get_model("recouvrement", "Company")
Journal = apps.get_model("recouvrement", "JournalEntry")
companies = [Company.objects.create(name=n, city="Lyon") for n in ("A", "B", "Sans journal")]
for i in range(9):
    Journal.objects.create(
        company_id=companies[i % 2].pk,
        at=datetime(2026, 1, 1, i, 0, i, 1000 * i, tzinfo=UTC),
        action="x",
        message=f"ligne {i} « été »",
        before=None if i % 3 else {"n": i, "z": [1.0, None, "é"]},
        after={"b": 1.5, "a": {"y": True}},
    )
migrate()
forwards = report() | {"replace": replaced()}
migrate("0011")
migrate()
print(json.dumps({"forwards": forwards, "again": report() | {"replace": replaced()}}))
"""


@pytest.mark.sqlite_files
def test_rows_written_before_the_migration_are_chained_and_replace_is_refused(tmp_path):
    database = tmp_path / "old.sqlite3"
    env = {k: v for k, v in os.environ.items() if not k.startswith("RECOUVREMENT_")}
    env |= {"RECOUVREMENT_DATABASE_URL": f"sqlite:///{database}", "PYTHONPATH": str(ROOT)}

    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(database)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=600,
    )

    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.splitlines()[-1])
    refused = "Le journal est en ajout seul : une ligne ne peut être ni modifiée ni supprimée."
    for state in (result["forwards"], result["again"]):
        assert state["ok"], state["problems"]
        assert state["heads"] == {"1": [5, 9], "2": [4, 8], "3": [0, None]}
        assert state["replace"] == refused
