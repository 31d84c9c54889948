"""Exports of every list (issue 14 §2) through the web client: the rows of the screen with its
filters and its order, its totals, what each role may see, the links on each page, and bad
input answered without a 500."""

import csv
import io
import tempfile
from datetime import timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from recouvrement import services
from recouvrement.db.models import AccountingImport, Receivable
from recouvrement.domain.statuses import ActionType, InterventionKind
from tests.builders import a_customer, a_dossier, a_receivable
from tests.integration.test_reports import books  # noqa: F401 (the fixture)

TODAY = timezone.localdate()
EXPORTS = [
    "dossier_list_export",
    "worklist_export",
    "receivable_list_export",
    "aged_balance_export",
    "journal_list_export",
    "import_history_export",
]


def _download(client, name: str, fmt: str, **params):
    response = client.get(reverse(name, kwargs={"fmt": fmt}), params)
    assert response.status_code == 200, response.status_code
    # Reading it to the end closes it, as a WSGI server would (the XLSX's temporary file goes);
    # a second close() would fire request_finished and close the test's database connection.
    body = b"".join(response.streaming_content)
    return response, body


def xlsx_rows(client, name: str, **params) -> list[tuple]:
    response, body = _download(client, name, "xlsx", **params)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(body)).active
    return list(sheet.iter_rows(values_only=True))


def csv_rows(client, name: str, **params) -> list[list[str]]:
    response, body = _download(client, name, "csv", **params)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline=""), delimiter=";"))


def euros(text: str) -> Decimal:
    return Decimal(text.replace(",", "."))


# --- Dossiers de recouvrement ---------------------------------------------------------------


@pytest.fixture
def dossiers(team):
    def one(collector, priority, amount):
        customer = a_customer(team.company)
        receivable = a_receivable(customer, amount=amount, open_amount=str(Decimal(amount) - 100))
        return a_dossier(
            customer,
            user=team.manager,
            collector=collector,
            priority=priority,
            receivables=[receivable],
        )

    return [
        one(team.collector, 1, "1500.00"),
        one(team.collector, 2, "800.00"),
        one(team.other_collector, 1, "2500.00"),
        one(team.other_collector, 1, "300.00"),
        one(None, 3, "950.00"),
    ]


def test_the_dossier_export_holds_the_screens_rows_with_its_filters_and_order(
    client, team, dossiers
):
    client.force_login(team.manager)
    params = {"priorite": "1", "tri": "-solde"}

    screen = client.get(reverse("dossier_list"), params).context["page"].object_list
    shown = [dossier.number for dossier in screen]
    sheet = xlsx_rows(client, "dossier_list_export", **params)
    lines = csv_rows(client, "dossier_list_export", **params)

    assert len(shown) == 3 and shown == [d.number for d in (dossiers[2], dossiers[0], dossiers[3])]
    assert sheet[0][:3] == ("N° dossier", "Code client", "Client")
    assert [row[0] for row in sheet[1:-1]] == shown
    assert [line[0] for line in lines[1:]] == shown
    first = sheet[1]
    assert first[1:4] == (dossiers[2].customer.code, dossiers[2].customer.name, "Claire Benali")
    assert first[4:6] == (1, "En cours")
    assert first[6].date() == dossiers[2].start_date
    assert first[7:] == (2500, 100, 2400)  # Factures, Règlements, Solde: numbers
    assert lines[1][7:] == ["2500,00", "100,00", "2400,00"]


def test_the_dossier_exports_totals_are_the_screens(client, team, dossiers):
    client.force_login(team.manager)
    params = {"status": "open", "q": "Client"}

    totals = client.get(reverse("dossier_list_totals"), params).context["totals"]
    sheet = xlsx_rows(client, "dossier_list_export", **params)
    lines = csv_rows(client, "dossier_list_export", **params)

    assert totals.dossiers == 5
    assert sheet[-1] == (
        "Total (5 dossiers)",
        *([None] * 6),
        float(totals.invoices),
        float(totals.payments),
        float(totals.balance),
    )
    assert sum(euros(line[9]) for line in lines[1:]) == totals.balance == Decimal("5550.00")
    assert len(lines) == 6  # the CSV holds the rows only, for another tool to read


