"""« Ouvrir les dossiers des retards » (B5, issue 13 §4): a preview, then the confirmation."""

import html
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from recouvrement.db.models import Dossier, Receivable
from tests.builders import a_customer, a_dossier, a_receivable, a_scenario

URL = reverse("dossiers_open_overdue")


def _late(days: int = 40):
    return timezone.localdate() - timedelta(days=days)


def _page(response) -> str:
    return html.unescape(response.content.decode())


def _seen(page: str) -> str:
    """The preview as the page posts it back (its hidden field)."""
    found = re.search(r'<input type="hidden" name="apercu"(?: value="([^"]*)")?', page)
    return found.group(1) or ""


def _cells(page: str, code: str) -> list[str]:
    """The texts of the cells of the row whose client has this code."""
    row = re.search(rf'<tr>\s*<td><span class="code">{code}</span>.*?</tr>', page, re.S).group(0)
    texts = (re.sub("<[^>]+>", " ", cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S))
    return [re.sub(r"[ \t\n]+", " ", text).strip() for text in texts]


def _confirm(client, page: str, **choices):
    return client.post(URL, {"confirmer": "1", "apercu": _seen(page), **choices})


@pytest.fixture
def late(team):
    """Two late customers: one with its chargé (Martin), one without."""
    a_scenario(team.company, name="Relance standard", is_default=True)
    followed = a_customer(team.company, name="Éclairage Cœur", default_collector=team.collector)
    a_receivable(followed, "1200.00", _late(60))
    a_receivable(followed, "300.00", _late(30))
    a_receivable(followed, "999.00", timezone.localdate() + timedelta(days=10))  # not due
    orphan = a_customer(team.company, name="Sans Chargé SARL")
    a_receivable(orphan, "450.00", _late())
    return followed, orphan


def test_the_preview_lists_customers_amounts_chargé_and_scenario_and_opens_nothing(
    client, team, late
):
    followed, orphan = late
    client.force_login(team.manager)

    response = client.get(URL)
    page = _page(response)

    assert response.status_code == 200
    cells = _cells(page, followed.code)
    assert cells == [
        f"{followed.code} Éclairage Cœur",
        "2",
        "1\u202f500,00\u00a0€",
        "Claire Martin (chargé du client)",
        "Relance standard",
    ]
    assert f'name="charge_{orphan.pk}"' in page  # no chargé: the manager chooses
    assert f'name="charge_{followed.pk}"' not in page
    assert "Chargé par défaut" in page
    assert "celui du client (sa fiche) ; sinon celui que vous choisissez" in page
    assert "Ouvrir les 2 dossiers" in page
    assert not Dossier.objects.exists()


def test_confirming_opens_each_dossier_with_the_customers_chargé_or_the_one_chosen(
    client, team, late
):
    followed, orphan = late
    client.force_login(team.manager)
    page = _page(client.get(URL))

    response = _confirm(client, page, **{f"charge_{orphan.pk}": team.other_collector.pk})

    assert response.status_code == 302 and response["Location"] == reverse("dossier_list")
    assert followed.dossiers.get().collector == team.collector
    opened = orphan.dossiers.get()
    assert opened.collector == team.other_collector
    assert opened.scenario.name == "Relance standard"
    assert opened.receivables.count() == 1
    assert "2 dossiers ouverts." in _page(client.get(reverse("dossier_list")))


def test_the_default_chargé_goes_to_every_customer_without_one(client, team, late):
    _, orphan = late
    other = a_customer(team.company, name="Autre Sans Chargé")
    a_receivable(other, "80.00", _late())
    client.force_login(team.manager)
    page = _page(client.get(URL))

    _confirm(client, page, charge_defaut=team.other_collector.pk)

    assert orphan.dossiers.get().collector == team.other_collector
    assert other.dossiers.get().collector == team.other_collector


def test_a_customer_without_chargé_needs_a_choice_before_anything_opens(client, team, late):
    _, orphan = late
    client.force_login(team.manager)
    page = _page(client.get(URL))

    response = _confirm(client, page)

    assert response.status_code == 400
    assert "Choisissez le chargé de ces clients, ou un « Chargé par défaut »" in _page(response)
    assert str(orphan) in _page(response)
    assert not Dossier.objects.exists()


