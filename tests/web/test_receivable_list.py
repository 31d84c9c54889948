"""« Traitement › Recouvrement › Échéances » (issue 14): the échéances still owed at a date,
the list behind each figure of the balance âgée — its filters, what each role sees, and bad
input answered in French."""

import re
from decimal import Decimal

from django.contrib.auth.models import User
from django.db.models import Sum
from django.urls import reverse

from recouvrement.db.models import Receivable
from recouvrement.domain.statuses import Role
from tests.builders import a_customer, a_user
from tests.integration.test_reports import an_echeance, books  # noqa: F401 (the fixture)
from tests.web.pages import table_headers

URL = "/echeances/"
COLUMNS = [
    "Client",
    "Pièce",
    "Date de pièce",
    "Échéance",
    "Montant",
    "Reste dû à la date",
    "Retard (jours)",
    "Dossier",
    "Chargé",
]


def text(html: str) -> str:
    without_tags = re.sub(r"<[^>]+>", " ", html)
    return " ".join(without_tags.replace("\u202f", " ").replace("\u00a0", " ").split())


def body_rows(html: str) -> list[str]:
    tbody = re.search(r"<tbody>(.*?)</tbody>", html, re.DOTALL).group(1)
    return [text(row) for row in re.findall(r"<tr>(.*?)</tr>", tbody, re.DOTALL)]


def footer(html: str) -> str:
    found = re.search(r"<tfoot>(.*?)</tfoot>", html, re.DOTALL)
    return text(found.group(1)) if found else ""


def get(browser, user, **params):
    browser.force_login(user)
    response = browser.get(URL, params)
    assert response.status_code == 200
    return response.content.decode()


def test_the_list_behind_a_figure_keeps_its_tranche_and_chargé_at_its_date(
    client,
    team,
    books,  # noqa: F811
):
    html = get(
        client, team.manager, date="2026-11-10", tranche="d31_60", charge=team.other_collector.pk
    )

    assert reverse("receivable_list") == URL
    assert table_headers(html)[0] == COLUMNS
    rows = body_rows(html)
    # r3 was owed whole on 10/11 (its 800 € came on 05/12), 40 days late, in Benali's dossier.
    assert len(rows) == 1
    assert books.r3.reference in rows[0]
    assert "2 000,00 € 2 000,00 € 40" in rows[0]
    assert books.benali.number in rows[0] and str(team.other_collector) in rows[0]
    assert f'href="{reverse("dossier_detail", args=[books.benali.pk])}"' in html
    assert f'href="{reverse("customer_detail", args=[books.r3.customer_id])}"' in html
    assert "Total (1 échéance) 2 000,00 € 2 000,00 €" in footer(html)
    assert "Échéances au 10/11/2026" in html


def test_aucun_lists_the_échéances_no_chargé_follows(client, team, books):  # noqa: F811
    html = get(client, team.reader, date="10/11/2026", charge="aucun")

    rows = body_rows(html)
    assert len(rows) == 1 and "75,00 €" in rows[0] and "aucun" in rows[0]
    today = body_rows(get(client, team.reader, charge="aucun"))
    assert len(today) == 1 and books.r4.reference in today[0]  # its dossier has closed since


def test_by_default_today_every_open_échéance_with_the_total_to_the_cent(
    client,
    team,
    books,  # noqa: F811
):
    html = get(client, team.manager)

    owed = Receivable.objects.filter(company=team.company).aggregate(t=Sum("open_amount"))["t"]
    assert owed == Decimal("3000.25")
    assert footer(html) == "Total (4 échéances) 3 800,75 € 3 000,25 €"
    assert len(body_rows(html)) == 4


def test_the_client_filter_ignores_accents_and_case_and_headers_sort(client, team, books):  # noqa: F811
    lamp = a_customer(team.company, name="Éclairage Cœur")
    an_echeance(lamp, "42.00", books.r1.due_date)

    rows = body_rows(get(client, team.manager, client="eclairage coeur"))
    assert len(rows) == 1 and "Éclairage Cœur" in rows[0]
    by_owed = body_rows(get(client, team.manager, tri="-reste"))
    assert [r for r in by_owed if "1 200,00 €" in r] == [by_owed[0]]
    assert "42,00 €" in by_owed[-1]


def test_a_collector_sees_only_their_own_échéances_whatever_they_ask(
    client,
    team,
    books,  # noqa: F811
):
    html = get(client, team.collector_user)

    rows = body_rows(html)
    assert len(rows) == 2 and all(books.martin.number in r for r in rows)
    assert 'name="charge"' not in html
    assert "sur les dossiers que vous suivez" in html
    others = body_rows(get(client, team.collector_user, charge=team.other_collector.pk))
    assert others == ["Aucune échéance restant due ne correspond à ces critères."]


def test_bad_parameters_show_the_list_with_a_french_message(client, team, books):  # noqa: F811
    client.force_login(team.manager)
    for params, message in [
        ({"date": "abc"}, "Filtre « Date » ignoré : Saisissez une date valide."),
        ({"date": "31/02/2026"}, "Filtre « Date » ignoré"),
        ({"date": "0001-01-01"}, "hors des dates possibles"),
        ({"tranche": "d1_2"}, "Filtre « Tranche » ignoré"),
        ({"charge": "9" * 30}, "aucun chargé de la société ne porte le numéro"),
        ({"charge": "-1"}, "Filtre « Chargé » ignoré"),
        ({"client": "x" * 5000}, "Filtre « Client » ignoré"),
        ({"client": "a\x00b"}, "Filtre « Client » ignoré"),
        ({"tri": "solde"}, "Filtre « Tri » ignoré"),
    ]:
        response = client.get(URL, {**params, "page": "abc"})
        assert response.status_code == 200, params
        html = response.content.decode()
        assert message in html, (params, text(html)[:300])
        assert len(body_rows(html)) == 4  # the other filters still apply: every échéance


def test_every_role_opens_it_from_the_menu_and_a_stranger_is_refused(client, team):
    html = get(client, team.reader)
    menu = text(html[: html.index("</nav>")])
    assert "Dossiers de recouvrement Échéances" in menu

    client.logout()
    assert client.get(URL).status_code == 302
    client.force_login(User.objects.create_user("inconnu"))
    assert client.get(URL).status_code == 403


def test_a_collector_linked_to_no_collaborator_follows_nothing(client, team, books):  # noqa: F811
    lost = a_user(team.company, Role.COLLECTOR, "sans-fiche")

    html = get(client, lost)

    assert body_rows(html) == ["Aucune échéance restant due ne correspond à ces critères."]
    assert "0 échéance restant due" in text(html)
