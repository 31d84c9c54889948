"""E-mails visible and controllable (issue 13 §3), through the pages: each « E-mail » step's
state on its row of the dossier's tab and of « Gestion des actions », the preview with its
PDF, « Envoyer maintenant » (then the real worker sends), « Annuler l'envoi » (then the worker
does not), and the manager's « Envois », failures first."""

import html
import re
from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.mail import get_connection
from django.urls import reverse
from django.utils import timezone

from recouvrement import services
from recouvrement.db.models import JournalEntry, OutgoingEmail
from recouvrement.domain.statuses import ActionType, InterventionStatus
from recouvrement.services import letters as letter_services
from recouvrement.services.emails import send_due_emails
from recouvrement.services.step_emails import step_emails
from tests.builders import a_contact, a_customer, a_dossier, a_receivable, a_scenario

OPENED = timezone.localdate() - timedelta(days=5)
EMAIL_FIRST = [(0, ActionType.EMAIL, "E-mail de relance courtoise")]
ADDRESS = "compta@boulangerie-martin.fr"
Status = OutgoingEmail.Status
REFUSED = "Refusé par le serveur SMTP : 451 4.3.0 Try again later."
GIVEN_UP = "E-mail non envoyé après 8 essais : Refusé par le serveur SMTP : 554 Relay denied."


def an_email_dossier(team, *, email=ADDRESS, name="Boulangerie Martin", collector=None):
    customer = a_customer(team.company, name=name, email=email, address="3 rue Mercière")
    contact = a_contact(customer, last_name="Durand", email="")
    return a_dossier(
        customer,
        today=OPENED,
        scenario=a_scenario(team.company, steps=EMAIL_FIRST),
        collector=collector or team.collector,
        contact=contact,
        receivables=[a_receivable(customer, "1234.56", date(2026, 9, 1))],
    )


def step(dossier):
    return dossier.interventions.get(action_type=ActionType.EMAIL)


def run_worker(**delta):
    connection = get_connection("django.core.mail.backends.locmem.EmailBackend")
    now = timezone.now() + timedelta(seconds=1, **delta)
    return send_due_emails(now=now, connection=connection)


