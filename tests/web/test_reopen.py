"""« Remettre A faire » on the ligne de saisie (issue 13 §6), used the way a user does."""

import html
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from recouvrement import services
from recouvrement.db.models import JournalEntry
from recouvrement.domain.statuses import ActionType, InterventionStatus
from tests.builders import a_contact, a_customer, a_dossier, a_receivable, a_scenario

DONE, TODO = InterventionStatus.DONE, InterventionStatus.TODO
STEPS = [(0, ActionType.PHONE, "Appel de relance"), (0, ActionType.LETTER, "Courrier de relance")]
REASON = "Marquée réalisée par erreur : l'appel n'a pas eu lieu"


@pytest.fixture
def dossier(team):
    customer = a_customer(team.company, name="Boulangerie Durand", address="3 rue Mercière")
    a_contact(customer, last_name="Durand", first_name="Anne")
    return a_dossier(
        customer,
        user=team.manager,
        collector=team.collector,
        scenario=a_scenario(team.company, steps=STEPS),
        receivables=[a_receivable(customer, "1234.56", date(2026, 9, 1))],
    )


@pytest.fixture
def call(team, dossier):
    call = dossier.interventions.get(label="Appel de relance")
    return services.set_intervention_status(
        call, DONE, today=timezone.localdate(), user=team.collector_user
    )


def _entry_line(client, dossier, intervention) -> str:
    url = reverse("dossier_detail", args=[dossier.pk])
    page = client.get(url, {"modifier": intervention.pk}).content.decode()
    return html.unescape(page.split('class="entry-line"')[1].split("</td>\n</tr>\n</tbody>")[0])


def _reopen(client, intervention, reason=REASON, **extra):
    return client.post(
        reverse("intervention_reopen", args=[intervention.pk]), {"raison": reason}, **extra
    )


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_a_manager_sees_remettre_a_faire_with_a_reason_on_a_done_row(client, team, dossier, call):
    client.force_login(team.manager)

    line = _entry_line(client, dossier, call)

    assert "Remettre A faire…" in line
    assert 'name="raison"' in line and "required" in line
    assert f'action="{reverse("intervention_reopen", args=[call.pk])}"' in line
    # The status drop-down no longer sets a done row back without a reason.
    assert 'name="statut"' not in line


def test_a_collector_is_not_offered_it_and_is_refused(client, team, dossier, call):
    client.force_login(team.collector_user)

    line = _entry_line(client, dossier, call)
    response = _reopen(client, call)

    assert "Remettre A faire" not in line
    assert response.status_code == 403
    assert "Seul un responsable recouvrement" in html.unescape(response.content.decode())
    call.refresh_from_db()
    assert call.status == DONE


def test_a_reader_is_refused(client, team, call):
    client.force_login(team.reader)

    assert _reopen(client, call).status_code == 403


def test_the_manager_sets_it_back_with_a_reason_shown_in_the_history(client, team, dossier, call):
    client.force_login(team.manager)

    response = _reopen(client, call, follow=True)

    call.refresh_from_db()
    assert call.status == TODO and call.done_date is None
    assert "« Appel de relance » est de nouveau « A faire »." in _messages(response)
    page = html.unescape(response.content.decode())
    history = page.split('id="historique"')[1]
    assert "« Appel de relance » remise « A faire » (était « Réalisée ») : " + REASON in history
    assert JournalEntry.objects.filter(
        intervention_id=call.pk, action="intervention_reopened", user=team.manager
    ).exists()
    url = reverse("dossier_detail", args=[dossier.pk])
    assert response.redirect_chain[-1][0] == f"{url}#interventions"


@pytest.mark.parametrize("reason", ["", "   ", "a\x00b", "x" * 300])
def test_a_missing_or_bad_reason_is_refused_in_french_on_the_entry_line(
    client, team, dossier, call, reason
):
    client.force_login(team.manager)

    response = _reopen(client, call, reason)
    followed = client.get(response.url)

    assert response.status_code == 302
    assert response.url.endswith(f"?modifier={call.pk}#interventions")
    assert any(m.startswith("Raison : ") for m in _messages(followed))
    call.refresh_from_db()
    assert call.status == DONE


def test_a_printed_letter_says_why_it_cannot_be_set_back(client, team, dossier, call):
    letter = services.prepare_next_intervention(
        dossier, today=timezone.localdate(), user=team.collector_user
    )
    services.print_letters([letter], today=timezone.localdate(), user=team.collector_user)
    client.force_login(team.manager)

    line = _entry_line(client, dossier, letter)
    response = _reopen(client, letter, follow=True)

    assert "ne peut pas être remise « A faire »" in line
    assert 'name="raison"' not in line
    assert any("a été imprimé" in m for m in _messages(response))
    letter.refresh_from_db()
    assert letter.status == DONE


def test_a_step_followed_by_a_prepared_step_is_refused_with_the_reason(client, team, dossier, call):
    services.prepare_next_intervention(dossier, today=timezone.localdate(), user=team.manager)
    client.force_login(team.manager)

    response = _reopen(client, call, follow=True)

    assert any("« Courrier de relance » a déjà été préparée" in m for m in _messages(response))
    call.refresh_from_db()
    assert call.status == DONE


def test_bad_requests_never_fail(client, team, call):
    client.force_login(team.manager)

    assert client.get(reverse("intervention_reopen", args=[call.pk])).status_code == 405
    assert _reopen(client, type("Absent", (), {"pk": 2**62})()).status_code == 404
