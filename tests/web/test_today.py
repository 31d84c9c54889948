"""« Aujourd'hui » (issue 13 §6): the user's alerts and promises « A faire » due today or
overdue, on their own dossiers — a panel on the landing page, a page, a count in the menu."""

import html
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from recouvrement import services
from recouvrement.domain.statuses import InterventionKind, InterventionStatus, Role
from recouvrement.domain.today import TodayScope, today_scope
from tests.builders import a_collector, a_customer, a_dossier

TODAY = timezone.localdate()


def _text(response) -> str:
    return html.unescape(response.content.decode())


def _dossier(team, name: str, collector):
    customer = a_customer(team.company, name=name)
    return a_dossier(
        customer, today=TODAY - timedelta(days=40), user=team.manager, collector=collector
    )


def _alert(dossier, user, days: int, message: str):
    return services.create_intervention(
        dossier,
        InterventionKind.ALERT,
        today=TODAY,
        user=user,
        planned_date=TODAY + timedelta(days=days),
        comment=message,
    )


def _promise(dossier, user, days: int, amount: str):
    # A promise is taken for a day to come: an overdue one was taken before it.
    return services.create_intervention(
        dossier,
        InterventionKind.PROMISE,
        today=TODAY + timedelta(days=min(days, 0)),
        user=user,
        planned_date=TODAY + timedelta(days=days),
        comment="Virement promis par Mme Durand",
        promise_amount=Decimal(amount),
    )


@pytest.fixture
def day(team):
    """Sophie's dossiers: an alert overdue, an alert due today, a promise overdue, an alert
    due tomorrow, an alert already done; Karim's dossier: an alert due today."""
    durand = _dossier(team, "Boulangerie Durand", team.collector)
    lacroix = _dossier(team, "Fromagerie Lacroix", team.collector)
    benoit = _dossier(team, "Garage Benoît", team.other_collector)
    rows = {
        "overdue": _alert(durand, team.collector_user, -3, "Rappeler la comptable"),
        "today": _alert(lacroix, team.collector_user, 0, "Bon de commande promis"),
        "promise": _promise(durand, team.collector_user, -1, "1250.00"),
        "tomorrow": _alert(lacroix, team.collector_user, 1, "Relancer demain"),
        "done": _alert(lacroix, team.collector_user, -2, "Déjà traité"),
        "karim": _alert(benoit, team.other_collector_user, 0, "Alerte de Karim"),
    }
    services.set_intervention_status(
        rows["done"], InterventionStatus.DONE, today=TODAY, user=team.collector_user
    )
    return rows | {"durand": durand, "lacroix": lacroix, "benoit": benoit}


def test_the_landing_page_shows_the_collectors_alerts_and_promises_due(client, team, day):
    client.force_login(team.collector_user)

    response = client.get(reverse("dossier_list"))
    panel = _text(response).split('class="today-panel"')[1].split("</section>")[0]

    assert "3 alertes ou promesses à traiter" in panel
    assert "sur vos dossiers" in panel
    assert "Rappeler la comptable" in panel
    assert "Bon de commande promis" in panel
    assert "Virement promis par Mme Durand" in panel
    assert "1\u202f250,00\xa0€" in panel
    for other in ("Relancer demain", "Déjà traité", "Alerte de Karim"):
        assert other not in panel
    # The oldest first, each a link to its ligne de saisie in the dossier.
    assert panel.index("Rappeler la comptable") < panel.index("Virement promis")
    assert panel.index("Virement promis") < panel.index("Bon de commande promis")
    entry = reverse("dossier_detail", args=[day["durand"].pk])
    assert f'href="{entry}?modifier={day["overdue"].pk}#interventions"' in panel


def test_the_page_lists_dossier_client_message_amount_and_date(client, team, day):
    client.force_login(team.collector_user)

    response = client.get(reverse("today"))
    page = _text(response)

    assert response.status_code == 200
    assert "<h1>Aujourd'hui</h1>" in page
    rows = re.findall(r"<tr>\s*<td class=\"nowrap\">(.*?)</tr>", page, re.S)
    assert len(rows) == 3
    promise_row = next(row for row in rows if "Virement promis" in row)
    assert day["durand"].number in promise_row
    assert "Boulangerie Durand" in promise_row
    assert "1\u202f250,00\xa0€" in promise_row
    assert (TODAY - timedelta(days=1)).strftime("%d/%m/%Y") in promise_row
    assert "en retard" in promise_row
    today_row = next(row for row in rows if "Bon de commande promis" in row)
    assert "en retard" not in today_row
    # The link opens the dossier's ligne de saisie of that row.
    opened = client.get(
        reverse("dossier_detail", args=[day["durand"].pk]), {"modifier": day["promise"].pk}
    )
    assert 'class="entry-line"' in opened.content.decode()


