"""The rules hold in the database itself, not only in the services (issue: constraints)."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import DatabaseError, IntegrityError, transaction

from recouvrement.db.models import (
    AttachedDocument,
    DossierReceivable,
    EcbRate,
    Intervention,
    JournalEntry,
    LegalRate,
    PrintBatch,
    PrintedLetter,
    Receivable,
    Scenario,
    Step,
)
from recouvrement.domain.statuses import InterventionStatus
from recouvrement.services.journal import record
from tests.builders import a_customer, a_dossier, a_receivable, a_scenario


def refused(error=IntegrityError):
    """The statement fails and is rolled back alone (a savepoint), like in production."""
    return pytest.raises(error)


def test_scenario_names_are_unique_in_a_company(team):
    Scenario.objects.create(company=team.company, name="Relance standard")

    with refused(), transaction.atomic():
        Scenario.objects.create(company=team.company, name="Relance standard")


def test_two_steps_of_a_scenario_cannot_share_an_order(team):
    scenario = a_scenario(team.company)

    with refused(), transaction.atomic():
        Step.objects.create(scenario=scenario, order=1, label="Doublon", action_type="task")


def test_an_echeance_cannot_be_linked_to_two_open_dossiers(team):
    customer = a_customer(team.company)
    receivable = a_receivable(customer)
    a_dossier(customer, receivables=[receivable])
    other = a_dossier(customer)

    with refused(), transaction.atomic():
        DossierReceivable.objects.create(dossier=other, receivable=receivable)


def test_an_intervention_has_at_most_one_document(team, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    dossier = a_dossier(a_customer(team.company), scenario=a_scenario(team.company))
    intervention = dossier.interventions.get()
    fields = {"original_name": "a.pdf", "content_type": "application/pdf", "size": 1}
    AttachedDocument.objects.create(intervention=intervention, sha256="a" * 64, **fields)

    with refused(), transaction.atomic():
        AttachedDocument.objects.create(intervention=intervention, sha256="b" * 64, **fields)


def test_an_attached_document_can_be_neither_replaced_nor_deleted(team):
    dossier = a_dossier(a_customer(team.company), scenario=a_scenario(team.company))
    document = AttachedDocument.objects.create(
        intervention=dossier.interventions.get(),
        sha256="a" * 64,
        original_name="a.pdf",
        content_type="application/pdf",
        size=1,
    )

    with refused(DatabaseError), transaction.atomic():
        AttachedDocument.objects.filter(pk=document.pk).update(original_name="b.pdf")
    with refused(DatabaseError), transaction.atomic():
        AttachedDocument.objects.filter(pk=document.pk).delete()

    assert AttachedDocument.objects.get().original_name == "a.pdf"


def test_journal_rows_are_never_updated_nor_deleted(team):
    dossier = a_dossier(a_customer(team.company))
    entry = JournalEntry.objects.filter(dossier=dossier).first()

    with refused(DatabaseError), transaction.atomic():
        JournalEntry.objects.filter(pk=entry.pk).update(message="effacé")
    with refused(DatabaseError), transaction.atomic():
        JournalEntry.objects.filter(pk=entry.pk).delete()

    entry.refresh_from_db()
    assert entry.message.startswith("Dossier R2026-")


def test_dossier_numbers_are_unique_in_a_company(team):
    first = a_dossier(a_customer(team.company))
    second = a_dossier(a_customer(team.company))

    with refused(), transaction.atomic():
        type(second).objects.filter(pk=second.pk).update(number=first.number)


def test_only_one_scenario_step_is_todo_per_dossier(team):
    scenario = a_scenario(team.company)
    dossier = a_dossier(a_customer(team.company), scenario=scenario)

    with refused(), transaction.atomic():
        Intervention.objects.create(
            dossier=dossier,
            company=team.company,
            step=scenario.steps.get(order=2),
            kind="step",
            status=InterventionStatus.TODO,
            label="Téléphone",
            planned_date=date(2026, 11, 12),
        )


@pytest.mark.parametrize(
    ("amount", "open_amount"), [("-10.00", "0.00"), ("100.00", "-1.00"), ("100.00", "100.01")]
)
def test_negative_amounts_and_open_amounts_above_the_amount_are_refused(team, amount, open_amount):
    customer = a_customer(team.company)

    with refused(), transaction.atomic():
        Receivable.objects.create(
            company=team.company,
            customer=customer,
            reference="FA1",
            piece_date=date(2026, 10, 1),
            due_date=date(2026, 10, 31),
            amount=Decimal(amount),
            open_amount=Decimal(open_amount),
        )


def test_a_done_intervention_must_have_its_date(team):
    dossier = a_dossier(a_customer(team.company), scenario=a_scenario(team.company))

    with refused(), transaction.atomic():
        dossier.interventions.update(status=InterventionStatus.DONE, done_date=None)


def test_a_priority_outside_1_to_5_is_refused_by_the_database(team):
    dossier = a_dossier(a_customer(team.company))

    with refused(), transaction.atomic():
        type(dossier).objects.filter(pk=dossier.pk).update(priority=0)


def test_journal_rows_survive_their_deleted_intervention(team):
    dossier = a_dossier(a_customer(team.company))
    record(
        dossier,
        "intervention_deleted",
        "Intervention supprimée",
        user=None,
        intervention=Intervention(pk=999_999),
        at=datetime(2026, 11, 2, tzinfo=UTC),
    )

    assert JournalEntry.objects.filter(intervention_id=999_999).exists()


def test_model_validation_names_the_rule_in_french(team):
    Scenario.objects.create(company=team.company, name="Relance standard")

    with pytest.raises(ValidationError) as refused:
        Scenario(company=team.company, name="Relance standard").full_clean()

    assert "Un scénario porte déjà ce nom." in refused.value.messages


@pytest.mark.django_db(transaction=True)
def test_only_wiping_the_whole_database_removes_journal_rows(team):
    a_dossier(a_customer(team.company))

    with refused(DatabaseError), transaction.atomic():
        JournalEntry.objects.all().delete()
    call_command("flush", interactive=False, verbosity=0)

    assert not JournalEntry.objects.exists()


def test_printed_letters_are_kept_as_printed(team):
    dossier = a_dossier(a_customer(team.company), scenario=a_scenario(team.company))
    batch = PrintBatch.objects.create(
        company=team.company,
        pdf=b"%PDF-1.7 original",
        sha256="a" * 64,
        letters=1,
        pages=1,
        printed_at=datetime(2026, 11, 2, tzinfo=UTC),
    )
    letter = PrintedLetter.objects.create(
        intervention=dossier.interventions.get(),
        batch=batch,
        first_page=1,
        last_page=1,
        template_name="Relance courtoise",
    )

    with refused(DatabaseError), transaction.atomic():
        PrintBatch.objects.filter(pk=batch.pk).update(pdf=b"%PDF-1.7 forged")
    with refused(DatabaseError), transaction.atomic():
        PrintedLetter.objects.filter(pk=letter.pk).update(last_page=2)
    with refused(DatabaseError), transaction.atomic():
        PrintedLetter.objects.filter(pk=letter.pk).delete()

    assert bytes(PrintBatch.objects.get().pdf) == b"%PDF-1.7 original"


def test_the_published_rates_are_seeded(db):
    assert EcbRate.objects.get(effective_date=date(2025, 6, 11)).rate == Decimal("2.150")
    assert LegalRate.objects.get(kind="legal-pro", effective_date=date(2026, 1, 1)).rate == Decimal(
        "2.620"
    )
