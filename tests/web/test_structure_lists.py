"""« Structure › Listes »: motifs de litige and résolutions (M7)."""

from django.urls import reverse

from recouvrement.db.models import DisputeReason, Resolution
from tests.builders import a_company, a_customer, a_dossier


def test_the_manager_adds_a_motif_and_a_résolution(client, team):
    client.force_login(team.manager)

    first = client.post(
        reverse("list_values"), {"kind": "dispute_reason", "action": "add", "label": "Prix"}
    )
    second = client.post(
        reverse("list_values"), {"kind": "resolution", "action": "add", "label": "Avoir émis"}
    )

    assert first.status_code == second.status_code == 302
    assert DisputeReason.objects.get(company=team.company).label == "Prix"
    assert Resolution.objects.get(company=team.company).label == "Avoir émis"
    page = client.get(reverse("list_values")).content.decode()
    assert "Prix" in page and "Avoir émis" in page


def test_a_label_already_in_the_list_is_refused(client, team):
    DisputeReason.objects.create(company=team.company, label="Prix")
    client.force_login(team.manager)

    response = client.post(
        reverse("list_values"), {"kind": "dispute_reason", "action": "add", "label": "Prix"}
    )

    assert response.status_code == 400
    assert "existe déjà" in response.content.decode()
    assert DisputeReason.objects.filter(company=team.company).count() == 1


def test_the_manager_renames_a_résolution(client, team):
    resolution = Resolution.objects.create(company=team.company, label="Avoir")
    client.force_login(team.manager)

    client.post(
        reverse("list_values"),
        {"kind": "resolution", "action": "rename", "pk": resolution.pk, "label": "Avoir émis"},
    )

    resolution.refresh_from_db()
    assert resolution.label == "Avoir émis"


def test_an_unused_motif_is_deleted(client, team):
    reason = DisputeReason.objects.create(company=team.company, label="Prix")
    client.force_login(team.manager)

    client.post(
        reverse("list_values"), {"kind": "dispute_reason", "action": "delete", "pk": reason.pk}
    )

    assert not DisputeReason.objects.filter(pk=reason.pk).exists()


def test_a_motif_used_by_a_dossier_is_not_deleted(client, team):
    reason = DisputeReason.objects.create(company=team.company, label="Qualité")
    a_dossier(a_customer(team.company), dispute_reason=reason)
    client.force_login(team.manager)

    response = client.post(
        reverse("list_values"), {"kind": "dispute_reason", "action": "delete", "pk": reason.pk}
    )

    assert response.status_code == 400
    assert "utilisé par des dossiers" in response.content.decode()
    assert DisputeReason.objects.filter(pk=reason.pk).exists()


def test_a_collectors_post_is_refused_with_403(client, team):
    client.force_login(team.collector_user)

    response = client.post(
        reverse("list_values"), {"kind": "dispute_reason", "action": "add", "label": "Prix"}
    )

    assert response.status_code == 403
    assert not DisputeReason.objects.exists()


def test_another_companys_value_is_not_found(client, team):
    foreign = Resolution.objects.create(company=a_company(), label="Avoir")
    client.force_login(team.manager)

    response = client.post(
        reverse("list_values"),
        {"kind": "resolution", "action": "rename", "pk": foreign.pk, "label": "Piraté"},
    )

    foreign.refresh_from_db()
    assert response.status_code == 404
    assert foreign.label == "Avoir"
