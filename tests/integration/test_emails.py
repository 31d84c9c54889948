"""E-mail steps (S5, B1, §8): the outbox row written with the step, sent once over real SMTP.

A real SMTP server (aiosmtpd) listens on 127.0.0.1 for each test; Django's SMTP backend talks
to it. Times are passed to the worker, so a test moves the clock instead of waiting.
"""

import asyncio
import json
import socket
import threading
from dataclasses import dataclass, field
from datetime import date, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection
from django.utils import timezone

from recouvrement import cli, services
from recouvrement.db.models import Intervention, JournalEntry, OutgoingEmail, PrintedLetter
from recouvrement.documents import LetterRenderingError
from recouvrement.domain.statuses import ActionType, InterventionStatus
from recouvrement.mailing.outbox import LEASE, MAX_ATTEMPTS
from recouvrement.services import emails
from recouvrement.services import letters as letter_services
from recouvrement.services.emails import send_due_emails
from tests.builders import a_contact, a_customer, a_dossier, a_receivable, a_scenario

OPENED = date(2026, 10, 1)
EMAIL_FIRST = [(0, ActionType.EMAIL, "E-mail de relance courtoise")]
PHONE_THEN_EMAIL = [(0, ActionType.PHONE, "Téléphone"), (0, ActionType.EMAIL, "Relance e-mail")]
FROM = "relances@atelier-rhone.fr"


# --- A real SMTP server on loopback --------------------------------------------------------


@dataclass
class MailServer:
    """What the server received; `refusal` (e.g. « 550 … ») makes it refuse every message."""

    port: int
    received: list[EmailMessage] = field(default_factory=list)
    refusal: str | None = None
    hang_up: bool = False  # keep the message, then drop the line before answering
    delay: float = 0.0
    controller: Controller | None = None

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd's name)
        if self.refusal:
            return self.refusal
        await asyncio.sleep(self.delay)
        self.received.append(message_from_bytes(envelope.content, policy=policy.default))
        if self.hang_up:
            server.transport.abort()
        return "250 OK"

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def message_ids(self) -> list[str]:
        return [message["Message-ID"] for message in self.received]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def mail_server(settings):
    server = MailServer(port=free_port())
    server.controller = Controller(server, hostname="127.0.0.1", port=server.port)
    server.controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 10
    settings.DEFAULT_FROM_EMAIL = FROM
    yield server
    server.stop()


# --- Builders ------------------------------------------------------------------------------


def an_email_dossier(
    team,
    *,
    steps=EMAIL_FIRST,
    customer_email: str = "compta@boulangerie-martin.fr",
    contact_email: str = "",
    name: str = "Boulangerie Martin",
):
    """A dossier whose scenario sends an e-mail; with EMAIL_FIRST it is in the outbox at once."""
    customer = a_customer(team.company, name=name, email=customer_email, address="3 rue Mercière")
    contact = a_contact(customer, civility="Madame", last_name="Durand", email=contact_email)
    return a_dossier(
        customer,
        today=OPENED,
        scenario=a_scenario(team.company, steps=steps),
        collector=team.collector,
        contact=contact,
        receivables=[a_receivable(customer, "1234.56", date(2026, 9, 1))],
    )


def phone_done(dossier) -> None:
    """The first step of PHONE_THEN_EMAIL done, so that Préparer gives the e-mail step."""
    services.set_intervention_status(
        dossier.interventions.get(), InterventionStatus.DONE, today=OPENED, user=None
    )


def email_step(dossier) -> Intervention:
    return dossier.interventions.get(action_type=ActionType.EMAIL)


def later(**delta) -> object:
    return timezone.now() + timedelta(**delta)


# --- Préparer: the intent, in the step's transaction ---------------------------------------


def test_preparer_on_an_email_step_writes_one_outbox_row_for_the_dossier_contact(team):
    dossier = an_email_dossier(team, steps=PHONE_THEN_EMAIL, contact_email="anne@martin.fr")
    phone_done(dossier)
    before = timezone.now()

    intervention = services.prepare_next_intervention(dossier, today=OPENED, user=team.manager)

    row = OutgoingEmail.objects.get()
    assert row.intervention == intervention
    assert row.recipient == "anne@martin.fr"
    assert row.status == OutgoingEmail.Status.PENDING
    assert row.message_id.startswith("<") and row.message_id.endswith("@recouvrement>")
    assert before <= row.next_attempt_at <= timezone.now()
    assert intervention.status == InterventionStatus.TODO


