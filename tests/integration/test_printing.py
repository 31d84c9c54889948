"""Printing letters (S5–S7): one PDF, the letters « Réalisée », the PDF kept as printed."""

import shutil
import subprocess
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from recouvrement import services
from recouvrement.db.models import JournalEntry, LetterTemplate, PrintBatch, PrintedLetter
from recouvrement.documents import LetterRenderingError
from recouvrement.domain.customers import CustomerKind
from recouvrement.domain.statuses import ActionType, InterventionStatus
from recouvrement.services import letters as letter_services
from tests.builders import a_contact, a_customer, a_dossier, a_receivable, a_scenario

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")

OPENED = date(2026, 10, 1)
TODAY = date(2026, 10, 20)
LETTER_STEPS = [(0, ActionType.LETTER, "Courrier de relance")]
NOTICE_STEPS = [(0, ActionType.FORMAL_NOTICE, "Mise en demeure")]


def text_of(pdf: bytes) -> str:
    result = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return " ".join(result.stdout.decode().split())


def a_letter_dossier(team, kind=CustomerKind.B2B, steps=LETTER_STEPS, name="Boulangerie Martin"):
    customer = a_customer(team.company, kind=kind, name=name, address="3 rue Mercière")
    a_contact(customer, civility="Madame", last_name="Durand")
    return a_dossier(
        customer,
        today=OPENED,
        scenario=a_scenario(team.company, steps=steps),
        collector=team.collector,
        receivables=[a_receivable(customer, "1234.56", date(2026, 9, 1))],
    )


def test_printing_a_letter_marks_it_done_and_keeps_the_pdf(team):
    dossier = a_letter_dossier(team)
    intervention = dossier.interventions.get()

    result = services.print_letters([intervention], today=TODAY, user=team.collector_user)

    intervention.refresh_from_db()
    assert intervention.status == InterventionStatus.DONE
    assert intervention.done_date == TODAY
    printed = PrintedLetter.objects.get(intervention=intervention)
    assert bytes(printed.batch.pdf) == result.pdf
    text = text_of(result.pdf)
    assert "Boulangerie Martin" in text
    assert "1 234,56 €" in text
    assert "Madame Durand," in text
    assert "le 20 octobre 2026" in text
    entry = JournalEntry.objects.get(action="letter_printed")
    assert entry.after["sha256"] == printed.batch.sha256


def test_the_second_reminder_tells_a_professional_about_penalties_and_the_40_euros(team):
    dossier = a_letter_dossier(team)

    result = services.print_letters(list(dossier.interventions.all()), today=TODAY, user=None)

    text = text_of(result.pdf)
    assert "L441-10" in text
    assert "taux de 12,15 %" in text.replace("\u00a0", " ")
    assert "40,00 €" in text


def test_a_consumer_reads_no_penalty_and_no_indemnity(team):
    dossier = a_letter_dossier(team, kind=CustomerKind.B2C, name="Jeanne Petit")

    result = services.print_letters(list(dossier.interventions.all()), today=TODAY, user=None)

    text = text_of(result.pdf)
    assert "Jeanne Petit" in text
    assert "L441-10" not in text
    assert "40,00 €" not in text


def test_the_formal_notice_is_headed_and_registered(team):
    dossier = a_letter_dossier(team, steps=NOTICE_STEPS)

    result = services.print_letters(list(dossier.interventions.all()), today=TODAY, user=None)

    text = text_of(result.pdf)
    assert "MISE EN DEMEURE" in text
    assert "Lettre recommandée avec accusé de réception" in text


def test_a_batch_prints_every_due_letter_into_one_pdf_with_each_letters_pages(team):
    dossiers = [a_letter_dossier(team, name=f"Client {n}") for n in range(3)]

    result = services.print_due_letters(team.company, today=TODAY)

    assert len(result.interventions) == 3
    for number, dossier in enumerate(dossiers):
        printed = dossier.interventions.get().printed_letter
        assert (printed.first_page, printed.last_page) == (number + 1, number + 1)
        own = letter_services.printed_letter_pdf(printed)
        assert f"Client {number}" in text_of(own)
        assert all(f"Client {other}" not in text_of(own) for other in range(3) if other != number)
    assert services.print_due_letters(team.company, today=TODAY) is None


def test_a_failed_rendering_marks_nothing(team, monkeypatch):
    dossier = a_letter_dossier(team)

    def broken(letters):
        raise LetterRenderingError("typst a échoué")

    monkeypatch.setattr(letter_services, "render_batch", broken)
    with pytest.raises(ValidationError, match="typst a échoué") as refused:
        services.print_due_letters(team.company, today=TODAY)

    assert refused.value.code == "letter_not_rendered"

    assert dossier.interventions.get().status == InterventionStatus.TODO
    assert not PrintBatch.objects.exists()
    assert not JournalEntry.objects.filter(action="letter_printed").exists()


