"""« Gestion des actions » (S9): what is due, in the order the credit controller asks for."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from recouvrement import services
from recouvrement.db.worklist import worklist_query, worklist_rows
from recouvrement.domain.statuses import InterventionStatus
from recouvrement.services.configuration import save_collaborator
from tests.builders import a_collector, a_customer, a_dossier, a_receivable, a_scenario

OPENED = date(2026, 11, 2)
TODAY = date(2026, 11, 27)


def labels(page) -> list[str]:
    return [row.dossier.customer.name for row in page.rows]


@pytest.fixture
def dossiers(team):
    """Three dossiers of two chargés, each with its first step « A faire »."""
    scenario = a_scenario(team.company)
    zoe = a_collector(team.company, last_name="Ébrard")  # sorts as EBRARD, before MARTIN

    def dossier(name, priority, collector, opened=OPENED):
        customer = a_customer(team.company, name=name)
        return a_dossier(
            customer,
            today=opened,
            scenario=scenario,
            priority=priority,
            collector=collector,
            receivables=[a_receivable(customer, "1500.00")],
        )

    return {
        "martin-1": dossier("Martin P1", 1, team.collector, date(2026, 11, 5)),
        "ebrard-1": dossier("Ebrard P1", 1, zoe),
        "martin-3": dossier("Martin P3", 3, team.collector),
        "zoe": zoe,
    }


def test_the_worklist_sorts_by_priority_then_chargé_then_date(team, dossiers):
    page = worklist_rows(team.company, TODAY)

    assert labels(page) == ["Ebrard P1", "Martin P1", "Martin P3"]


def test_sorting_by_chargé_first_groups_each_chargés_work_by_priority(team, dossiers):
    page = worklist_rows(team.company, TODAY, sort=["collector"])

    assert labels(page) == ["Ebrard P1", "Martin P1", "Martin P3"]


def test_sorting_by_date_puts_the_oldest_action_first(team, dossiers):
    page = worklist_rows(team.company, TODAY, sort=["date"])

    assert labels(page) == ["Ebrard P1", "Martin P3", "Martin P1"]


def test_a_collector_sees_only_their_dossiers_when_filtered(team, dossiers):
    page = worklist_rows(team.company, TODAY, collector_id=team.collector.pk)

    assert labels(page) == ["Martin P1", "Martin P3"]


def test_a_collectors_own_rows_by_date_put_the_oldest_first(team, dossiers):
    page = worklist_rows(team.company, TODAY, collector_id=team.collector.pk, sort=["date"])

    assert labels(page) == ["Martin P3", "Martin P1"]


def test_a_renamed_chargé_still_finds_their_rows_and_sorts_under_the_new_name(team, dossiers):
    zoe = dossiers["zoe"]
    zoe.last_name = "Zola"
    save_collaborator(zoe, user=team.manager)

    mine = worklist_rows(team.company, TODAY, collector_id=zoe.pk)
    everyone = worklist_rows(team.company, TODAY, sort=["collector"])

    assert labels(mine) == ["Ebrard P1"]
    assert labels(everyone) == ["Martin P1", "Martin P3", "Ebrard P1"]


def test_rows_not_yet_due_done_or_of_closed_dossiers_are_left_out(team, dossiers):
    first = dossiers["martin-3"].interventions.get()
    services.set_intervention_status(first, InterventionStatus.DONE, today=TODAY, user=None)
    services.close_dossier(dossiers["ebrard-1"], today=TODAY, user=None)

    assert labels(worklist_rows(team.company, TODAY)) == ["Martin P1"]
    assert labels(worklist_rows(team.company, date(2026, 11, 4))) == []


def test_the_balance_column_is_the_dossiers_open_amount(team, dossiers):
    page = worklist_rows(team.company, TODAY)

    assert set(page.balances.values()) == {Decimal("1500.00")}


def test_reassigning_a_dossier_moves_its_rows_in_the_worklist(team, dossiers):
    services.assign_dossier(
        dossiers["martin-3"], user=team.manager, collector=dossiers["zoe"], priority=1
    )

    assert labels(worklist_rows(team.company, TODAY)) == ["Ebrard P1", "Martin P3", "Martin P1"]
    entry = dossiers["martin-3"].journal.get(action="dossier_assigned")
    assert entry.after == {"priority": 1, "collector_id": dossiers["zoe"].pk}


def test_a_row_set_back_to_todo_takes_its_dossiers_current_priority(team, dossiers):
    row = dossiers["martin-3"].interventions.get()
    services.set_intervention_status(row, InterventionStatus.DONE, today=TODAY, user=team.manager)
    services.assign_dossier(dossiers["martin-3"], user=team.manager, priority=1)

    with pytest.raises(ValidationError, match="Remettre A faire"):  # never without a reason
        services.set_intervention_status(
            row, InterventionStatus.TODO, today=TODAY, user=team.manager
        )
    services.reopen_intervention(row, reason="Appel non abouti", user=team.manager, today=TODAY)

    row.refresh_from_db()
    assert row.queue_priority == 1


def test_only_a_manager_changes_the_chargé_and_a_collector_may_set_the_priority(team, dossiers):
    own = dossiers["martin-3"]

    with pytest.raises(ValidationError, match="Seul un responsable"):
        services.assign_dossier(own, user=team.collector_user, collector=dossiers["zoe"])
    services.assign_dossier(own, user=team.collector_user, priority=2)
    with pytest.raises(PermissionDenied):
        services.assign_dossier(dossiers["ebrard-1"], user=team.collector_user, priority=2)
    with pytest.raises(ValidationError, match="La priorité va de 1"):
        services.assign_dossier(own, user=team.manager, priority=9)

    own.refresh_from_db()
    assert (own.priority, own.collector) == (2, team.collector)


@pytest.mark.parametrize("sort", [["priority"], ["collector"], ["date"]])
@pytest.mark.parametrize("mine", [False, True])
def test_sqlite_reads_the_first_page_from_an_index_without_sorting(team, dossiers, sort, mine):
    if connection.vendor != "sqlite":
        pytest.skip("the query plan checked here is SQLite's")
    collector_id = team.collector.pk if mine else None
    query = worklist_query(team.company, TODAY, sort=sort, collector_id=collector_id)
    sql, params = query[:50].query.sql_with_params()

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())

    assert "TEMP B-TREE" not in plan, plan