def test_without_a_contact_address_the_customers_address_is_used(team):
    dossier = an_email_dossier(team, customer_email="compta@martin.fr", contact_email="")

    row = OutgoingEmail.objects.get()

    assert row.recipient == "compta@martin.fr"
    assert row.intervention == email_step(dossier)


def test_without_any_address_no_row_is_written_and_the_journal_says_why(team):
    dossier = an_email_dossier(team, customer_email="", contact_email="")

    entry = JournalEntry.objects.get(action="email_no_address")

    assert not OutgoingEmail.objects.exists()
    assert entry.intervention_id == email_step(dossier).pk
    assert "n'a d'adresse e-mail" in entry.message
    assert email_step(dossier).status == InterventionStatus.TODO


def test_when_the_outbox_row_cannot_be_written_preparer_creates_no_intervention(team, monkeypatch):
    taken = an_email_dossier(team, name="Premier client")
    dossier = an_email_dossier(team, steps=PHONE_THEN_EMAIL)
    phone_done(dossier)
    used = OutgoingEmail.objects.get(intervention__dossier=taken).message_id
    monkeypatch.setattr(emails, "new_message_id", lambda *args: used)

    with pytest.raises(ValidationError):
        services.prepare_next_intervention(dossier, today=OPENED, user=team.manager)

    assert not dossier.interventions.filter(action_type=ActionType.EMAIL).exists()
    assert OutgoingEmail.objects.count() == 1


def test_the_batch_puts_each_email_step_in_the_outbox_or_journals_the_missing_address(team):
    with_address = [an_email_dossier(team, steps=PHONE_THEN_EMAIL) for _ in range(2)]
    without = an_email_dossier(team, steps=PHONE_THEN_EMAIL, customer_email="")
    for dossier in [*with_address, without]:
        phone_done(dossier)

    summary = services.prepare_due(date(2026, 10, 20))

    assert summary.by_action == {"email": 3}
    rows = OutgoingEmail.objects.order_by("intervention__dossier_id")
    assert [row.intervention for row in rows] == [email_step(d) for d in with_address]
    assert len({row.message_id for row in rows}) == 2
    assert {row.status for row in rows} == {OutgoingEmail.Status.PENDING}
    entry = JournalEntry.objects.get(action="email_no_address")
    assert entry.intervention_id == email_step(without).pk


def test_when_the_batch_cannot_write_its_outbox_rows_the_chunk_creates_nothing(team, monkeypatch):
    dossiers = [an_email_dossier(team, steps=PHONE_THEN_EMAIL) for _ in range(2)]
    for dossier in dossiers:
        phone_done(dossier)
    monkeypatch.setattr(emails, "new_message_id", lambda *args: "<same@recouvrement>")

    with pytest.raises(IntegrityError):
        services.prepare_due(date(2026, 10, 20))

    assert not Intervention.objects.filter(action_type=ActionType.EMAIL).exists()
    assert not OutgoingEmail.objects.exists()


# --- The worker ----------------------------------------------------------------------------


def test_the_worker_sends_the_letter_as_a_pdf_and_marks_the_intervention_done(team, mail_server):
    dossier = an_email_dossier(team, contact_email="anne@martin.fr")
    row = OutgoingEmail.objects.get()
    now = later(seconds=1)

    summary = send_due_emails(now=now)

    assert summary.as_json() == {
        "sent": 1,
        "retried": 0,
        "failed": 0,
        "interrupted": 0,
        "cancelled": 0,
    }
    [message] = mail_server.received
    assert message["To"] == "anne@martin.fr"
    assert FROM in message["From"] and "Atelier Rhône SAS" in message["From"]
    # (Django folds the encoded subject onto a second line: unfolded, a space leads.)
    subject = message["Subject"].strip()
    assert subject == "Rappel — facture(s) arrivée(s) à échéance — Atelier Rhône SAS"
    assert message["Message-ID"] == row.message_id
    body = message.get_body(("plain",)).get_content()
    assert f"concernant le dossier {dossier.number}" in body
    assert "1\u202f234,56\u00a0€" in body
    [attachment] = list(message.iter_attachments())
    pdf = attachment.get_content()
    assert attachment.get_filename() == f"{dossier.number}-relance-courtoise.pdf"
    assert pdf.startswith(b"%PDF")
    row.refresh_from_db()
    assert (row.status, row.sent_at, row.attempts) == (OutgoingEmail.Status.SENT, now, 1)
    assert row.subject == subject
    intervention = email_step(dossier)
    assert intervention.status == InterventionStatus.DONE
    assert intervention.done_date == timezone.localdate(now)
    printed = PrintedLetter.objects.get(intervention=intervention)
    assert bytes(printed.batch.pdf) == pdf
    entry = JournalEntry.objects.get(action="email_sent")
    assert row.message_id in entry.message
    assert entry.after["sha256"] == printed.batch.sha256


