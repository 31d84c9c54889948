"""The API's interventions (issue 14 §3): the list and its filters, one intervention, « Créer
une intervention » and the status (« Remettre A faire » with a reason) — per role, as the UI."""

from datetime import timedelta

import pytest
from django.utils import timezone

from recouvrement.db.models import Intervention, JournalEntry
from recouvrement.domain.statuses import InterventionKind, InterventionStatus, Role
from tests.builders import a_collector, a_company, a_customer, a_dossier, a_scenario, a_user

URL = "/api/v1/interventions/"
OTHER_COLLECTOR = "Ce dossier est suivi par un autre chargé de recouvrement."
READ_ONLY = "Votre profil « Consultation » ne permet aucune modification."


@pytest.fixture
def dossiers(team):
    """Sophie's dossier, its first step « A faire » (an e-mail), and Karim's (a phone call)."""
    own = a_dossier(
        a_customer(team.company), collector=team.collector, scenario=a_scenario(team.company)
    )
    other = a_dossier(
        a_customer(team.company),
        collector=team.other_collector,
        scenario=a_scenario(team.company, steps=[(0, "phone", "Appel")]),
    )
    return own, other


@pytest.fixture
def stranger():
    company = a_company(name="Autre SARL", siren="")
    manager = a_user(company, Role.MANAGER, "ailleurs")
    a_dossier(a_customer(company), collector=a_collector(company), scenario=a_scenario(company))
    return manager


def step_of(dossier) -> Intervention:
    return Intervention.objects.get(dossier=dossier, kind=InterventionKind.STEP)


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["items"]}


def test_the_list_and_its_filters(call, team, dossiers, stranger):
    own, other = dossiers
    mine, karims = step_of(own), step_of(other)
    for user in (team.manager, team.collector_user, team.reader):  # every dossier is read
        assert ids(call(user).get(URL)) == {mine.pk, karims.pk}
    manager = call(team.manager)
    assert ids(manager.get(URL, dossier=own.pk)) == {mine.pk}
    assert ids(manager.get(URL, collector=team.other_collector.pk)) == {karims.pk}
    assert ids(manager.get(URL, type="phone")) == {karims.pk}
    assert ids(manager.get(URL, type="alert")) == set()
    assert ids(manager.get(URL, status="done")) == set()
    day = mine.planned_date.isoformat()
    assert mine.pk in ids(manager.get(URL, date_from=day, date_to=day))
    assert manager.get(URL, type="fax").status_code == 422
    assert manager.get(URL, date_from="hier").status_code == 422
    assert ids(call(stranger).get(URL)).isdisjoint({mine.pk, karims.pk})
    page = manager.get(URL, limit=1).json()
    rest = manager.get(URL, limit=1, cursor=page["next_cursor"]).json()
    assert {page["items"][0]["id"], rest["items"][0]["id"]} == {mine.pk, karims.pk}


def test_one_intervention(call, team, dossiers, stranger):
    own, _ = dossiers
    step = step_of(own)
    body = call(team.reader).get(f"{URL}{step.pk}/").json()
    assert body["dossier_number"] == own.number and body["kind"] == "step"
    assert body["action_type"] == "email" and body["status"] == "todo"
    assert body["fee_amount"] == "0.00" and body["promise_amount"] is None
    refused = call(stranger).get(f"{URL}{step.pk}/")
    assert refused.status_code == 404 and refused.json()["detail"] == "Introuvable."


def test_creating_a_manual_action_an_alert_and_a_promise(call, team, dossiers):
    own, _ = dossiers
    sophie = call(team.collector_user)
    today = timezone.localdate()
    manual = sophie.post(
        URL,
        {
            "dossier_id": own.pk,
            "kind": "manual",
            "planned_date": today.isoformat(),
            "label": "Rappeler le comptable",
            "action_type": "phone",
        },
    )
    assert manual.status_code == 201, manual.content
    assert manual.json()["label"] == "Rappeler le comptable"
    alert = sophie.post(
        URL,
        {"dossier_id": own.pk, "kind": "alert", "planned_date": today.isoformat(), "comment": "!"},
    )
    assert alert.status_code == 201 and alert.json()["label"] == "Alerte"
    promise = sophie.post(
        URL,
        {
            "dossier_id": own.pk,
            "kind": "promise",
            "planned_date": (today + timedelta(days=10)).isoformat(),
            "promise_amount": "450.50",
        },
    )
    assert promise.status_code == 201, promise.content
    assert promise.json()["promise_amount"] == "450.50"
    created = JournalEntry.objects.filter(dossier=own, action="intervention_created")
    assert created.count() == 3


def test_creation_is_refused_as_in_the_ui(call, team, dossiers, stranger):
    own, other = dossiers
    today = timezone.localdate().isoformat()
    body = {"dossier_id": other.pk, "kind": "manual", "planned_date": today, "label": "x"}
    refused = call(team.collector_user).post(URL, body)
    assert refused.status_code == 403 and refused.json()["detail"] == OTHER_COLLECTOR
    refused = call(team.reader).post(URL, {**body, "dossier_id": own.pk})
    assert refused.status_code == 403 and refused.json()["detail"] == READ_ONLY
    assert call(stranger).post(URL, body).status_code == 404
    manager = call(team.manager)
    past = manager.post(
        URL,
        {
            "dossier_id": own.pk,
            "kind": "promise",
            "planned_date": "2020-01-01",
            "promise_amount": "10.00",
        },
    )
    assert past.status_code == 400
    assert past.json()["detail"] == "La date promise ne peut pas être déjà passée."
    unlabelled = manager.post(URL, {**body, "label": ""})
    assert unlabelled.json()["detail"] == "Donnez un intitulé à l'intervention."
    step = manager.post(URL, {**body, "kind": "step"})
    assert step.status_code == 400 and "Préparer" in step.json()["detail"]
    cents = manager.post(URL, {**body, "kind": "promise", "promise_amount": "1.234"})
    assert cents.status_code == 422


def test_status_done_then_back_to_todo_with_a_reason(call, team, dossiers, stranger):
    own, other = dossiers
    step = step_of(own)
    url = f"{URL}{step.pk}/status/"
    assert call(team.reader).post(url, {"status": "done"}).status_code == 403
    refused = call(team.collector_user).post(
        f"{URL}{step_of(other).pk}/status/", {"status": "done"}
    )
    assert refused.status_code == 403 and refused.json()["detail"] == OTHER_COLLECTOR
    assert call(stranger).post(url, {"status": "done"}).status_code == 404
    done = call(team.collector_user).post(url, {"status": "done"})
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "done" and done.json()["done_date"]
    # Back to « A faire »: a manager's « Remettre A faire », with a reason.
    refused = call(team.collector_user).post(url, {"status": "todo", "reason": "erreur"})
    assert refused.status_code == 403
    assert "Seul un responsable recouvrement" in refused.json()["detail"]
    missing = call(team.manager).post(url, {"status": "todo"})
    assert missing.status_code == 400 and "raison" in missing.json()["detail"]
    reopened = call(team.manager).post(url, {"status": "todo", "reason": "Clic par erreur"})
    assert reopened.status_code == 200 and reopened.json()["status"] == "todo"
    entry = JournalEntry.objects.get(dossier=own, action="intervention_reopened")
    assert "Clic par erreur" in entry.message
    assert Intervention.objects.get(pk=step.pk).status == InterventionStatus.TODO