def text(response) -> str:
    """The page as read: tags dropped, entities decoded, white space collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def hhmm(moment) -> str:
    return f"{timezone.localtime(moment):%H:%M}"


# Each state: how to put the dossier's e-mail in it, and what its row then says.
def _pending(team, dossier):
    return "E-mail en attente : part au prochain passage de l'envoi"


def _retry(team, dossier):
    at = timezone.now() + timedelta(minutes=10)
    OutgoingEmail.objects.update(attempts=1, next_attempt_at=at, last_error=REFUSED)
    return f"Nouvel essai à {hhmm(at)} ({REFUSED})"


def _failed(team, dossier):
    OutgoingEmail.objects.update(status=Status.FAILED, attempts=8, last_error=GIVEN_UP)
    return f"Échec : {GIVEN_UP}"


def _cancelled(team, dossier):
    services.cancel_email(step(dossier), user=team.manager, now=timezone.now())
    return "Annulé : l'e-mail ne part pas"


def _sent(team, dossier):
    run_worker()
    sent_at = timezone.localtime(OutgoingEmail.objects.get().sent_at)
    return f"Envoyé le {sent_at:%d/%m/%Y} à {sent_at:%H:%M} à {ADDRESS}"


def _no_address(team, dossier):
    return "Pas d'adresse e-mail : ajoutez-en une au contact ou au client"


def _not_queued(team, dossier):
    dossier.customer.email = "nouvelle@martin.fr"
    dossier.customer.save()
    return "Pas dans la file d'envoi : « Préparer l'envoi »"


STATES = {
    "pending": (_pending, ADDRESS),
    "retry": (_retry, ADDRESS),
    "failed": (_failed, ADDRESS),
    "cancelled": (_cancelled, ADDRESS),
    "no_address": (_no_address, ""),
    "not_queued": (_not_queued, ""),
}


@pytest.mark.parametrize("state", [*STATES, "sent"])
def test_the_dossier_tab_shows_the_state_of_the_email_step(client, team, state):
    put, email = STATES.get(state, (_sent, ADDRESS))
    dossier = an_email_dossier(team, email=email)
    expected = put(team, dossier)
    client.force_login(team.collector_user)

    response = client.get(reverse("dossier_detail", args=[dossier.pk]))

    assert expected in text(response)
    assert reverse("intervention_email", args=[step(dossier).pk]) in response.content.decode()


@pytest.mark.parametrize("state", list(STATES))
def test_each_email_row_of_gestion_des_actions_says_why_it_has_not_left(client, team, state):
    put, email = STATES[state]
    dossier = an_email_dossier(team, email=email)
    expected = put(team, dossier)
    client.force_login(team.collector_user)

    response = client.get(reverse("worklist"))

    assert [row.pk for row in response.context["rows"]] == [step(dossier).pk]
    assert expected in text(response)


def test_the_states_of_a_page_of_rows_are_read_in_one_query(team, django_assert_num_queries):
    dossiers = [an_email_dossier(team, name=f"Client {n}") for n in range(5)]
    steps = [step(dossier) for dossier in dossiers]
    services.cancel_email(steps[0], user=team.manager, now=timezone.now())
    services.queue_email(steps[0], user=team.manager, now=timezone.now())

    with django_assert_num_queries(1):
        states = step_emails(steps)

    assert [states[s.pk].state for s in steps] == ["pending"] * 5


# --- The preview -------------------------------------------------------------------------------


def test_the_preview_shows_recipient_subject_body_and_frames_the_pdf(client, team):
    dossier = an_email_dossier(team)
    intervention = step(dossier)
    client.force_login(team.collector_user)

    response = client.get(reverse("intervention_email", args=[intervention.pk]))

    page = text(response)
    assert response.status_code == 200
    assert ADDRESS in page
    assert "Rappel — facture(s) arrivée(s) à échéance — Atelier Rhône SAS" in page
    assert f"concernant le dossier {dossier.number}" in page
    assert f"{dossier.number}-relance-courtoise.pdf" in page
    assert "Envoyer maintenant" in page and "Annuler l'envoi" in page
    pdf_url = reverse("intervention_email_pdf", args=[intervention.pk])
    assert f'src="{pdf_url}"' in response.content.decode()
    pdf = client.get(pdf_url)
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert pdf["X-Frame-Options"] == "SAMEORIGIN"  # framed by our page, like the print window


def test_the_preview_of_a_sent_email_shows_what_left_and_the_pdf_kept(client, team, monkeypatch):
    dossier = an_email_dossier(team)
    run_worker()
    [message] = mail.outbox
    client.force_login(team.collector_user)
    monkeypatch.setattr(letter_services, "render_batch", None)  # the kept PDF, never re-rendered

    page = text(client.get(reverse("intervention_email", args=[step(dossier).pk])))
    pdf = client.get(reverse("intervention_email_pdf", args=[step(dossier).pk]))

    assert "l'e-mail tel qu'il est parti" in page
    assert message.subject in page
    assert "Envoyer maintenant" not in page and "Annuler l'envoi" not in page
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_a_reader_sees_the_state_and_the_preview_but_no_button_and_a_post_is_refused(client, team):
    dossier = an_email_dossier(team)
    url = reverse("intervention_email", args=[step(dossier).pk])
    client.force_login(team.reader)

    page = text(client.get(url))
    posts = [
        client.post(reverse(name, args=[step(dossier).pk]))
        for name in ("intervention_email_send", "intervention_email_cancel")
    ]

    assert "E-mail en attente" in page and ADDRESS in page
    assert "Envoyer maintenant" not in page and "Annuler l'envoi" not in page
    assert [response.status_code for response in posts] == [403, 403]
    assert OutgoingEmail.objects.get().status == Status.PENDING


def test_another_collector_may_not_cancel_sophies_email(client, team):
    dossier = an_email_dossier(team)
    client.force_login(team.other_collector_user)

    response = client.post(reverse("intervention_email_cancel", args=[step(dossier).pk]))

    assert response.status_code == 403
    assert OutgoingEmail.objects.get().status == Status.PENDING


def test_a_step_that_is_not_an_email_has_no_email_page(client, team):
    dossier = an_email_dossier(team)
    client.force_login(team.manager)
    phone = services.create_intervention(
        dossier,
        "manual",
        today=OPENED,
        user=team.manager,
        planned_date=OPENED,
        label="Appel",
        action_type=ActionType.PHONE,
    )

    assert client.get(reverse("intervention_email", args=[phone.pk])).status_code == 404


# --- Envoyer maintenant, Annuler l'envoi, Préparer l'envoi -------------------------------------


def test_send_now_hands_the_failed_email_to_the_worker_which_then_sends_it(client, team):
    dossier = an_email_dossier(team)
    _failed(team, dossier)
    client.force_login(team.collector_user)
    url = reverse("intervention_email_send", args=[step(dossier).pk])

    response = client.post(url, follow=True)

    page = text(response)
    assert "L'e-mail part au prochain passage de l'envoi (recouvrement send-emails)." in page
    assert mail.outbox == []  # not sent in the request
    assert OutgoingEmail.objects.get().status == Status.PENDING
    assert run_worker().sent == 1
    assert mail.outbox[0].to == [ADDRESS]
    assert step(dossier).status == InterventionStatus.DONE
    tab = text(client.get(reverse("dossier_detail", args=[dossier.pk])))
    assert f"à {ADDRESS}" in tab and "Envoyé le" in tab


def test_cancel_keeps_the_worker_off_the_email_and_the_step_to_do(client, team):
    dossier = an_email_dossier(team)
    client.force_login(team.collector_user)

    response = client.post(
        reverse("intervention_email_cancel", args=[step(dossier).pk]), follow=True
    )

    page = text(response)
    assert "Envoi annulé : l'intervention reste « A faire »" in page
    assert "Annulé : l'e-mail ne part pas" in page
    assert run_worker(days=1).sent == 0
    assert mail.outbox == []
    assert step(dossier).status == InterventionStatus.TODO
    assert JournalEntry.objects.filter(action="email_cancelled").count() == 1


def test_an_address_added_later_lets_the_collector_queue_the_email(client, team):
    dossier = an_email_dossier(team, email="")
    _not_queued(team, dossier)
    client.force_login(team.collector_user)
    url = reverse("intervention_email", args=[step(dossier).pk])
    assert "Préparer l'envoi" in text(client.get(url))

    response = client.post(
        reverse("intervention_email_queue", args=[step(dossier).pk]), follow=True
    )

    assert "E-mail mis dans la file d'envoi" in text(response)
    assert OutgoingEmail.objects.get().recipient == "nouvelle@martin.fr"
    assert run_worker().sent == 1


def test_a_refused_action_is_said_on_the_page(client, team):
    dossier = an_email_dossier(team)
    run_worker()
    client.force_login(team.collector_user)

    response = client.post(
        reverse("intervention_email_cancel", args=[step(dossier).pk]), follow=True
    )

    assert response.status_code == 200
    assert "déjà envoyé" in text(response)


# --- « Envois » --------------------------------------------------------------------------------


def test_envois_lists_failures_first_then_pending_then_sent(client, team):
    sent = an_email_dossier(team, name="Client envoyé")
    run_worker()
    pending = an_email_dossier(team, name="Client en attente")
    failed = an_email_dossier(team, name="Client en échec")
    OutgoingEmail.objects.filter(intervention=step(failed)).update(
        status=Status.FAILED, attempts=8, last_error=GIVEN_UP
    )
    client.force_login(team.manager)

    response = client.get(reverse("outbox_list"))

    rows = list(response.context["page"].object_list)
    assert [row.intervention.dossier_id for row in rows] == [failed.pk, pending.pk, sent.pk]
    page = text(response)
    assert page.index("Client en échec") < page.index("Client en attente")
    assert page.index("Client en attente") < page.index("Client envoyé")
    assert GIVEN_UP in page
    failures = client.get(reverse("outbox_list"), {"statut": "failed"}).context["page"]
    assert [row.intervention.dossier_id for row in failures] == [failed.pk]
    assert "Envois" in text(client.get(reverse("dossier_list")))  # in the manager's menu


def test_envois_ignores_an_unknown_status_filter_with_a_message(client, team):
    an_email_dossier(team)
    client.force_login(team.manager)

    response = client.get(reverse("outbox_list"), {"statut": "perdu", "page": "abc"})

    assert response.status_code == 200
    assert "Filtre « Statut » ignoré" in text(response)
    assert len(response.context["page"].object_list) == 1


@pytest.mark.parametrize("who", ["collector_user", "reader"])
def test_envois_is_refused_to_collectors_and_readers(client, team, who):
    client.force_login(getattr(team, who))

    response = client.get(reverse("outbox_list"))
    menu = text(client.get(reverse("dossier_list")))

    assert response.status_code == 403
    assert reverse("outbox_list") not in menu