def test_running_the_worker_again_sends_nothing(team, mail_server):
    an_email_dossier(team)
    send_due_emails(now=later(seconds=1))

    summary = send_due_emails(now=later(days=1))

    assert summary.as_json()["sent"] == 0
    assert len(mail_server.received) == 1


def test_a_refusing_server_leaves_the_row_pending_with_a_backoff(team, mail_server):
    dossier = an_email_dossier(team)
    mail_server.refusal = "550 5.7.1 Message rejected"
    now = later(seconds=1)

    summary = send_due_emails(now=now)

    assert (summary.retried, summary.sent) == (1, 0)
    row = OutgoingEmail.objects.get()
    assert row.status == OutgoingEmail.Status.PENDING
    assert row.attempts == 1
    assert row.next_attempt_at == now + timedelta(minutes=1)
    assert row.last_error == "Refusé par le serveur SMTP : 550 5.7.1 Message rejected."
    assert email_step(dossier).status == InterventionStatus.TODO
    assert not PrintedLetter.objects.exists()


def test_a_letter_that_does_not_render_leaves_the_row_pending_with_its_reason(
    team, mail_server, monkeypatch
):
    dossier = an_email_dossier(team)

    def broken(letters):
        raise LetterRenderingError("Le rendu PDF des courriers a échoué : typst")

    monkeypatch.setattr(letter_services, "render_batch", broken)
    summary = send_due_emails(now=later(seconds=1))

    row = OutgoingEmail.objects.get()
    assert (summary.retried, len(mail_server.received)) == (1, 0)
    assert (row.status, row.attempts) == (OutgoingEmail.Status.PENDING, 1)
    assert row.last_error == (
        "Courrier impossible à produire : Le rendu PDF des courriers a échoué : typst"
    )
    assert email_step(dossier).status == InterventionStatus.TODO


def test_a_postponed_email_waits_for_its_time_then_leaves(team, mail_server):
    dossier = an_email_dossier(team)
    mail_server.refusal = "451 4.3.0 Try again later"
    now = later(seconds=1)
    send_due_emails(now=now)
    mail_server.refusal = None

    too_early = send_due_emails(now=now + timedelta(seconds=30))
    on_time = send_due_emails(now=now + timedelta(minutes=1))

    assert (too_early.sent, on_time.sent) == (0, 1)
    assert OutgoingEmail.objects.get().attempts == 2
    assert email_step(dossier).status == InterventionStatus.DONE


def test_a_stopped_server_leaves_the_row_pending_and_says_it_is_unreachable(team, mail_server):
    dossier = an_email_dossier(team)
    mail_server.stop()

    summary = send_due_emails(now=later(seconds=1))

    row = OutgoingEmail.objects.get()
    assert summary.retried == 1
    assert row.status == OutgoingEmail.Status.PENDING
    assert f"Serveur SMTP 127.0.0.1:{mail_server.port} injoignable" in row.last_error
    assert email_step(dossier).status == InterventionStatus.TODO


def test_after_the_last_attempt_the_row_fails_and_the_journal_says_so(team, mail_server):
    dossier = an_email_dossier(team)
    mail_server.refusal = "554 5.7.1 Relay denied"
    now = later(seconds=1)

    for attempt in range(MAX_ATTEMPTS):
        send_due_emails(now=now + timedelta(days=attempt))

    row = OutgoingEmail.objects.get()
    assert (row.status, row.attempts) == (OutgoingEmail.Status.FAILED, MAX_ATTEMPTS)
    assert row.last_error.startswith(f"E-mail non envoyé après {MAX_ATTEMPTS} essais")
    assert JournalEntry.objects.filter(action="email_failed").count() == 1
    assert email_step(dossier).status == InterventionStatus.TODO


