"""« Nouveau dossier » (issue 13 §4): at least one échéance, the overdue ones pre-ticked, a
client picker searched on the server (accents ignored, with or without JavaScript), never 0 €."""

import html
import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from recouvrement import services
from recouvrement.db.models import Dossier
from tests.builders import a_company, a_customer, a_receivable

CREATE = reverse("dossier_create")
SEARCH = reverse("dossier_customer_search")


def _page(response) -> str:
    return html.unescape(response.content.decode())


def _checked(page: str) -> dict[int, bool]:
    """The échéance checkboxes of the page: id → ticked."""
    boxes = re.findall(r'<input type="checkbox" name="receivables" value="(\d+)"[^>]*>', page)
    tags = re.findall(r'<input type="checkbox" name="receivables"[^>]*>', page)
    return {int(pk): " checked" in tag for pk, tag in zip(boxes, tags, strict=True)}


@pytest.fixture
def lighting(team):
    return a_customer(team.company, code="ECL01", name="Éclairage Cœur de Lyon")


def test_the_overdue_echeances_are_ticked_in_advance_the_others_not(client, team, lighting):
    today = timezone.localdate()
    overdue = a_receivable(lighting, "500.00", today - timedelta(days=20))
    coming = a_receivable(lighting, "300.00", today + timedelta(days=10))
    client.force_login(team.collector_user)

    page = _page(client.get(CREATE, {"customer": lighting.pk}))

    assert _checked(page) == {overdue.pk: True, coming.pk: False}
    assert "les échéances échues sont cochées d'avance" in page


def test_a_dossier_without_any_echeance_is_refused_in_french(client, team, lighting):
    a_receivable(lighting, "500.00", timezone.localdate() - timedelta(days=20))
    client.force_login(team.manager)

    response = client.post(CREATE, {"customer": lighting.pk, "priority": 3})

    assert response.status_code == 200
    assert "Cochez au moins une échéance à recouvrer." in _page(response)
    assert not Dossier.objects.exists()


def test_a_zero_euro_dossier_is_refused(client, team, lighting):
    paid = a_receivable(lighting, "300.00", open_amount="0.00")
    client.force_login(team.manager)

    response = client.post(
        CREATE, {"customer": lighting.pk, "priority": 3, "receivables": [paid.pk]}
    )

    assert f"L'échéance {paid} est soldée : rien à recouvrer." in _page(response)
    assert not Dossier.objects.exists()


def test_the_service_refuses_a_dossier_without_echeance(team, lighting):
    with pytest.raises(ValidationError) as refused:
        services.open_dossier(lighting, today=timezone.localdate(), user=team.manager)

    assert refused.value.messages == [
        "Un dossier suit au moins une échéance due : choisissez-en au moins une."
    ]
    assert not Dossier.objects.exists()


def test_the_picker_finds_a_client_without_accents_nor_capitals(client, team, lighting):
    a_customer(team.company, name="Boulangerie Durand")
    a_customer(team.company, name="Éclairage exclu", excluded_from_collection=True)
    a_customer(a_company(name="Autre société"), name="Éclairage d'ailleurs")
    client.force_login(team.collector_user)

    found = _page(client.get(SEARCH, {"q": "ECLAIRAGE coeur"}))
    by_code = _page(client.get(SEARCH, {"q": "ecl0"}))
    nothing = _page(client.get(SEARCH, {"q": "zzz"}))

    assert "Éclairage Cœur de Lyon" in found
    assert f'href="{CREATE}?customer={lighting.pk}"' in found
    assert "Boulangerie" not in found and "exclu" not in found and "ailleurs" not in found
    assert "Éclairage Cœur de Lyon" in by_code
    assert "Aucun client suivi en recouvrement ne correspond à « zzz »." in nothing


def test_the_picker_searches_as_you_type_and_without_javascript(client, team, lighting):
    client.force_login(team.collector_user)

    empty = _page(client.get(CREATE))
    searched = _page(client.get(CREATE, {"q": "eclairage"}))
    chosen = client.get(f"{CREATE}?customer={lighting.pk}")

    assert re.search(rf'<input type="search"[^>]*name="q"[^>]*hx-get="{SEARCH}"', empty)
    assert re.search(rf'<form method="get" action="{CREATE}"', empty)  # the plain GET form
    assert f'href="{CREATE}?customer={lighting.pk}"' in searched
    assert "Client choisi : ECL01 Éclairage Cœur de Lyon" in re.sub("<[^>]+>", "", _page(chosen))
    assert chosen.context["customer"] == lighting


def test_a_reader_may_not_search_the_clients(client, team, lighting):
    client.force_login(team.reader)

    assert client.get(SEARCH, {"q": "eclairage"}).status_code == 403