def test_a_customer_already_followed_never_gets_a_second_dossier(client, team):
    a_scenario(team.company, is_default=True)
    customer = a_customer(team.company, name="Déjà Suivi", default_collector=team.collector)
    existing = a_dossier(customer, user=team.manager, receivables=[a_receivable(customer)])
    a_receivable(customer, "250.00", _late(5))  # late since, in no dossier
    client.force_login(team.manager)

    page = _page(client.get(URL))
    _confirm(client, page)

    assert "Clients déjà suivis : pas de second dossier" in page
    assert f"à ajouter au dossier {existing.number}" in re.sub("<[^>]+>", "", page)
    assert "rien à ouvrir" in page
    assert customer.dossiers.count() == 1


def test_what_changed_since_the_preview_is_checked_again_and_told(client, team, late):
    followed, orphan = late
    client.force_login(team.manager)
    page = _page(client.get(URL))
    newcomer = a_customer(team.company, name="Nouveau Retard", default_collector=team.collector)
    a_receivable(newcomer, "700.00", _late())  # late after the preview was shown
    paid = Receivable.objects.get(customer=orphan)
    paid.open_amount = paid.amount - 100  # a part paid meanwhile
    paid.save()

    response = _confirm(client, page, charge_defaut=team.other_collector.pk)
    told = _page(client.get(response["Location"]))

    assert response["Location"] == URL  # back to the preview, up to date
    assert followed.dossiers.count() == 1  # unchanged: opened
    assert not orphan.dossiers.exists() and not newcomer.dossiers.exists()
    assert "1 dossier ouvert." in told
    assert f"{orphan} : a changé depuis l'aperçu (1 échéance(s), 350,00\u00a0€ à présent)" in told
    assert f"{newcomer} : en retard depuis l'aperçu" in told


def test_a_collector_and_a_reader_get_403_and_open_nothing(client, team, late):
    for user in (team.collector_user, team.reader):
        client.force_login(user)
        assert client.get(URL).status_code == 403
        assert client.post(URL, {"confirmer": "1", "apercu": ""}).status_code == 403
    assert not Dossier.objects.exists()


def test_the_list_links_to_the_preview_for_the_manager_only(client, team):
    client.force_login(team.manager)
    manager_page = client.get(reverse("dossier_list")).content.decode()
    client.force_login(team.collector_user)
    collector_page = client.get(reverse("dossier_list")).content.decode()

    assert re.search(
        rf'<a class="button" href="{URL}"[^>]*>Ouvrir les dossiers des retards', manager_page
    )
    assert URL not in collector_page


def test_a_post_without_the_preview_shows_the_preview_first(client, team, late):
    client.force_login(team.manager)

    response = client.post(URL)

    assert response.status_code == 302 and response["Location"] == URL
    assert not Dossier.objects.exists()


def test_a_garbled_preview_is_refused_in_french(client, team, late):
    client.force_login(team.manager)

    response = client.post(URL, {"confirmer": "1", "apercu": "abc:1 xyz", "charge_defaut": "zz"})

    assert response.status_code == 400
    assert "L'aperçu envoyé est illisible : rechargez la page." in _page(response)
    assert not Dossier.objects.exists()


def test_beyond_the_row_limit_only_the_default_chargé_is_offered(client, team, late, monkeypatch):
    _, orphan = late
    other = a_customer(team.company, name="Autre Sans Chargé")
    a_receivable(other, "80.00", _late())
    monkeypatch.setattr("recouvrement.web.dossiers.opening_form.MAX_ROW_CHOICES", 1)
    client.force_login(team.manager)
    page = _page(client.get(URL))

    _confirm(client, page, charge_defaut=team.collector.pk, **{f"charge_{orphan.pk}": "9"})

    assert f'name="charge_{orphan.pk}"' not in page
    assert "pour les 2 clients sans chargé" in page
    assert orphan.dossiers.get().collector == team.collector
    assert other.dossiers.get().collector == team.collector
