"""The API's « Gestion des actions » (issue 14 §3, S9): the actions « A faire » due by a date,
with the screen's filters and orders, paged by cursor — per role, as the screen."""

from datetime import date

import pytest

from recouvrement.db.models import Intervention
from recouvrement.domain.statuses import InterventionKind, Role
from tests.builders import a_collector, a_company, a_customer, a_dossier, a_scenario, a_user

URL = "/api/v1/worklist/"
SOON = date(2026, 11, 2)  # the dossiers' opening: their first step is due that day


@pytest.fixture
def steps(team):
    """The first step « A faire » of Sophie's dossier (priority 1) and of Karim's (3)."""
    scenario = a_scenario(team.company)
    own = a_dossier(
        a_customer(team.company), collector=team.collector, scenario=scenario, priority=1
    )
    other = a_dossier(a_customer(team.company), collector=team.other_collector, scenario=scenario)
    return tuple(
        Intervention.objects.get(dossier=d, kind=InterventionKind.STEP) for d in (own, other)
    )


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["items"]]


def test_the_worklist_per_role(call, team, steps):
    mine, karims = steps
    assert ids(call(team.manager).get(URL)) == [mine.pk, karims.pk]  # by priority
    assert ids(call(team.reader).get(URL)) == [mine.pk, karims.pk]
    sophie = call(team.collector_user)
    assert ids(sophie.get(URL)) == [mine.pk]  # a chargé's own actions by default
    assert ids(sophie.get(URL, charge="tous")) == [mine.pk, karims.pk]
    assert ids(sophie.get(URL, charge=team.other_collector.pk)) == [karims.pk]
    stranger = a_user(a_company(name="Autre SARL", siren=""), Role.MANAGER, "ailleurs")
    assert ids(call(stranger).get(URL)) == []


def test_the_rows_and_the_filters(call, team, steps):
    mine, karims = steps
    manager = call(team.manager)
    row = manager.get(URL).json()["items"][0]
    assert row["dossier_id"] == mine.dossier_id and row["priority"] == 1
    assert row["collector"]["id"] == team.collector.pk and row["balance"] == "1200.00"
    assert row["kind"] == "step" and row["action_type"] == "email"
    assert ids(manager.get(URL, type="email")) == [mine.pk, karims.pk]
    assert ids(manager.get(URL, type="alert")) == []
    assert ids(manager.get(URL, jusqu_au="2026-11-01")) == []  # not yet due
    assert ids(manager.get(URL, tri="-priorite")) == [karims.pk, mine.pk]
    assert ids(manager.get(URL, tri="dossier")) == sorted(
        [mine.pk, karims.pk], key=lambda pk: Intervention.objects.get(pk=pk).dossier.number
    )
    assert manager.get(URL, tri="solde").status_code == 422
    unknown = manager.get(URL, type="fax")
    assert unknown.status_code == 400 and unknown.json()["errors"][0]["field"] == "type"
    stranger = a_collector(a_company(name="Autre SARL", siren=""))
    assert manager.get(URL, charge=stranger.pk).status_code == 400


def test_the_worklist_pages_by_cursor(call, team, steps):
    manager = call(team.manager)
    for tri in ("priorite", "charge", "date", "-date", "dossier"):
        first = manager.get(URL, limit=1, tri=tri).json()
        second = manager.get(URL, limit=1, tri=tri, cursor=first["next_cursor"]).json()
        assert second["next_cursor"] is None, tri
        assert {first["items"][0]["id"], second["items"][0]["id"]} == {s.pk for s in steps}
