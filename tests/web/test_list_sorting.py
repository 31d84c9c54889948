"""« Dossiers de recouvrement » and « Gestion des actions » (§5): every column sorts both ways
by a click on its header, a totals row sums every row the filters keep, and the filters, the
sort and the page live in the URL."""

import re
from datetime import date, timedelta
from decimal import Decimal
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from recouvrement import services
from recouvrement.db.models import Dossier, Intervention
from recouvrement.db.worklist import worklist_query
from recouvrement.domain.statuses import (
    ActionType,
    DossierStatus,
    InterventionKind,
    InterventionStatus,
)
from tests.builders import a_collector, a_customer, a_dossier, a_receivable

TODAY = timezone.localdate()
OPENED = TODAY - timedelta(days=30)
# A sortable header: its aria-sort, its link, its label (the ▲/▼ after it is aria-hidden).
HEADER = re.compile(
    r'<th scope="col"(?: class="[^"]*")?(?: aria-sort="(?P<state>\w+)")?>'
    r'<a class="sort-link" href="(?P<href>[^"]*)">(?P<label>[^<]*?)'
    r'(?: <span class="sort-mark" aria-hidden="true">(?P<mark>.)</span>)?</a></th>'
)


def _headers(page: str) -> dict[str, dict]:
    return {
        m["label"]: {"href": unescape(m["href"]), "state": m["state"], "mark": m["mark"]}
        for m in HEADER.finditer(page)
    }


def _query(href: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(href).query)


def _dossier_order(page: str) -> list[int]:
    """The dossiers of the table's rows, top to bottom (each row links to its dossier)."""
    order: list[int] = []
    for pk in map(int, re.findall(r'href="/dossiers/(\d+)/"', _body(page))):
        if not order or order[-1] != pk:
            order.append(pk)
    return order


def _body(page: str) -> str:
    return page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]


def _click(client, url: str, page: str, label: str):
    """Follow the link of the column header `label`, as a click does."""
    return client.get(url + _headers(page)[label]["href"])


def _totals_row(client, page: str) -> str:
    """The totals row the page loads after its rows (htmx `hx-get` on its tfoot)."""
    found = re.search(r'<tfoot hx-get="([^"]+)"', page)
    assert found, "no totals row"
    return client.get(unescape(found[1]), HTTP_HX_REQUEST="true").content.decode()


def _euros(amount: str) -> str:
    whole, cents = f"{Decimal(amount):.2f}".split(".")
    return f"{int(whole):,}".replace(",", "\u202f") + f",{cents}\u00a0€"


# « Dossiers de recouvrement » ------------------------------------------------------------------

# Four dossiers A–D, opened in this order (their numbers rise), each column a different order.
DOSSIER_LIST_ORDERS = {
    "N° dossier": "ABCD",
    "Client": "CBDA",  # Boulangerie, Éclairage (accent ignored), Garage, Zinc
    "Chargé de recouvrement": "BCDA",  # none first, then Benali, Dubois, Martin
    "Priorité": "CADB",
    "Statut": "BDAC",  # En cours (B, D by number), Contentieux, Clos
    "Date de début": "CDAB",
    "Factures": "BDAC",
    "Règlements": "CBAD",
    "Solde": "BADC",  # D owes 100 € plus 500 € of fees
}
FIRST_CLICK_DESCENDING = {"Date de début", "Factures", "Règlements", "Solde", "Date prévue"}


@pytest.fixture
def four_dossiers(team) -> dict[str, Dossier]:
    dubois = a_collector(team.company, last_name="Dubois")
    specs = {
        # name, chargé, priority, start, amount, open amount
        "A": ("Zinc Atelier", team.collector, 2, date(2026, 10, 15), "700.00", "550.00"),
        "B": ("Éclairage Moreau", None, 5, date(2026, 11, 2), "50.00", "10.00"),
        "C": (
            "Boulangerie Durand",
            team.other_collector,
            1,
            date(2026, 9, 20),
            "1000.00",
            "990.00",
        ),
        "D": ("Garage Fabre", dubois, 3, date(2026, 10, 1), "300.00", "100.00"),
    }
    dossiers = {}
    for key, (name, collector, priority, start, amount, open_amount) in specs.items():
        customer = a_customer(team.company, name=name)
        dossiers[key] = a_dossier(
            customer,
            today=start,
            user=team.manager,
            collector=collector,
            priority=priority,
            receivables=[a_receivable(customer, amount, open_amount=open_amount)],
        )
    Dossier.objects.filter(pk=dossiers["A"].pk).update(status=DossierStatus.LITIGATION)
    services.close_dossier(dossiers["C"], today=TODAY, user=team.manager)
    fee = services.create_intervention(
        dossiers["D"],
        InterventionKind.MANUAL,
        today=TODAY,
        user=team.manager,
        planned_date=TODAY,
        label="Frais de relance",
        action_type=ActionType.TASK,
    )
    services.set_intervention_status(fee, InterventionStatus.DONE, today=TODAY, user=team.manager)
    Intervention.objects.filter(pk=fee.pk).update(fee_amount=Decimal("500.00"))
    return dossiers


