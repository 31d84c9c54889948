"""« Gestion des actions »: the batch actions' use cases (services.worklist_actions, S9).

« Exécuter » prints the letters selected into one PDF, hands the « E-mail » steps to the
outbox (the worker sends them, never the request) and marks the other rows « Réalisée » with
one comment; « Marquer réalisée », « Ignorer », « Réaffecter à… » (a manager). Each row is its
own transaction: a refusal is listed with its reason and undoes nothing of the others.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from recouvrement import services
from recouvrement.db.models import (
    Collaborator,
    Intervention,
    JournalEntry,
    OutgoingEmail,
    PrintBatch,
    PrintedLetter,
)
from recouvrement.domain.statuses import ActionType, InterventionKind, InterventionStatus
from recouvrement.services.emails import send_due_emails
from recouvrement.services.selection_summary import Refused, SelectionSummary
from tests.builders import (
    a_collector,
    a_company,
    a_contact,
    a_customer,
    a_dossier,
    a_receivable,
    a_scenario,
)

OPENED = date(2026, 10, 1)
TODAY = date(2026, 11, 2)
NOW = timezone.make_aware(timezone.datetime(2026, 11, 2, 9, 30))
EMAIL_FIRST = [(0, ActionType.EMAIL, "E-mail de relance courtoise")]
TODO, DONE, SKIPPED = InterventionStatus.TODO, InterventionStatus.DONE, InterventionStatus.SKIPPED


@pytest.fixture(autouse=True)
def _documents(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "documents"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def a_customer_of(team, name: str, email: str = "", **fields):
    address = {"address": "3 rue Mercière", "postal_code": "69002", "city": "Lyon"}
    customer = a_customer(team.company, name=name, email=email, **{**address, **fields})
    a_contact(customer, email="")
    return customer


def a_dossier_of(team, name: str = "Boulangerie Martin", collector=None, email="", **fields):
    customer = a_customer_of(team, name, email=email)
    return a_dossier(
        customer,
        today=OPENED,
        user=team.manager,
        collector=collector or team.collector,
        receivables=[a_receivable(customer, "1234.56", date(2026, 9, 1))],
        **fields,
    )


def an_action(dossier, action_type=ActionType.PHONE, label="Appel", **fields) -> Intervention:
    return services.create_intervention(
        dossier,
        fields.pop("kind", InterventionKind.MANUAL),
        today=OPENED,
        user=None,
        planned_date=TODAY - timedelta(days=1),
        label=label,
        action_type=action_type,
        **fields,
    )


def an_email_step(team, name="Fromagerie Lacroix", email="compta@fromagerie.fr", collector=None):
    """An « E-mail » step of a scenario: Préparer put its e-mail in the outbox (pending)."""
    dossier = a_dossier_of(
        team, name, email=email, collector=collector, scenario=a_scenario(team.company, EMAIL_FIRST)
    )
    return dossier.interventions.get(action_type=ActionType.EMAIL)


def fresh(row: Intervention) -> Intervention:
    return Intervention.objects.get(pk=row.pk)


def reasons(summary: SelectionSummary) -> dict[str, str]:
    return {refused.label or refused.dossier: refused.reason for refused in summary.refused}


# --- « Exécuter » --------------------------------------------------------------------------


def test_executer_on_letters_emails_and_a_phone_counts_each_outcome(team):
    letters = [
        an_action(a_dossier_of(team, "Garage Benoît"), ActionType.LETTER, "Courrier"),
        an_action(a_dossier_of(team, "Hôtel du Parc"), ActionType.FORMAL_NOTICE, "Mise en demeure"),
    ]
    email = an_email_step(team)
    phone = an_action(a_dossier_of(team, "Café des Arts"), label="Appel du matin")

    summary = services.execute_selection(
        [*letters, email, phone], today=TODAY, now=NOW, user=team.collector_user, comment="Vu"
    )

    assert (summary.printed, summary.emailed, summary.done, summary.refused) == (2, 1, 1, [])
    assert summary.line == ("2 courriers imprimés, 1 e-mail remis à l'envoi, 1 action réalisée")
    assert [fresh(letter).status for letter in letters] == [DONE, DONE]
    assert fresh(phone).status == DONE
    assert fresh(phone).comment == "Vu"
    assert fresh(email).status == TODO  # until the worker has sent it
    assert summary.pdf.startswith(b"%PDF")


def test_the_letters_selected_print_into_one_pdf_batch(team):
    letters = [
        an_action(a_dossier_of(team, f"Client {n}"), ActionType.LETTER, f"Courrier {n}")
        for n in range(3)
    ]

    summary = services.execute_selection(letters, today=TODAY, now=NOW, user=team.manager)

    batch = PrintBatch.objects.get()
    assert batch.letters == 3
    assert summary.print_result.batch == batch
    assert bytes(batch.pdf) == summary.pdf
    assert set(PrintedLetter.objects.values_list("batch_id", flat=True)) == {batch.pk}
    assert JournalEntry.objects.filter(action="letter_printed").count() == 3


def test_executer_schedules_the_emails_and_the_worker_then_sends_them(team):
    waiting = an_email_step(team, "Fromagerie Lacroix")
    later = NOW + timedelta(hours=2)
    OutgoingEmail.objects.filter(intervention=waiting).update(next_attempt_at=later)
    failed = an_email_step(team, "Garage Benoît", email="compta@garage-benoit.fr")
    OutgoingEmail.objects.filter(intervention=failed).update(
        status=OutgoingEmail.Status.FAILED, attempts=3, last_error="550 refusé"
    )
    never = an_action(
        a_dossier_of(team, "Hôtel du Parc", email="compta@hotel-du-parc.fr"),
        ActionType.EMAIL,
        "E-mail manuel",
    )  # an « E-mail » intervention typed by hand: nothing in the outbox yet

    summary = services.execute_selection(
        [waiting, failed, never], today=TODAY, now=NOW, user=team.collector_user
    )

    assert (summary.emailed, summary.refused) == (3, [])
    rows = OutgoingEmail.objects.filter(intervention__in=[waiting, failed, never])
    assert {(row.status, row.next_attempt_at) for row in rows} == {("pending", NOW)}
    assert mail.outbox == []  # handed to the outbox, not sent in the request
    assert [fresh(row).status for row in (waiting, failed, never)] == [TODO, TODO, TODO]
    assert JournalEntry.objects.filter(intervention_id=never.pk, action="email_queued").exists()

    sent = send_due_emails(now=NOW)

    assert sent.sent == 3
    assert sorted(message.to[0] for message in mail.outbox) == [
        "compta@fromagerie.fr",
        "compta@garage-benoit.fr",
        "compta@hotel-du-parc.fr",
    ]
    assert [fresh(row).status for row in (waiting, failed, never)] == [DONE, DONE, DONE]


def test_refused_rows_are_listed_with_their_reason_and_the_others_go_through(team):
    own_phone = an_action(a_dossier_of(team, "Café des Arts"), label="Appel")
    other_phone = an_action(
        a_dossier_of(team, "Chez Karim", collector=team.other_collector), label="Appel de Karim"
    )
    other_letter = an_action(
        a_dossier_of(team, "Lettre de Karim", collector=team.other_collector),
        ActionType.LETTER,
        "Courrier de Karim",
    )
    own_letter = an_action(a_dossier_of(team, "Garage Benoît"), ActionType.LETTER, "Courrier")
    no_address = an_action(a_dossier_of(team, "Sans Adresse"), ActionType.EMAIL, "Sans e-mail")
    other_email = an_email_step(team, "Mail de Karim", collector=team.other_collector)
    promise = an_action(
        a_dossier_of(team, "Promesse SARL"),
        "",
        "",
        kind=InterventionKind.PROMISE,
        promise_amount=Decimal("100.00"),
    )
    promise.refresh_from_db()
    done = an_action(a_dossier_of(team, "Déjà Fait"), label="Appel fait")
    services.set_intervention_status(done, DONE, today=TODAY, user=None)
    selection = [
        own_phone,
        other_phone,
        other_letter,
        own_letter,
        no_address,
        other_email,
        promise,
        done,
    ]

    summary = services.execute_selection(
        selection, today=TODAY, now=NOW, user=team.collector_user, comment="Rappel"
    )

    assert (summary.printed, summary.done, summary.emailed) == (1, 1, 0)
    refused = reasons(summary)
    assert refused["Appel de Karim"] == "Ce dossier est suivi par un autre chargé de recouvrement."
    assert refused["Courrier de Karim"] == refused["Appel de Karim"]
    assert refused[other_email.label] == refused["Appel de Karim"]
    assert refused["Sans e-mail"].startswith("Pas d'adresse e-mail")
    assert "promesse de règlement" in refused[promise.label]
    assert "déjà au statut « Réalisée »" in refused["Appel fait"]
    assert len(summary.refused) == 6
    assert summary.line == "1 courrier imprimé, 1 action réalisée, 6 actions refusées"
    numbers = [refused.dossier for refused in summary.refused]
    assert numbers == sorted(numbers)  # in the worklist's order, whatever the action
    assert fresh(own_phone).status == DONE and fresh(own_letter).status == DONE
    untouched = (other_phone, other_letter, no_address, other_email, promise)
    assert [fresh(r).status for r in untouched] == [TODO] * 5
    assert OutgoingEmail.objects.get(intervention=other_email).next_attempt_at != NOW
    assert fresh(other_phone).comment == ""
    assert not OutgoingEmail.objects.filter(intervention=no_address).exists()


def test_a_letter_that_cannot_be_composed_is_refused_with_its_reason_and_the_others_print(team):
    printable = an_action(a_dossier_of(team, "Garage Benoît"), ActionType.LETTER, "Courrier")
    nowhere = a_dossier_of(team, "Sans Adresse SARL")
    nowhere.customer.__class__.objects.filter(pk=nowhere.customer_id).update(
        address="", postal_code="", city=""
    )
    unaddressed = an_action(nowhere, ActionType.LETTER, "Courrier perdu")

    summary = services.execute_selection(
        [printable, unaddressed], today=TODAY, now=NOW, user=team.manager
    )
    alone = services.execute_selection([unaddressed], today=TODAY, now=NOW, user=team.manager)

    assert summary.printed == 1
    assert "n'a pas d'adresse postale" in reasons(summary)["Courrier perdu"]
    assert fresh(unaddressed).status == TODO
    # Alone, nothing prints: the same reason, on its row, and no PDF.
    assert alone.printed == 0 and alone.pdf == b""
    assert [r.label for r in alone.refused] == ["Courrier perdu"]
    assert "n'a pas d'adresse postale" in alone.refused[0].reason
    assert PrintBatch.objects.count() == 1


def test_the_comment_is_added_to_the_rows_own_and_journaled(team):
    alert = an_action(
        a_dossier_of(team), "", "Alerte", kind=InterventionKind.ALERT, comment="Rappeler lundi"
    )

    services.execute_selection(
        [alert], today=TODAY, now=NOW, user=team.collector_user, comment="Client rappelé"
    )

    assert fresh(alert).comment == "Rappeler lundi — Client rappelé"
    assert fresh(alert).status == DONE
    actions = JournalEntry.objects.filter(intervention_id=alert.pk).values_list("action", flat=True)
    assert {"intervention_updated", "intervention_status_changed"} <= set(actions)


def test_a_comment_with_a_control_character_refuses_the_whole_selection(team):
    phone = an_action(a_dossier_of(team))

    with pytest.raises(ValidationError, match="caractère de contrôle"):
        services.execute_selection(
            [phone], today=TODAY, now=NOW, user=team.collector_user, comment="a\x07b"
        )

    assert fresh(phone).status == TODO


# --- « Marquer réalisée », « Ignorer » ------------------------------------------------------


def test_ignorer_sets_ignoree_with_the_comment_and_marquer_realisee_any_row(team):
    letter = an_action(a_dossier_of(team, "Garage Benoît"), ActionType.LETTER, "Courrier")
    phone = an_action(a_dossier_of(team, "Café des Arts"))

    ignored = services.mark_selection(
        [letter], SKIPPED, today=TODAY, user=team.collector_user, comment="Payé entre-temps"
    )
    done = services.mark_selection([phone], DONE, today=TODAY, user=team.collector_user)

    assert (ignored.skipped, ignored.line) == (1, "1 action ignorée")
    assert (done.done, done.line) == (1, "1 action réalisée")
    assert (fresh(letter).status, fresh(letter).comment) == (SKIPPED, "Payé entre-temps")
    assert not PrintedLetter.objects.exists()  # marked, never printed
    assert fresh(phone).status == DONE


def test_marking_refuses_another_chargés_row_and_keeps_the_others(team):
    own = an_action(a_dossier_of(team, "Café des Arts"), label="À Sophie")
    other = an_action(
        a_dossier_of(team, "Chez Karim", collector=team.other_collector), label="À Karim"
    )

    summary = services.mark_selection([own, other], DONE, today=TODAY, user=team.collector_user)

    assert summary.line == "1 action réalisée, 1 action refusée"
    assert summary.refused[0].line == (
        f"{other.dossier.number} « À Karim » : "
        "Ce dossier est suivi par un autre chargé de recouvrement."
    )
    assert (fresh(own).status, fresh(other).status) == (DONE, TODO)


def test_a_selection_cannot_be_set_back_to_a_faire(team):
    phone = an_action(a_dossier_of(team))

    with pytest.raises(ValidationError):
        services.mark_selection([phone], TODO, today=TODAY, user=team.manager)


@pytest.mark.parametrize("use_case", ["execute", "mark"])
def test_a_reader_is_refused_the_whole_selection(team, use_case):
    phone = an_action(a_dossier_of(team))

    with pytest.raises(PermissionDenied, match="Consultation"):
        if use_case == "execute":
            services.execute_selection([phone], today=TODAY, now=NOW, user=team.reader)
        else:
            services.mark_selection([phone], DONE, today=TODAY, user=team.reader)

    assert fresh(phone).status == TODO


# --- « Réaffecter à… » ----------------------------------------------------------------------


def test_a_manager_reassigns_the_dossiers_of_the_rows_selected(team):
    first = a_dossier_of(team, "Café des Arts")
    rows = [an_action(first, label="Appel 1"), an_action(first, label="Appel 2")]
    already = an_action(a_dossier_of(team, "Chez Karim", collector=team.other_collector))
    closed = a_dossier_of(team, "Clos SARL")
    closed_row = an_action(closed)
    services.close_dossier(closed, today=TODAY, user=team.manager)

    summary = services.reassign_selection(
        [*rows, already, closed_row], collector=team.other_collector, user=team.manager
    )

    first.refresh_from_db()
    assert first.collector == team.other_collector
    assert fresh(rows[0]).queue_collector_id == team.other_collector.pk  # the worklist follows
    assert (summary.reassigned, summary.already_assigned, len(summary.refused)) == (1, 1, 1)
    who = str(team.other_collector)
    assert summary.line == (
        f"1 dossier réaffecté à {who}, 1 dossier déjà suivi par {who}, 1 dossier refusé"
    )
    assert summary.refused[0].dossier == closed.number
    assert JournalEntry.objects.filter(dossier=first, action="dossier_assigned").count() == 1


@pytest.mark.parametrize("role", ["collector_user", "reader"])
def test_only_a_manager_may_reassign(team, role):
    dossier = a_dossier_of(team)
    row = an_action(dossier)

    with pytest.raises(PermissionDenied, match="Seul un responsable recouvrement"):
        services.reassign_selection([row], collector=team.other_collector, user=getattr(team, role))

    dossier.refresh_from_db()
    assert dossier.collector == team.collector


def test_a_chargé_of_another_company_or_not_a_chargé_is_refused_for_the_whole_selection(team):
    dossier = a_dossier_of(team)
    row = an_action(dossier)
    elsewhere = a_collector(a_company(name="Autre SAS"), last_name="Ailleurs")
    assistant = a_collector(team.company, last_name="Assistante")
    Collaborator.objects.filter(pk=assistant.pk).update(is_collector=False)
    assistant.refresh_from_db()

    for collector in (elsewhere, assistant):
        with pytest.raises(ValidationError, match="n'est pas chargé de recouvrement"):
            services.reassign_selection([row], collector=collector, user=team.manager)

    dossier.refresh_from_db()
    assert dossier.collector == team.collector


# --- The summary line -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("counts", "line"),
    [
        (
            {"printed": 12, "emailed": 3, "done": 2, "refused": 2},
            (
                "12 courriers imprimés, 3 e-mails remis à l'envoi, 2 actions réalisées, "
                "2 actions refusées"
            ),
        ),
        (
            {"printed": 1, "emailed": 1, "done": 1, "skipped": 1},
            ("1 courrier imprimé, 1 e-mail remis à l'envoi, 1 action réalisée, 1 action ignorée"),
        ),
        ({"refused": 1}, "1 action refusée"),
        ({}, "Aucune action traitée"),
    ],
)
def test_the_summary_line_says_each_count_with_its_plural(counts, line):
    refused = [Refused("D1", "Appel", "non")] * counts.pop("refused", 0)

    assert SelectionSummary(**counts, refused=refused).line == line
