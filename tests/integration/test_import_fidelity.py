"""B4 on real books (issue 11 §3): the customers' kind is never assumed silently, accounts that
are not debtors are excluded, invoices sharing a batch reference stay apart, and a date before
every entry is refused.

`fec_real_books.txt` is a shop's fiscal year 01/07/2022–30/06/2023: à-nouveaux in detail, a
company (SARL), a person, a shop whose May invoices share the reference « VTE-2023-05 », the
daily takings on « RECETTE CB » / « RECETTE ESPECES » / « CAISSE », a « CLIENT ATTENTE », a
« CLIENTS DIVERS » and the collective 41100000 used without auxiliary for three customers.
"""

import io
import json
import re
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from recouvrement import cli
from recouvrement.db.models import Customer, Dossier, JournalEntry, Receivable
from recouvrement.services.import_writer import CustomerChoice, CustomerChoices
from recouvrement.services.imports import ImportOptions, import_accounting_file
from recouvrement.services.opening import open_overdue_dossiers
from recouvrement.services.penalties import dossier_penalties_on
from tests.builders import a_scenario

BOOKS = Path(__file__).parent.parent / "data" / "fec_real_books.txt"
TODAY = date(2023, 9, 15)
NON_DEBTORS = ["41100000", "ATTENTE", "CAISSE", "DIVERS", "RECCB", "RECESP"]


def run(team, *, dry_run=False, **options):
    return import_accounting_file(
        team.company,
        io.BytesIO(BOOKS.read_bytes()),
        today=TODAY,
        user=team.manager,
        options=ImportOptions(file_name=BOOKS.name, **options),
        dry_run=dry_run,
    )


def customers(company) -> dict[str, tuple]:
    return {
        c.code: (c.kind, c.excluded_from_collection, c.payment_terms_days)
        for c in Customer.objects.filter(company=company)
    }


def last_json(output: str) -> dict:
    return json.loads(output.strip().splitlines()[-1])


def test_the_preview_proposes_a_kind_terms_and_exclusion_for_each_new_customer_and_says_why(team):
    report = run(team, dry_run=True)

    proposals = {new.proposal.code: new for new in report.new_customers}
    assert sorted(proposals) == sorted(["CLI001", "CLI002", "CLI003", "CLI004", *NON_DEBTORS])
    brasserie, dupont = proposals["CLI001"], proposals["CLI002"]
    assert (brasserie.kind, brasserie.proposal.kind_reason) == ("b2b", "forme juridique SARL")
    assert proposals["CLI003"].proposal.kind_reason == "mot « Fromagerie » dans le nom"
    assert (dupont.proposal.kind, dupont.to_check, dupont.kind) == ("", True, "b2c")
    assert {new.payment_terms_days for new in report.new_customers} == {30}  # company default
    reasons = {code: proposals[code].proposal.exclusion_reason for code in NON_DEBTORS}
    assert all(proposals[code].excluded for code in NON_DEBTORS)
    assert reasons["RECCB"].startswith("Recettes de caisse (« RECETTE CB »)")
    assert reasons["RECESP"].startswith("Recettes de caisse (« RECETTE ESPECES »)")
    assert reasons["CAISSE"].startswith("Recettes de caisse (« CAISSE »)")
    assert reasons["ATTENTE"].startswith("Compte d'attente (« CLIENT ATTENTE »)")
    assert reasons["DIVERS"].startswith("Compte de clients divers (« CLIENTS DIVERS »)")
    assert reasons["41100000"].startswith("Compte collectif 41100000 utilisé sans compte auxil")
    assert not any(proposals[c].excluded for c in ("CLI001", "CLI002", "CLI003", "CLI004"))
    assert (report.customers_excluded, report.customers_to_check) == (6, 1)
    assert report.rejected_lines == 0  # the collective account is no longer a rejected line
    assert not Customer.objects.exists()


def test_the_manager_s_choices_are_what_the_import_creates(team):
    choices = CustomerChoices(
        {
            "CLI002": CustomerChoice(kind="b2b", payment_terms_days=45, excluded=False),
            "DIVERS": CustomerChoice(excluded=False),  # chased after all
            "CLI001": CustomerChoice(payment_terms_days=60),  # the proposal's kind kept
        }
    )

    report = run(team, choices=choices)

    created = customers(team.company)
    assert created["CLI002"] == ("b2b", False, 45)
    assert created["CLI001"] == ("b2b", False, 60)
    assert created["DIVERS"] == ("b2c", False, 30)  # « à vérifier »: the default kind
    assert created["RECCB"] == ("b2c", True, 30)
    assert report.customers_to_check == 1  # DIVERS, now followed, nobody told its kind
    due = Receivable.objects.get(customer__code="CLI002").due_date
    assert due == date(2023, 3, 28) + timedelta(days=45)
    entry = JournalEntry.objects.get(action="accounting_file_imported")
    assert entry.message.startswith(
        "Import comptable « fec_real_books.txt » arrêté au 30/06/2023 : 10 clients créés "
        "(dont 5 exclus du recouvrement), "
    )