@pytest.mark.parametrize("label", DOSSIER_LIST_ORDERS)
def test_each_column_of_the_dossier_list_sorts_both_ways(client, team, four_dossiers, label):
    pks = {key: dossier.pk for key, dossier in four_dossiers.items()}
    ascending = [pks[key] for key in DOSSIER_LIST_ORDERS[label]]
    descending = ascending[::-1]
    first, second = (
        (descending, ascending) if label in FIRST_CLICK_DESCENDING else (ascending, descending)
    )
    client.force_login(team.manager)
    url = reverse("dossier_list")

    start = client.get(url, {"tri": "numero" if label != "N° dossier" else "statut"})
    once = _click(client, url, start.content.decode(), label).content.decode()
    twice = _click(client, url, once, label).content.decode()

    assert _dossier_order(once) == first
    assert _dossier_order(twice) == second
    state = "descending" if first is descending else "ascending"
    assert _headers(once)[label]["state"] == state
    assert _headers(once)[label]["mark"] == ("▼" if state == "descending" else "▲")
    assert _headers(twice)[label]["state"] != state
    assert [h for h, v in _headers(once).items() if v["state"]] == [label]  # one column only


def test_the_dossier_list_shows_the_latest_dossiers_first_marked_on_its_date(
    client, team, four_dossiers
):
    client.force_login(team.manager)

    page = client.get(reverse("dossier_list")).content.decode()

    pks = {key: dossier.pk for key, dossier in four_dossiers.items()}
    assert _dossier_order(page) == [pks[key] for key in "BADC"]
    assert _headers(page)["Date de début"] == {
        "href": "?tri=date",
        "state": "descending",
        "mark": "▼",
    }


def test_the_dossier_list_totals_every_dossier_the_filters_keep_across_pages(client, team):
    kept, other = a_customer(team.company), a_customer(team.company)
    for n in range(51):
        amount = Decimal("100.00") + n
        a_dossier(
            kept,
            user=team.manager,
            priority=2,
            receivables=[a_receivable(kept, str(amount), open_amount=str(amount - 10))],
        )
    a_dossier(other, user=team.manager, priority=3, receivables=[a_receivable(other, "9999.00")])
    client.force_login(team.manager)
    url = reverse("dossier_list")

    first = client.get(url, {"priorite": 2, "tri": "-solde"})
    pager = re.search(r'href="([^"]+)">Suivante', first.content.decode())[1]
    second = client.get(url + unescape(pager))
    totals = _totals_row(client, second.content.decode())

    rows = [*first.context["page"].object_list, *second.context["page"].object_list]
    assert len(rows) == 51 and len({row.pk for row in rows}) == 51
    assert "Total (51 dossiers)" in totals
    for figure in ("invoices", "payments", "balance"):
        assert _euros(sum(getattr(row, figure) for row in rows)) in totals
    assert _euros("9999.00") not in totals
    assert _totals_row(client, first.content.decode()) == totals  # whatever the page


def test_the_dossier_list_keeps_its_filters_sort_and_page_in_the_url(client, team):
    customer = a_customer(team.company, name="Durand Frères")
    for _ in range(52):
        a_dossier(customer, user=team.manager, collector=team.collector, priority=2)
    client.force_login(team.manager)
    url = reverse("dossier_list")
    filters = {"status": "open", "priorite": "2", "charge": str(team.collector.pk), "q": "Durand"}

    page = client.get(url, {**filters, "tri": "-solde", "page": "2"}).content.decode()
    again = client.get(url, {**filters, "tri": "-solde", "page": "2"}).content.decode()

    previous = _query(unescape(re.search(r'href="([^"]+)">‹ Précédente', page)[1]))
    assert previous == {**{k: [v] for k, v in filters.items()}, "tri": ["-solde"], "page": ["1"]}
    header = _query(_headers(page)["Client"]["href"])
    assert header == {**{k: [v] for k, v in filters.items()}, "tri": ["client"]}  # page 1 again
    assert '<input type="hidden" name="tri" value="-solde">' in page  # the search form keeps it
    assert '<input type="hidden" name="status" value="open">' in page
    status_link = _query(unescape(re.search(r'href="([^"]+)"[^>]*>Contentieux', page)[1]))
    assert status_link["tri"] == ["-solde"] and status_link["q"] == ["Durand"]
    assert _dossier_order(page) == _dossier_order(again)  # a bookmark gives the same list


