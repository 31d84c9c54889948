"""Opening and closing dossiers through the services (S2, M7, M9)."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from recouvrement import services
from recouvrement.db.models import DossierReceivable, JournalEntry, Resolution
from recouvrement.domain.statuses import DossierStatus, InterventionStatus
from tests.builders import a_customer, a_dossier, a_receivable, a_scenario

TODAY = date(2026, 11, 2)


def test_opening_a_dossier_with_a_scenario_shows_its_first_step_todo(team):
    customer = a_customer(team.company)
    scenario = a_scenario(team.company)

    dossier = a_dossier(customer, scenario=scenario, user=team.manager, collector=team.collector)

    (first,) = dossier.interventions.all()
    assert first.label == "E-mail de relance courtoise"
    assert first.status == InterventionStatus.TODO
    assert first.planned_date == TODAY
    assert first.action_type == "email"


def test_a_dossier_without_scenario_starts_with_no_intervention(team):
    dossier = a_dossier(a_customer(team.company), user=team.manager)

    assert dossier.interventions.count() == 0


def test_dossier_numbers_are_automatic_and_follow_each_other(team):
    customer = a_customer(team.company)

    numbers = [a_dossier(customer, user=team.manager).number for _ in range(3)]

    assert numbers == ["R2026-000001", "R2026-000002", "R2026-000003"]


def test_opening_a_dossier_writes_the_journal(team):
    dossier = a_dossier(a_customer(team.company), scenario=a_scenario(team.company))

    actions = list(JournalEntry.objects.filter(dossier=dossier).values_list("action", flat=True))

    # The first step is an e-mail: the customer has no address, so the journal says it.
    assert actions == ["dossier_opened", "intervention_prepared", "email_no_address"]


def test_an_echeance_already_in_an_open_dossier_is_refused_and_nothing_is_written(team):
    customer = a_customer(team.company)
    receivable = a_receivable(customer)
    a_dossier(customer, receivables=[receivable])
    dossiers_before = customer.dossiers.count()

    with pytest.raises(ValidationError, match="déjà dans le dossier ouvert R2026-000001"):
        a_dossier(customer, receivables=[receivable], scenario=a_scenario(team.company))

    assert customer.dossiers.count() == dossiers_before


def test_an_echeance_is_free_again_once_its_dossier_is_closed(team):
    customer = a_customer(team.company)
    receivable = a_receivable(customer)
    first = a_dossier(customer, receivables=[receivable])
    services.close_dossier(first, today=TODAY, user=team.manager)

    second = a_dossier(customer, receivables=[receivable])

    assert DossierReceivable.objects.get(dossier=second).is_active
    assert not DossierReceivable.objects.get(dossier=first).is_active


def test_an_echeance_of_another_customer_is_refused(team):
    customer = a_customer(team.company)
    foreign = a_receivable(a_customer(team.company))

    with pytest.raises(ValidationError, match="n'est pas une échéance du client"):
        a_dossier(customer, receivables=[foreign])


def test_a_customer_excluded_from_collection_gets_no_dossier(team):
    customer = a_customer(team.company, excluded_from_collection=True)

    with pytest.raises(ValidationError, match="exclu du recouvrement"):
        a_dossier(customer)


def test_a_priority_outside_1_to_5_is_refused(team):
    with pytest.raises(ValidationError, match="priorité va de 1"):
        a_dossier(a_customer(team.company), priority=6)


def test_a_read_only_user_cannot_open_a_dossier(team):
    with pytest.raises(PermissionDenied):
        a_dossier(a_customer(team.company), user=team.reader)


def test_a_collector_opens_dossiers_for_themselves(team):
    dossier = a_dossier(
        a_customer(team.company), user=team.collector_user, collector=team.other_collector
    )

    assert dossier.collector == team.collector


def test_closing_a_dossier_skips_what_was_todo_and_records_the_resolution(team):
    dossier = a_dossier(a_customer(team.company), scenario=a_scenario(team.company))
    paid = Resolution.objects.create(company=team.company, label="Payé")

    services.close_dossier(dossier, today=date(2026, 11, 20), user=team.manager, resolution=paid)

    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.CLOSED
    assert dossier.end_date == date(2026, 11, 20)
    assert dossier.resolution == paid
    assert set(dossier.interventions.values_list("status", flat=True)) == {"skipped"}
    assert dossier.journal.filter(action="dossier_closed").count() == 1


def test_a_closed_dossier_cannot_be_closed_again(team):
    dossier = a_dossier(a_customer(team.company))
    services.close_dossier(dossier, today=TODAY, user=team.manager)

    with pytest.raises(ValidationError, match="déjà « Clos »"):
        services.close_dossier(dossier, today=TODAY, user=team.manager)


def test_a_collector_cannot_close_another_collectors_dossier(team):
    dossier = a_dossier(a_customer(team.company), collector=team.other_collector)

    with pytest.raises(PermissionDenied, match="autre chargé"):
        services.close_dossier(dossier, today=TODAY, user=team.collector_user)

    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.OPEN