def test_the_customers_left_to_check_take_the_kind_the_manager_gives_them_all(team):
    run(team, choices=CustomerChoices(unchecked_kind="b2b"))

    assert customers(team.company)["CLI002"] == ("b2b", False, 30)


def test_open_dossiers_opens_nothing_for_the_accounts_that_are_not_debtors(team, capsys):
    a_scenario(team.company, name="Relance standard", is_default=True)

    assert cli.main(["import", str(BOOKS), "--json"]) == 0
    out = capsys.readouterr().out
    assert "Nouveaux clients : 10 dont 3 professionnel(s) d'après leur nom, 1 à vérifier, " in out
    assert "  CLI002 DUPONT Jean : à vérifier — créé en particulier (B2C)" in out
    assert "  RECCB RECETTE CB : exclu du recouvrement — Recettes de caisse" in out
    assert "  CLI001 Brasserie des Canuts SARL : professionnel (B2B) — forme juridique SARL" in out
    assert last_json(out)["customers_excluded"] == 6

    code = cli.main(["open-dossiers", "--date", TODAY.isoformat(), "--json"])

    assert code == 0 and last_json(capsys.readouterr().out)["opened"] == 3
    followed = Dossier.objects.values_list("customer__code", flat=True)
    assert sorted(followed) == ["CLI001", "CLI002", "CLI003"]
    # The non-debtors' échéances are imported (the books balance), but nobody chases them.
    assert set(
        Receivable.objects.filter(open_amount__gt=0).values_list("customer__code", flat=True)
    ) == {"CLI001", "CLI002", "CLI003", "41100000", "CAISSE", "DIVERS", "RECCB", "RECESP"}


def test_two_invoices_sharing_a_batch_reference_stay_two_and_owe_two_indemnities(team):
    run(team)
    lacroix = Receivable.objects.filter(customer__code="CLI003").order_by("due_date", "pk")

    assert [(r.reference, r.piece_date, r.amount) for r in lacroix] == [
        ("VTE-2023-05", date(2023, 5, 15), Decimal("120.00")),
        ("VTE-2023-05 écr. 15", date(2023, 5, 31), Decimal("900.00")),
        ("VTE-2023-05 écr. 16", date(2023, 5, 31), Decimal("250.00")),
    ]
    summary = open_overdue_dossiers(team.company, today=TODAY, user=team.manager)
    [dossier] = [d for d in summary.opened if d.customer.code == "CLI003"]
    penalties = dossier_penalties_on([dossier.pk], TODAY, company=team.company)[dossier.pk]
    assert penalties.indemnity == Decimal("120.00")  # 40 € for each of the 3 late invoices

    again = run(team)  # the same file again: the same three invoices, nothing changes

    assert again.changes == 0 and lacroix.count() == 3


def test_a_date_before_every_entry_is_refused_with_the_files_dates(team, capsys):
    message = (
        "Aucune écriture au 30/06/2022 : les écritures du fichier vont du 01/07/2022 au 30/06/2023."
    )
    with pytest.raises(ValidationError, match=re.escape(message)):
        run(team, as_of=date(2022, 6, 30))

    code = cli.main(["import", str(BOOKS), "--as-of", "2022-06-30"])

    assert code == 2
    assert message in capsys.readouterr().err
    assert not Customer.objects.exists() and not Receivable.objects.exists()


def test_without_a_date_the_file_is_taken_on_its_last_entry(team):
    report = run(team)

    assert report.as_of == date(2023, 6, 30)


def test_a_file_without_entries_or_without_customer_lines_is_refused(team):
    header = BOOKS.read_bytes().splitlines(keepends=True)[0]
    purchases = header + (
        b"HA\tAchats\t1\t20230105\t40100000\tFournisseurs\tF001\tGrossiste\tFF-1\t20230105\t"
        b"Facture\t0,00\t500,00\t\t\t20230105\t\t\n"
    )

    for data, message in (
        (header, "Le fichier ne contient aucune écriture"),
        (purchases, "Aucune écriture des comptes clients (411, 413, 416) dans ce fichier"),
    ):
        with pytest.raises(ValidationError, match=re.escape(message)):
            import_accounting_file(team.company, io.BytesIO(data), today=TODAY, user=team.manager)


# --- The customers' file ----------------------------------------------------------------------

CUSTOMERS = (
    "N° compte,Raison sociale,Type de client,Délai (jours),Courriel,Tel,Adresse 1,CP,Localité,"
    "Exclu\n"
    "CLI002,,Professionnel,60,jean.dupont@example.fr,06 12 34 56 78,,,,\n"
    "DIVERS,,,,,,,,,non\n"
    "CLI900,Hôtel du Parc SAS,B2B,,,,4 place Bellecour,69002,Lyon,\n"
).encode("iso-8859-15")