def test_a_former_dossier_sort_and_a_forged_one_are_not_errors(client, team, four_dossiers):
    client.force_login(team.manager)
    url = reverse("dossier_list")

    former = client.get(url, {"tri": "priorite"})
    forged = client.get(url, {"tri": "--solde';"})

    pks = {key: dossier.pk for key, dossier in four_dossiers.items()}
    assert _dossier_order(former.content.decode()) == [pks[key] for key in "CADB"]
    assert forged.status_code == 200
    assert "Filtre « Tri » ignoré" in forged.content.decode()
    assert _dossier_order(forged.content.decode()) == [pks[key] for key in "BADC"]


# « Gestion des actions » -------------------------------------------------------------------

WORKLIST_ORDERS = {
    "Priorité": "CADB",
    "Chargé": "BCDA",  # none first, then Benali, Dubois, Martin
    "Dossier": "ABCD",
    "Client": "CBDA",
    "Étape": "ADCB",  # Appeler, Écrire (accent ignored), Mise en demeure, Relancer
    "Type": "DBAC",  # Alerte, Courrier, E-mail, Téléphone
    "Date prévue": "BDCA",
    "Solde": "BDAC",
}


@pytest.fixture
def four_actions(team) -> dict[str, Dossier]:
    dubois = a_collector(team.company, last_name="Dubois")
    specs = {
        # client, chargé, priority, step, kind, type, days ago, open amount
        "A": ("Zinc Atelier", team.collector, 2, "Appeler la comptable", "email", 1, "700.00"),
        "B": ("Éclairage Moreau", None, 5, "Relancer le service achats", "letter", 4, "50.00"),
        "C": (
            "Boulangerie Durand",
            team.other_collector,
            1,
            "Mise en demeure",
            "phone",
            2,
            "1000.00",
        ),
        "D": ("Garage Fabre", dubois, 3, "Écrire au gérant", "alert", 3, "300.00"),
    }
    dossiers = {}
    for key, (name, collector, priority, label, kind, days, amount) in specs.items():
        customer = a_customer(team.company, name=name)
        dossier = a_dossier(
            customer,
            today=OPENED,
            user=team.manager,
            collector=collector,
            priority=priority,
            receivables=[a_receivable(customer, amount)],
        )
        services.create_intervention(
            dossier,
            InterventionKind.ALERT if kind == "alert" else InterventionKind.MANUAL,
            today=OPENED,
            user=team.manager,
            planned_date=TODAY - timedelta(days=days),
            label=label,
            action_type="" if kind == "alert" else ActionType(kind),
        )
        dossiers[key] = dossier
    return dossiers


@pytest.mark.parametrize("label", WORKLIST_ORDERS)
def test_each_column_of_the_worklist_sorts_both_ways(client, team, four_actions, label):
    pks = {key: dossier.pk for key, dossier in four_actions.items()}
    ascending = [pks[key] for key in WORKLIST_ORDERS[label]]
    descending = ascending[::-1]
    first, second = (descending, ascending) if label == "Solde" else (ascending, descending)
    client.force_login(team.manager)
    url = reverse("worklist")

    start = client.get(url, {"tri": "dossier" if label != "Dossier" else "type"})
    once = _click(client, url, start.content.decode(), label).content.decode()
    twice = _click(client, url, once, label).content.decode()

    assert _dossier_order(once) == first
    assert _dossier_order(twice) == second
    state = "descending" if first is descending else "ascending"
    assert _headers(once)[label]["state"] == state
    assert _headers(twice)[label]["state"] != state
    assert [h for h, v in _headers(twice).items() if v["state"]] == [label]


@pytest.mark.parametrize(
    ("former", "column"),
    [("priority", "Priorité"), ("collector", "Chargé"), ("date", "Date prévue")],
)
def test_the_former_worklist_sort_links_still_sort_and_the_presets_work(
    client, team, four_actions, former, column
):
    pks = {key: dossier.pk for key, dossier in four_actions.items()}
    client.force_login(team.manager)

    page = client.get(reverse("worklist"), {"tri": former}).content.decode()

    assert _dossier_order(page) == [pks[key] for key in WORKLIST_ORDERS[column]]
    assert _headers(page)[column]["state"] == "ascending"
    assert re.search(r'class="is-active" aria-current="true">', page.split('aria-label="Tri"')[1])


def test_the_worklist_sorts_by_priority_by_default_marked_on_its_header(client, team, four_actions):
    client.force_login(team.manager)

    page = client.get(reverse("worklist")).content.decode()

    pks = {key: dossier.pk for key, dossier in four_actions.items()}
    assert _dossier_order(page) == [pks[key] for key in WORKLIST_ORDERS["Priorité"]]
    assert _headers(page)["Priorité"] == {
        "href": "?tri=-priorite",
        "state": "ascending",
        "mark": "▲",
    }


