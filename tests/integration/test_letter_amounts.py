"""Amounts are the letter's amounts (issue 11 §5): « Frais et pénalités » counts what was done,
invoices paid late owe their penalties, and a letter claims what the law lets it claim."""

import html
import importlib
import shutil
import subprocess
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from recouvrement import services
from recouvrement.db.models import (
    Allocation,
    Intervention,
    JournalEntry,
    LetterTemplate,
    Payment,
    Receivable,
)
from recouvrement.db.queries import dossier_page, dossier_rows
from recouvrement.db.worklist import worklist_rows
from recouvrement.domain.customers import CustomerKind
from recouvrement.domain.default_letters import DEFAULT_TEMPLATES
from recouvrement.domain.statuses import ActionType, InterventionKind, InterventionStatus
from recouvrement.services import letters as letter_services
from recouvrement.services.company_settings import CompanySettings, save_company_settings
from tests.builders import a_company, a_contact, a_customer, a_dossier, a_receivable, a_scenario

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")

OPENED = date(2026, 10, 1)
TODAY = date(2026, 10, 20)
LATER = date(2026, 11, 20)
SENTENCE = "fait courir les intérêts au taux légal"


def text_of(pdf: bytes) -> str:
    """The PDF's words, the no-break spaces of amounts and rates read as plain spaces."""
    result = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    )
    words = result.stdout.decode().replace("\u202f", " ").replace("\u00a0", " ")
    return " ".join(words.split())


def plain(page: str) -> str:
    return html.unescape(page).replace("\u202f", " ").replace("\u00a0", " ")


def a_customer_with_address(company, kind=CustomerKind.B2B, name="Boulangerie Martin"):
    customer = a_customer(
        company, kind=kind, name=name, address="3 rue Mercière", postal_code="69002"
    )
    a_contact(customer)
    return customer


def a_dossier_with(team, customer, steps, receivables, *, penalties=True, opened=OPENED):
    scenario = a_scenario(team.company, steps=steps)
    scenario.steps.update(compute_penalties=penalties)
    return a_dossier(
        customer,
        today=opened,
        scenario=scenario,
        collector=team.collector,
        receivables=receivables,
    )


def print_step(dossier, today) -> bytes:
    step = dossier.interventions.get(status=InterventionStatus.TODO)
    return services.print_letters([step], today=today, user=None).pdf


# --- « Frais et pénalités »: only what was done, the same figure in four places -------------


def test_frais_et_penalites_count_interventions_done_and_agree_in_the_four_places(
    client, team, monkeypatch
):
    customer = a_customer_with_address(team.company)
    steps = [
        (0, ActionType.FORMAL_NOTICE, "Mise en demeure"),
        (31, ActionType.TASK, "Transmission au contentieux"),
    ]
    receivable = a_receivable(customer, "1234.56", date(2026, 9, 1))
    dossier = a_dossier_with(team, customer, steps, [receivable])
    notice = dossier.interventions.get()
    # Préparer computed the notice's penalties on its day: « A faire », they count for nothing.
    assert notice.penalty_amount == Decimal("52.33")
    assert dossier_page(team.company, dossier.pk).figures.charges == Decimal("0.00")

    letter = text_of(print_step(dossier, TODAY))
    # Never « Ignorée »: its fee is not charged.
    Intervention.objects.create(
        dossier=dossier,
        company=team.company,
        kind=InterventionKind.MANUAL,
        label="Frais d'huissier abandonnés",
        planned_date=TODAY,
        status=InterventionStatus.SKIPPED,
        done_date=TODAY,
        fee_amount=Decimal("25.00"),
    )
    task = services.prepare_next_intervention(dossier, today=LATER, user=None)
    assert task.penalty_amount > Decimal("60.14")  # computed later, still « A faire »

    # The letter: 1 234,56 € late 49 days at 12,15 % = 20,14 €, plus the 40 € indemnity.
    assert "la somme de 1 294,70 €" in letter
    assert "12,15 %) : 20,14 €" in letter and "(article D441-5) : 40,00 €" in letter
    row = dossier_rows(team.company).get(pk=dossier.pk)
    page = dossier_page(team.company, dossier.pk)
    worklist = worklist_rows(team.company, LATER)
    assert row.charges == page.figures.charges == Decimal("60.14")
    assert row.balance == page.figures.balance == worklist.balances[dossier.pk]
    assert worklist.balances[dossier.pk] == Decimal("1294.70")
    monkeypatch.setattr(timezone, "localdate", lambda *args: LATER)
    client.force_login(team.manager)
    shown = {
        name: plain(client.get(reverse(name, args=args)).content.decode())
        for name, args in (("dossier_list", ()), ("dossier_detail", [dossier.pk]), ("worklist", ()))
    }
    assert all("1 294,70 €" in text for text in shown.values())
    assert "60,14 €" in shown["dossier_detail"]