def test_the_menu_counts_them_on_every_page(client, team, day):
    client.force_login(team.collector_user)

    for url in (reverse("worklist"), reverse("dossier_detail", args=[day["lacroix"].pk])):
        page = _text(client.get(url))
        menu = page.split('aria-label="Menu principal"')[1].split("</nav>")[0]
        link = re.search(r'<a class="menu-item[^"]*" href="/aujourdhui/">(.*?)</a>', menu, re.S)
        assert link is not None
        assert re.search(r'class="menu-count"[^>]*>3<', link.group(1))
        assert "à traiter" in link.group(1)


def test_the_count_is_one_query_per_page(client, team, day):
    client.force_login(team.collector_user)
    url = reverse("dossier_detail", args=[day["lacroix"].pk])
    client.get(url)

    with CaptureQueriesContext(connection) as queries:
        client.get(url)

    counts = [
        q["sql"] for q in queries.captured_queries if "COUNT" in q["sql"] and "'alert'" in q["sql"]
    ]
    assert len(counts) == 1
    assert "queue_collector_id" in counts[0]  # Sophie's rows only, read by the index


def test_nothing_due_says_so_and_shows_no_badge(client, team):
    _dossier(team, "Boulangerie Durand", team.collector)
    client.force_login(team.collector_user)

    page = _text(client.get(reverse("dossier_list")))

    assert "Aucune alerte ni promesse à traiter aujourd'hui sur vos dossiers." in page
    assert 'class="menu-count"' not in page


def test_a_manager_who_is_no_chargé_sees_the_whole_companys(client, team, day):
    client.force_login(team.manager)

    page = _text(client.get(reverse("today")))
    panel = _text(client.get(reverse("dossier_list")))

    assert "sur tous les dossiers de la société" in page
    assert "Alerte de Karim" in page and "Rappeler la comptable" in page
    assert '<th scope="col">Chargé</th>' in page  # whose row it is
    assert "4 alertes ou promesses à traiter" in panel


def test_a_manager_who_is_a_chargé_sees_their_own(client, team, day):
    manager_as_chargé = a_collector(team.company, team.manager, "Garnier")
    own = _dossier(team, "Hôtel du Parc", manager_as_chargé)
    _alert(own, team.manager, 0, "Appeler le directeur")
    client.force_login(team.manager)

    page = _text(client.get(reverse("today")))

    assert "sur vos dossiers" in page
    assert "Appeler le directeur" in page
    assert "Alerte de Karim" not in page and "Rappeler la comptable" not in page


def test_a_reader_linked_to_no_chargé_has_none(client, team, day):
    client.force_login(team.reader)

    page = _text(client.get(reverse("today")))
    landing = _text(client.get(reverse("dossier_list")))

    assert "votre compte n'est rattaché à aucun chargé" in page
    assert "Rappeler la comptable" not in page
    assert 'class="menu-count"' not in landing


def test_a_closed_dossiers_alerts_are_gone(client, team, day):
    services.close_dossier(day["lacroix"], today=TODAY, user=team.manager)
    client.force_login(team.collector_user)

    page = _text(client.get(reverse("today")))

    assert "Bon de commande promis" not in page
    assert "Rappeler la comptable" in page


def test_the_login_page_and_a_user_without_company_still_render(client, team):
    assert client.get(reverse("login")).status_code == 200
    client.force_login(User.objects.create_user("sans-societe"))

    response = client.get(reverse("today"))

    assert response.status_code == 403
    assert "rattaché à aucune société" in _text(response)


@pytest.mark.parametrize("page", ["abc", "-1", "0", "99999999999999999999", "1e400", "\x00"])
def test_a_bad_page_number_never_fails(client, team, day, page):
    client.force_login(team.collector_user)

    assert client.get(reverse("today"), {"page": page}).status_code == 200


def test_the_scope_rule():
    assert today_scope(Role.COLLECTOR, 7) == TodayScope(collector_id=7)
    assert today_scope(Role.MANAGER, 7) == TodayScope(collector_id=7)
    assert today_scope(Role.MANAGER, None) == TodayScope(everyone=True)
    assert today_scope(Role.COLLECTOR, None).nothing
    assert today_scope(Role.READ_ONLY, None).nothing
