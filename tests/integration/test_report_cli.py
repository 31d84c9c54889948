"""`recouvrement report …`: the dashboard's figures on a terminal, the same as the page's
(one function), with a French table and, with --json, one JSON object as the last line."""

import json

from django.db.models import Sum

from recouvrement import cli
from recouvrement.db.models import Receivable
from tests.builders import a_company
from tests.integration.test_reports import books  # noqa: F401 (the fixture)

NNBSP, NBSP = "\u202f", "\u00a0"


def last_json(output: str) -> dict:
    return json.loads(output.strip().splitlines()[-1])


def test_the_aged_balance_at_a_past_date_per_chargé_as_a_table_and_json(team, books, capsys):  # noqa: F811
    code = cli.main(["report", "aged-balance", "--date", "10/11/2026", "--json"])

    out = capsys.readouterr().out
    data = last_json(out)
    assert code == 0
    assert data["as_of"] == "2026-11-10"
    assert data["company"]["total"] == {"amount": "2975.25", "count": 5}
    names = {line["name"]: line["balance"]["total"]["amount"] for line in data["by_collector"]}
    assert names == {
        str(team.collector): "800.25",
        str(team.other_collector): "2100.00",
        "Sans chargé": "75.00",
    }
    assert "balance âgée au 10/11/2026" in out
    assert "Non échu" in out and "Plus de 90 jours" in out
    assert f"2{NNBSP}975,25{NBSP}€ (5)" in out  # the company's total, the French way


def test_today_the_total_is_every_open_échéance_to_the_cent(team, books, capsys):  # noqa: F811
    assert cli.main(["report", "aged-balance", "--json"]) == 0

    data = last_json(capsys.readouterr().out)
    owed = Receivable.objects.filter(company=team.company).aggregate(t=Sum("open_amount"))["t"]
    assert data["company"]["total"]["amount"] == str(owed)


def test_recovered_dso_and_promises_print_the_same_figures_as_the_services(
    team,
    books,  # noqa: F811
    capsys,
):
    assert cli.main(["report", "recovered", "--date", "2026-12-10", "--json"]) == 0
    out = capsys.readouterr().out
    recovered = last_json(out)
    assert recovered["total"] == "900.00" and len(recovered["months"]) == 12
    assert "novembre 2026" in out and f"100,00{NBSP}€" in out

    assert cli.main(["report", "dso", "--date", "2026-11-30", "--json"]) == 0
    out = capsys.readouterr().out
    dso = last_json(out)
    assert dso["formula"].startswith("DSO (méthode de l'épuisement) : ")
    assert dso["trend"][-1]["days"] == dso["days"]
    assert f"DSO au 30/11/2026 : {dso['days'].replace('.', ',')} jours" in out

    assert cli.main(["report", "promises", "--date", "2026-11-30", "--json"]) == 0
    out = capsys.readouterr().out
    assert last_json(out)["made"] == {"amount": "0.00", "count": 0}
    assert "Taux de tenue : —" in out


def test_bad_input_is_refused_in_french_with_status_2(team, capsys):
    assert cli.main(["report", "dso", "--date", "31/02/2026"]) == 2
    assert "Date invalide : « 31/02/2026 »" in capsys.readouterr().err
    assert cli.main(["report", "dso", "--date", "0001-01-01"]) == 2
    assert "hors des dates possibles" in capsys.readouterr().err
    assert cli.main(["report", "promises", "--company", "Personne SA"]) == 2
    assert "Société inconnue" in capsys.readouterr().err
    a_company(name="Seconde SARL")
    assert cli.main(["report", "recovered"]) == 2
    assert "Précisez la société avec --company" in capsys.readouterr().err
    assert cli.main(["report", "recovered", "--company", "seconde sarl", "--json"]) == 0
    assert last_json(capsys.readouterr().out)["total"] == "0.00"
