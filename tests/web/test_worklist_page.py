"""« Traitement › Recouvrement › Gestion des actions » (S9): the list, its filters, its batch."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from recouvrement import services
from recouvrement.db.models import Intervention, PrintedLetter
from recouvrement.domain.statuses import ActionType, InterventionKind, InterventionStatus
from tests.builders import a_company, a_customer, a_dossier, a_receivable
from tests.web.pages import table_headers

WORKLIST_COLUMNS = [
    "Sélection",
    "Priorité",
    "Suggérée",
    "Chargé",
    "Dossier",
    "Client",
    "Étape",
    "Type",
    "Date prévue",
    "Solde",
]
TODAY = timezone.localdate()
OPENED = TODAY - timedelta(days=20)


@pytest.fixture
def documents(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "documents"


def _action(dossier, user, days_ago: int = 1, label: str = "Appel", **fields) -> Intervention:
    """A manual action « A faire » planned `days_ago` days before today (negative: later)."""
    return services.create_intervention(
        dossier,
        fields.pop("kind", InterventionKind.MANUAL),
        today=OPENED,
        user=user,
        planned_date=TODAY - timedelta(days=days_ago),
        label=label,
        action_type=fields.pop("action_type", ActionType.PHONE),
        **fields,
    )


def _dossier(team, collector=None, **fields):
    return a_dossier(
        a_customer(team.company),
        today=OPENED,
        user=team.manager,
        collector=collector or team.collector,
        **fields,
    )


def _labels(response) -> list[str]:
    return [row.label for row in response.context["rows"]]


def test_the_worklist_shows_the_due_actions_with_their_dossier_and_solde_in_french(client, team):
    customer = a_customer(team.company, code="CLI0042", name="Boulangerie Durand")
    receivable = a_receivable(customer, amount="1234.56")
    dossier = a_dossier(
        customer, today=OPENED, user=team.manager, receivables=[receivable], priority=2
    )
    _action(dossier, team.manager, days_ago=3, label="Appeler la comptable")
    _action(dossier, team.manager, days_ago=-5, label="Pas encore due")
    client.force_login(team.manager)

    response = client.get(reverse("worklist"))

    page = response.content.decode()
    assert table_headers(page) == [WORKLIST_COLUMNS]
    assert _labels(response) == ["Appeler la comptable"]
    assert reverse("dossier_detail", args=[dossier.pk]) in page
    assert "Boulangerie Durand" in page
    assert "1\u202f234,56\u00a0€" in page
    assert (TODAY - timedelta(days=3)).strftime("%d/%m/%Y") in page
    assert "Téléphone" in page


def test_the_date_filter_shows_the_actions_due_by_the_chosen_date(client, team):
    dossier = _dossier(team)
    _action(dossier, team.manager, days_ago=1, label="Hier")
    _action(dossier, team.manager, days_ago=-5, label="Dans cinq jours")
    client.force_login(team.manager)
    later = (TODAY + timedelta(days=7)).isoformat()

    response = client.get(reverse("worklist"), {"jusqu_au": later})

    assert _labels(response) == ["Hier", "Dans cinq jours"]


def test_alerts_and_promises_due_are_actions_too_and_the_type_filter_keeps_one_type(client, team):
    dossier = _dossier(team)
    _action(dossier, team.manager, days_ago=2, label="Appel")
    _action(dossier, team.manager, days_ago=1, label="Courrier", action_type=ActionType.LETTER)
    _action(dossier, team.manager, days_ago=0, label="Rappel", kind=InterventionKind.ALERT)
    client.force_login(team.manager)

    everything = client.get(reverse("worklist"), {"tri": "date"})
    letters = client.get(reverse("worklist"), {"tri": "date", "type": "letter"})
    alerts = client.get(reverse("worklist"), {"tri": "date", "type": "alert"})

    assert _labels(everything) == ["Appel", "Courrier", "Rappel"]
    assert _labels(letters) == ["Courrier"]
    assert _labels(alerts) == ["Rappel"]
    assert '<span class="tag tag-alert">Alerte</span>' in alerts.content.decode()


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("priority", ["Martin P1", "Benali P2", "Martin P2"]),
        ("collector", ["Benali P2", "Martin P1", "Martin P2"]),
        ("date", ["Martin P2", "Benali P2", "Martin P1"]),
    ],
)
def test_each_sort_orders_the_rows_as_the_domain_says(client, team, sort, expected):
    martin_1 = _dossier(team, team.collector, priority=1)
    martin_2 = _dossier(team, team.collector, priority=2)
    benali_2 = _dossier(team, team.other_collector, priority=2)
    _action(martin_2, team.manager, days_ago=3, label="Martin P2")
    _action(benali_2, team.manager, days_ago=2, label="Benali P2")
    _action(martin_1, team.manager, days_ago=1, label="Martin P1")
    client.force_login(team.manager)

    response = client.get(reverse("worklist"), {"tri": sort})

    assert _labels(response) == expected


def test_a_collector_sees_their_own_actions_by_default_and_can_show_all(client, team):
    _action(_dossier(team, team.collector), team.manager, label="À Sophie")
    _action(_dossier(team, team.other_collector), team.manager, label="À Karim")
    client.force_login(team.collector_user)

    own = client.get(reverse("worklist"))
    everyone = client.get(reverse("worklist"), {"charge": "tous"})

    assert _labels(own) == ["À Sophie"]
    assert "Tous les chargés" in own.content.decode()
    assert sorted(_labels(everyone)) == ["À Karim", "À Sophie"]


def test_the_collector_filter_shows_one_chargé(client, team):
    _action(_dossier(team, team.collector), team.manager, label="À Sophie")
    _action(_dossier(team, team.other_collector), team.manager, label="À Karim")
    client.force_login(team.manager)

    response = client.get(reverse("worklist"), {"charge": team.other_collector.pk})

    assert _labels(response) == ["À Karim"]


def test_the_worklist_pages_by_fifty_with_a_next_page_link_only_when_more_rows_exist(client, team):
    dossier = _dossier(team)
    for n in range(51):
        _action(dossier, team.manager, days_ago=60 - n, label=f"Appel {n:02d}")
    client.force_login(team.manager)

    first = client.get(reverse("worklist"), {"tri": "date"})
    second = client.get(reverse("worklist"), {"tri": "date", "page": 2})

    assert len(first.context["rows"]) == 50
    assert "Page suivante" in first.content.decode()
    assert first.context["has_next"]
    assert _labels(second) == ["Appel 50"]
    assert not second.context["has_next"]


def test_a_reader_sees_no_checkboxes_and_any_batch_post_is_forbidden(client, team):
    row = _action(_dossier(team), team.manager)
    client.force_login(team.reader)

    page = client.get(reverse("worklist")).content.decode()
    response = client.post(reverse("worklist_batch"), {"action": "realisee", "ids": [row.pk]})

    assert 'type="checkbox"' not in page
    assert response.status_code == 403
    row.refresh_from_db()
    assert row.status == InterventionStatus.TODO


def test_marquer_realisee_marks_the_selected_actions_done(client, team):
    first = _action(_dossier(team), team.manager, label="Appel 1")
    second = _action(_dossier(team), team.manager, label="Appel 2")
    client.force_login(team.collector_user)

    response = client.post(
        reverse("worklist_batch"), {"action": "realisee", "ids": [first.pk, second.pk]}, follow=True
    )

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (InterventionStatus.DONE, InterventionStatus.DONE)
    assert _labels(response) == []
    assert response.context["batch"].summary.line == "2 actions réalisées"


def test_another_collectors_row_is_refused_and_left_unchanged(client, team):
    own = _action(_dossier(team, team.collector), team.manager, label="À Sophie")
    other = _action(_dossier(team, team.other_collector), team.manager, label="À Karim")
    client.force_login(team.collector_user)

    response = client.post(
        reverse("worklist_batch"), {"action": "realisee", "ids": [own.pk, other.pk]}, follow=True
    )

    own.refresh_from_db()
    other.refresh_from_db()
    assert response.status_code == 200
    assert own.status == InterventionStatus.DONE
    assert other.status == InterventionStatus.TODO
    assert "suivi par un autre chargé de recouvrement" in response.content.decode()


def test_executer_returns_one_pdf_of_the_letters_and_marks_the_phone_done(client, team, documents):
    letter = _action(_dossier(team), team.manager, label="Lettre", action_type=ActionType.LETTER)
    phone = _action(_dossier(team), team.manager, label="Appel")
    client.force_login(team.collector_user)

    response = client.post(
        reverse("worklist_batch"), {"action": "executer", "ids": [letter.pk, phone.pk]}
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert response.content.startswith(b"%PDF")
    letter.refresh_from_db()
    phone.refresh_from_db()
    assert letter.status == InterventionStatus.DONE
    assert PrintedLetter.objects.filter(intervention=letter).exists()
    assert phone.status == InterventionStatus.DONE
    summary = client.get(reverse("worklist")).context["batch"].summary
    assert summary.line == "1 courrier imprimé, 1 action réalisée"


def test_executer_refuses_another_collectors_letter_and_prints_nothing_for_it(client, team):
    other = _action(
        _dossier(team, team.other_collector),
        team.manager,
        label="Lettre de Karim",
        action_type=ActionType.LETTER,
    )
    client.force_login(team.collector_user)

    response = client.post(
        reverse("worklist_batch"), {"action": "executer", "ids": [other.pk]}, follow=True
    )

    other.refresh_from_db()
    assert other.status == InterventionStatus.TODO
    assert "suivi par un autre chargé de recouvrement" in response.content.decode()
    assert not PrintedLetter.objects.exists()


def test_the_page_links_to_the_opening_of_a_dossier(client, team):
    client.force_login(team.manager)

    page = client.get(reverse("worklist")).content.decode()

    assert reverse("dossier_create") in page


def test_a_batch_without_selection_is_reported_and_changes_nothing(client, team):
    row = _action(_dossier(team), team.manager)
    client.force_login(team.manager)

    response = client.post(reverse("worklist_batch"), {"action": "realisee"}, follow=True)

    row.refresh_from_db()
    assert row.status == InterventionStatus.TODO
    assert "Aucune action sélectionnée." in response.content.decode()


def test_a_row_of_another_company_cannot_be_selected(client, team):
    other_company = a_company(name="Autre SAS")
    foreign_customer = a_customer(other_company)
    foreign = _action(a_dossier(foreign_customer, today=OPENED, user=None), None, label="Ailleurs")
    client.force_login(team.manager)

    client.post(reverse("worklist_batch"), {"action": "realisee", "ids": [foreign.pk]})

    foreign.refresh_from_db()
    assert foreign.status == InterventionStatus.TODO
