"""The API's dossiers (issue 14 §3): the screen's list and filters, a dossier with its figures,
opening, changing and closing one, « Préparer » — per role, as the UI."""

import pytest

from recouvrement.db.models import Dossier, Intervention, JournalEntry, Resolution
from recouvrement.domain.statuses import DossierStatus, InterventionStatus, Role
from tests.builders import (
    a_collector,
    a_company,
    a_customer,
    a_dossier,
    a_receivable,
    a_scenario,
    a_user,
)

URL = "/api/v1/dossiers/"
OTHER_COLLECTOR = "Ce dossier est suivi par un autre chargé de recouvrement."
READ_ONLY = "Votre profil « Consultation » ne permet aucune modification."


@pytest.fixture
def dossiers(team):
    """Sophie's dossier (with a scenario) and Karim's."""
    own = a_dossier(
        a_customer(team.company, name="Boulangerie Durand"),
        user=team.manager,
        collector=team.collector,
        scenario=a_scenario(team.company),
    )
    other = a_dossier(
        a_customer(team.company, name="Garage Benali"),
        user=team.manager,
        collector=team.other_collector,
    )
    return own, other


@pytest.fixture
def stranger():
    """A manager of another company, with a dossier of its own."""
    company = a_company(name="Autre SARL", siren="")
    manager = a_user(company, Role.MANAGER, "ailleurs")
    a_dossier(a_customer(company), user=manager, collector=a_collector(company))
    return manager


def numbers(response) -> list[str]:
    assert response.status_code == 200, response.content
    return sorted(row["number"] for row in response.json()["items"])


def test_the_list_is_the_screens_per_role(call, team, dossiers, stranger):
    own, other = dossiers
    both = sorted([own.number, other.number])
    assert numbers(call(team.manager).get(URL)) == both
    assert numbers(call(team.reader).get(URL)) == both
    sophie = call(team.collector_user)
    assert numbers(sophie.get(URL)) == [own.number]  # « Mes dossiers » by default
    assert numbers(sophie.get(URL, all="true")) == both
    assert numbers(sophie.get(URL, charge=team.other_collector.pk)) == [other.number]
    theirs = call(stranger).get(URL).json()["items"]
    assert len(theirs) == 1 and theirs[0]["id"] not in (own.pk, other.pk)


def test_the_list_filters_and_figures(call, team, dossiers):
    own, other = dossiers
    manager = call(team.manager)
    assert numbers(manager.get(URL, q="benali")) == [other.number]
    assert numbers(manager.get(URL, status="closed")) == []
    row = next(r for r in manager.get(URL).json()["items"] if r["id"] == own.pk)
    assert row["customer"]["name"] == "Boulangerie Durand"
    assert row["collector"] == {"id": team.collector.pk, "name": "Claire Martin"}
    assert (row["invoices"], row["payments"], row["balance"]) == ("1200.00", "0.00", "1200.00")
    assert row["status"] == "open" and row["status_label"] == "En cours"


def test_bad_filters_are_refused_in_french(call, team, dossiers):
    manager = call(team.manager)
    response = manager.get(URL, q="a\x00b")  # PostgreSQL would refuse it: never a 500
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "q"
    assert manager.get(URL, priorite="9").status_code == 422
    response = manager.get(URL, cursor="pas-un-curseur")
    assert response.status_code == 400 and "Curseur" in response.json()["detail"]


def test_the_list_pages_by_cursor(call, team, dossiers):
    manager = call(team.manager)
    first = manager.get(URL, limit=1).json()
    assert len(first["items"]) == 1 and first["next_cursor"]
    second = manager.get(URL, limit=1, cursor=first["next_cursor"]).json()
    assert len(second["items"]) == 1 and second["next_cursor"] is None
    assert first["items"][0]["id"] != second["items"][0]["id"]


def test_a_dossier_with_its_figures_and_echeances(call, team, dossiers, stranger):
    own, other = dossiers
    body = call(team.collector_user).get(f"{URL}{own.pk}/").json()
    assert body["number"] == own.number and body["scenario"]["id"] == own.scenario_id
    assert body["may_change"] is True
    assert (body["invoices"], body["open_amount"], body["balance"]) == (
        "1200.00",
        "1200.00",
        "1200.00",
    )
    (receivable,) = body["receivables"]
    assert receivable["due_date"] == "2026-10-01" and receivable["amount"] == "1200.00"
    assert call(team.collector_user).get(f"{URL}{other.pk}/").json()["may_change"] is False
    assert call(team.reader).get(f"{URL}{own.pk}/").json()["may_change"] is False
    refused = call(stranger).get(f"{URL}{own.pk}/")
    assert refused.status_code == 404 and refused.json()["detail"] == "Introuvable."


def test_a_dossier_is_opened_as_the_screen_opens_it(call, team, stranger):
    customer = a_customer(team.company)
    first, second = a_receivable(customer), a_receivable(customer)
    body = {"customer_id": customer.pk, "receivable_ids": [first.pk], "priority": 2}
    response = call(team.manager).post(URL, body)
    assert response.status_code == 201, response.content
    created = Dossier.objects.get(pk=response.json()["id"])
    assert created.priority == 2 and list(created.receivables.all()) == [first]
    assert JournalEntry.objects.filter(dossier=created, action="dossier_opened").exists()
    # A collector opens dossiers they follow themselves, whatever they ask.
    mine = call(team.collector_user).post(
        URL,
        {
            "customer_id": customer.pk,
            "receivable_ids": [second.pk],
            "collector_id": team.other_collector.pk,
        },
    )
    assert mine.status_code == 201 and mine.json()["collector"]["id"] == team.collector.pk


