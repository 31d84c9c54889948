"""B10: an open litige stops every path that claims money — one test per path — and is
journaled; only a manager or the dossier's collector opens or resolves one."""

import shutil
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from recouvrement import services
from recouvrement.db.models import (
    Dispute,
    DisputeReason,
    DisputeResult,
    DisputeStatus,
    JournalEntry,
    Resolution,
)
from recouvrement.domain.audit import DISPUTE_OPENED, DISPUTE_RESOLVED
from recouvrement.domain.statuses import ActionType, InterventionStatus
from recouvrement.services import letters as letter_services
from recouvrement.services.batch import prepare_due
from recouvrement.services.dispute_reads import wholly_disputed
from recouvrement.services.letter_content import compose_letters
from recouvrement.services.penalties import dossier_penalties_on
from recouvrement.services.step_emails import email_attachment, email_preview
from tests.builders import a_contact, a_customer, a_dossier, a_receivable, a_scenario
from tests.integration.test_letter_amounts import text_of

OPENED = date(2026, 10, 1)
TODAY = date(2026, 10, 20)
needs_pdftotext = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="needs poppler-utils (pdftotext)"
)


def a_reason(company, label="Prix contesté"):
    return DisputeReason.objects.create(company=company, label=label)


@pytest.fixture
def disputed(team):
    """A professional owes two invoices: 1 000 € (not disputed) and 700 € (in litige)."""
    customer = a_customer(
        team.company, name="Boulangerie Martin", address="3 rue Mercière", postal_code="69002"
    )
    a_contact(customer, email="compta@martin.fr")
    kept = a_receivable(customer, "1000.00", date(2026, 9, 1))
    contested = a_receivable(customer, "700.00", date(2026, 9, 5))
    scenario = a_scenario(team.company, steps=[(0, ActionType.LETTER, "Courrier de relance")])
    scenario.steps.update(compute_penalties=True)
    dossier = a_dossier(
        customer,
        today=OPENED,
        scenario=scenario,
        collector=team.collector,
        receivables=[kept, contested],
    )
    services.open_dispute(
        dossier,
        reason=a_reason(team.company),
        amount=Decimal("700.00"),
        receivables=[contested],
        owner=team.collector,
        comment="Livraison incomplète",
        today=OPENED,
        user=team.collector_user,
    )
    return dossier, kept, contested


def test_letters_leave_the_disputed_echeance_out_of_table_and_totals(disputed):
    dossier, kept, contested = disputed
    [letter] = compose_letters([dossier.interventions.get()], today=TODAY)
    assert [row.piece for row in letter.context.echeances] == [kept.reference]
    assert letter.context.total_due == Decimal("1000.00")
    assert letter.context.disputed_total == Decimal("700.00")
    texts = str(letter.content.blocks)
    assert contested.reference not in texts and "hors montants en litige" in texts


@needs_pdftotext
def test_the_printed_pdf_never_shows_the_disputed_echeance(disputed):
    dossier, kept, contested = disputed
    step = dossier.interventions.get()
    text = text_of(services.print_letters([step], today=TODAY, user=None).pdf)
    preview = text_of(letter_services.preview_letter(step, today=TODAY))
    for shown in (text, preview):
        assert kept.reference in shown and contested.reference not in shown
        assert "hors montants en litige" in shown
        assert "1 700,00" not in shown and "700,00 €" in shown  # only in the note


def test_the_email_body_and_attachment_leave_the_disputed_echeance_out(team, disputed):
    dossier, kept, contested = disputed
    step = dossier.interventions.get()
    step.action_type = ActionType.EMAIL
    step.save(update_fields=["action_type"])
    preview = email_preview(step, today=TODAY)
    assert preview.error in ("", None)
    body = preview.body.replace("\u202f", " ").replace("\xa0", " ")
    assert "total restant dû : 1 000,00 € hors montants en litige" in body
    assert contested.reference not in body and "1 700" not in body
    if shutil.which("pdftotext"):
        attached = text_of(email_attachment(step, today=TODAY))
        assert contested.reference not in attached and "hors montants en litige" in attached


def test_penalties_are_not_claimed_on_the_disputed_echeance(team, disputed):
    dossier, _, contested = disputed
    with_dispute = dossier_penalties_on([dossier.pk], TODAY, company=team.company)[dossier.pk]
    Dispute.objects.filter(dossier=dossier).delete()
    without = dossier_penalties_on([dossier.pk], TODAY, company=team.company)[dossier.pk]
    # 1 000 € × 12,15 % × 49 / 365 = 16,31 €; the 700 € in litige would add its own.
    assert with_dispute.penalties == Decimal("16.31")
    assert without.penalties > with_dispute.penalties


def test_prepare_does_not_advance_a_dossier_whose_whole_balance_is_disputed(team):
    customer = a_customer(team.company)
    scenario = a_scenario(
        team.company,
        steps=[(0, ActionType.TASK, "Appel"), (5, ActionType.LETTER, "Courrier de relance")],
    )
    dossier = a_dossier(customer, today=OPENED, scenario=scenario, collector=team.collector)
    first = dossier.interventions.get()
    first.status, first.done_date = InterventionStatus.DONE, OPENED
    first.save(update_fields=["status", "done_date"])
    services.open_dispute(
        dossier,
        reason=a_reason(team.company),
        amount=Decimal("100.00"),
        today=OPENED,
        user=team.manager,
    )
    summary = prepare_due(TODAY, company=team.company)
    assert (summary.created, summary.disputed) == (0, 1)
    assert summary.as_json()["disputed"] == 1
    dispute = Dispute.objects.get(dossier=dossier)
    services.resolve_dispute(
        dispute,
        resolution=None,
        result=DisputeResult.MAINTAINED,
        today=TODAY,
        user=team.manager,
    )
    assert prepare_due(TODAY, company=team.company).created == 1