def _dossier_with_actions(team, collector, amount: str, count: int) -> Dossier:
    customer = a_customer(team.company)
    dossier = a_dossier(
        customer,
        today=OPENED,
        user=team.manager,
        collector=collector,
        receivables=[a_receivable(customer, amount)],
    )
    for n in range(count):
        services.create_intervention(
            dossier,
            InterventionKind.ALERT if n % 5 == 0 else InterventionKind.MANUAL,
            today=OPENED,
            user=team.manager,
            planned_date=TODAY - timedelta(days=1 + n % 20),
            label=f"Appel {n:02d}",
            action_type="" if n % 5 == 0 else ActionType.PHONE,
        )
    return dossier


def test_the_worklist_totals_the_solde_of_every_dossier_the_filters_keep(client, team):
    _dossier_with_actions(team, team.collector, "1234.56", 30)
    _dossier_with_actions(team, team.collector, "765.44", 25)
    _dossier_with_actions(team, team.other_collector, "9999.00", 3)
    client.force_login(team.manager)
    url = reverse("worklist")

    first = client.get(url, {"charge": team.collector.pk, "tri": "-solde"})
    pager = re.search(r'href="([^"]+)">Page suivante', first.content.decode())[1]
    second = client.get(url + unescape(pager))
    totals = _totals_row(client, second.content.decode())

    rows = [*first.context["rows"], *second.context["rows"]]
    assert len(rows) == 55
    balances = {row.dossier_id: row.balance for row in rows}
    assert sum(balances.values()) == Decimal("2000.00")
    assert "Total (2 dossiers)" in totals
    assert _euros("2000.00") in totals
    assert _totals_row(client, first.content.decode()) == totals
    everyone = client.get(url, {"charge": "tous"}).content.decode()
    assert _euros("11999.00") in _totals_row(client, everyone)


def test_the_worklist_keeps_its_filters_sort_and_page_in_the_url(client, team):
    _dossier_with_actions(team, team.collector, "100.00", 70)  # 56 calls, 14 alerts
    client.force_login(team.manager)
    url = reverse("worklist")
    filters = {
        "jusqu_au": TODAY.isoformat(),
        "charge": str(team.collector.pk),
        "type": "phone",
    }

    page = client.get(url, {**filters, "tri": "-date", "page": "2"}).content.decode()
    again = client.get(url, {**filters, "tri": "-date", "page": "2"}).content.decode()

    previous = _query(unescape(re.search(r'href="([^"]+)">‹ Page précédente', page)[1]))
    assert previous == {**{k: [v] for k, v in filters.items()}, "tri": ["-date"], "page": ["1"]}
    header = _query(_headers(page)["Dossier"]["href"])
    assert header == {**{k: [v] for k, v in filters.items()}, "tri": ["dossier"]}
    assert '<input type="hidden" name="tri" value="-date">' in page  # the filter form keeps it
    assert f'<option value="{team.collector.pk}" selected>' in page
    assert '<option value="phone" selected>' in page
    assert "Page 2 (actions 51 à 56)" in page
    assert _body(page) == _body(again)  # a bookmark gives the same list


@pytest.mark.parametrize("sort", ["priority", "collector", "date"])
@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("mine", [False, True])
def test_sqlite_reads_s9s_orders_from_an_index_both_ways(team, sort, descending, mine):
    if connection.vendor != "sqlite":
        pytest.skip("the query plan checked here is SQLite's")
    collector_id = team.collector.pk if mine else None
    query = worklist_query(
        team.company, TODAY, sort=[sort], descending=descending, collector_id=collector_id
    )
    sql, params = query[:51].query.sql_with_params()

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())

    assert "TEMP B-TREE" not in plan, plan


@pytest.mark.parametrize(
    "name", ["dossier_list", "dossier_list_totals", "worklist", "worklist_totals"]
)
@pytest.mark.parametrize(
    "params",
    [
        {"tri": "-"},
        {"tri": "--solde"},
        {"tri": "solde;DROP"},
        {"tri": "x" * 5000},
        {"page": "-1", "tri": "-client"},
        {"page": "99999999999999999999"},
        {"charge": "99999999999999999999", "priorite": "NaN", "jusqu_au": "2026-02-30"},
        {"type": "<script>", "status": "nul", "q": "\x00"},
    ],
)
def test_absurd_sorts_filters_and_pages_never_fail(client, team, four_actions, name, params):
    client.force_login(team.collector_user)

    response = client.get(reverse(name), params)

    assert response.status_code == 200