def test_a_missing_default_template_is_refused_and_never_created_by_a_read(team):
    intervention = a_letter_dossier(team).interventions.get()
    LetterTemplate.objects.filter(company=team.company, code="deuxieme_relance").delete()

    with pytest.raises(ValidationError, match="deuxieme_relance"):
        services.print_letters([intervention], today=TODAY, user=None)
    with pytest.raises(ValidationError, match="deuxieme_relance"):
        letter_services.preview_letter(intervention, today=TODAY)

    assert "deuxieme_relance" not in letter_services.letter_templates(team.company)
    assert not PrintBatch.objects.exists()


def test_the_preview_of_a_letter_stores_and_marks_nothing(team, monkeypatch):
    intervention = a_letter_dossier(team).interventions.get()
    templates = LetterTemplate.objects.count()

    pdf = letter_services.preview_letter(intervention, today=TODAY)

    assert "Boulangerie Martin" in text_of(pdf)
    intervention.refresh_from_db()
    assert intervention.status == InterventionStatus.TODO
    assert LetterTemplate.objects.count() == templates
    assert not PrintBatch.objects.exists()

    def broken(letters):
        raise LetterRenderingError("typst a échoué")

    monkeypatch.setattr(letter_services, "render_batch", broken)
    with pytest.raises(ValidationError, match="typst a échoué") as refused:
        letter_services.preview_letter(intervention, today=TODAY)
    assert refused.value.code == "letter_not_rendered"


def test_a_printed_letter_cannot_be_printed_again_nor_its_intervention_deleted(team):
    intervention = a_letter_dossier(team).interventions.get()
    services.print_letters([intervention], today=TODAY, user=None)

    with pytest.raises(ValidationError, match="n'est plus « A faire »"):
        services.print_letters([intervention], today=TODAY, user=None)
    with pytest.raises(ValidationError, match="courrier imprimé"):
        services.delete_intervention(intervention, user=team.manager)


def test_a_step_that_computes_penalties_stores_them_on_the_intervention(team):
    dossier = a_letter_dossier(team)
    dossier.scenario.steps.update(compute_penalties=True)
    intervention = dossier.interventions.get()

    services.print_letters([intervention], today=TODAY, user=None)

    intervention.refresh_from_db()
    # 1 234,56 € late 49 days at 12,15 % = 20,14 €, plus the 40 € indemnity.
    assert intervention.penalty_amount == Decimal("60.14")


def test_only_a_letter_of_ones_own_dossier_is_printed(team):
    intervention = a_letter_dossier(team).interventions.get()

    with pytest.raises(PermissionDenied):
        services.print_letters([intervention], today=TODAY, user=team.other_collector_user)
    with pytest.raises(ValidationError, match="pas un courrier"):
        phone = services.create_intervention(
            intervention.dossier,
            "manual",
            today=TODAY,
            user=None,
            planned_date=TODAY,
            label="Appel",
            action_type=ActionType.PHONE,
        )
        services.print_letters([phone], today=TODAY, user=None)


def test_a_template_with_an_error_is_refused_with_its_line_and_the_old_one_stays(team):
    template = letter_services.letter_templates(team.company)["relance_courtoise"]
    template.body = "Madame,\n\nVotre solde est de {{ total_du }}.\nRéf. {{ dossier.numero\n"

    with pytest.raises(ValidationError, match="Ligne 4"):
        services.save_letter_template(template, user=team.manager)

    template.refresh_from_db()
    assert "Sauf erreur de notre part" in template.body


def test_only_a_manager_edits_the_letter_templates(team):
    template = letter_services.letter_templates(team.company)["relance_courtoise"]
    template.subject = "Rappel amical"

    with pytest.raises(PermissionDenied):
        services.save_letter_template(template, user=team.collector_user)
    services.save_letter_template(template, user=team.manager)

    template.refresh_from_db()
    assert template.subject == "Rappel amical"


def test_a_contractual_rate_below_three_times_the_legal_rate_is_refused(team):
    customer = a_customer(team.company)
    on = date(2026, 3, 1)  # 1st semester 2026: legal rate 2,62 %, floor 7,86 %

    with pytest.raises(ValidationError, match="7,86"):
        services.set_contractual_rate(customer, Decimal("7.50"), today=on, user=team.manager)
    services.set_contractual_rate(customer, Decimal("9.00"), today=on, user=team.manager)
    with pytest.raises(PermissionDenied):
        services.set_contractual_rate(customer, None, today=on, user=team.collector_user)

    customer.refresh_from_db()
    assert customer.contractual_penalty_rate == Decimal("9.00")
