"""`recouvrement evidence DOSSIER --out FILE.pdf --zip FILE.zip --json`: the pack written to
files, stored, and the pieces with their SHA-256 in the JSON."""

import hashlib
import json
import shutil
import zipfile

import pytest

from recouvrement import cli, services
from recouvrement.db.models import EvidencePack
from tests.integration.test_printing import TODAY, a_letter_dossier

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")


def test_the_command_writes_the_pdf_and_the_zip(team, tmp_path, capsys):
    dossier = a_letter_dossier(team)
    services.print_letters([dossier.interventions.get()], today=TODAY, user=None)
    out, archive = tmp_path / "preuve.pdf", tmp_path / "preuve.zip"

    code = cli.main(
        ["evidence", dossier.number, "--out", str(out), "--zip", str(archive), "--json"]
    )

    printed = capsys.readouterr().out
    data = json.loads(printed.strip().splitlines()[-1])
    assert code == 0
    pack = EvidencePack.objects.get()
    assert out.read_bytes() == bytes(pack.pdf)
    assert data["sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()
    assert data["route"] == "small_claims"
    assert "Procédure simplifiée de recouvrement des petites créances" in printed
    names = zipfile.ZipFile(archive).namelist()
    assert [p["filename"] for p in data["pieces"]] == [n for n in names if n.startswith("piece-")]


def test_an_unknown_dossier_is_refused_in_french_with_status_2(team, tmp_path, capsys):
    code = cli.main(["evidence", "R2099-999999", "--out", str(tmp_path / "x.pdf")])

    assert code == 2
    assert "Aucun dossier n° « R2099-999999 »" in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()
