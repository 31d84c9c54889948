"""Issue 11, done when: a company sets itself up and chases its own books from the command line.

`init` → `import` of a real-books FEC (cash-register and suspense accounts, a collective 411,
invoices sharing a batch reference, entries of 2022–2023) → `import-customers` (the addresses
a FEC does not carry) → `open-dossiers` → `prepare` → `letters`, each exiting 0; the letters'
amounts are checked against the FEC read here independently, and no dossier is opened for an
account that is not a debtor.
"""

import csv
import shutil
import subprocess
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from recouvrement import cli, services
from recouvrement.db.models import Dossier, Intervention
from recouvrement.domain.money import format_amount
from recouvrement.domain.statuses import InterventionStatus
from tests.integration.test_cli import last_json

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")

FEC = Path(__file__).parent.parent / "data" / "fec_real_books.txt"
DEBTORS = {"CLI001", "CLI002", "CLI003"}
CUSTOMERS = (
    "Code;Nom;Type;Délai de paiement;E-mail;Téléphone;Adresse;Code postal;Ville\n"
    "CLI001;Brasserie des Canuts SARL;B2B;30;;;4 rue Mercière;69002;Lyon\n"
    "CLI002;DUPONT Jean;B2C;30;;;12 quai Saint-Vincent;69001;Lyon\n"
    "CLI003;Fromagerie Lacroix;B2B;30;;;8 rue de Brest;69002;Lyon\n"
)


def open_by_customer(path: Path) -> dict[str, Decimal]:
    """What each auxiliary account still owes, read straight from the FEC: its debits minus
    its credits (a fully lettered group nets to zero)."""
    rows = list(csv.DictReader(path.open(encoding="utf-8"), delimiter="\t"))
    due: dict[str, Decimal] = defaultdict(Decimal)
    for row in rows:
        if not row["CompteNum"].startswith("411") or not row["CompAuxNum"]:
            continue
        amount = Decimal(row["Debit"].replace(",", ".")) - Decimal(row["Credit"].replace(",", "."))
        due[row["CompAuxNum"]] += amount
    return dict(due)


def run(capsys, *args: str) -> dict:
    code = cli.main([*args, "--json"])
    out = capsys.readouterr().out
    assert code == 0, out
    return last_json(out)


def finish_todo_steps(today: date) -> None:
    """The chargé does the e-mail and the call (no e-mail address in the books)."""
    for step in Intervention.objects.filter(status=InterventionStatus.TODO, kind="step"):
        services.set_intervention_status(step, InterventionStatus.DONE, today=today, user=None)


def test_a_company_chases_its_own_books_from_init_to_letters(db, monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("RECOUVREMENT_INIT_PASSWORD", "Tournesol-Clair-2026")
    run(
        capsys,
        "init",
        "--company",
        "Atelier Dupont SARL",
        "--siren",
        "732829320",
        "--city",
        "Lyon",
        "--address",
        "3 rue de la Charité",
        "--postal-code",
        "69002",
        "--iban",
        "FR76 3000 6000 0112 3456 7890 189",
        "--bic",
        "AGRIFRPP",
        "--manager",
        "claire",
        "--no-input",
    )
    imported = run(capsys, "import", str(FEC))
    customers = tmp_path / "clients.csv"
    customers.write_text(CUSTOMERS, encoding="utf-8")
    run(capsys, "import-customers", str(customers))

    opened = run(capsys, "open-dossiers", "--date", "2023-07-31")
    finish_todo_steps(date(2023, 7, 31))
    run(capsys, "prepare", "--date", "2023-08-10")
    finish_todo_steps(date(2023, 8, 10))
    prepared = run(capsys, "prepare", "--date", "2023-08-25")
    out = tmp_path / "courriers.pdf"
    printed = run(capsys, "letters", "--date", "2023-08-25", "--out", str(out))

    followed = set(Dossier.objects.values_list("customer__code", flat=True))
    assert imported["rejected_lines"] == 0
    assert followed == DEBTORS  # no dossier for the till, suspense or collective accounts
    assert opened["opened"] == 3
    assert prepared["created"] == 3
    assert (printed["printed"], printed["skipped"]) == (3, [])
    text = subprocess.run(
        ["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True
    ).stdout
    expected = open_by_customer(FEC)
    for code in DEBTORS:
        shown = format_amount(expected[code]).replace("\u202f", " ").replace("\u00a0", " ")
        assert shown in text.replace("\u202f", " ").replace("\u00a0", " "), (code, shown)
    # The independent reading agrees with the FEC's own story: a partial payment of 200 € on
    # the April invoice, and three invoices of one batch reference for the cheese maker.
    assert (expected["CLI001"], expected["CLI003"]) == (Decimal("1480.00"), Decimal("1270.00"))
