"""« Gestion des actions »: the batch bar through the web client (S9).

« Exécuter », « Marquer réalisée », « Ignorer », « Réaffecter à… » (a manager); one summary
line on the worklist, « voir » opening the rows refused with their reasons.
"""

import html
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from recouvrement import services
from recouvrement.db.models import Intervention, OutgoingEmail, PrintBatch
from recouvrement.domain.statuses import ActionType, InterventionKind, InterventionStatus
from tests.builders import a_customer, a_dossier

TODAY = timezone.localdate()
OPENED = TODAY - timedelta(days=20)
TODO, DONE, SKIPPED = InterventionStatus.TODO, InterventionStatus.DONE, InterventionStatus.SKIPPED


@pytest.fixture(autouse=True)
def _documents(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "documents"


def a_row(team, collector=None, action_type=ActionType.PHONE, label="Appel", **customer):
    dossier = a_dossier(
        a_customer(team.company, **customer),
        today=OPENED,
        user=team.manager,
        collector=collector or team.collector,
    )
    return services.create_intervention(
        dossier,
        InterventionKind.MANUAL,
        today=OPENED,
        user=None,
        planned_date=TODAY - timedelta(days=1),
        label=label,
        action_type=action_type,
    )


def status_of(row: Intervention) -> str:
    return Intervention.objects.get(pk=row.pk).status


def batch(client, action: str, rows, follow=True, **fields):
    data = {"action": action, "ids": [row.pk for row in rows], **fields}
    return client.post(reverse("worklist_batch"), data, follow=follow)


def summary_of(response) -> str:
    """The summary block's text (web/templates/worklist/_batch_summary.html)."""
    page = response.content.decode()
    found = re.search(r'<div class="batch-summary[^"]*" role="status">(.*?)</div>', page, re.S)
    assert found, "no summary on the page"
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", found.group(1))).split())


def test_executer_gives_one_summary_line_instead_of_a_line_per_row(client, team):
    phones = [a_row(team, label=f"Appel {n}") for n in range(3)]
    email = a_row(team, action_type=ActionType.EMAIL, label="E-mail", email="compta@client.fr")
    client.force_login(team.collector_user)

    response = batch(client, "executer", [*phones, email], commentaire="Client joint")

    assert response.status_code == 200
    assert summary_of(response) == "1 e-mail remis à l'envoi, 3 actions réalisées."
    assert "Appel 0" not in summary_of(response)
    assert not response.context["messages"]  # no line per row
    assert [status_of(row) for row in phones] == [DONE] * 3
    assert Intervention.objects.get(pk=phones[0].pk).comment == "Client joint"
    assert OutgoingEmail.objects.get(intervention=email).status == "pending"
    assert status_of(email) == TODO  # the worker sends it, not the request


def test_the_summary_shows_once(client, team):
    row = a_row(team)
    client.force_login(team.collector_user)
    batch(client, "realisee", [row])

    again = client.get(reverse("worklist"))

    assert "batch-summary" not in again.content.decode()


def test_executer_on_letters_answers_their_pdf_and_the_worklist_then_shows_the_summary(
    client, team
):
    letters = [a_row(team, action_type=ActionType.LETTER, label=f"Lettre {n}") for n in range(2)]
    phone = a_row(team, label="Appel")
    client.force_login(team.collector_user)

    response = batch(client, "executer", [*letters, phone], follow=False)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('inline; filename="courriers-')
    assert response.content.startswith(b"%PDF")
    assert PrintBatch.objects.get().letters == 2
    worklist = client.get(reverse("worklist"))
    assert summary_of(worklist) == "2 courriers imprimés, 1 action réalisée."
    assert [status_of(row) for row in (*letters, phone)] == [DONE] * 3


def test_refused_rows_are_behind_voir_with_their_reasons(client, team):
    own = a_row(team, label="Appel de Sophie")
    others = [a_row(team, team.other_collector, label=f"Appel de Karim {n}") for n in range(2)]
    client.force_login(team.collector_user)

    response = batch(client, "executer", [own, *others])

    page = response.content.decode()
    assert summary_of(response) == (
        "1 action réalisée, 2 actions refusées : voir "
        + " ".join(
            f"{row.dossier.number} « {row.label} » : "
            "Ce dossier est suivi par un autre chargé de recouvrement."
            for row in others
        )
    )
    details = re.search(r"<details>\s*<summary>(.*?)</summary>(.*?)</details>", page, re.S)
    assert details and "voir" in details.group(1)
    assert details.group(2).count("<li>") == 2
    assert "report-warning" in page
    assert [status_of(row) for row in others] == [TODO, TODO]


def test_all_refused_is_an_error_line(client, team):
    other = a_row(team, team.other_collector)
    client.force_login(team.collector_user)

    response = batch(client, "ignorer", [other])

    assert summary_of(response).startswith("1 action refusée : voir")
    assert "report-error" in response.content.decode()
    assert status_of(other) == TODO


def test_ignorer_and_marquer_realisee(client, team):
    ignored, done = a_row(team, label="À ignorer"), a_row(team, label="À clore")
    client.force_login(team.collector_user)

    first = batch(client, "ignorer", [ignored], commentaire="Réglé par virement")
    second = batch(client, "realisee", [done])

    assert summary_of(first) == "1 action ignorée."
    assert summary_of(second) == "1 action réalisée."
    assert status_of(ignored) == SKIPPED and status_of(done) == DONE
    assert Intervention.objects.get(pk=ignored.pk).comment == "Réglé par virement"


def test_the_bar_offers_the_new_actions_and_no_preparer(client, team):
    a_row(team)
    client.force_login(team.collector_user)

    page = client.get(reverse("worklist")).content.decode()

    assert re.search(r'class="button button-primary"[^>]*value="executer"', page)
    assert 'formtarget="_blank"' in page
    for value in ("realisee", "ignorer"):
        assert f'value="{value}"' in page
    assert 'value="preparer"' not in page and 'value="imprimer"' not in page
    assert 'name="commentaire"' in page
    assert 'value="reaffecter"' not in page  # a manager's action
    assert "recouvrement/worklist-batch.js" in page


def test_a_manager_reassigns_from_the_bar(client, team):
    rows = [a_row(team, label=f"Appel {n}") for n in range(2)]
    client.force_login(team.manager)

    page = client.get(reverse("worklist")).content.decode()
    response = batch(client, "reaffecter", rows, reaffecter_a=team.other_collector.pk)

    assert 'value="reaffecter"' in page
    assert f'<option value="{team.other_collector.pk}">' in page
    assert summary_of(response) == f"2 dossiers réaffectés à {team.other_collector}."
    for row in rows:
        assert Intervention.objects.get(pk=row.pk).dossier.collector == team.other_collector


def test_a_collector_posting_reaffecter_is_forbidden(client, team):
    row = a_row(team)
    client.force_login(team.collector_user)

    response = batch(
        client, "reaffecter", [row], follow=False, reaffecter_a=team.other_collector.pk
    )

    assert response.status_code == 403
    assert Intervention.objects.get(pk=row.pk).dossier.collector == team.collector


@pytest.mark.parametrize("chosen", ["", "abc", "99999999999999999999999", "-1"])
def test_reaffecter_without_a_known_chargé_says_so(client, team, chosen):
    row = a_row(team)
    client.force_login(team.manager)

    response = batch(client, "reaffecter", [row], reaffecter_a=chosen)

    assert response.status_code == 200
    messages = [str(m) for m in response.context["messages"]]
    assert len(messages) == 1 and messages[0].startswith("Réaffecter à : ")
    assert Intervention.objects.get(pk=row.pk).dossier.collector == team.collector


def test_a_reader_is_forbidden_any_batch(client, team):
    row = a_row(team)
    client.force_login(team.reader)

    page = client.get(reverse("worklist")).content.decode()
    response = batch(client, "executer", [row], follow=False)

    assert "batch-bar" not in page
    assert response.status_code == 403
    assert status_of(row) == TODO


@pytest.mark.parametrize("action", ["preparer", "imprimer", "n'importe quoi", ""])
def test_an_unknown_action_is_refused_in_french(client, team, action):
    row = a_row(team)
    client.force_login(team.manager)

    response = batch(client, action, [row])

    assert response.status_code == 200
    messages = [str(m) for m in response.context["messages"]]
    assert messages == [
        "Action inconnue : choisissez Exécuter, Marquer réalisée, Ignorer ou Réaffecter à…"
    ]
    assert status_of(row) == TODO


def test_a_comment_too_long_or_with_a_control_character_is_refused(client, team):
    row = a_row(team)
    client.force_login(team.collector_user)

    long = batch(client, "realisee", [row], commentaire="x" * 256)
    control = batch(client, "realisee", [row], commentaire="a\x07b")

    assert [str(m) for m in long.context["messages"]][0].startswith("Commentaire : ")
    assert [str(m) for m in control.context["messages"]] == [
        "Commentaire : caractère de contrôle U+0007 refusé."
    ]
    assert status_of(row) == TODO


def test_a_batch_keeps_the_filters_of_the_page(client, team):
    row = a_row(team)
    client.force_login(team.collector_user)
    back = reverse("worklist") + "?tri=date&charge=tous"

    response = batch(client, "realisee", [row], follow=False, retour=back)

    assert response.status_code == 302
    assert response["Location"] == back
