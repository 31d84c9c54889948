"""B5: a dossier per customer with overdue échéances that no open dossier follows."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from recouvrement import cli, services
from recouvrement.db.models import Dossier
from tests.builders import a_customer, a_dossier, a_receivable, a_scenario

TODAY = date(2026, 11, 27)


def test_each_late_customer_gets_one_dossier_with_the_default_scenario_and_its_chargé(team):
    scenario = a_scenario(team.company, name="Relance standard", is_default=True)
    late = a_customer(team.company, name="En retard", default_collector=team.collector)
    first = a_receivable(late, "1200.00", date(2026, 9, 1))
    second = a_receivable(late, "300.00", date(2026, 10, 1))
    a_receivable(late, "999.00", date(2026, 12, 31))  # not due yet: stays out

    summary = services.open_overdue_dossiers(team.company, today=TODAY, user=team.manager)

    [dossier] = summary.opened
    assert (dossier.customer, dossier.scenario, dossier.collector) == (
        late,
        scenario,
        team.collector,
    )
    assert set(dossier.receivables.all()) == {first, second}
    assert dossier.interventions.count() == 1  # the scenario's first step, « A faire »
    assert dossier.summary == "2 échéance(s) échue(s) — 1\u202f500,00\u00a0€"


def test_followed_excluded_and_small_debts_get_no_dossier(team):
    followed = a_customer(team.company, name="Déjà suivi")
    a_dossier(followed, receivables=[a_receivable(followed, "500.00", date(2026, 9, 1))])
    excluded = a_customer(team.company, name="Exclu", excluded_from_collection=True)
    a_receivable(excluded, "800.00", date(2026, 9, 1))
    small = a_customer(team.company, name="Petit")
    a_receivable(small, "12.00", date(2026, 9, 1))
    before = Dossier.objects.count()

    summary = services.open_overdue_dossiers(
        team.company, today=TODAY, user=team.manager, min_amount=Decimal("50")
    )

    assert summary.as_json() == {"opened": 0, "below_minimum": 1, "refused": 0}
    assert Dossier.objects.count() == before


def test_running_it_again_opens_nothing_more(team):
    late = a_customer(team.company)
    a_receivable(late, "1200.00", date(2026, 9, 1))
    services.open_overdue_dossiers(team.company, today=TODAY, user=team.manager)

    again = services.open_overdue_dossiers(team.company, today=TODAY, user=team.manager)

    assert again.opened == []


def test_only_a_manager_opens_dossiers_in_series(team):
    with pytest.raises(PermissionDenied):
        services.open_overdue_dossiers(team.company, today=TODAY, user=team.collector_user)


def test_the_open_dossiers_command_prints_its_counts(team, capsys):
    late = a_customer(team.company)
    a_receivable(late, "1200.00", date(2026, 9, 1))

    code = cli.main(["open-dossiers", "--date", "2026-11-27", "--min-amount", "100,00", "--json"])

    out = capsys.readouterr().out
    assert code == 0
    assert out.strip().splitlines()[-1] == (
        '{"date": "2026-11-27", "opened": 1, "below_minimum": 0, "refused": 0}'
    )
    assert "1 dossier(s) ouvert(s) R2026-000001" in out
