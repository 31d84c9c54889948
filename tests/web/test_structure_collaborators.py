"""« Structure › Collaborateurs »: the list and the form (M5)."""

from django.urls import reverse

from recouvrement.db.models import Collaborator
from recouvrement.domain.statuses import Role
from tests.builders import a_user

FORM = {
    "last_name": "Durand",
    "first_name": "Léa",
    "function": "Chargée de recouvrement",
    "email": "lea.durand@example.fr",
    "phone": "04 72 00 00 00",
}


def test_the_list_shows_the_collaborators_and_their_user(client, team):
    client.force_login(team.reader)

    page = client.get(reverse("collaborator_list")).content.decode()

    assert "Martin" in page and "Benali" in page
    assert "sophie" in page


def test_the_manager_creates_a_collector_linked_to_a_user(client, team):
    user = a_user(team.company, Role.COLLECTOR, "lea")
    client.force_login(team.manager)

    response = client.post(
        reverse("collaborator_create"), {**FORM, "is_collector": "on", "user": user.pk}
    )

    assert response.status_code == 302
    collaborator = Collaborator.objects.get(last_name="Durand")
    assert collaborator.company == team.company
    assert collaborator.is_collector
    assert collaborator.user == user


def test_the_manager_edits_a_collaborator_and_unsets_the_chargé_flag(client, team):
    client.force_login(team.manager)

    client.post(
        reverse("collaborator_edit", args=[team.collector.pk]),
        {**FORM, "last_name": "Martin", "user": team.collector_user.pk},
    )

    team.collector.refresh_from_db()
    assert not team.collector.is_collector
    assert team.collector.function == "Chargée de recouvrement"
    assert team.collector.user == team.collector_user


def test_a_user_already_linked_to_another_collaborator_is_refused(client, team):
    client.force_login(team.manager)

    response = client.post(reverse("collaborator_create"), {**FORM, "user": team.collector_user.pk})

    assert response.status_code in (200, 400)
    assert "existe déjà" in response.content.decode() or "déjà lié" in response.content.decode()
    assert not Collaborator.objects.filter(last_name="Durand").exists()


def test_a_collectors_post_is_refused_with_403(client, team):
    client.force_login(team.collector_user)

    response = client.post(reverse("collaborator_edit", args=[team.collector.pk]), FORM)

    team.collector.refresh_from_db()
    assert response.status_code == 403
    assert team.collector.last_name == "Martin"
