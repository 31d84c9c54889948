"""What a user does with an « E-mail » step's message (issue 13 §3): « Envoyer maintenant »
only hands it back to the worker, « Annuler l'envoi » keeps the worker off it, « Préparer
l'envoi » queues it again; each checks who may, and writes the journal."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import get_connection
from django.utils import timezone

from recouvrement import services
from recouvrement.db.models import JournalEntry, OutgoingEmail
from recouvrement.domain.statuses import ActionType, InterventionStatus
from recouvrement.services.emails import send_due_emails
from recouvrement.services.step_emails import step_emails
from tests.builders import a_contact, a_customer, a_dossier, a_receivable, a_scenario

OPENED = date(2026, 10, 1)
EMAIL_FIRST = [(0, ActionType.EMAIL, "E-mail de relance courtoise")]
Status = OutgoingEmail.Status


def an_email_dossier(team, *, customer_email="compta@boulangerie-martin.fr", collector=None):
    """A dossier whose first step is an e-mail: queued at the opening when there is an address."""
    customer = a_customer(team.company, name="Boulangerie Martin", email=customer_email)
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


def locmem():
    return get_connection("django.core.mail.backends.locmem.EmailBackend")


def later(**delta):
    return timezone.now() + timedelta(**delta)


def failed(row: OutgoingEmail, error="Refusé par le serveur SMTP : 554 Relay denied.") -> None:
    row.status, row.attempts, row.last_error = Status.FAILED, 8, error
    row.save(update_fields=["status", "attempts", "last_error"])


# --- « Envoyer maintenant » ------------------------------------------------------------------


def test_send_now_only_reschedules_the_row_for_the_worker(team):
    dossier = an_email_dossier(team)
    row = OutgoingEmail.objects.get()
    row.next_attempt_at = later(hours=1)
    row.save(update_fields=["next_attempt_at"])
    now = timezone.now()

    services.send_email_now(step(dossier), user=team.collector_user, now=now)

    row.refresh_from_db()
    assert (row.status, row.next_attempt_at, row.sent_at) == (Status.PENDING, now, None)
    assert mail.outbox == []  # nothing left in the request
    assert step(dossier).status == InterventionStatus.TODO
    entry = JournalEntry.objects.get(action="email_send_now")
    assert entry.user == team.collector_user
    assert entry.intervention_id == step(dossier).pk
    assert "part au prochain passage de l'envoi" in entry.message
    assert entry.after["next_attempt_at"] == now.isoformat()


def test_a_failed_email_sent_now_is_sent_by_the_next_run_of_the_worker(team):
    dossier = an_email_dossier(team)
    row = OutgoingEmail.objects.get()
    failed(row)
    assert send_due_emails(now=later(days=1), connection=locmem()).sent == 0

    services.send_email_now(step(dossier), user=team.manager, now=timezone.now())
    summary = send_due_emails(now=later(seconds=1), connection=locmem())

    assert summary.sent == 1
    [message] = mail.outbox
    assert message.to == ["compta@boulangerie-martin.fr"]
    assert message.extra_headers["Message-ID"] == row.message_id  # the same e-mail, not a copy
    row.refresh_from_db()
    assert row.status == Status.SENT
    assert step(dossier).status == InterventionStatus.DONE


def test_send_now_is_refused_for_an_email_already_sent(team):
    dossier = an_email_dossier(team)
    send_due_emails(now=later(seconds=1), connection=locmem())

    with pytest.raises(ValidationError, match="déjà envoyé"):
        services.send_email_now(step(dossier), user=team.manager, now=timezone.now())

    assert not JournalEntry.objects.filter(action="email_send_now").exists()


def test_send_now_is_refused_once_the_step_is_no_longer_to_do(team):
    dossier = an_email_dossier(team)
    services.set_intervention_status(
        step(dossier), InterventionStatus.SKIPPED, today=OPENED, user=None
    )

    with pytest.raises(ValidationError, match="n'est plus « A faire »"):
        services.send_email_now(step(dossier), user=team.manager, now=timezone.now())


# --- « Annuler l'envoi » ---------------------------------------------------------------------


def test_a_cancelled_email_is_never_sent_and_its_step_stays_to_do(team):
    dossier = an_email_dossier(team)

    services.cancel_email(step(dossier), user=team.collector_user, now=timezone.now())
    summary = send_due_emails(now=later(days=1), connection=locmem())

    assert (summary.sent, summary.cancelled, summary.failed, mail.outbox) == (0, 0, 0, [])
    assert OutgoingEmail.objects.get().status == Status.CANCELLED
    assert step(dossier).status == InterventionStatus.TODO
    entry = JournalEntry.objects.get(action="email_cancelled")
    assert entry.user == team.collector_user
    assert (entry.before, entry.after["status"]) == ({"status": "pending"}, "cancelled")
    assert "reste « A faire »" in entry.message
    assert step_emails([step(dossier)])[step(dossier).pk].state == "cancelled"


def test_a_cancelled_email_cannot_be_sent_now_nor_cancelled_again(team):
    dossier = an_email_dossier(team)
    services.cancel_email(step(dossier), user=team.manager, now=timezone.now())

    with pytest.raises(ValidationError, match="annulé"):
        services.send_email_now(step(dossier), user=team.manager, now=timezone.now())
    with pytest.raises(ValidationError, match="annulé"):
        services.cancel_email(step(dossier), user=team.manager, now=timezone.now())


def test_a_cancelled_step_can_still_be_deleted(team):
    dossier = an_email_dossier(team)
    services.cancel_email(step(dossier), user=team.manager, now=timezone.now())

    services.delete_intervention(step(dossier), user=team.manager)

    assert not OutgoingEmail.objects.exists()


# --- « Préparer l'envoi » --------------------------------------------------------------------


def test_a_step_without_address_is_queued_once_an_address_is_added(team):
    dossier = an_email_dossier(team, customer_email="")
    assert not OutgoingEmail.objects.exists()
    with pytest.raises(ValidationError, match="Pas d'adresse e-mail"):
        services.queue_email(step(dossier), user=team.collector_user, now=timezone.now())
    dossier.contact.email = "anne@martin.fr"
    dossier.contact.save()

    row = services.queue_email(step(dossier), user=team.collector_user, now=timezone.now())

    assert (row.recipient, row.status) == ("anne@martin.fr", Status.PENDING)
    entry = JournalEntry.objects.get(action="email_queued")
    assert "anne@martin.fr" in entry.message and entry.after["email"] == row.pk
    assert send_due_emails(now=later(seconds=1), connection=locmem()).sent == 1


def test_a_cancelled_email_can_be_queued_again_with_a_new_message_id(team):
    dossier = an_email_dossier(team)
    first = OutgoingEmail.objects.get()
    services.cancel_email(step(dossier), user=team.manager, now=timezone.now())

    again = services.queue_email(step(dossier), user=team.manager, now=timezone.now())

    assert again.pk != first.pk and again.message_id != first.message_id
    assert step_emails([step(dossier)])[step(dossier).pk].state == "pending"


def test_an_email_already_queued_is_not_queued_twice(team):
    dossier = an_email_dossier(team)

    with pytest.raises(ValidationError, match="déjà dans la file d'envoi"):
        services.queue_email(step(dossier), user=team.manager, now=timezone.now())

    assert OutgoingEmail.objects.count() == 1


# --- Who may -----------------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["send_email_now", "cancel_email", "queue_email"])
def test_a_reader_and_another_collector_may_not_touch_the_email(team, action):
    dossier = an_email_dossier(team)
    use_case = getattr(services, action)

    for user in (team.reader, team.other_collector_user):
        with pytest.raises(PermissionDenied):
            use_case(step(dossier), user=user, now=timezone.now())

    assert OutgoingEmail.objects.get().status == Status.PENDING
    assert not JournalEntry.objects.filter(action__startswith="email_").exists()


def test_a_manager_may_cancel_any_collectors_email(team):
    dossier = an_email_dossier(team, collector=team.other_collector)

    services.cancel_email(step(dossier), user=team.manager, now=timezone.now())

    assert OutgoingEmail.objects.get().status == Status.CANCELLED


def test_a_step_that_is_not_an_email_is_refused(team):
    dossier = an_email_dossier(team)
    phone = services.create_intervention(
        dossier,
        "manual",
        today=OPENED,
        user=team.manager,
        planned_date=OPENED,
        label="Appel",
        action_type=ActionType.PHONE,
    )

    with pytest.raises(ValidationError, match="n'est pas un e-mail"):
        services.cancel_email(phone, user=team.manager, now=timezone.now())
