"""« Remettre A faire » (issue 13 §6): a manager sets a « Réalisée » or « Ignorée »
intervention back to « A faire », with a reason, journaled — unless it printed or sent
something, or the next step of the scenario was prepared after it."""

import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from recouvrement import services
from recouvrement.db.models import JournalEntry, OutgoingEmail
from recouvrement.domain.statuses import ActionType, InterventionKind, InterventionStatus
from recouvrement.services.promises import settle_promises
from tests.builders import a_contact, a_customer, a_dossier, a_receivable, a_scenario

OPENED = date(2026, 10, 1)
TODAY = date(2026, 10, 20)
DONE, SKIPPED, TODO = InterventionStatus.DONE, InterventionStatus.SKIPPED, InterventionStatus.TODO
PHONE_THEN_LETTER = [(0, ActionType.PHONE, "Appel de relance"), (5, ActionType.LETTER, "Courrier")]


@pytest.fixture
def dossier(team):
    customer = a_customer(team.company, name="Boulangerie Martin", address="3 rue Mercière")
    a_contact(customer, civility="Madame", last_name="Durand")
    return a_dossier(
        customer,
        today=OPENED,
        user=team.manager,
        scenario=a_scenario(team.company, steps=PHONE_THEN_LETTER),
        collector=team.collector,
        receivables=[a_receivable(customer, "1234.56", date(2026, 9, 1))],
    )


def _call(dossier):
    return dossier.interventions.get(label="Appel de relance")


def _set(intervention, status, user):
    return services.set_intervention_status(intervention, status, today=TODAY, user=user)


def _reopen(intervention, user, reason="Marquée réalisée par erreur : l'appel n'a pas eu lieu"):
    return services.reopen_intervention(intervention, reason=reason, user=user, today=TODAY)


def _email(intervention, status) -> OutgoingEmail:
    return OutgoingEmail.objects.create(
        company_id=intervention.dossier.company_id,
        intervention=intervention,
        recipient="compta@boulangerie-martin.fr",
        subject="Relance",
        body="Bonjour",
        attachment_name="relance.pdf",
        message_id=f"<{uuid.uuid4()}@test>",
        status=status,
        next_attempt_at=timezone.now(),
    )


@pytest.mark.parametrize("status", [DONE, SKIPPED])
def test_a_manager_reopens_a_done_or_skipped_intervention_with_a_reason(team, dossier, status):
    call = _set(_call(dossier), status, team.collector_user)

    reopened = _reopen(call, team.manager)

    reopened.refresh_from_db()
    assert (reopened.status, reopened.done_date) == (TODO, None)
    entry = JournalEntry.objects.get(intervention_id=call.pk, action="intervention_reopened")
    assert entry.user == team.manager
    assert entry.before == {"status": status.value, "done_date": TODAY.isoformat()}
    assert entry.after["status"] == "todo"
    assert entry.after["reason"] == "Marquée réalisée par erreur : l'appel n'a pas eu lieu"
    assert f"était « {status.label} »" in entry.message
    assert "l'appel n'a pas eu lieu" in entry.message


@pytest.mark.parametrize("reason", ["", "   "])
def test_the_reason_is_required(team, dossier, reason):
    call = _set(_call(dossier), DONE, team.collector_user)

    with pytest.raises(ValidationError, match="Indiquez la raison"):
        _reopen(call, team.manager, reason)

    call.refresh_from_db()
    assert call.status == DONE
    assert not JournalEntry.objects.filter(action="intervention_reopened").exists()


@pytest.mark.parametrize(
    ("reason", "message"),
    [("x" * 256, "Raison : 256 caractères, 255 au plus."), ("a\x00b", "caractère de contrôle")],
)
def test_a_reason_too_long_or_with_a_control_character_is_refused(team, dossier, reason, message):
    call = _set(_call(dossier), DONE, team.collector_user)

    with pytest.raises(ValidationError, match=message):
        _reopen(call, team.manager, reason)