def test_a_collectors_export_holds_only_what_their_screen_shows(client, team, dossiers):
    client.force_login(team.collector_user)

    own = [d.number for d in client.get(reverse("dossier_list")).context["page"].object_list]
    every = client.get(reverse("dossier_list"), {"all": "1"}).context["page"].object_list

    assert sorted(own) == sorted(d.number for d in dossiers[:2])
    assert sorted(row[0] for row in xlsx_rows(client, "dossier_list_export")[1:-1]) == sorted(own)
    assert sorted(line[0] for line in csv_rows(client, "dossier_list_export")[1:]) == sorted(own)
    assert len(csv_rows(client, "dossier_list_export", all="1")) == 1 + len(every) == 6


# --- Gestion des actions --------------------------------------------------------------------


def _action(dossier, user, days_ago: int, label: str, **fields):
    return services.create_intervention(
        dossier,
        fields.pop("kind", InterventionKind.MANUAL),
        today=TODAY - timedelta(days=30),
        user=user,
        planned_date=TODAY - timedelta(days=days_ago),
        label=label,
        action_type=fields.pop("action_type", ActionType.PHONE),
        **fields,
    )


@pytest.fixture
def actions(team, dossiers):
    _action(dossiers[0], team.manager, 3, "Appeler la comptable", comment="Après 14 h")
    _action(dossiers[0], team.manager, 1, "Relancer", action_type=ActionType.TASK)
    _action(dossiers[1], team.manager, 2, "Appel de suivi")
    _action(dossiers[2], team.manager, 1, "Appel Benali")
    _action(dossiers[3], team.manager, -5, "Plus tard")  # not due yet: on no screen


def test_a_collectors_worklist_export_holds_their_screens_rows_and_totals(client, team, actions):
    client.force_login(team.collector_user)
    params = {"type": "phone"}

    screen = client.get(reverse("worklist"), params)
    shown = [row.label for row in screen.context["rows"]]
    totals = client.get(reverse("worklist_totals"), params).context["totals"]
    sheet = xlsx_rows(client, "worklist_export", **params)
    lines = csv_rows(client, "worklist_export", **params)

    assert sorted(shown) == ["Appel de suivi", "Appeler la comptable"]
    assert [row[5] for row in sheet[1:-1]] == shown
    assert [line[5] for line in lines[1:]] == shown
    assert sheet[0][-1] == "Solde" and sheet[1][6] == "Téléphone"
    assert "Après 14 h" in [row[8] for row in sheet[1:-1]]
    assert sheet[-1][0] == f"Total ({totals.dossiers} dossiers)" == "Total (2 dossiers)"
    assert sheet[-1][-1] == float(totals.balance) == 1400 + 700


def test_the_worklist_export_keeps_every_chargé_when_asked_like_the_screen(client, team, actions):
    client.force_login(team.collector_user)
    params = {"charge": "tous", "tri": "date", "page": "1"}

    shown = [row.label for row in client.get(reverse("worklist"), params).context["rows"]]

    assert len(shown) == 4
    assert [line[5] for line in csv_rows(client, "worklist_export", **params)[1:]] == shown


# --- Échéances and balance âgée -------------------------------------------------------------


def test_the_echeance_export_holds_the_screens_rows_and_totals(client, team, books):  # noqa: F811
    client.force_login(team.manager)
    params = {"tranche": "d61_90", "date": "2026-12-01"}

    screen = client.get(reverse("receivable_list"), params).context
    shown = [row.reference for row in screen["page"].object_list]
    sheet = xlsx_rows(client, "receivable_list_export", **params)
    lines = csv_rows(client, "receivable_list_export", **params)

    assert shown and [row[2] for row in sheet[1:-1]] == shown
    assert [line[2] for line in lines[1:]] == shown
    totals = screen["totals"]
    assert sheet[-1][0] == f"Total ({totals.count} échéance{'s' if totals.count != 1 else ''})"
    assert sheet[-1][5:7] == (float(totals.amount), float(totals.owed))
    assert sum(euros(line[6]) for line in lines[1:]) == totals.owed


def test_a_collectors_echeance_export_holds_only_their_own(client, team, books):  # noqa: F811
    client.force_login(team.collector_user)

    own = [r.reference for r in client.get(reverse("receivable_list")).context["page"]]
    asked = {"charge": team.other_collector.pk}
    sheet = xlsx_rows(client, "receivable_list_export", **asked)

    assert sorted(row[2] for row in xlsx_rows(client, "receivable_list_export")[1:-1]) == sorted(
        own
    )
    assert {row[9] for row in sheet[1:-1]} <= {str(team.collector)}


