"""The API's reports (issue 14 §3, B6): the figures of « Tableau de bord » on a date, the
company's for a manager and « Consultation », their own for a collector."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import timezone

from recouvrement.db.models import Receivable
from recouvrement.domain.statuses import Role
from tests.builders import a_company, a_customer, a_dossier, a_receivable, a_user

URL = "/api/v1/reports/"


@pytest.fixture
def owed(team):
    """Sophie's dossier (1200.00 due 01/10/2026), Karim's (300.00), an échéance not due."""
    a_dossier(a_customer(team.company), collector=team.collector)
    karims = a_customer(team.company)
    a_dossier(
        karims,
        collector=team.other_collector,
        receivables=[a_receivable(karims, amount="300.00", due_date=date(2026, 11, 15))],
    )
    not_due = a_receivable(a_customer(team.company), amount="99.99", due_date=date(2027, 1, 31))
    # Issued before the reports' date (the builder dates a piece the 1st of its due month): the
    # balance at a past date leaves out the pieces issued after it.
    Receivable.objects.filter(pk=not_due.pk).update(piece_date=date(2026, 11, 2))


def test_the_aged_balance_totals_the_open_echeances_to_the_cent(call, team, owed):
    body = call(team.manager).get(f"{URL}aged-balance/", date="2026-12-01").json()
    total = Receivable.objects.filter(open_amount__gt=0).aggregate(t=Sum("open_amount"))["t"]
    assert Decimal(body["company"]["total"]["amount"]) == total == Decimal("1599.99")
    assert body["company"]["total"]["count"] == 3
    assert body["company"]["lines"]["not_due"] == {"amount": "99.99", "count": 1}
    assert body["company"]["lines"]["d61_90"]["amount"] == "1200.00"
    assert [b["key"] for b in body["buckets"]] == [
        "not_due",
        "d1_30",
        "d31_60",
        "d61_90",
        "over_90",
    ]
    split = {
        line["collector_id"]: line["balance"]["total"]["amount"] for line in body["by_collector"]
    }
    assert split[team.collector.pk] == "1200.00" and split[team.other_collector.pk] == "300.00"
    assert body["scope"]["everyone"] is True
    assert call(team.reader).get(f"{URL}aged-balance/").json()["company"] == body["company"]
    one = call(team.manager).get(f"{URL}aged-balance/", date="2026-12-01", charge=team.collector.pk)
    assert one.json()["company"]["total"]["amount"] == "1200.00"


def test_a_collector_reads_their_own_figures(call, team, owed):
    body = call(team.collector_user).get(f"{URL}aged-balance/", date="2026-12-01").json()
    assert body["scope"] == {"everyone": False, "collector_id": team.collector.pk}
    assert body["company"]["total"] == {"amount": "1200.00", "count": 1}
    assert body["by_collector"] == []
    stranger = a_user(a_company(name="Autre SARL", siren=""), Role.MANAGER, "ailleurs")
    theirs = call(stranger).get(f"{URL}aged-balance/").json()
    assert theirs["company"]["total"] == {"amount": "0.00", "count": 0}


@pytest.mark.parametrize("name", ["recovered", "dso", "promises"])
def test_the_other_reports_answer_every_role(call, team, owed, name):
    for user in (team.manager, team.collector_user, team.reader):
        response = call(user).get(f"{URL}{name}/", date="2026-12-01", months=6)
        assert response.status_code == 200, response.content
    body = call(team.manager).get(f"{URL}{name}/", date="2026-12-01", months=6).json()
    if name == "recovered":
        assert len(body["months"]) == 6 and body["total"] == "0.00"
    elif name == "dso":
        assert body["receivables"] == "1599.99" and "épuisement" in body["formula"]
    else:
        assert body["made"] == {"amount": "0.00", "count": 0} and body["kept_rate"] is None


def test_dates_are_checked(call, team):
    manager = call(team.manager)
    assert manager.get(f"{URL}dso/", date="demain").status_code == 422
    assert manager.get(f"{URL}dso/", months=0).status_code == 422
    far = manager.get(f"{URL}aged-balance/", date="1899-12-31")
    assert far.status_code == 400 and "hors des dates possibles" in far.json()["detail"]
    default = manager.get(f"{URL}aged-balance/").json()
    assert default["as_of"] == timezone.localdate().isoformat()
    assert date.fromisoformat(default["as_of"]) - timezone.localdate() == timedelta(0)