# --- Invoices paid late (B2B): penalties and 40 €, claimed when the company says so ---------


def given_paid_late(receivable: Receivable, paid_on: date) -> None:
    """The books say this invoice was paid in full on `paid_on` (as an import records it)."""
    payment = Payment.objects.create(
        company=receivable.company,
        customer=receivable.customer,
        date=paid_on,
        amount=receivable.amount,
        reference="VIR-0321",
    )
    Allocation.objects.create(payment=payment, receivable=receivable, amount=receivable.amount)
    Receivable.objects.filter(pk=receivable.pk).update(open_amount=Decimal("0.00"))


def claim_late_paid(team, claim: bool) -> None:
    wanted = replace(CompanySettings.of(team.company), claim_late_paid_penalties=claim)
    save_company_settings(team.company, wanted, today=TODAY, user=team.manager)


@pytest.fixture
def paid_late(team):
    """A professional's dossier: an invoice still open (16,31 € of penalties on 20/10/2026)
    and one of 1 000 € due 01/03/2026, paid 20 days late on 21/03/2026."""
    customer = a_customer_with_address(team.company)
    still_open = a_receivable(customer, "1000.00", date(2026, 9, 1))
    late = a_receivable(customer, "1000.00", date(2026, 3, 1))
    steps = [(0, ActionType.LETTER, "Courrier de relance")]
    dossier = a_dossier_with(team, customer, steps, [still_open, late])
    given_paid_late(late, date(2026, 3, 21))
    return dossier, late


def test_an_invoice_paid_20_days_late_owes_40_euros_and_20_days_of_penalties_on_the_dossier(
    client, team, paid_late
):
    dossier, late = paid_late
    client.force_login(team.collector_user)

    response = client.get(reverse("dossier_detail", args=[dossier.pk]))

    section = response.context["page"].late_paid
    # 1 000 € × 12,15 % (1st semester 2026: ECB 2,15 % + 10) × 20 / 365 = 6,657… → 6,66 €
    assert (section.penalties, section.indemnity, section.total) == (
        Decimal("6.66"),
        Decimal("40.00"),
        Decimal("46.66"),
    )
    [row] = section.rows
    assert (row.reference, row.paid_on, row.days_late) == (late.reference, date(2026, 3, 21), 20)
    page = plain(response.content.decode())
    assert "Pénalités sur factures réglées en retard" in page
    assert "21/03/2026" in page and "6,66 €" in page and "46,66 €" in page
    assert "Non réclamées par les courriers" in page


def test_letters_claim_the_invoices_paid_late_only_when_the_company_says_so(team, paid_late):
    dossier, _ = paid_late
    letter = dossier.interventions.get()

    not_claimed = text_of(letter_services.preview_letter(letter, today=TODAY))
    claim_late_paid(team, True)
    claimed_preview = text_of(letter_services.preview_letter(letter, today=TODAY))
    services.print_letters([letter], today=TODAY, user=None)

    # 1 000 € open, 49 days late at 12,15 % = 16,31 €; the invoice paid late adds 6,66 € + 40 €.
    assert "s'élèvent à 16,31 € de pénalités et 40,00 € d'indemnités" in not_claimed
    assert "s'élèvent à 22,97 € de pénalités et 80,00 € d'indemnités" in claimed_preview
    letter.refresh_from_db()
    assert letter.penalty_amount == Decimal("102.97")
    page = dossier_page(team.company, dossier.pk)
    assert page.figures.charges == Decimal("102.97")
    assert page.late_paid.claimed
    assert JournalEntry.objects.filter(
        action="company_settings_changed",
        message__contains="réclamer les pénalités des factures réglées en retard",
    ).exists()


def test_the_manager_sets_the_claim_on_the_company_page(client, team):
    client.force_login(team.manager)
    form = client.get(reverse("company_settings"))
    fields = {
        "name": team.company.name,
        "city": team.company.city,
        "default_payment_terms_days": 30,
        "payment_deadline_days": 8,
        "claim_late_paid_penalties": "on",
    }

    saved = client.post(reverse("company_settings"), fields)

    assert "Réclamer les pénalités des factures réglées en retard" in form.content.decode()
    assert saved.status_code == 302
    team.company.refresh_from_db()
    assert team.company.claim_late_paid_penalties


# --- What a letter says: B2B and B2C, and every rate applied --------------------------------