def test_the_customers_file_from_the_command_line_sets_them_in_bulk(team, capsys, tmp_path):
    run(team)
    path = tmp_path / "clients.csv"
    path.write_bytes(CUSTOMERS)

    preview = cli.main(["import-customers", str(path), "--dry-run", "--json"])
    assert preview == 0 and customers(team.company)["CLI002"] == ("b2c", False, 30)
    assert last_json(capsys.readouterr().out)["updated"] == 2

    code = cli.main(["import-customers", str(path), "--json"])

    out = capsys.readouterr().out
    assert code == 0
    assert "Import du fichier des clients clients.csv : 1 client créé, 2 clients modifiés" in out
    assert last_json(out) | {} == {
        **last_json(out),
        "created": 1,
        "updated": 2,
        "rejected_lines": 0,
        "applied": True,
    }
    rows = customers(team.company)
    assert rows["CLI002"] == ("b2b", False, 60)
    assert rows["DIVERS"] == ("b2c", False, 30)  # no longer excluded
    assert rows["CLI900"] == ("b2b", False, 30)  # the company's default terms
    dupont = Customer.objects.get(code="CLI002")
    assert (dupont.name, dupont.email, dupont.phone) == (
        "DUPONT Jean",  # an empty cell keeps what the customer has
        "jean.dupont@example.fr",
        "06 12 34 56 78",
    )
    hotel = Customer.objects.get(code="CLI900")
    assert (hotel.address, hotel.postal_code, hotel.city) == ("4 place Bellecour", "69002", "Lyon")
    entry = JournalEntry.objects.get(action="customers_imported")
    assert entry.message == (
        "Import du fichier des clients « clients.csv » : 1 client créé, 2 clients modifiés, "
        "0 inchangé."
    )


def test_a_customers_file_with_errors_changes_nothing_and_exits_2(team, capsys, tmp_path):
    path = tmp_path / "clients.csv"
    path.write_text(
        "Code;Nom;Type;E-mail\nC1;Alpha SARL;B2B;alpha@\nC1;Alpha SARL;B2B;\n;Sans code;B2C;\n",
        encoding="utf-8",
    )

    code = cli.main(["import-customers", str(path)])

    captured = capsys.readouterr()
    assert code == 2
    assert "Rejetée — Ligne 2 : e-mail « alpha@ » invalide" in captured.out
    assert "Rejetée — Ligne 3 : code C1 déjà présent ligne 2" in captured.out
    assert "Rejetée — Ligne 4 : code client manquant" in captured.out
    assert "3 erreur(s) dans clients.csv : aucun client n'a été modifié." in captured.err
    assert not Customer.objects.exists()

    path.write_text("Nom;Type\nAlpha;B2B\n", encoding="utf-8")
    assert cli.main(["import-customers", str(path)]) == 2
    assert "n'a pas de colonne « Code »" in capsys.readouterr().err


def test_only_a_manager_imports_the_customers_file(team):
    from django.core.exceptions import PermissionDenied

    from recouvrement.services.customer_import import import_customers_file

    with pytest.raises(PermissionDenied, match="peut importer le fichier des clients"):
        import_customers_file(team.company, io.BytesIO(CUSTOMERS), user=team.collector_user)


def test_the_customers_file_sets_the_siren_and_names_the_line_of_a_bad_one(team, tmp_path):
    from recouvrement.services.customer_import import import_customers_file

    kept = Customer.objects.create(
        company=team.company, code="C2", name="Beta SAS", kind="b2b", siren="801667049"
    )
    path = tmp_path / "clients.csv"
    path.write_text(
        "Code;Nom;Type;N° SIREN\nC1;Alpha SARL;B2B;801 587 858\nC2;;;\nC3;Gamma SAS;B2B;\n",
        encoding="utf-8",
    )

    assert cli.main(["import-customers", str(path)]) == 0

    sirens = dict(Customer.objects.values_list("code", "siren"))
    assert sirens == {"C1": "801587858", "C2": "801667049", "C3": ""}  # an empty cell keeps
    kept.refresh_from_db()
    assert kept.siren == "801667049"

    bad = b"Code;Siren\nC1;801 587 859\nC2;8016670\nC3;801746231\n"
    report = import_customers_file(team.company, io.BytesIO(bad), user=team.manager)

    assert report.errors == [
        "Ligne 2 : le SIREN « 801 587 859 » n'est pas valide (clé de contrôle erronée)",
        "Ligne 3 : le SIREN « 8016670 » doit compter 9 chiffres",
    ]
    assert dict(Customer.objects.values_list("code", "siren")) == sirens  # nothing changed