def test_the_aged_balance_export_has_a_row_per_chargé_and_the_companys_total(
    client,
    team,
    books,  # noqa: F811
):
    client.force_login(team.manager)

    sheet = xlsx_rows(client, "aged_balance_export")
    lines = csv_rows(client, "aged_balance_export")

    header = sheet[0]
    assert header[:3] == ("Chargé de recouvrement", "Non échu — montant", "Non échu — échéances")
    assert header[-2:] == ("Total — montant", "Total — échéances")
    names = [row[0] for row in sheet[1:-1]]
    assert set(names) == {str(team.collector), str(team.other_collector), "Sans chargé"}
    total = sheet[-1]
    open_items = Receivable.objects.filter(company=team.company).aggregate(t=Sum("open_amount"))
    assert total[0] == "Total société"
    assert Decimal(str(total[-2])) == open_items["t"]  # to the cent
    assert sum(row[-2] for row in sheet[1:-1]) == pytest.approx(total[-2])
    assert [line[0] for line in lines[1:]] == [*names, "Total société"]  # data, in the CSV too
    assert euros(lines[-1][-2]) == sum(euros(line[-2]) for line in lines[1:-1]) == open_items["t"]


def test_a_collectors_aged_balance_export_holds_only_their_own_total(
    client,
    team,
    books,  # noqa: F811
):
    client.force_login(team.collector_user)
    own = services.aged_balance_report(team.company, as_of=TODAY, user=team.collector_user)

    sheet = xlsx_rows(client, "aged_balance_export", date=TODAY.isoformat())
    lines = csv_rows(client, "aged_balance_export", date=TODAY.isoformat())

    assert [row[0] for row in sheet[1:]] == ["Total"]
    assert Decimal(str(sheet[-1][-2])) == own.total.amount < Decimal("3000.25")
    assert sheet[-1][-1] == own.total.count
    assert [line[0] for line in lines[1:]] == ["Total"]
    assert euros(lines[-1][-2]) == own.total.amount


# --- Journal and import history -------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("name", ["journal_list_export", "import_history_export"])
def test_the_journal_and_the_imports_are_refused_to_whoever_may_not_see_their_page(
    client, team, name, fmt
):
    for user in (team.collector_user, team.reader):
        client.force_login(user)
        response = client.get(reverse(name, kwargs={"fmt": fmt}))

        assert response.status_code == 403
        assert "responsable recouvrement" in response.content.decode()


def test_the_journal_export_holds_the_screens_rows_with_its_filter(client, team):
    for user in (team.reader, team.collector_user, team.manager):
        client.force_login(user)  # each login is a journal row « Connexion »
    client.force_login(team.manager)

    screen = client.get(reverse("journal_list"), {"action": "login"}).context["page"]
    sheet = xlsx_rows(client, "journal_list_export", action="login")
    every = csv_rows(client, "journal_list_export", action="nothing-such")

    assert screen.paginator.count == len(sheet) - 1 == 4
    assert sheet[0] == ("Date", "Utilisateur", "Type", "Description", "Avant / après")
    assert {row[2] for row in sheet[1:]} == {"Connexion"}
    assert sheet[1][0].date() == TODAY  # a date and time, in the company's time zone
    assert len(every) - 1 == client.get(reverse("journal_list")).context["page"].paginator.count


def test_the_import_history_export_lists_every_import_with_its_figures(client, team):
    common = {"company": team.company, "user": team.manager, "size": 10, "sha256": "0" * 64}
    AccountingImport.objects.create(
        original_name="FEC-octobre.txt", file_format="fec", file="imports/a.txt", **common
    )
    AccountingImport.objects.create(
        original_name="echeances.csv",
        file_format="csv",
        file="imports/b.csv",
        status="applied",
        applied_at=timezone.now(),
        summary={"lines": 120, "receivables_created": 7, "payments": 3, "dossiers_closed": 1},
        **common,
    )
    client.force_login(team.manager)

    sheet = xlsx_rows(client, "import_history_export")
    lines = csv_rows(client, "import_history_export")

    assert [row[1] for row in sheet[1:]] == ["echeances.csv", "FEC-octobre.txt"]
    applied, preview = sheet[1], sheet[2]
    assert applied[2] == "CSV" and applied[4] == "Importé" and applied[6:11] == (120, 7, None, 3, 1)
    assert preview[4] == "Aperçu, non importé" and preview[6:11] == (None,) * 5
    assert lines[2][4:11] == ["Aperçu, non importé", "", "", "", "", "", ""]