def test_a_professionals_formal_notice_does_not_say_it_makes_legal_interest_run(team):
    steps = [(0, ActionType.FORMAL_NOTICE, "Mise en demeure")]
    professional = a_customer_with_address(team.company)
    consumer = a_customer_with_address(team.company, CustomerKind.B2C, "Jeanne Petit")
    receivable = a_receivable(professional, "1234.56", date(2026, 9, 1))
    b2b = a_dossier_with(team, professional, steps, [receivable])
    b2c = a_dossier_with(team, consumer, steps, [a_receivable(consumer, "1234.56")])

    b2b_text, b2c_text = text_of(print_step(b2b, TODAY)), text_of(print_step(b2c, TODAY))

    assert SENTENCE not in b2b_text
    assert "Les pénalités de retard continuent de courir jusqu'au complet paiement." in b2b_text
    assert SENTENCE in b2c_text
    assert "L441-10" not in b2c_text and "40,00 €" not in b2c_text


def test_a_consumers_second_notice_claims_the_legal_interest_run_since_the_first(team):
    consumer = a_customer_with_address(team.company, CustomerKind.B2C, "Jeanne Petit")
    steps = [
        (0, ActionType.FORMAL_NOTICE, "Mise en demeure"),
        (30, ActionType.FORMAL_NOTICE, "Dernière mise en demeure"),
    ]
    receivable = a_receivable(consumer, "1234.56", date(2026, 1, 15))
    dossier = a_dossier_with(team, consumer, steps, [receivable], opened=date(2026, 2, 1))
    first = text_of(print_step(dossier, date(2026, 3, 1)))
    services.prepare_next_intervention(dossier, today=date(2026, 3, 31), user=None)

    second = text_of(print_step(dossier, date(2026, 3, 31)))

    assert "intérêts au taux légal" not in first.replace(SENTENCE, "")  # none due yet
    # 1 234,56 € × 2,62 % (legal rate, 1st semester 2026) × 30 days / 365 = 2,66 €
    assert "depuis la mise en demeure (taux de 2,62 %) : 2,66 €" in second
    assert "la somme de 1 237,22 €" in second


def test_a_lateness_across_two_semesters_prints_each_rate_applied(team):
    customer = a_customer_with_address(team.company)
    steps = [(0, ActionType.LETTER, "Courrier de relance")]
    receivable = a_receivable(customer, "10000.00", date(2025, 6, 15))
    dossier = a_dossier_with(team, customer, steps, [receivable], opened=date(2025, 7, 1))

    text = text_of(print_step(dossier, date(2025, 7, 15)))

    # 1st semester 2025: ECB 3,15 % + 10; from 1 July: 2,15 % + 10 (legal-formats §1.4: 103,97 €)
    assert "au taux de 13,15 % jusqu'au 30/06/2025, puis 12,15 % l'an" in text
    assert "s'élèvent à 103,97 € de pénalités" in text


# --- The companies' own copy of the default mise en demeure --------------------------------


def _apps_writing_a_chained_journal():
    """The models as migration 0011 sees them, on today's schema: its journal rows are chained
    by services.journal (on a real upgrade, migration 0012 chains them afterwards)."""
    from types import SimpleNamespace

    from recouvrement.services.journal import save_entries

    def create(**fields):
        return save_entries([JournalEntry(**fields)])[0]

    journal = SimpleNamespace(objects=SimpleNamespace(create=create))
    models = {"LetterTemplate": LetterTemplate, "JournalEntry": journal}
    return SimpleNamespace(get_model=lambda app, name: models[name])


def test_the_migration_updates_the_untouched_default_notice_and_leaves_an_edited_one(team):
    migration = importlib.import_module("recouvrement.db.migrations.0011_letters_charges")
    edited_company = a_company(name="Texte Maison SARL")
    untouched = LetterTemplate.objects.get(company=team.company, code="mise_en_demeure")
    edited = LetterTemplate.objects.get(company=edited_company, code="mise_en_demeure")
    LetterTemplate.objects.filter(pk=untouched.pk).update(
        body=migration.OLD_BODY.replace("\n", "\r\n")  # saved once from the browser
    )
    own_text = migration.OLD_BODY.replace("restées sans effet", "restées vaines")
    LetterTemplate.objects.filter(pk=edited.pk).update(body=own_text)

    migration.forwards(_apps_writing_a_chained_journal(), None)

    untouched.refresh_from_db()
    edited.refresh_from_db()
    assert untouched.body == DEFAULT_TEMPLATES["mise_en_demeure"].body == migration.NEW_BODY
    assert edited.body == own_text
    [entry] = JournalEntry.objects.filter(action="letter_template_updated")
    assert entry.company_id == team.company.pk and entry.dossier_id is None
