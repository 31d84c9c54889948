"""The dossier's « Litiges » through the pages (B10): who sees the forms, who may post,
bad input answered in French, never a 500."""

from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse

from recouvrement.db.models import Dispute, DisputeReason, DisputeStatus, Resolution
from tests.builders import a_customer, a_dossier, a_receivable

NEW = "Nouveau litige"


@pytest.fixture
def dossier(team):
    customer = a_customer(team.company, name="Boulangerie Durand")
    receivables = [a_receivable(customer, "1000.00"), a_receivable(customer, "500.00")]
    return a_dossier(customer, user=team.manager, collector=team.collector, receivables=receivables)


@pytest.fixture
def reason(team):
    return DisputeReason.objects.create(company=team.company, label="Prix contesté")


def page(client, dossier) -> str:
    response = client.get(reverse("dossier_detail", args=[dossier.pk]))
    assert response.status_code == 200
    return unescape(response.content.decode()).replace("\u202f", " ").replace("\xa0", " ")


def create(client, dossier, **data):
    values = {"litige-reason": "", "litige-amount": "", "litige-comment": "", **data}
    return client.post(reverse("dispute_create", args=[dossier.pk]), values)


def test_the_manager_and_the_dossiers_collector_see_the_form(client, team, dossier):
    for user in (team.manager, team.collector_user):
        client.force_login(user)
        assert NEW in page(client, dossier)
    for user in (team.reader, team.other_collector_user):
        client.force_login(user)
        text = page(client, dossier)
        assert "Litiges" in text and NEW not in text


def test_a_collector_opens_a_dispute_and_the_page_shows_en_litige(client, team, dossier, reason):
    client.force_login(team.collector_user)
    receivable = dossier.receivables.order_by("pk").last()
    response = create(
        client,
        dossier,
        **{
            "litige-reason": reason.pk,
            "litige-amount": "450,00 €",
            "litige-receivables": [receivable.pk],
            "litige-comment": "Livraison incomplète",
        },
    )
    assert response.status_code == 302 and response.url.endswith("#litiges")
    dispute = Dispute.objects.get()
    assert dispute.amount == Decimal("450.00")
    assert list(dispute.receivables.all()) == [receivable]
    text = page(client, dossier)
    assert "En litige" in text and "450,00 €" in text and "Livraison incomplète" in text


def test_reader_and_other_collector_are_refused(client, team, dossier, reason):
    for user in (team.reader, team.other_collector_user):
        client.force_login(user)
        response = create(client, dossier, **{"litige-reason": reason.pk, "litige-amount": "1"})
        assert response.status_code == 403
    assert not Dispute.objects.exists()


@pytest.mark.parametrize(
    "amount, message",
    [
        ("abc", "n'est pas un nombre"),
        ("0", "positif"),
        ("-5", "négatif"),
        ("1500,01", "dépasse le reste dû"),
        ("9" * 40, ""),
    ],
)
def test_bad_amounts_are_refused_in_french(client, team, dossier, reason, amount, message):
    client.force_login(team.manager)
    response = create(client, dossier, **{"litige-reason": reason.pk, "litige-amount": amount})
    assert response.status_code == 200
    assert message in unescape(response.content.decode())
    assert not Dispute.objects.exists()


@pytest.mark.parametrize(
    "field, value",
    [("litige-reason", "abc"), ("litige-reason", str(2**70)), ("litige-receivables", "x")],
)
def test_tampered_ids_never_500(client, team, dossier, reason, field, value):
    client.force_login(team.manager)
    data = {"litige-reason": reason.pk, "litige-amount": "10", field: value}
    assert create(client, dossier, **data).status_code == 200
    assert not Dispute.objects.exists()


def test_resolve_from_the_page(client, team, dossier, reason):
    client.force_login(team.manager)
    create(client, dossier, **{"litige-reason": reason.pk, "litige-amount": "100"})
    dispute = Dispute.objects.get()
    prefix = f"resoudre-{dispute.pk}"
    url = reverse("dispute_resolve", args=[dossier.pk, dispute.pk])
    assert "Résoudre le litige" in page(client, dossier)
    bad = client.post(url, {f"{prefix}-result": "nimporte"})
    assert bad.status_code == 200 and "Résultat" in unescape(bad.content.decode())
    resolution = Resolution.objects.create(company=team.company, label="Avoir émis")
    done = client.post(url, {f"{prefix}-result": "avoir", f"{prefix}-resolution": resolution.pk})
    assert done.status_code == 302
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.RESOLVED
    text = page(client, dossier)
    assert "Résolu le" in text and "Avoir émis" in text
    again = client.post(url, {f"{prefix}-result": "avoir"})
    assert again.status_code == 200 and "déjà résolu" in unescape(again.content.decode())


def test_the_reader_may_not_open_the_resolve_page(client, team, dossier, reason):
    client.force_login(team.manager)
    create(client, dossier, **{"litige-reason": reason.pk, "litige-amount": "100"})
    dispute = Dispute.objects.get()
    client.force_login(team.reader)
    url = reverse("dispute_resolve", args=[dossier.pk, dispute.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {f"resoudre-{dispute.pk}-result": "avoir"}).status_code == 403
    assert client.get(reverse("dispute_resolve", args=[dossier.pk, 999])).status_code == 403
    client.force_login(team.manager)
    assert client.get(reverse("dispute_resolve", args=[dossier.pk, 999])).status_code == 404
