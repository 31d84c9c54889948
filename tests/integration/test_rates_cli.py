"""`recouvrement rates`: list the tables, add a published rate, refuse bad input in French."""

import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from recouvrement import cli
from recouvrement.db.models import EcbRate, JournalEntry, LegalRate
from recouvrement.db.models.rates import seed_published_rates
from recouvrement.domain.rates import RateKind
from recouvrement.services import add_rate
from tests.builders import a_company


def last_json(output: str) -> dict:
    return json.loads(output.strip().splitlines()[-1])


def test_the_list_shows_the_ecb_history_the_semesters_and_what_is_missing(team, capsys):
    code = cli.main(["rates", "--date", "2026-12-01", "--json"])

    out = capsys.readouterr().out
    summary = last_json(out)
    assert code == 0
    assert summary["ecb"][0] == {"date": "1999-01-01", "rate": "3.00"}
    assert {"date": "2016-03-16", "rate": "0.00"} in summary["ecb"]
    assert summary["legal-pro"][-1] == {"date": "2026-01-01", "rate": "2.62"}
    assert summary["legal-part"][0] == {"date": "2015-01-01", "rate": "4.06"}
    assert summary["semesters"][1] == {
        "semester": "2026-01-01",
        "ecb": "2.15",
        "default_penalty_rate": "12.15",
        "legal_pro": "2.62",
        "contractual_floor": "7.86",
        "legal_part": "6.67",
    }
    assert [(m["kind"], m["semester"]) for m in summary["missing"]] == [
        ("legal-pro", "2026-07-01"),
        ("legal-part", "2026-07-01"),
    ]
    assert "11/06/2025  2,15 %" in out
    assert "Taux manquant : Intérêt légal « particuliers » du 2e semestre 2026" in out


def test_a_legal_rate_added_with_a_french_date_and_comma_is_stored_and_journaled(team, capsys):
    other = a_company(name="Autre SARL", siren="552100554")

    code = cli.main(["rates", "--add", "legal-pro", "01/07/2026", "2,50", "--date", "2026-12-01"])

    out = capsys.readouterr().out
    assert code == 0
    assert "Taux ajouté : Intérêt légal « autres cas » du 2e semestre 2026" in out
    assert "2,50" in out
    row = LegalRate.objects.get(kind="legal-pro", effective_date=date(2026, 7, 1))
    assert row.rate == Decimal("2.500")
    assert "ligne de commande" in row.source
    # Rates are common to every company: each company's journal says so.
    entries = JournalEntry.objects.filter(action="rate_added")
    assert {entry.company_id for entry in entries} == {team.company.pk, other.pk}
    assert all(entry.dossier_id is None and entry.user_id is None for entry in entries)
    assert "2e semestre 2026" in entries[0].message
    assert "Taux manquant : Intérêt légal « particuliers » du 2e semestre 2026" in out
    assert "Taux manquant : Intérêt légal « autres cas »" not in out


def test_an_ecb_rate_any_day_with_an_iso_date_changes_the_semesters_b2b_rate(team, capsys):
    code = cli.main(
        ["rates", "--add", "ecb", "2026-03-18", "1.90", "--date", "2026-12-01", "--json"]
    )

    summary = last_json(capsys.readouterr().out)
    assert code == 0
    assert summary["added"] == {"kind": "ecb", "date": "2026-03-18", "rate": "1.90"}
    assert EcbRate.objects.filter(effective_date=date(2026, 3, 18)).exists()
    second_2026 = summary["semesters"][0]
    assert (second_2026["semester"], second_2026["ecb"]) == ("2026-07-01", "1.90")
    assert second_2026["default_penalty_rate"] == "11.90"


@pytest.mark.parametrize(
    ("words", "message"),
    [
        (["bce", "2026-07-01", "2,50"], "Type de taux inconnu : « bce »"),
        (["ecb", "31/02/2026", "2,50"], "Date invalide : « 31/02/2026 »"),
        (["ecb", "2026-03-18", "deux"], "Taux invalide : « deux »"),
        (["legal-part", "02/07/2026", "6,50"], "1er janvier ou le 1er juillet, pas le 02/07/2026"),
        (["legal-pro", "01/01/2026", "3,00"], "existe déjà au 01/01/2026"),
        (["ecb", "2026-03-18", "60"], "doit être compris entre -5,00 % et 50,00 %"),
        (["legal-pro", "01/07/2026", "-1"], "doit être compris entre 0,00 % et 50,00 %"),
    ],
)
def test_bad_input_exits_2_with_a_french_message_and_stores_nothing(team, capsys, words, message):
    before = (EcbRate.objects.count(), LegalRate.objects.count())

    code = cli.main(["rates", "--add", *words, "--json"])

    captured = capsys.readouterr()
    assert code == 2
    assert captured.err.startswith("Erreur : ")
    assert message in captured.err.replace("\u00a0", " ")
    assert (EcbRate.objects.count(), LegalRate.objects.count()) == before
    assert not JournalEntry.objects.filter(action="rate_added").exists()


def test_the_seed_adds_what_is_missing_and_never_replaces_a_stored_rate(db):
    # As migration 0007 does on a database seeded with the short tables of 0003.
    EcbRate.objects.filter(effective_date__lt=date(2023, 9, 20)).delete()
    LegalRate.objects.filter(kind="legal-part").delete()
    LegalRate.objects.filter(effective_date=date(2025, 7, 1)).update(rate=Decimal("2.77"))

    added = seed_published_rates()

    assert added == 51 + 23
    assert seed_published_rates() == 0
    assert EcbRate.objects.count() == 60
    assert LegalRate.objects.filter(kind="legal-part").count() == 23
    kept = LegalRate.objects.get(kind="legal-pro", effective_date=date(2025, 7, 1))
    assert kept.rate == Decimal("2.770")


def test_the_service_lets_a_manager_add_a_rate_and_refuses_a_collector(team):
    with pytest.raises(PermissionDenied, match="Seul un responsable recouvrement"):
        add_rate(
            RateKind.ECB,
            date(2026, 3, 18),
            Decimal("1.90"),
            user=team.collector_user,
            company=team.company,
        )
    row = add_rate(
        RateKind.ECB, date(2026, 3, 18), Decimal("1.90"), user=team.manager, company=team.company
    )

    assert row.source == "Saisi (responsable)"
    assert JournalEntry.objects.get(action="rate_added").user == team.manager