def test_a_worker_that_dies_after_the_server_accepted_never_sends_twice(
    team, mail_server, monkeypatch
):
    dossier = an_email_dossier(team)
    row = OutgoingEmail.objects.get()
    now = later(seconds=1)

    def die(*args, **kwargs):
        raise KeyboardInterrupt  # the process is killed before it records the send

    with monkeypatch.context() as patched:
        patched.setattr(emails, "_record_sent", die)
        with pytest.raises(KeyboardInterrupt):
            send_due_emails(now=now)
    while_alive = send_due_emails(now=now + timedelta(minutes=1))
    after_lease = send_due_emails(now=now + LEASE + timedelta(seconds=1))

    assert len(mail_server.received) == 1
    assert (while_alive.sent, while_alive.interrupted) == (0, 0)
    assert (after_lease.sent, after_lease.interrupted) == (0, 1)
    row.refresh_from_db()
    assert row.status == OutgoingEmail.Status.FAILED
    assert row.last_error == (
        "Envoi interrompu : le serveur a peut-être reçu le message "
        f"(Message-ID {row.message_id}) ; vérifiez avant de renvoyer."
    )
    assert JournalEntry.objects.filter(action="email_interrupted").count() == 1
    assert email_step(dossier).status == InterventionStatus.TODO
    assert send_due_emails(now=now + timedelta(days=1)).as_json()["interrupted"] == 0


def test_a_line_dropped_while_the_message_is_in_flight_is_never_retried(team, mail_server):
    dossier = an_email_dossier(team)
    mail_server.hang_up = True

    summary = send_due_emails(now=later(seconds=1))
    again = send_due_emails(now=later(days=1))

    row = OutgoingEmail.objects.get()
    assert (summary.interrupted, again.sent, len(mail_server.received)) == (1, 0, 1)
    assert row.status == OutgoingEmail.Status.FAILED
    assert row.last_error.startswith("Envoi interrompu (connexion au serveur SMTP perdue")
    assert email_step(dossier).status == InterventionStatus.TODO


def test_an_email_whose_intervention_was_done_by_hand_is_not_sent(team, mail_server):
    dossier = an_email_dossier(team)
    services.set_intervention_status(
        email_step(dossier), InterventionStatus.SKIPPED, today=OPENED, user=None
    )

    summary = send_due_emails(now=later(seconds=1))

    assert (summary.cancelled, mail_server.received) == (1, [])
    row = OutgoingEmail.objects.get()
    assert row.status == OutgoingEmail.Status.FAILED
    assert "l'intervention est passée « Ignorée »" in row.last_error


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_claim_different_rows_and_send_each_email_once(team, mail_server):
    if connection.vendor != "postgresql":
        pytest.skip("SKIP LOCKED between two connections is checked on PostgreSQL")
    for n in range(6):
        an_email_dossier(team, name=f"Client {n}")
    mail_server.delay = 0.2  # both workers are in the middle of a send at the same time
    now, barrier, results = later(seconds=1), threading.Barrier(2), []

    def worker():
        try:
            barrier.wait()
            results.append(send_due_emails(now=now))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    rows = OutgoingEmail.objects.all()
    assert sorted(mail_server.message_ids) == sorted(row.message_id for row in rows)
    assert {row.status for row in rows} == {OutgoingEmail.Status.SENT}
    assert sorted(result.sent for result in results) != [0, 6]
    assert sum(result.sent for result in results) == 6


# --- The command ---------------------------------------------------------------------------


def test_the_send_emails_command_prints_its_counts_as_json(team, mail_server, capsys):
    an_email_dossier(team)

    code = cli.main(["send-emails", "--json"])

    output = capsys.readouterr().out
    assert code == 0
    assert "Envoi des e-mails : 1 envoyé(s)" in output
    assert json.loads(output.strip().splitlines()[-1]) == {
        "sent": 1,
        "retried": 0,
        "failed": 0,
        "interrupted": 0,
        "cancelled": 0,
    }
    assert len(mail_server.received) == 1


def test_the_send_emails_command_fails_when_the_server_is_unreachable(team, mail_server, capsys):
    an_email_dossier(team)
    mail_server.stop()

    code = cli.main(["send-emails", "--json"])

    out, err = capsys.readouterr()
    assert code == 2
    assert json.loads(out.strip().splitlines()[-1])["retried"] == 1
    assert "1 e-mail(s) non envoyé(s). Dernière erreur : Serveur SMTP" in err


def test_deleting_a_step_cancels_its_email_not_yet_sent(team):
    dossier = an_email_dossier(team)

    services.delete_intervention(email_step(dossier), user=team.manager)

    assert not OutgoingEmail.objects.exists()
    assert not dossier.interventions.exists()


def test_a_step_whose_email_left_cannot_be_deleted(team, mail_server):
    dossier = an_email_dossier(team)
    OutgoingEmail.objects.update(status=OutgoingEmail.Status.SENDING)

    with pytest.raises(ValidationError, match="e-mail de cette intervention est parti"):
        services.delete_intervention(email_step(dossier), user=team.manager)

    assert OutgoingEmail.objects.count() == 1
