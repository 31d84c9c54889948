"""The print window after « Préparer » shows the letter's planned date; a letter not due yet
says so and « Imprimer » is not the default (issue 13 §4)."""

import html
import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from recouvrement import services
from recouvrement.db.models import PrintBatch
from recouvrement.domain.statuses import ActionType, InterventionStatus
from tests.builders import a_customer, a_dossier, a_scenario


def _prepared_letter(client, team, delay_days: int):
    """Sophie's dossier: the call done today, then « Préparer » the letter `delay_days` later."""
    steps = [(0, ActionType.PHONE, "Appel de relance"), (delay_days, ActionType.LETTER, "Courrier")]
    today = timezone.localdate()
    dossier = a_dossier(
        a_customer(team.company),
        today=today,
        user=team.manager,
        collector=team.collector,
        scenario=a_scenario(team.company, steps=steps),
    )
    services.set_intervention_status(
        dossier.interventions.get(), InterventionStatus.DONE, today=today, user=team.manager
    )
    client.force_login(team.collector_user)
    prepared = client.post(reverse("dossier_prepare", args=[dossier.pk]))
    letter = dossier.interventions.get(label="Courrier")
    assert prepared.url == reverse("intervention_print", args=[letter.pk])
    return letter, html.unescape(client.get(prepared.url).content.decode())


def _buttons(page: str) -> dict[str, str]:
    """The print window's buttons and links, by their text → their class attribute."""
    found = re.findall(r'<(?:a|button)[^>]*class="([^"]*)"[^>]*>([^<]+)</(?:a|button)>', page)
    return {text.strip(): classes for classes, text in found}


def test_a_letter_due_today_shows_its_date_and_imprimer_is_the_default(client, team):
    letter, page = _prepared_letter(client, team, delay_days=0)

    buttons = _buttons(page)
    assert f"Courrier prévu le {letter.planned_date:%d/%m/%Y}." in page
    assert "pas encore dû" not in page
    assert "button-primary" in buttons["Imprimer"]
    assert "Imprimer quand même" not in buttons


def test_a_letter_not_due_yet_says_so_and_fermer_is_the_default(client, team):
    letter, page = _prepared_letter(client, team, delay_days=14)

    due = timezone.localdate() + timedelta(days=14)
    buttons = _buttons(page)
    assert letter.planned_date == due
    assert f"Ce courrier n'est pas encore dû : il est prévu le {due:%d/%m/%Y}." in page
    assert "Imprimer" not in buttons
    assert "button-primary" not in buttons["Imprimer quand même"]
    assert "button-primary" in buttons["Fermer"]
    assert re.search(r"<a [^>]*autofocus[^>]*>Fermer</a>", page)
    assert not PrintBatch.objects.exists()  # showing it printed nothing


def test_imprimer_quand_meme_prints_a_letter_not_due_yet(client, team):
    letter, _ = _prepared_letter(client, team, delay_days=14)

    client.post(reverse("intervention_print", args=[letter.pk]))

    letter.refresh_from_db()
    assert letter.status == InterventionStatus.DONE
    assert PrintBatch.objects.count() == 1


def test_a_reader_sees_the_date_and_no_print_button(client, team):
    letter, _ = _prepared_letter(client, team, delay_days=14)
    client.force_login(team.reader)

    page = html.unescape(
        client.get(reverse("intervention_print", args=[letter.pk])).content.decode()
    )

    assert f"il est prévu le {letter.planned_date:%d/%m/%Y}" in page
    assert "Imprimer" not in _buttons(page)
    assert "Retour au dossier" in _buttons(page)
