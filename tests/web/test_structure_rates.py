"""« Structure › Taux » and the banner of a missing legal rate (B2, PRODUCT §9 O7)."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from recouvrement.db.models import JournalEntry, LegalRate
from tests.web.pages import table_headers

BANNER = "Taux à saisir"


@pytest.fixture
def on(monkeypatch):
    """Make the web layer's today a given date."""

    def set_today(day: date) -> None:
        monkeypatch.setattr(timezone, "localdate", lambda *args: day)

    return set_today


def test_everyone_reads_the_rates_by_semester_and_the_ecb_history(client, team, on):
    on(date(2026, 3, 1))
    client.force_login(team.reader)

    response = client.get(reverse("rate_list"))

    page = response.content.decode().replace("\u00a0", " ")
    assert response.status_code == 200
    assert table_headers(page)[0] == [
        "Semestre",
        "Taux BCE au 1er jour",
        "Pénalités B2B (BCE + 10)",
        "Intérêt légal « autres cas »",
        "Plancher contractuel (3 ×)",
        "Intérêt légal « particuliers »",
    ]
    assert "1er semestre 2026" in page and "12,15 %" in page and "7,86 %" in page
    assert "16/03/2016" in page and "01/01/1999" in page
    assert 'name="rate"' not in page  # no form for a reader
    assert "Taux" in [
        item["label"] for group in response.context["menu"] for item in group["items"]
    ]


def test_the_manager_adds_a_legal_rate_typed_the_french_way(client, team, on):
    on(date(2026, 12, 1))
    client.force_login(team.manager)

    response = client.post(
        reverse("rate_list"),
        {"kind": "legal-part", "effective_date": "01/07/2026", "rate": "6,50"},
    )

    assert response.status_code == 302
    row = LegalRate.objects.get(kind="legal-part", effective_date=date(2026, 7, 1))
    assert row.rate == Decimal("6.500")
    entry = JournalEntry.objects.get(action="rate_added", company=team.company)
    assert entry.user == team.manager and entry.dossier is None
    assert "« particuliers » du 2e semestre 2026, 6,50" in entry.message


def test_a_refused_rate_shows_the_rule_and_stores_nothing(client, team, on):
    on(date(2026, 12, 1))
    client.force_login(team.manager)

    response = client.post(
        reverse("rate_list"),
        {"kind": "legal-pro", "effective_date": "15/07/2026", "rate": "2,50"},
    )

    assert response.status_code == 400
    assert "1er janvier ou le 1er juillet, pas le 15/07/2026" in response.content.decode()
    assert not LegalRate.objects.filter(effective_date=date(2026, 7, 15)).exists()


def test_a_collector_may_not_add_a_rate(client, team, on):
    on(date(2026, 12, 1))
    client.force_login(team.collector_user)

    response = client.post(
        reverse("rate_list"), {"kind": "ecb", "effective_date": "18/03/2026", "rate": "1,90"}
    )

    assert response.status_code == 403
    assert "Seul un responsable recouvrement" in response.content.decode()
    assert not JournalEntry.objects.filter(action="rate_added").exists()


def test_the_banner_warns_the_manager_from_15_days_before_a_semester_without_its_rate(
    client, team, on
):
    client.force_login(team.manager)

    on(date(2026, 6, 15))
    assert BANNER not in client.get(reverse("dossier_list")).content.decode()

    on(date(2026, 6, 16))
    page = client.get(reverse("dossier_list")).content.decode()
    assert BANNER in page
    assert "Intérêt légal « autres cas » du 2e semestre 2026" in page
    assert "Intérêt légal « particuliers » du 2e semestre 2026" in page
    assert reverse("rate_list") in page


def test_the_banner_is_for_managers_only(client, team, on):
    on(date(2026, 6, 16))
    client.force_login(team.collector_user)

    assert BANNER not in client.get(reverse("dossier_list")).content.decode()


def test_the_banner_goes_once_both_rates_are_entered(client, team, on):
    on(date(2026, 12, 1))
    client.force_login(team.manager)
    client.post(
        reverse("rate_list"), {"kind": "legal-pro", "effective_date": "01/07/2026", "rate": "2,5"}
    )

    page = client.get(reverse("dossier_list")).content.decode()
    assert BANNER in page and "« autres cas » du 2e semestre 2026" not in page

    client.post(
        reverse("rate_list"), {"kind": "legal-part", "effective_date": "01/07/2026", "rate": "6,5"}
    )
    assert BANNER not in client.get(reverse("dossier_list")).content.decode()


def test_the_page_lists_the_missing_rates_to_everyone(client, team, on):
    on(date(2026, 12, 1))
    client.force_login(team.reader)

    page = client.get(reverse("rate_list")).content.decode()

    assert BANNER not in page  # the banner is the managers'
    assert "Taux manquants" in page
    assert "Intérêt légal « particuliers » du 2e semestre 2026 (01/07/2026)" in page
    assert "<strong>manquant</strong>" in page
