"""B11: the facts of the suggested priority read from the database, the stored suggestions
(`refresh_priorities`), the company's weights and adopting a suggestion."""

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from recouvrement import cli, services
from recouvrement.db.models import (
    Allocation,
    DisputeReason,
    Dossier,
    Intervention,
    JournalEntry,
    Payment,
)
from recouvrement.db.priority_facts import priority_facts
from recouvrement.domain.priority import PriorityFacts, PriorityWeights, suggest_priority
from recouvrement.domain.statuses import InterventionKind, InterventionStatus
from recouvrement.services.priority import PRIORITIES_REFRESHED, PRIORITY_WEIGHTS_CHANGED
from recouvrement.services.promises import settle_promises
from tests.builders import a_customer, a_dossier, a_receivable, a_scenario

OPENED = date(2026, 11, 2)
TODAY = date(2026, 12, 2)


def a_paid_receivable(customer, due_date: date, paid_on: date, amount: str = "800.00"):
    receivable = a_receivable(customer, amount, due_date=due_date, open_amount="0.00")
    payment = Payment.objects.create(
        company=customer.company, customer=customer, date=paid_on, amount=Decimal(amount)
    )
    Allocation.objects.create(payment=payment, receivable=receivable, amount=Decimal(amount))
    return receivable


@pytest.fixture
def late_payer(team):
    """A dossier with every fact: 1 200 € open, 62 days late, step 1 of 4 done, a promise
    broken, a litige of 200 €, and a customer who paid 3 échéances this year 10 days late on
    average (one paid last year, 92 days late, no longer counts)."""
    customer = a_customer(team.company)
    for due, paid in (
        (date(2026, 9, 1), date(2026, 9, 21)),  # 20 days late
        (date(2026, 6, 1), date(2026, 6, 11)),  # 10 days late
        (date(2026, 8, 1), date(2026, 7, 25)),  # early: 0
        (date(2025, 5, 1), date(2025, 8, 1)),  # more than 12 months ago: not counted
    ):
        a_paid_receivable(customer, due, paid)
    oldest = a_receivable(customer, "1000.00", due_date=date(2026, 10, 1))
    partly = a_receivable(customer, "500.00", due_date=date(2026, 11, 15), open_amount="200.00")
    dossier = a_dossier(
        customer,
        today=OPENED,
        scenario=a_scenario(team.company),
        receivables=[oldest, partly],
        collector=team.collector,
    )
    first = dossier.interventions.get(kind=InterventionKind.STEP)
    services.set_intervention_status(
        first, InterventionStatus.DONE, today=date(2026, 11, 3), user=team.manager
    )
    services.create_intervention(
        dossier,
        InterventionKind.PROMISE,
        today=date(2026, 11, 10),
        user=team.manager,
        planned_date=date(2026, 11, 20),
        promise_amount=Decimal("300.00"),
    )
    settle_promises(date(2026, 11, 25), company=team.company)  # nothing came: broken
    services.open_dispute(
        dossier,
        reason=DisputeReason.objects.create(company=team.company, label="Prix"),
        amount=Decimal("200.00"),
        receivables=[partly],
        today=date(2026, 11, 20),
        user=team.manager,
    )
    return dossier


@pytest.fixture
def newcomer(team):
    """A dossier without any history: 300 € due 12 days ago, no scenario, never contacted."""
    customer = a_customer(team.company)
    return a_dossier(
        customer, today=OPENED, receivables=[a_receivable(customer, "300.00", date(2026, 11, 20))]
    )


def test_each_fact_of_a_dossier_with_a_history(team, late_payer):
    facts = priority_facts(team.company, TODAY)[late_payer.pk]

    assert facts == PriorityFacts(
        open_amount=Decimal("1200.00"),
        days_overdue=62,  # 01/10 → 02/12
        step_reached=1,
        step_count=4,
        broken_promises=1,
        disputed_amount=Decimal("200.00"),
        disputes=1,
        days_since_last_contact=22,  # the promise taken on 10/11 (the e-mail went on 03/11)
        average_days_late=10,  # (20 + 10 + 0) / 3
    )


def test_a_dossier_without_history_and_closed_dossiers_left_out(team, newcomer, late_payer):
    services.close_dossier(late_payer, today=TODAY, user=team.manager)

    facts = priority_facts(team.company, TODAY)

    assert set(facts) == {newcomer.pk}
    assert facts[newcomer.pk] == PriorityFacts(
        open_amount=Decimal("300.00"),
        days_overdue=12,
        step_reached=0,
        step_count=0,
        broken_promises=0,
        disputed_amount=Decimal("0.00"),
        disputes=0,
        days_since_last_contact=None,
        average_days_late=None,
    )


def test_the_facts_cost_the_same_queries_for_one_or_many_dossiers(team, late_payer, newcomer):
    with CaptureQueriesContext(connection) as one:
        priority_facts(team.company, TODAY, [late_payer.pk])
    for _ in range(3):
        a_dossier(a_customer(team.company), scenario=a_scenario(team.company))
    with CaptureQueriesContext(connection) as many:
        assert len(priority_facts(team.company, TODAY)) == 5

    assert len(many) == len(one) <= 6