# --- Every export ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", EXPORTS)
def test_each_list_page_links_its_exports_with_its_filters(client, team, name):
    client.force_login(team.manager)
    pages = {
        "dossier_list_export": ("dossier_list", {"status": "open", "page": "2"}),
        "worklist_export": ("worklist", {"type": "phone", "page": "2"}),
        "receivable_list_export": ("receivable_list", {"tranche": "d1_30", "page": "2"}),
        "aged_balance_export": ("dashboard", {"date": "2026-11-30"}),
        "journal_list_export": ("journal_list", {"action": "login", "page": "2"}),
        "import_history_export": ("import_upload", {}),
    }
    page, params = pages[name]

    html = client.get(reverse(page), params).content.decode()

    kept = "&amp;".join(f"{k}={v}" for k, v in params.items() if k != "page")
    for fmt in ("xlsx", "csv"):
        url = reverse(name, kwargs={"fmt": fmt})
        assert f'href="{url}{"?" + kept if kept else ""}"' in html
    assert "Exporter :" in html


@pytest.mark.parametrize("name", EXPORTS)
def test_each_export_is_named_after_its_list_and_today(client, team, name):
    client.force_login(team.manager)

    for fmt in ("xlsx", "csv"):
        response, _ = _download(client, name, fmt)

        disposition = response["Content-Disposition"]
        assert disposition.startswith("attachment; filename=")
        assert disposition.endswith(f'-{TODAY.isoformat()}.{fmt}"')


def test_the_xlsx_temporary_file_is_gone_once_sent(client, team, monkeypatch):
    made, original = [], tempfile.TemporaryFile

    def temporary_file(**options):
        made.append(original(**options))
        return made[-1]

    monkeypatch.setattr("recouvrement.exports.xlsx.tempfile.TemporaryFile", temporary_file)
    client.force_login(team.manager)

    response, body = _download(client, "dossier_list_export", "xlsx")

    assert body.startswith(b"PK")  # a zip: the XLSX
    assert len(made) == 1 and made[0].closed  # anonymous: closed, it is deleted


@pytest.mark.parametrize(
    "path",
    [
        "/dossiers/export.pdf",
        "/dossiers/export.",
        "/dossiers/export.XLSX",
        "/gestion-des-actions/export.xls",
        "/echeances/export.xlsx.csv",
        "/structure/journal/export.json",
        "/imports/export.ods",
        "/tableau-de-bord/balance-agee/export.txt",
    ],
)
def test_any_other_format_is_not_found(client, team, path):
    client.force_login(team.manager)

    assert client.get(path).status_code == 404


def test_an_anonymous_visitor_is_sent_to_the_login_page(client):
    for name in EXPORTS:
        response = client.get(reverse(name, kwargs={"fmt": "csv"}))

        assert response.status_code == 302 and response.url.startswith(reverse("login"))


ABSURD = {
    "status": "zzz",
    "priorite": "9",
    "charge": "99999999999999999999",
    "tri": "-inconnu",
    "q": "'; DROP TABLE --" + "x" * 200,
    "all": "peut-être",
    "jusqu_au": "2026-02-31",
    "type": "<script>",
    "tranche": "d999",
    "date": "31/02/2026",
    "client": "\x00",
    "action": "' OR 1=1",
    "page": "-1",
}


@pytest.mark.parametrize("name", EXPORTS)
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_bad_filters_answer_without_a_500(client, team, dossiers, name, fmt):
    client.force_login(team.manager)

    response = client.get(reverse(name, kwargs={"fmt": fmt}), ABSURD)

    if name == "aged_balance_export":  # its one filter is a date: refused as the page
        assert response.status_code == 400
        assert "n'est pas une date" in response.content.decode()
    else:  # what does not validate is ignored, as on the screen
        assert response.status_code == 200
        b"".join(response.streaming_content)