def test_opening_is_refused_with_the_services_messages(call, team, stranger):
    customer = a_customer(team.company)
    receivable = a_receivable(customer)
    body = {"customer_id": customer.pk, "receivable_ids": [receivable.pk]}
    refused = call(team.reader).post(URL, body)
    assert refused.status_code == 403 and refused.json()["detail"] == READ_ONLY
    assert call(team.manager).post(URL, {**body, "receivable_ids": []}).status_code == 422
    foreign = call(stranger).post(URL, body)
    assert foreign.status_code == 400
    assert foreign.json()["errors"][0]["field"] == "customer_id"
    paid = a_receivable(customer, open_amount="0.00")
    response = call(team.manager).post(URL, {**body, "receivable_ids": [paid.pk]})
    assert response.status_code == 400 and "soldée" in response.json()["detail"]
    assert not Dossier.objects.filter(customer=customer).exists()


def test_a_collector_changes_their_own_dossier_only(call, team, dossiers, stranger):
    own, other = dossiers
    sophie = call(team.collector_user)
    response = sophie.patch(f"{URL}{own.pk}/", {"priority": 1, "summary": "Relancé"})
    assert response.status_code == 200, response.content
    assert response.json()["priority"] == 1 and response.json()["summary"] == "Relancé"
    entry = JournalEntry.objects.get(dossier=own, action="dossier_changed")
    assert "priorité 3 → 1" in entry.message
    refused = sophie.patch(f"{URL}{other.pk}/", {"priority": 1})
    assert refused.status_code == 403 and refused.json()["detail"] == OTHER_COLLECTOR
    refused = call(team.reader).patch(f"{URL}{own.pk}/", {"priority": 1})
    assert refused.status_code == 403 and refused.json()["detail"] == READ_ONLY
    assert call(stranger).patch(f"{URL}{own.pk}/", {"priority": 1}).status_code == 404
    handed = sophie.patch(f"{URL}{own.pk}/", {"collector_id": team.other_collector.pk})
    assert handed.status_code == 400
    assert "Seul un responsable recouvrement" in handed.json()["detail"]
    assert Dossier.objects.get(pk=other.pk).priority == 3


def test_a_manager_hands_over_changes_status_and_echeances(call, team, dossiers):
    own, _ = dossiers
    extra = a_receivable(own.customer, amount="300.00")
    manager = call(team.manager)
    response = manager.patch(
        f"{URL}{own.pk}/",
        {
            "collector_id": team.other_collector.pk,
            "status": "litigation",
            "add_receivable_ids": [extra.pk],
            "contact_id": None,
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["collector"]["id"] == team.other_collector.pk
    assert body["status"] == "litigation" and body["invoices"] == "1500.00"
    unknown = manager.patch(f"{URL}{own.pk}/", {"scenario_id": 999999})
    assert unknown.status_code == 400 and unknown.json()["errors"][0]["field"] == "scenario_id"
    assert manager.patch(f"{URL}{own.pk}/", {"colour": "red"}).status_code == 422


def test_closing_goes_through_clore_le_dossier(call, team, dossiers):
    own, other = dossiers
    paid = Resolution.objects.filter(company=team.company).first() or Resolution.objects.create(
        company=team.company, label="Payé"
    )
    manager = call(team.manager)
    mixed = manager.patch(f"{URL}{own.pk}/", {"status": "closed", "priority": 1})
    assert mixed.status_code == 400 and "Clore le dossier se fait seul" in mixed.json()["detail"]
    missing = manager.patch(f"{URL}{own.pk}/", {"status": "closed"})
    assert missing.status_code == 400
    assert missing.json()["errors"][0]["field"] == "resolution_id"
    refused = call(team.collector_user).patch(
        f"{URL}{other.pk}/", {"status": "closed", "resolution_id": paid.pk}
    )
    assert refused.status_code == 403
    response = manager.patch(
        f"{URL}{own.pk}/", {"status": "closed", "resolution_id": paid.pk, "result": "Réglé"}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "closed" and body["resolution"]["id"] == paid.pk
    assert body["end_date"] and body["result"] == "Réglé" and body["may_change"] is False
    assert Intervention.objects.filter(dossier=own, status=InterventionStatus.TODO).count() == 0
    again = manager.patch(f"{URL}{own.pk}/", {"priority": 2})
    assert again.status_code == 400 and "clos" in again.json()["detail"]
    assert Dossier.objects.get(pk=own.pk).status == DossierStatus.CLOSED


def test_prepare_next_creates_the_scenarios_next_step(call, team, dossiers, stranger):
    own, other = dossiers
    sophie = call(team.collector_user)
    waiting = sophie.post(f"{URL}{own.pk}/prepare-next/", {})
    assert waiting.status_code == 400 and waiting.json()["detail"]  # the first step is « A faire »
    first = Intervention.objects.get(dossier=own, status=InterventionStatus.TODO)
    Intervention.objects.filter(pk=first.pk).update(
        status=InterventionStatus.DONE, done_date=first.planned_date
    )
    response = sophie.post(f"{URL}{own.pk}/prepare-next/", {})
    assert response.status_code == 201, response.content
    step = response.json()
    assert step["kind"] == "step" and step["status"] == "todo" and step["dossier_id"] == own.pk
    assert step["label"] == "Téléphone"
    refused = sophie.post(f"{URL}{other.pk}/prepare-next/", {})
    assert refused.status_code == 403 and refused.json()["detail"] == OTHER_COLLECTOR
    assert call(team.reader).post(f"{URL}{own.pk}/prepare-next/", {}).status_code == 403
    assert call(stranger).post(f"{URL}{own.pk}/prepare-next/", {}).status_code == 404