@pytest.mark.parametrize("others", [0, 2000], ids=["few ids", "a long list of ids"])
def test_the_wholly_disputed_dossiers_are_found_in_short_and_long_lists(team, others):
    """`prepare` asks about every candidate: past 1 000 ids the open litiges are read whole
    and matched in Python (no IN list of 100 000 ids): the answer is the same."""
    dossier = a_dossier(a_customer(team.company), today=OPENED)
    services.open_dispute(
        dossier,
        reason=a_reason(team.company),
        amount=Decimal("100.00"),
        today=OPENED,
        user=team.manager,
    )
    elsewhere = a_dossier(a_customer(team.company, code="C2"), today=OPENED)
    services.open_dispute(
        elsewhere,
        reason=a_reason(team.company, "Autre"),
        amount=Decimal("100.00"),
        today=OPENED,
        user=team.manager,
    )
    ids = [dossier.pk, *range(elsewhere.pk + 1, elsewhere.pk + 1 + others)]
    assert wholly_disputed(ids) == {dossier.pk}


def test_a_partial_dispute_lets_prepare_go_on(team, disputed):
    dossier, _, _ = disputed
    step = dossier.interventions.get()
    step.status, step.done_date = InterventionStatus.DONE, OPENED
    step.save(update_fields=["status", "done_date"])
    assert prepare_due(TODAY, company=team.company).disputed == 0


def test_opening_and_resolving_are_journaled(team, disputed):
    dossier, _, contested = disputed
    opened = JournalEntry.objects.get(dossier=dossier, action=DISPUTE_OPENED)
    assert "Litige ouvert (Prix contesté) : 700,00" in opened.message.replace("\u202f", " ")
    assert contested.reference in opened.message
    dispute = Dispute.objects.get(dossier=dossier)
    services.resolve_dispute(
        dispute,
        resolution=Resolution.objects.create(company=team.company, label="Avoir émis"),
        result=DisputeResult.CREDIT_NOTE,
        comment="Avoir AV-12",
        today=TODAY,
        user=team.collector_user,
    )
    dispute.refresh_from_db()
    assert (dispute.status, dispute.resolved_on) == (DisputeStatus.RESOLVED, TODAY)
    resolved = JournalEntry.objects.get(dossier=dossier, action=DISPUTE_RESOLVED)
    assert resolved.message.startswith("Litige résolu (Avoir, Avoir émis)")
    [letter] = compose_letters([dossier.interventions.get()], today=TODAY)
    assert letter.context.disputed_total == Decimal("0.00")  # claimed again
    assert len(letter.context.echeances) == 2


def test_reader_and_other_collector_may_not_open_nor_resolve(team, disputed):
    dossier, _, _ = disputed
    dispute = Dispute.objects.get(dossier=dossier)
    for user in (team.reader, team.other_collector_user):
        with pytest.raises(PermissionDenied):
            services.open_dispute(
                dossier,
                reason=a_reason(team.company, f"M{user.pk}"),
                amount=Decimal("1"),
                today=TODAY,
                user=user,
            )
        with pytest.raises(PermissionDenied):
            services.resolve_dispute(
                dispute, resolution=None, result="avoir", today=TODAY, user=user
            )


@pytest.mark.parametrize(
    "amount, message",
    [(Decimal("0"), "positif"), (Decimal("1000.01"), "dépasse"), (None, "positif")],
)
def test_the_amount_is_positive_and_at_most_the_open_amount(team, disputed, amount, message):
    dossier, kept, _ = disputed
    with pytest.raises(ValidationError, match=message):
        services.open_dispute(
            dossier,
            reason=a_reason(team.company, "Qualité"),
            amount=amount,
            receivables=[kept],
            today=TODAY,
            user=team.manager,
        )


def test_a_dispute_is_resolved_once_with_a_known_result(team, disputed):
    dossier, _, _ = disputed
    dispute = Dispute.objects.get(dossier=dossier)
    with pytest.raises(ValidationError, match="résultat"):
        services.resolve_dispute(dispute, resolution=None, result="x", today=TODAY, user=None)
    services.resolve_dispute(dispute, resolution=None, result="abandon", today=TODAY, user=None)
    with pytest.raises(ValidationError, match="déjà résolu"):
        services.resolve_dispute(dispute, resolution=None, result="abandon", today=TODAY, user=None)


def test_the_worklist_row_and_the_dossier_page_show_en_litige(client, team, disputed, monkeypatch):
    from django.urls import reverse
    from django.utils import timezone

    dossier, kept, contested = disputed
    monkeypatch.setattr(timezone, "localdate", lambda *args: TODAY)
    client.force_login(team.manager)
    worklist = client.get(reverse("worklist")).content.decode()
    assert dossier.number in worklist and "En litige" in worklist
    detail = client.get(reverse("dossier_detail", args=[dossier.pk])).content.decode()
    row = detail[detail.index(contested.reference) :][:200]
    assert "En litige" in row
    assert "En litige" not in detail[detail.index(kept.reference) :][:120]


def test_dashboard_figures_count_amount_and_age_of_open_disputes(team, disputed):
    from recouvrement.services.dispute_reads import dispute_figures

    figures = dispute_figures(team.company.pk, TODAY)
    assert (figures.count, figures.amount) == (1, Decimal("700.00"))
    assert figures.average_age_days == figures.oldest_age_days == 19
