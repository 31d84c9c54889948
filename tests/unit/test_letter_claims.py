"""What a letter claims (issue 11 §5), pure domain: invoices paid late, each rate applied,
[B2C: …] blocks and the consumer's legal interest after the mise en demeure."""

from datetime import date
from decimal import Decimal

from recouvrement.domain.balances import counts_as_charge
from recouvrement.domain.customers import CustomerKind
from recouvrement.domain.default_letters import DEFAULT_TEMPLATES
from recouvrement.domain.letter_templates import parse_template
from recouvrement.domain.letters import compose_letter, compose_text, format_rates
from recouvrement.domain.penalties import (
    RateSpan,
    ReceivableDue,
    dossier_penalties,
    late_paid_penalties,
    receivable_due,
)
from recouvrement.domain.rates import ECB_REFI_TABLE, LEGAL_OTHER_CASES_TABLE
from recouvrement.domain.statuses import InterventionStatus
from tests.unit.test_letter_templates import a_letter_context, text_of

RATES = {"ecb": ECB_REFI_TABLE, "legal": LEGAL_OTHER_CASES_TABLE}
THOUSAND = Decimal("1000.00")


def paid_in_full(due: date, paid_on: date, invoice: str = "F1") -> ReceivableDue:
    return receivable_due(Decimal("0"), due, invoice, [(paid_on, THOUSAND)])


def test_only_interventions_done_charge_fees_and_penalties():
    assert counts_as_charge(InterventionStatus.DONE)
    assert not counts_as_charge(InterventionStatus.TODO)
    assert not counts_as_charge("skipped")


def test_an_invoice_paid_20_days_late_owes_20_days_of_penalties_and_40_euros():
    late = paid_in_full(date(2026, 3, 1), date(2026, 3, 21))

    result = late_paid_penalties([late], CustomerKind.B2B, **RATES)

    assert late.paid_late and late.amount_due == THOUSAND
    assert result.penalties == Decimal("6.66")  # 1 000 × 12,15 % × 20 / 365
    assert result.indemnity == Decimal("40.00")
    assert result.details[0].days_late == 20


def test_a_consumer_paying_late_before_any_notice_owes_nothing():
    late = paid_in_full(date(2026, 3, 1), date(2026, 3, 21))

    result = late_paid_penalties([late], CustomerKind.B2C, **RATES)

    assert result.total == Decimal("0.00")


def test_an_invoice_paid_on_time_or_still_open_is_not_paid_late():
    on_time = receivable_due(Decimal("0"), date(2026, 3, 1), "F1", [(date(2026, 3, 1), THOUSAND)])
    partly = receivable_due(Decimal("10"), date(2026, 3, 1), "F2", [(date(2026, 3, 5), THOUSAND)])

    assert not on_time.paid_late and not on_time.payments
    assert not partly.paid_late


def test_the_dossier_claims_the_invoices_paid_late_only_when_asked_and_40_euros_once():
    still_open = ReceivableDue(THOUSAND, date(2026, 9, 1), invoice="F9")
    same_invoice_paid = paid_in_full(date(2026, 8, 1), date(2026, 8, 11), invoice="F9")
    other_paid = paid_in_full(date(2026, 3, 1), date(2026, 3, 21), invoice="F1")
    options = {"as_of": date(2026, 10, 20), "late_paid": [same_invoice_paid, other_paid]}

    left = dossier_penalties([still_open], CustomerKind.B2B, **RATES, **options)
    claimed = dossier_penalties(
        [still_open], CustomerKind.B2B, **RATES, **options, claim_late_paid=True
    )

    assert (left.penalties, left.indemnity) == (Decimal("16.31"), Decimal("40.00"))
    assert left.late_paid.indemnity == Decimal("40.00")  # F9 owes its 40 € with its open part
    assert claimed.penalties == left.penalties + left.late_paid.penalties
    assert claimed.indemnity == Decimal("80.00")


def test_the_rates_applied_are_each_semesters_merged_while_equal():
    receivable = ReceivableDue(THOUSAND, date(2025, 6, 15))

    result = dossier_penalties([receivable], CustomerKind.B2B, **RATES, as_of=date(2026, 2, 1))

    assert result.rate_spans == (
        RateSpan(Decimal("13.15"), date(2025, 1, 1), date(2025, 6, 30)),
        RateSpan(Decimal("12.15"), date(2025, 7, 1), date(2026, 6, 30)),
    )
    assert format_rates(result.rate_spans, result.rate) == (
        "13,15\u00a0% jusqu'au 30/06/2025, puis 12,15\u00a0%"
    )
    assert format_rates((), Decimal("12.15")) == "12,15\u00a0%"


def test_b2c_blocks_print_for_consumers_only():
    template = parse_template("Objet", "Début.[B2B: Pro.][B2C: Particulier.] Fin.")

    professional = compose_letter(template, a_letter_context(is_b2b=True))
    consumer = compose_letter(template, a_letter_context(is_b2b=False))

    assert text_of(professional.blocks) == "Début. Pro. Fin."
    assert text_of(consumer.blocks) == "Début. Particulier. Fin."


def test_the_legal_interest_line_prints_only_once_interest_is_due():
    template = DEFAULT_TEMPLATES["mise_en_demeure"].parsed()
    spans = (RateSpan(Decimal("2.62"), date(2026, 1, 1), date(2026, 6, 30)),)
    due = a_letter_context(is_b2b=False, legal_interest=Decimal("2.66"), legal_interest_rates=spans)

    before = text_of(compose_letter(template, a_letter_context(is_b2b=False)).blocks)
    after = text_of(compose_letter(template, due).blocks)
    professional = text_of(
        compose_letter(template, a_letter_context(legal_interest=Decimal("2.66"))).blocks
    )
    _, email = compose_text(template, due)

    assert "depuis la mise en demeure" not in before
    assert "depuis la mise en demeure (taux de 2,62\u00a0%) : 2,66\u00a0€ ;" in after
    assert "la somme de 1\u202f337,22\u00a0€" in after  # 1 334,56 + 2,66
    assert "depuis la mise en demeure" not in professional
    assert "fait courir les intérêts au taux légal" not in professional
    assert "- intérêts au taux légal depuis la mise en demeure (taux de 2,62" in email
