"""The « Interventions » tab's use cases: S3–S5, S10–S12, with the journal (M9)."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from recouvrement import services
from recouvrement.db.models import AttachedDocument, Intervention, JournalEntry
from recouvrement.domain.statuses import InterventionKind, InterventionStatus
from tests.builders import a_contact, a_customer, a_dossier, a_scenario

TODAY = date(2026, 11, 2)
DONE, SKIPPED, TODO = InterventionStatus.DONE, InterventionStatus.SKIPPED, InterventionStatus.TODO


@pytest.fixture
def dossier(team):
    return a_dossier(
        a_customer(team.company),
        scenario=a_scenario(team.company),
        user=team.manager,
        collector=team.collector,
    )


def first_intervention(dossier) -> Intervention:
    return dossier.interventions.order_by("id").first()


def test_setting_an_intervention_done_records_who_and_when(team, dossier):
    intervention = first_intervention(dossier)

    services.set_intervention_status(
        intervention, DONE, today=date(2026, 11, 4), user=team.collector_user
    )

    intervention.refresh_from_db()
    assert intervention.status == DONE
    assert intervention.done_date == date(2026, 11, 4)
    assert intervention.user == team.collector_user
    entry = JournalEntry.objects.filter(action="intervention_status_changed").get()
    assert entry.before == {"status": "todo", "done_date": None, "user_id": team.manager.pk}
    assert entry.after["status"] == "done"
    assert entry.message == "« E-mail de relance courtoise » : A faire → Réalisée."


def test_preparer_creates_the_next_step_planned_with_the_delay_rule(team, dossier):
    services.set_intervention_status(
        first_intervention(dossier), DONE, today=date(2026, 11, 4), user=team.collector_user
    )

    prepared = services.prepare_next_intervention(
        dossier, today=date(2026, 11, 4), user=team.collector_user
    )

    assert prepared.label == "Téléphone"
    assert prepared.status == TODO
    assert prepared.planned_date == date(2026, 11, 14)


def test_preparer_refuses_while_a_step_is_todo_and_creates_nothing(team, dossier):
    with pytest.raises(ValidationError, match="encore « A faire »"):
        services.prepare_next_intervention(dossier, today=TODAY, user=team.manager)

    assert dossier.interventions.count() == 1


def test_a_collector_may_not_set_a_done_intervention_back_to_todo_but_a_manager_may(team, dossier):
    intervention = first_intervention(dossier)
    services.set_intervention_status(intervention, DONE, today=TODAY, user=team.collector_user)

    with pytest.raises(ValidationError, match="Seul un responsable"):
        services.set_intervention_status(intervention, TODO, today=TODAY, user=team.collector_user)
    with pytest.raises(ValidationError, match="Remettre A faire"):  # the undo asks a reason
        services.set_intervention_status(intervention, TODO, today=TODAY, user=team.manager)
    services.reopen_intervention(
        intervention, reason="Erreur de saisie", user=team.manager, today=TODAY
    )

    intervention.refresh_from_db()
    assert intervention.status == TODO
    assert intervention.done_date is None


def test_a_forbidden_transition_is_refused_with_its_rule(team, dossier):
    intervention = first_intervention(dossier)
    services.set_intervention_status(intervention, DONE, today=TODAY, user=team.manager)

    with pytest.raises(ValidationError) as refused:
        services.set_intervention_status(intervention, SKIPPED, today=TODAY, user=team.manager)

    assert refused.value.code == "transition_forbidden"
    assert "« Réalisée » à « Ignorée » interdit" in refused.value.messages[0]


def test_other_collectors_and_readers_cannot_change_the_status(team, dossier):
    intervention = first_intervention(dossier)

    for user in (team.other_collector_user, team.reader):
        with pytest.raises(PermissionDenied):
            services.set_intervention_status(intervention, DONE, today=TODAY, user=user)

    intervention.refresh_from_db()
    assert intervention.status == TODO


def test_the_inline_entry_line_updates_date_contact_and_comment(team, dossier):
    contact = a_contact(dossier.customer)
    intervention = first_intervention(dossier)

    services.update_intervention(
        intervention,
        user=team.collector_user,
        planned_date=date(2026, 11, 6),
        contact=contact,
        comment="Client injoignable, message laissé",
    )

    intervention.refresh_from_db()
    assert (intervention.planned_date, intervention.contact, intervention.comment) == (
        date(2026, 11, 6),
        contact,
        "Client injoignable, message laissé",
    )
    entry = JournalEntry.objects.get(action="intervention_updated")
    assert entry.after == {
        "planned_date": "2026-11-06",
        "contact_id": contact.pk,
        "comment": "Client injoignable, message laissé",
    }


def test_a_contact_of_another_customer_is_refused(team, dossier):
    stranger = a_contact(a_customer(team.company))

    with pytest.raises(ValidationError, match="n'est pas un contact"):
        services.update_intervention(
            first_intervention(dossier), user=team.manager, contact=stranger
        )


def test_a_done_intervention_can_no_longer_be_edited(team, dossier):
    intervention = first_intervention(dossier)
    services.set_intervention_status(intervention, DONE, today=TODAY, user=team.manager)

    with pytest.raises(ValidationError, match="Seule une intervention « A faire »"):
        services.update_intervention(intervention, user=team.manager, comment="trop tard")


def test_an_alert_needs_a_message_and_a_promise_a_positive_amount(team, dossier):
    alert = services.create_intervention(
        dossier,
        InterventionKind.ALERT,
        today=TODAY,
        user=team.collector_user,
        planned_date=date(2026, 11, 10),
        comment="Rappeler le comptable",
    )
    promise = services.create_intervention(
        dossier,
        InterventionKind.PROMISE,
        today=TODAY,
        user=team.collector_user,
        planned_date=date(2026, 11, 20),
        promise_amount=Decimal("1200.00"),
    )

    assert alert.planned_date == date(2026, 11, 10)
    assert promise.label == "Promesse de règlement de 1\u202f200,00\u00a0€"
    with pytest.raises(ValidationError, match="demande un message"):
        services.create_intervention(
            dossier, "alert", today=TODAY, user=team.manager, planned_date=TODAY
        )
    with pytest.raises(ValidationError, match="ne peut pas être négatif"):
        services.create_intervention(
            dossier,
            "promise",
            today=TODAY,
            user=team.manager,
            planned_date=TODAY,
            promise_amount=Decimal("-5"),
        )


def test_a_scenario_step_cannot_be_created_by_hand(team, dossier):
    with pytest.raises(ValidationError, match="Fonctions › Préparer"):
        services.create_intervention(
            dossier, InterventionKind.STEP, today=TODAY, user=team.manager, planned_date=TODAY
        )


def test_deleting_an_intervention_keeps_what_it_was_in_the_journal(team, dossier):
    manual = services.create_intervention(
        dossier, "manual", today=TODAY, user=team.manager, planned_date=TODAY, label="Visite"
    )

    services.delete_intervention(manual, user=team.manager)

    assert not Intervention.objects.filter(pk=manual.pk).exists()
    entry = JournalEntry.objects.get(action="intervention_deleted")
    assert entry.intervention_id == manual.pk
    assert entry.before["label"] == "Visite"


def test_one_single_document_per_intervention_and_it_cannot_be_deleted(
    team, dossier, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    intervention = first_intervention(dossier)
    services.attach_document(
        intervention,
        user=team.manager,
        name="ar.pdf",
        content=b"%PDF-1.4 AR",
        content_type="application/pdf",
    )

    with pytest.raises(ValidationError, match="un seul document"):
        services.attach_document(
            intervention,
            user=team.manager,
            name="b.pdf",
            content=b"%PDF-",
            content_type="application/pdf",
        )
    with pytest.raises(ValidationError, match="document attaché"):
        services.delete_intervention(intervention, user=team.manager)

    document = AttachedDocument.objects.get()
    assert document.file.read() == b"%PDF-1.4 AR"
    assert document.original_name == "ar.pdf"
    assert "ar.pdf" not in document.file.name


def test_an_empty_or_too_large_document_is_refused(team, dossier, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.RECOUVREMENT_MAX_UPLOAD_BYTES = 1024 * 1024

    with pytest.raises(ValidationError, match="vide"):
        services.attach_document(
            first_intervention(dossier), user=team.manager, name="a", content=b"", content_type="x"
        )
    with pytest.raises(ValidationError, match="taille maximale de 1 Mo"):
        services.attach_document(
            first_intervention(dossier),
            user=team.manager,
            name="a",
            content=b"x" * (1024 * 1024 + 1),
            content_type="x",
        )

    assert AttachedDocument.objects.count() == 0


def test_interventions_of_a_closed_dossier_cannot_change(team, dossier):
    services.close_dossier(dossier, today=TODAY, user=team.manager)

    with pytest.raises(ValidationError, match="Le dossier est clos"):
        services.create_intervention(
            dossier, "manual", today=TODAY, user=team.manager, planned_date=TODAY, label="x"
        )
    with pytest.raises(ValidationError, match="Le dossier est clos"):
        services.prepare_next_intervention(dossier, today=TODAY, user=team.manager)
