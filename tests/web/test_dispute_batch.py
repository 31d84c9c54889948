"""B10 in « Gestion des actions »: the batch line says how many échéances in litige (and how
much) the printed letters left out (services/selection_summary.py)."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from recouvrement import services
from recouvrement.domain.statuses import ActionType
from recouvrement.services.selection_summary import LeftInDispute, SelectionSummary
from tests.integration.test_disputes import disputed  # noqa: F401 (the fixture)
from tests.web.test_worklist_batch import a_row, batch, summary_of


@pytest.fixture(autouse=True)
def _documents(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "documents"


def test_executer_prints_the_letter_and_the_line_says_what_is_left_in_litige(
    client,
    team,
    disputed,  # noqa: F811
):
    dossier, _, _ = disputed
    letter = dossier.interventions.get()
    other = a_row(team, action_type=ActionType.LETTER, label="Lettre")
    client.force_login(team.collector_user)

    response = batch(client, "executer", [letter, other], follow=False)

    assert response["Content-Type"] == "application/pdf"
    line = summary_of(client.get(reverse("worklist")))
    assert line.replace("\u202f", " ").replace("\xa0", " ") == (
        "2 courriers imprimés (« En litige » : 1 échéance laissée hors des courriers, 700,00 €)."
    )


def test_without_any_litige_the_line_is_unchanged(team, disputed):  # noqa: F811
    dossier, _, _ = disputed
    step = dossier.interventions.get()
    services.resolve_dispute(
        dossier.disputes.get(),
        resolution=None,
        result="abandon",
        today=date(2026, 10, 2),
        user=None,
    )

    summary = services.execute_selection(
        [step], today=timezone.localdate(), now=timezone.now(), user=team.manager
    )

    assert summary.in_dispute == LeftInDispute()
    assert summary.line == "1 courrier imprimé"


def test_no_letter_printed_no_query_and_nothing_in_litige():
    summary = SelectionSummary(done=2)

    assert summary.in_dispute == LeftInDispute(0, Decimal("0.00"))
    assert summary.line == "2 actions réalisées"


def test_the_print_window_says_what_the_letter_leaves_in_litige(client, team, disputed):  # noqa: F811
    dossier, _, _ = disputed
    letter = dossier.interventions.get()
    client.force_login(team.collector_user)

    html = client.get(reverse("intervention_print", args=[letter.pk])).content.decode()

    text = " ".join(
        re.sub(r"<[^>]+>", "", html).replace("\u202f", " ").replace("\xa0", " ").split()
    )
    assert "En litige : 1 échéance (700,00 €) laissée hors de ce courrier" in text
    services.resolve_dispute(
        dossier.disputes.get(),
        resolution=None,
        result="abandon",
        today=date(2026, 10, 2),
        user=None,
    )
    html = client.get(reverse("intervention_print", args=[letter.pk])).content.decode()
    assert "En litige" not in html


def test_the_dossier_list_filters_the_dossiers_in_litige_and_the_dashboard_links_there(
    client,
    team,
    disputed,  # noqa: F811
):
    dossier, _, _ = disputed
    calm = a_row(team, action_type=ActionType.LETTER, label="Lettre").dossier
    client.force_login(team.manager)

    html = client.get(reverse("dossier_list"), {"litige": "1", "all": "1"}).content.decode()
    assert dossier.number in html and calm.number not in html
    html = client.get(reverse("dossier_list"), {"all": "1"}).content.decode()
    assert dossier.number in html and calm.number in html
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert f'href="{reverse("dossier_list")}?litige=1"' in dashboard
