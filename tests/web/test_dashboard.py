"""« Tableau de bord » (issue 14 §1, B6): a manager's landing page; the balance âgée (company
and per chargé, each figure a link to the échéances behind it), encaissements, DSO, promises,
workload and dossiers per month, for a small hand-made set of books; a collector sees only
their own figures; a bad date answers a French message."""

import re
from datetime import date, timedelta
from decimal import Decimal
from html import unescape
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from recouvrement import services
from recouvrement.db.models import Allocation, Intervention, Payment, Receivable, Resolution
from recouvrement.domain.money import format_amount
from recouvrement.domain.statuses import ActionType, InterventionKind, InterventionStatus
from recouvrement.services.queue import queue_fields
from recouvrement.web.dashboard.charts import month_label
from tests.builders import a_customer, a_dossier, a_receivable

BUCKET_LABELS = ["Non échu", "1 à 30 jours", "31 à 60 jours", "61 à 90 jours", "Plus de 90 jours"]


class _Tables(HTMLParser):
    """Each table of the page by its id: its rows of cell texts, and the links of each cell."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, list[list[str]]] = {}
        self.links: dict[str, list[list[str]]] = {}
        self._table: str | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs) -> None:
        names = dict(attrs)
        if tag == "table":
            self._table = names.get("id", "")
            self.rows[self._table], self.links[self._table] = [], []
        elif tag == "tr" and self._table is not None:
            self.rows[self._table].append([])
            self.links[self._table].append([])
        elif tag in ("td", "th") and self._table is not None:
            self._cell = []
        elif tag == "a" and self._cell is not None:
            self.links[self._table][-1].append(names["href"])
        elif tag == "span" and self._cell is not None:
            self._cell.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.rows[self._table][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def _tables(response) -> _Tables:
    parser = _Tables()
    parser.feed(response.content.decode())
    return parser


def _euros(text: str) -> str:
    """« 1 000,00 € » as the cells read (their no-break spaces as plain ones)."""
    return " ".join(format_amount(Decimal(text)).split())


@pytest.fixture
def books(team) -> date:
    return hand_made_books(team)


def hand_made_books(team) -> date:
    """Clients followed by Martin's and Benali's dossiers, one no dossier follows, one whose
    dossier was closed « Payé »; a règlement, two promises, three actions. Returns today."""
    today = timezone.localdate()
    alpha = a_customer(team.company, name="Alpha Bâtiment")
    beta = a_customer(team.company, name="Bêta Transports")
    gamma = a_customer(team.company, name="Gamma Conseil")
    delta = a_customer(team.company, name="Delta Négoce")
    not_due = a_receivable(alpha, "1000.00", today + timedelta(days=10))
    late_15 = a_receivable(alpha, "200.50", today - timedelta(days=15))
    late_45 = a_receivable(beta, "300.00", today - timedelta(days=45))
    late_100 = a_receivable(beta, "50.00", today - timedelta(days=100))
    a_receivable(gamma, "75.25", today - timedelta(days=70))
    a_receivable(gamma, "40.00", today - timedelta(days=20), open_amount="0.00")  # paid
    late_20 = a_receivable(delta, "80.00", today - timedelta(days=20))
    martins = a_dossier(
        alpha, today=today, user=team.manager, collector=team.collector,
        receivables=[not_due, late_15],
    )  # fmt: skip
    benalis = a_dossier(
        beta, today=today, user=team.manager, collector=team.other_collector,
        receivables=[late_45, late_100],
    )  # fmt: skip
    closed = a_dossier(delta, today=today, user=team.manager, receivables=[late_20])
    paid = Resolution.objects.create(company=team.company, label="Payé")
    services.close_dossier(closed, today=today, user=team.manager, resolution=paid)
    # 180 € of Bêta's 300 € paid today: 120 € still owed.
    payment = Payment.objects.create(
        company=team.company, customer=beta, date=today, amount=Decimal("180.00")
    )
    Allocation.objects.create(payment=payment, receivable=late_45, amount=Decimal("180.00"))
    Receivable.objects.filter(pk=late_45.pk).update(open_amount=Decimal("120.00"))

    def intervention(dossier, status, planned, **fields):
        Intervention.objects.create(
            dossier=dossier,
            **queue_fields(dossier),
            kind=fields.pop("kind", InterventionKind.MANUAL),
            action_type=fields.pop("action_type", ActionType.PHONE),
            status=status,
            label="Appel",
            planned_date=planned,
            **fields,
        )

    intervention(martins, InterventionStatus.TODO, today)
    intervention(martins, InterventionStatus.TODO, today - timedelta(days=3))
    promise = {"kind": InterventionKind.PROMISE, "action_type": "", "promise_made_on": today}
    intervention(
        benalis, InterventionStatus.DONE, today, done_date=today,
        promise_amount=Decimal("100.00"), promise_kept=True, **promise,
    )  # fmt: skip
    intervention(
        benalis, InterventionStatus.TODO, today + timedelta(days=5),
        promise_amount=Decimal("50.00"), **promise,
    )  # fmt: skip
    return today


def test_a_manager_lands_on_the_dashboard_the_others_on_the_dossiers(client, team):
    response = client.post(reverse("login"), {"username": "responsable", "password": "secret-pass"})
    assert response.url == reverse("home")
    assert client.get(reverse("home")).url == reverse("dashboard")

    for user in (team.collector_user, team.reader):
        client.force_login(user)
        assert client.get("/").url == reverse("dossier_list")


def test_the_menu_offers_the_dashboard_first_to_every_role(client, team):
    for user in (team.manager, team.collector_user, team.reader):
        client.force_login(user)
        page = client.get(reverse("dossier_list")).content.decode()
        menu = page[page.index('aria-label="Menu principal"') :]
        first = menu.index('class="menu-item')
        assert menu[first : menu.index("</a>", first)].endswith("Tableau de bord")


def test_the_balance_total_is_the_sum_of_the_open_echeances_to_the_cent(client, team, books):
    client.force_login(team.manager)

    response = client.get(reverse("dashboard"))

    assert response.status_code == 200
    owed = Receivable.objects.filter(company=team.company).aggregate(s=Sum("open_amount"))["s"]
    assert owed == Decimal("1525.75")
    balance = _tables(response).rows["balance-table"]
    assert balance[1:] == [
        ["Non échu", _euros("1000.00"), "1"],
        ["1 à 30 jours", _euros("280.50"), "2"],
        ["31 à 60 jours", _euros("120.00"), "1"],
        ["61 à 90 jours", _euros("75.25"), "1"],
        ["Plus de 90 jours", _euros("50.00"), "1"],
        ["Total", _euros(str(owed)), "6"],
    ]


def test_a_manager_sees_the_split_per_collector_each_figure_a_link(client, team, books):
    client.force_login(team.manager)

    response = client.get(reverse("dashboard"), {"date": books.strftime("%d/%m/%Y")})

    tables = _tables(response)
    rows = {row[0]: row[1:] for row in tables.rows["balance-by-collector"][1:]}
    assert tables.rows["balance-by-collector"][0][1:-1] == BUCKET_LABELS
    assert rows["Claire Benali"] == [
        f"{_euros('0.00')} 0 échéance",
        f"{_euros('0.00')} 0 échéance",
        f"{_euros('120.00')} 1 échéance",
        f"{_euros('0.00')} 0 échéance",
        f"{_euros('50.00')} 1 échéance",
        f"{_euros('170.00')} 2 échéances",
    ]
    assert rows["Sans chargé"][-1] == f"{_euros('155.25')} 2 échéances"
    assert rows["Total"][-1] == f"{_euros('1525.75')} 6 échéances"
    assert list(rows) == ["Claire Benali", "Claire Martin", "Sans chargé", "Total"]
    links = tables.links["balance-by-collector"]
    benali_30_60 = urlsplit(links[1][2])
    assert benali_30_60.path == reverse("receivable_list")
    assert parse_qs(benali_30_60.query) == {
        "tranche": ["d31_60"],
        "charge": [str(team.other_collector.pk)],
        "date": [books.isoformat()],
    }
    assert parse_qs(urlsplit(links[3][0]).query)["charge"] == ["aucun"]
    total = parse_qs(urlsplit(tables.links["balance-table"][-1][0]).query)
    assert total == {"date": [books.isoformat()]}  # the whole balance: every tranche and chargé
    behind = client.get(links[1][2])
    assert behind.status_code == 200
    assert "Bêta Transports" in behind.content.decode()


def test_a_collector_sees_only_their_own_figures(client, team, books):
    client.force_login(team.collector_user)

    response = client.get(reverse("dashboard"))

    tables = _tables(response)
    page = response.content.decode()
    assert "balance-by-collector" not in tables.rows
    assert tables.rows["balance-table"][-1] == ["Total", _euros("1200.50"), "2"]
    assert [row[0] for row in tables.rows["workload-table"][1:]] == ["Claire Martin"]
    assert "Benali" not in page
    assert "sur vos dossiers" in page


def test_consultation_sees_the_company_and_its_split(client, team, books):
    client.force_login(team.reader)

    response = client.get(reverse("dashboard"))

    tables = _tables(response)
    assert tables.rows["balance-table"][-1] == ["Total", _euros("1525.75"), "6"]
    assert len(tables.rows["balance-by-collector"]) == 5  # head, 2 chargés, sans chargé, total


def test_the_other_figures_of_the_books(client, team, books):
    client.force_login(team.manager)

    response = client.get(reverse("dashboard"))

    tables = _tables(response)
    page = unescape(response.content.decode())
    recovered = tables.rows["recovered-table"]
    assert len(recovered) == 1 + 12 + 1
    assert recovered[-2][1:] == [_euros("180.00"), "1"]  # this month: Bêta's règlement
    assert recovered[-1][:2] == ["Total", _euros("180.00")]
    assert tables.rows["promises-table"][1:] == [
        ["Faites", "2", _euros("150.00")],
        ["Tenues", "1", _euros("100.00")],
        ["Non tenues", "0", _euros("0.00")],
        ["En attente", "1", _euros("50.00")],
    ]
    assert "100,0 %" in page
    workload = {row[0]: row[1:] for row in tables.rows["workload-table"][1:]}
    assert workload["Claire Martin"] == ["1", "1", "0"]
    assert workload["Claire Benali"] == ["0", "0", "1"]
    martin = tables.links["workload-table"][[*workload].index("Claire Martin") + 1]
    today_link = parse_qs(urlsplit(martin[1]).query)
    assert today_link == {"charge": [str(team.collector.pk)], "jusqu_au": [books.isoformat()]}
    assert urlsplit(martin[1]).path == reverse("worklist")
    flow = tables.rows["flow-table"]
    assert len(flow) == 1 + 12
    assert flow[-1][1:] == ["3", "1", "Payé : 1"]
    assert "méthode de l'épuisement" in page
    assert len(tables.rows["dso-table"]) == 1 + 12


def test_every_chart_is_inline_svg_with_its_text_under_the_normal_policy(client, team, books):
    client.force_login(team.manager)

    response = client.get(reverse("dashboard"))

    page = response.content.decode()
    charts = re.findall(r"<svg\b[^>]*>.*?</svg>", page, re.S)
    assert len(charts) == 4
    for chart in charts:
        head = chart[: chart.index(">")]
        assert 'role="img"' in head
        title_id = re.search(r'aria-labelledby="([^"]+)"', head)[1]
        assert re.search(rf'<title id="{title_id}">[^<]+</title>', chart)
    assert page.count("<figcaption") == 4
    assert "data:" not in page
    assert "<style" not in page and "<script>" not in page and " style=" not in page
    policy = dict(
        directive.strip().split(" ", 1)
        for directive in response["Content-Security-Policy"].split(";")
    )
    assert policy["img-src"] == "'self'"
    assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
    assert (
        response["Content-Security-Policy"]
        == client.get(reverse("dossier_list"))["Content-Security-Policy"]
    )
    # A bar's tooltip reads the figure of the table beside the chart.
    balance = next(chart for chart in charts if 'id="balance-chart"' in chart)
    bars = re.findall(r'<rect class="chart-bar[^>]*><title>([^<]+)</title>', balance)
    late = _tables(response).rows["balance-table"][3]  # « 31 à 60 jours », 120,00 €
    assert " ".join(unescape(bars[2]).split()) == f"{late[0]} : {late[1]}"
    flow = next(chart for chart in charts if 'id="flow-chart"' in chart)
    opened = _tables(response).rows["flow-table"][-1][1]
    assert f"{month_label(books.year, books.month)} · Ouverts : {opened}</title>" in flow


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("31/02/2026", "n'est pas une date"),
        ("hier", "n'est pas une date"),
        ("1850-01-01", "hors des dates possibles"),
        ("9999-12-31", "hors des dates possibles"),
        ("0001-01-01", "hors des dates possibles"),
        ("2026-12-01\x00", "n'est pas une date"),
    ],
)
def test_a_bad_date_answers_a_french_message(client, team, typed, message):
    client.force_login(team.manager)

    response = client.get(reverse("dashboard"), {"date": typed})

    assert response.status_code == 400
    page = unescape(response.content.decode())
    assert message in page
    assert 'name="date"' in page  # the form to choose another


def test_a_past_date_reads_the_balance_at_that_date(client, team, books):
    client.force_login(team.manager)
    before = books - timedelta(days=30)

    response = client.get(reverse("dashboard"), {"date": before.isoformat()})

    assert response.status_code == 200
    assert f"Chiffres au {before:%d/%m/%Y}" in response.content.decode()


def test_the_disputes_panel_counts_the_open_litiges_within_what_the_user_sees(client, team, books):
    """B10: « Litiges », the count, amount, average and oldest age of the litiges open today;
    a collector, those of their own dossiers; no link (the dossier list cannot filter them)."""
    from recouvrement.db.models import DisputeReason, Dossier

    reason = DisputeReason.objects.create(company=team.company, label="Prix contesté")
    martins = Dossier.objects.get(customer__name="Alpha Bâtiment")
    benalis = Dossier.objects.get(customer__name="Bêta Transports")
    late_15 = martins.links.get(receivable__amount=Decimal("200.50")).receivable
    for dossier, amount, named, days_ago in (
        (martins, "200.50", [late_15], 10),
        (benalis, "170.00", [], 30),
    ):
        services.open_dispute(
            dossier,
            reason=reason,
            amount=Decimal(amount),
            receivables=named,
            today=books - timedelta(days=days_ago),
            user=team.manager,
        )

    client.force_login(team.manager)
    manager = _tables(client.get(reverse("dashboard")))
    client.force_login(team.collector_user)
    collector = _tables(client.get(reverse("dashboard")))

    assert manager.rows["disputes-table"][1] == ["2", _euros("370.50"), "20", "30"]
    assert collector.rows["disputes-table"][1] == ["1", _euros("200.50"), "10", "10"]
    # Each figure opens the dossiers in litige the user sees (a collector: their own).
    assert manager.links["disputes-table"] == [[], ["/dossiers/?litige=1"] * 2]
    assert collector.links["disputes-table"] == [[], ["/dossiers/?litige=1"] * 2]


def test_without_any_litige_the_panel_says_none(client, team, books):
    client.force_login(team.manager)

    rows = _tables(client.get(reverse("dashboard"))).rows["disputes-table"]

    assert rows[1] == ["0", _euros("0.00"), "—", "—"]
