"""B12: « Simulation », what Préparer would do on a date, for a manager only; nothing written."""

import pytest
from django.urls import reverse

from tests.integration.test_prepare_dry_run import an_import, counts, due_dossiers


def test_the_manager_sees_the_actions_by_channel_with_their_totals_and_nothing_is_written(
    client, team
):
    due_dossiers(team)
    client.force_login(team.manager)  # journaled: counted before the page
    before = counts()

    response = client.get(reverse("simulation"), {"date": "2026-11-20"})

    assert response.status_code == 200
    assert counts() == before
    html = response.content.decode()
    assert "Au 20/11/2026 : 3 actions" in html
    assert "anne.durand@client.fr" in html
    assert "Bâtiment Morel, 69002 Lyon" in html
    assert "800,00\u00a0€" in html or "800,00 €" in html
    assert "Dernier import comptable" not in html


def test_the_menu_offers_the_page_to_the_manager_only(client, team):
    client.force_login(team.manager)
    assert 'href="/simulation/"' in client.get(reverse("today")).content.decode()
    client.force_login(team.collector_user)
    assert 'href="/simulation/"' not in client.get(reverse("today")).content.decode()


@pytest.mark.parametrize("who", ["collector_user", "reader"])
def test_a_collector_or_a_reader_gets_403(client, team, who):
    client.force_login(getattr(team, who))

    response = client.get(reverse("simulation"))

    assert response.status_code == 403


def test_old_payments_show_the_warning_and_forced_the_page_says_so(client, team):
    due_dossiers(team)
    an_import(team.company, days_ago=10)
    client.force_login(team.manager)

    refused = client.get(reverse("simulation"), {"date": "20/11/2026"}).content.decode()
    forced = client.get(reverse("simulation"), {"date": "20/11/2026", "force": "on"})

    assert "Dernier import comptable le 10/11/2026, il y a 10 jours (plus de 7)" in refused
    assert "Préparer refuserait de créer ces actions" in refused
    assert "Préparer refuserait" not in forced.content.decode()


@pytest.mark.parametrize("bad", ["31/02/2026", "abc", "9999-12-31", "0001-01-01"])
def test_a_bad_date_gets_a_french_message_and_no_500(client, team, bad):
    client.force_login(team.manager)

    response = client.get(reverse("simulation"), {"date": bad})

    assert response.status_code == 400
    html = response.content.decode()
    assert "Date invalide" in html or "Date hors des années 2000 à 2099" in html


def test_without_a_date_the_page_simulates_today(client, team):
    client.force_login(team.manager)

    response = client.get(reverse("simulation"))

    assert response.status_code == 200
    assert "Aucune étape à préparer à cette date." in response.content.decode()


def test_disputed_echeances_are_left_out_and_the_dossiers_held_are_listed(client, team):
    from tests.integration.test_prepare_dry_run import disputed_dossiers

    dossiers = disputed_dossiers(team)
    client.force_login(team.manager)

    html = client.get(reverse("simulation"), {"date": "2026-11-20"}).content.decode()
    html = html.replace("\u202f", " ").replace("\xa0", " ")

    partial = html[html.index(dossiers["partial"].number) :].split("</tr>")[0]
    assert "1 000,00 €" in partial and "En litige</span> 700,00 €" in partial
    assert "1 700,00" not in html
    assert "En litige, non avancés (1)" in html
    held = html[html.index("simulation-held") :]
    assert dossiers["notice"].number in held and "800,00 €" in held
    assert "700,00 € en litige ne sont pas réclamés" in html


def test_the_force_checkbox_sits_beside_its_label(client, team):
    client.force_login(team.manager)

    html = client.get(reverse("simulation")).content.decode()

    assert 'class="search"' not in html  # a search field's width would stretch the box
    box = '<input type="checkbox" name="force" id="id_force">'
    assert f'<span class="simulation-check">{box} <label for="id_force">' in html
    assert "recouvrement/simulation.css" in html