def test_refresh_stores_every_open_dossiers_suggestion_and_journals_once(
    team, late_payer, newcomer
):
    summary = services.refresh_priorities(team.company, today=TODAY)

    expected = suggest_priority(priority_facts(team.company, TODAY)[late_payer.pk])
    late_payer.refresh_from_db()
    assert (late_payer.suggested_score, late_payer.suggested_priority) == (
        expected.score,
        expected.priority,
    )
    assert late_payer.suggested_reasons == ", ".join(expected.reasons)
    assert late_payer.suggested_on == TODAY
    assert late_payer.priority == 3  # the user's own priority is left alone
    assert summary.dossiers == 2
    (entry,) = JournalEntry.objects.filter(company=team.company, action=PRIORITIES_REFRESHED)
    assert entry.dossier_id is None
    assert entry.after["dossiers"] == 2
    assert "2 dossier(s) ouvert(s)" in entry.message


def test_weights_saved_for_a_company_change_its_suggestions(team, late_payer):
    services.refresh_priorities(team.company, today=TODAY)
    before = Dossier.objects.get(pk=late_payer.pk).suggested_score

    saved = services.save_priority_weights(
        team.company,
        {"amount": 0, "days_overdue": 100, "disputes": 0},
        user=team.manager,
        today=TODAY,
    )

    team.company.refresh_from_db()
    assert PriorityWeights.from_dict(team.company.priority_weights).days_overdue == 100
    assert saved.refreshed is not None
    after = Dossier.objects.get(pk=late_payer.pk).suggested_score
    assert after != before
    entry = JournalEntry.objects.get(company=team.company, action=PRIORITY_WEIGHTS_CHANGED)
    assert "Montant dû 35 → 0" in entry.message
    assert (entry.before["amount"], entry.after["amount"]) == (35, 0)


def test_bad_weights_are_refused_in_french_and_nothing_is_stored(team):
    with pytest.raises(ValidationError) as refused:
        services.save_priority_weights(team.company, {"amount": 120}, user=team.manager)
    assert "ne peut pas dépasser 100" in refused.value.messages[0]
    with pytest.raises(ValidationError) as unknown:
        services.save_priority_weights(team.company, {"couleur": 3}, user=team.manager)
    assert "Facteur de priorité inconnu" in unknown.value.messages[0]

    team.company.refresh_from_db()
    assert team.company.priority_weights == {}


def test_a_collector_cannot_save_weights(team):
    with pytest.raises(PermissionDenied):
        services.save_priority_weights(team.company, {"amount": 10}, user=team.collector_user)


def test_adopting_the_suggestion_sets_the_priority_journals_it_and_moves_the_worklist(
    team, late_payer
):
    services.update_dossier(
        late_payer, today=TODAY, user=team.manager, changes=services.DossierChanges(priority=5)
    )

    adopted = services.adopt_suggested_priority(late_payer, today=TODAY, user=team.collector_user)

    late_payer.refresh_from_db()
    assert late_payer.priority == adopted.suggestion.priority == 2  # 47 points
    assert "priorité 5 → 2" in adopted.update.message
    assert late_payer.suggested_priority == 2
    todo = Intervention.objects.filter(dossier=late_payer, status=InterventionStatus.TODO)
    assert {row.queue_priority for row in todo} == {late_payer.priority}
    with pytest.raises(PermissionDenied):
        services.adopt_suggested_priority(late_payer, today=TODAY, user=team.other_collector_user)


def test_the_priority_command_stores_and_prints_the_suggestions(team, late_payer, capsys):
    code = cli.main(["priority", "--date", "02/12/2026", "--json"])

    out = capsys.readouterr().out
    assert code == 0
    result = json.loads(out.strip().splitlines()[-1])
    assert result["date"] == "2026-12-02"
    (company,) = result["companies"]
    assert company["dossiers"] == 1
    assert company["most_urgent"][0]["dossier"] == late_payer.number
    assert late_payer.number in out
    assert Dossier.objects.get(pk=late_payer.pk).suggested_on == TODAY


def test_prepare_refreshes_the_suggestions_but_its_dry_run_does_not(team, late_payer, capsys):
    cli.main(["prepare", "--date", "2026-12-02", "--dry-run", "--force"])
    assert Dossier.objects.get(pk=late_payer.pk).suggested_on is None

    cli.main(["prepare", "--date", "2026-12-02", "--force"])

    assert Dossier.objects.get(pk=late_payer.pk).suggested_on == TODAY
    assert "Priorité suggérée au 02/12/2026" in capsys.readouterr().out


def test_the_oldest_open_echeance_decides_the_days_overdue(team):
    customer = a_customer(team.company)
    paid = a_receivable(customer, "100.00", due_date=TODAY - timedelta(days=90), open_amount="0")
    owed = a_receivable(customer, "100.00", due_date=TODAY - timedelta(days=5))
    dossier = a_dossier(customer, today=OPENED, receivables=[owed])
    dossier.links.create(receivable=paid, is_active=True)

    assert priority_facts(team.company, TODAY)[dossier.pk].days_overdue == 5