def test_only_a_manager_reopens(team, dossier):
    call = _set(_call(dossier), DONE, team.collector_user)

    with pytest.raises(ValidationError, match="Seul un responsable recouvrement"):
        _reopen(call, team.collector_user)
    with pytest.raises(PermissionDenied, match="Consultation"):
        _reopen(call, team.reader)

    call.refresh_from_db()
    assert call.status == DONE


def test_an_intervention_a_faire_is_not_reopened(team, dossier):
    with pytest.raises(ValidationError, match="déjà au statut « A faire »"):
        _reopen(_call(dossier), team.manager)


def test_a_printed_letter_is_not_reopened(team, dossier):
    _set(_call(dossier), DONE, team.collector_user)
    letter = services.prepare_next_intervention(dossier, today=TODAY, user=team.collector_user)
    services.print_letters([letter], today=TODAY, user=team.collector_user)
    letter.refresh_from_db()
    assert letter.status == DONE

    with pytest.raises(ValidationError, match="courrier de cette intervention a été imprimé"):
        _reopen(letter, team.manager)

    letter.refresh_from_db()
    assert letter.status == DONE


@pytest.mark.parametrize("status", [OutgoingEmail.Status.SENT, OutgoingEmail.Status.SENDING])
def test_an_email_sent_or_being_sent_is_not_reopened(team, dossier, status):
    call = _set(_call(dossier), DONE, team.collector_user)
    _email(call, status)

    with pytest.raises(ValidationError, match="Un e-mail de cette intervention est parti"):
        _reopen(call, team.manager)


@pytest.mark.parametrize("status", [OutgoingEmail.Status.PENDING, OutgoingEmail.Status.FAILED])
def test_an_email_that_never_left_does_not_stop_the_undo(team, dossier, status):
    call = _set(_call(dossier), SKIPPED, team.collector_user)
    _email(call, status)

    assert _reopen(call, team.manager).status == TODO


def test_a_step_whose_next_step_was_prepared_is_not_reopened(team, dossier):
    call = _set(_call(dossier), DONE, team.collector_user)
    letter = services.prepare_next_intervention(dossier, today=TODAY, user=team.collector_user)

    with pytest.raises(ValidationError, match="L'étape suivante « Courrier » a déjà été préparée"):
        _reopen(call, team.manager)

    # Once that later step, which printed nothing, is deleted, the undo goes through.
    services.delete_intervention(letter, user=team.manager)
    assert _reopen(call, team.manager).status == TODO


def test_a_closed_dossiers_intervention_is_not_reopened(team, dossier):
    call = _set(_call(dossier), DONE, team.collector_user)
    services.close_dossier(dossier, today=TODAY, user=team.manager)

    with pytest.raises(ValidationError, match="Le dossier est clos"):
        _reopen(call, team.manager)


def test_a_reopened_row_takes_its_dossiers_current_priority(team, dossier):
    call = _set(_call(dossier), DONE, team.collector_user)
    services.assign_dossier(dossier, user=team.manager, priority=1)

    reopened = _reopen(call, team.manager)

    assert reopened.queue_priority == 1


def test_a_broken_promise_reopened_is_judged_again(team, dossier):
    promise = services.create_intervention(
        dossier,
        InterventionKind.PROMISE,
        today=TODAY,
        user=team.collector_user,
        planned_date=TODAY + timedelta(days=2),
        promise_amount=Decimal("500.00"),
    )
    settle_promises(TODAY + timedelta(days=10), company=team.company)
    promise.refresh_from_db()
    assert (promise.status, promise.promise_kept) == (SKIPPED, False)

    reopened = _reopen(promise, team.manager, "Le client a prouvé son virement")

    reopened.refresh_from_db()
    assert (reopened.status, reopened.promise_kept, reopened.done_date) == (TODO, None, None)
