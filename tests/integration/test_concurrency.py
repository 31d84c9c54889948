"""Two users pressing « Préparer » on the same dossier at the same instant create one step (§8)."""

import threading
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from recouvrement import services
from recouvrement.domain.statuses import InterventionStatus
from tests.builders import a_customer, a_dossier, a_scenario

pytestmark = [
    pytest.mark.postgresql,
    pytest.mark.django_db(transaction=True),
]
TODAY = date(2026, 11, 2)


def at_the_same_time(*calls) -> list[str]:
    """Run each call in its own thread and database connection, released together."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[str] = []

    def run(call):
        try:
            barrier.wait()
            call()
            outcomes.append("created")
        except ValidationError as refused:
            outcomes.append(refused.code)
        except Exception as error:  # noqa: BLE001 (the test shows what went wrong)
            outcomes.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return sorted(outcomes)


@pytest.fixture
def ready_dossiers(team):
    """Dossiers whose first step is done, so the second one can be prepared."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks under real concurrency are checked on PostgreSQL")
    scenario = a_scenario(team.company)
    dossiers = [a_dossier(a_customer(team.company), scenario=scenario) for _ in range(5)]
    for dossier in dossiers:
        services.set_intervention_status(
            dossier.interventions.get(), InterventionStatus.DONE, today=TODAY, user=None
        )
    return dossiers


def test_two_simultaneous_preparer_create_exactly_one_intervention(team, ready_dossiers):
    for dossier in ready_dossiers:
        prepare = lambda d=dossier: services.prepare_next_intervention(  # noqa: E731
            d, today=TODAY, user=team.manager
        )

        outcomes = at_the_same_time(prepare, prepare)

        assert outcomes == ["created", "step_todo"]
        assert dossier.interventions.filter(status=InterventionStatus.TODO).count() == 1


def test_the_batch_and_a_user_at_the_same_time_create_one_intervention(team, ready_dossiers):
    outcomes = at_the_same_time(
        lambda: services.prepare_due(date(2026, 12, 1)),
        lambda: services.prepare_next_intervention(
            ready_dossiers[0], today=TODAY, user=team.manager
        ),
    )

    assert outcomes in (["created", "created"], ["created", "step_todo"])
    for dossier in ready_dossiers:
        assert dossier.interventions.filter(status=InterventionStatus.TODO).count() == 1


def test_two_imports_of_the_same_file_at_once_record_everything_once(team):
    if connection.vendor != "postgresql":
        pytest.skip("row locks under real concurrency are checked on PostgreSQL")
    import io
    from pathlib import Path

    from recouvrement.db.models import Payment, Receivable
    from recouvrement.services.imports import import_accounting_file

    data = (Path(__file__).parent.parent / "data" / "fec_tab.txt").read_bytes()
    importing = lambda: import_accounting_file(  # noqa: E731
        team.company, io.BytesIO(data), today=TODAY, user=team.manager
    )

    outcomes = at_the_same_time(importing, importing)

    assert outcomes == ["created", "created"]
    assert Receivable.objects.count() == 1
    assert Payment.objects.count() == 1
