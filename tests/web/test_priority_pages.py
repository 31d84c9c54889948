"""B11 on the screens: « Structure › Priorité suggérée » (the manager's weights), both
priorities on the dossier page with « Appliquer la priorité suggérée », and the worklist's
« Suggérée » column."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from recouvrement import services
from recouvrement.api.dossiers import get_dossier_detail
from recouvrement.db.models import Dossier, JournalEntry
from recouvrement.domain.money import format_amount
from recouvrement.domain.priority import WEIGHT_LABELS, PriorityWeights
from recouvrement.domain.statuses import ActionType, InterventionKind
from recouvrement.services.priority import PRIORITY_WEIGHTS_CHANGED
from recouvrement.web.workspace import workspace_of
from tests.builders import a_customer, a_dossier, a_receivable

TODAY = timezone.localdate()
WEIGHTS = PriorityWeights().as_dict()


def _posted(**changes) -> dict:
    return {**WEIGHTS, **changes}


def test_the_manager_sees_each_weight_with_its_label_and_default(client, team):
    client.force_login(team.manager)

    response = client.get(reverse("priority_weights"))

    assert response.status_code == 200
    html = response.content.decode()
    for name, label in WEIGHT_LABELS.items():
        assert label in html
        assert f'name="{name}" value="{WEIGHTS[name]}"' in html
    assert "Par défaut : 35." in html
    assert 'href="/structure/priorite-suggeree/"' in html  # the menu's entry


def test_the_manager_saves_weights_and_the_journal_says_so(client, team):
    client.force_login(team.manager)

    response = client.post(reverse("priority_weights"), _posted(amount=50, last_contact=0))

    assert response.status_code == 302
    team.company.refresh_from_db()
    assert team.company.priority_weights["amount"] == 50
    entry = JournalEntry.objects.get(company=team.company, action=PRIORITY_WEIGHTS_CHANGED)
    assert "Montant dû 35 → 50" in entry.message
    page = client.get(response["Location"]).content.decode()
    assert "Poids enregistrés" in page
    assert 'name="amount" value="50"' in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"amount": 150}, "Le poids « Montant dû » ne peut pas dépasser 100."),
        ({"days_overdue": -1}, "Le poids « Jours de retard » ne peut pas être négatif."),
        ({"amount": "beaucoup"}, "Le poids « Montant dû » doit être un nombre entier."),
        (
            dict.fromkeys(("amount", "days_overdue", "broken_promises", "scenario_step"), 0)
            | {"payment_history": 0, "last_contact": 0},
            "Au moins un facteur de priorité doit avoir un poids supérieur à 0",
        ),
    ],
)
def test_bad_weights_are_refused_in_french_on_the_form(client, team, changes, message):
    client.force_login(team.manager)

    response = client.post(reverse("priority_weights"), _posted(**changes))

    assert response.status_code == 400
    assert message in response.content.decode()
    team.company.refresh_from_db()
    assert team.company.priority_weights == {}


@pytest.mark.parametrize("who", ["collector_user", "reader"])
def test_a_collector_or_a_reader_gets_403_and_no_menu_entry(client, team, who):
    client.force_login(getattr(team, who))

    assert client.get(reverse("priority_weights")).status_code == 403
    assert client.post(reverse("priority_weights"), _posted(amount=1)).status_code == 403
    assert "/structure/priorite-suggeree/" not in client.get(reverse("today")).content.decode()


@pytest.fixture
def big_late(team) -> Dossier:
    """89 116 € due 62 days ago, never contacted: suggested 2 (64 points), typed 3."""
    customer = a_customer(team.company)
    receivable = a_receivable(customer, "89116.00", due_date=TODAY - timedelta(days=62))
    return a_dossier(
        customer,
        today=TODAY - timedelta(days=10),
        receivables=[receivable],
        collector=team.collector,
    )


def test_the_dossier_page_shows_both_priorities_and_the_adopt_button(client, team, big_late):
    client.force_login(team.collector_user)

    html = client.get(reverse("dossier_detail", args=[big_late.pk])).content.decode()

    assert "(saisie)" in html
    amount = format_amount(Decimal("89116"))
    assert f"Priorité suggérée 1 — {amount} dû, 62 jours de retard, jamais contacté" in html
    assert "Appliquer la priorité suggérée" in html
    client.force_login(team.reader)
    html = client.get(reverse("dossier_detail", args=[big_late.pk])).content.decode()
    assert "Priorité suggérée 1" in html
    assert "Appliquer la priorité suggérée" not in html


def test_adopting_the_suggestion_sets_the_dossiers_priority(client, team, big_late):
    client.force_login(team.collector_user)

    response = client.post(reverse("dossier_adopt_priority", args=[big_late.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("dossier_detail", args=[big_late.pk])
    big_late.refresh_from_db()
    assert (big_late.priority, big_late.suggested_priority) == (1, 1)
    html = client.get(response["Location"]).content.decode()
    assert "Priorité suggérée appliquée : 1." in html
    assert "Appliquer la priorité suggérée" not in html  # both are 1 now


def test_a_reader_or_another_collector_cannot_adopt(client, team, big_late):
    for user in (team.reader, team.other_collector_user):
        client.force_login(user)
        response = client.post(reverse("dossier_adopt_priority", args=[big_late.pk]))
        assert response.status_code == 403
    big_late.refresh_from_db()
    assert big_late.priority == 3


def _worklist_order(client, tri: str) -> list[str]:
    response = client.get(reverse("worklist"), {"tri": tri, "charge": "tous"})
    return [row.dossier.number for row in response.context["rows"]]


def test_the_worklist_sorts_by_the_stored_suggestion(client, team):
    dossiers = []
    for amount, days in (("300.00", 5), ("50000.00", 90), ("4000.00", 40)):
        customer = a_customer(team.company)
        dossier = a_dossier(
            customer,
            today=TODAY - timedelta(days=1),
            receivables=[a_receivable(customer, amount, due_date=TODAY - timedelta(days=days))],
        )
        services.create_intervention(
            dossier,
            InterventionKind.MANUAL,
            today=TODAY,
            user=team.manager,
            planned_date=TODAY,
            label="Appel",
            action_type=ActionType.PHONE,
        )
        dossiers.append(dossier)
    unscored = a_dossier(a_customer(team.company), today=TODAY - timedelta(days=1))
    services.create_intervention(
        unscored,
        InterventionKind.MANUAL,
        today=TODAY,
        user=team.manager,
        planned_date=TODAY,
        label="Appel",
        action_type=ActionType.PHONE,
    )
    services.refresh_priorities(team.company, today=TODAY)
    Dossier.objects.filter(pk=unscored.pk).update(suggested_score=None, suggested_priority=None)
    small, big, middle = (d.number for d in dossiers)
    client.force_login(team.manager)

    assert _worklist_order(client, "suggeree") == [big, middle, small, unscored.number]
    assert _worklist_order(client, "-suggeree") == [unscored.number, small, middle, big]
    html = client.get(reverse("worklist"), {"tri": "suggeree"}).content.decode()
    stored = Dossier.objects.get(number=big)
    assert f'title="Priorité suggérée {stored.suggested_priority} — ' in html
    assert "Suggérée" in html


def test_the_dossier_list_sorts_by_the_stored_suggestion(client, team):
    numbers = []
    for amount in ("300.00", "50000.00"):
        customer = a_customer(team.company)
        receivable = a_receivable(customer, amount, due_date=TODAY - timedelta(days=30))
        numbers.append(a_dossier(customer, receivables=[receivable]).number)
    services.refresh_priorities(team.company, today=TODAY)
    client.force_login(team.manager)

    response = client.get(reverse("dossier_list"), {"tri": "suggeree", "all": "1"})

    assert [d.number for d in response.context["page"]] == numbers[::-1]


def test_the_api_dossier_detail_carries_the_stored_suggestion(team, big_late):
    services.refresh_priorities(team.company, today=TODAY)

    detail = get_dossier_detail(workspace_of(team.manager), big_late.pk)

    assert (detail["suggested_priority"], detail["suggested_on"]) == (1, TODAY)
    assert detail["suggested_reasons"].startswith(format_amount(Decimal("89116")))
    assert 0 < detail["suggested_score"] <= 100
