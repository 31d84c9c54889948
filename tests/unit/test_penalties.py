"""Late-payment penalties, indemnity and rates (B2, legal-formats §1.2–§1.5, §1.7): to the cent."""

from dataclasses import FrozenInstanceError
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from recouvrement.domain.customers import CustomerKind
from recouvrement.domain.penalties import (
    ReceivableDue,
    b2b_default_rate,
    b2b_rate_function,
    b2c_interest,
    check_contractual_rate,
    contractual_rate_floor,
    dossier_penalties,
    fixed_indemnity,
    late_interest,
)
from recouvrement.domain.rates import (
    ECB_REFI_RATES,
    ECB_REFI_TABLE,
    LEGAL_OTHER_CASES_TABLE,
    LEGAL_RATES_OTHER_CASES,
    RateTable,
    format_rate,
    semester_start,
)
from recouvrement.domain.rules import RuleViolation

ECB = ECB_REFI_TABLE
LEGAL = LEGAL_OTHER_CASES_TABLE
B2B_RATE = b2b_rate_function(ECB, LEGAL)
TEN_THOUSAND = Decimal("10000.00")


def b2b_interest(amount, due_date, as_of, payments=()):
    return late_interest(Decimal(amount), due_date, as_of, payments, B2B_RATE)


def penalties(*receivables, kind=CustomerKind.B2B, as_of, **options):
    return dossier_penalties(receivables, kind, ecb=ECB, legal=LEGAL, as_of=as_of, **options)


# --- The worked examples of legal-formats §1.4 ---------------------------------------------


def test_45_days_in_the_first_semester_of_2026_at_12_15_percent_cost_149_79():
    due, as_of = date(2025, 12, 31), date(2026, 2, 14)

    interest = b2b_interest(TEN_THOUSAND, due, as_of)

    assert interest.total == Decimal("149.79")
    [period] = interest.periods
    assert (period.start, period.end, period.days) == (date(2026, 1, 1), as_of, 45)
    assert period.rate == Decimal("12.15")


def test_a_delay_across_1_july_uses_each_semesters_rate_and_costs_103_97():
    due, paid = date(2025, 6, 15), date(2025, 7, 15)

    interest = b2b_interest(TEN_THOUSAND, due, paid, [(paid, TEN_THOUSAND)])

    assert interest.total == Decimal("103.97")  # 108,08 € if 13,15 % were kept for 30 days
    assert [(p.start, p.end, p.days, p.rate) for p in interest.periods] == [
        (date(2025, 6, 16), date(2025, 6, 30), 15, Decimal("13.15")),
        (date(2025, 7, 1), date(2025, 7, 15), 15, Decimal("12.15")),
    ]


# --- The engine: periods, payments, semesters ----------------------------------------------


def test_a_partial_payment_lowers_the_balance_period_by_period():
    due, as_of = date(2025, 12, 31), date(2026, 2, 14)

    interest = b2b_interest(TEN_THOUSAND, due, as_of, [(date(2026, 1, 15), Decimal("4000"))])

    assert [(p.days, p.balance) for p in interest.periods] == [
        (15, Decimal("10000.00")),
        (30, Decimal("6000.00")),
    ]
    # (10 000 × 15 + 6 000 × 30) × 12,15 % / 365 = 109,849…
    assert interest.total == Decimal("109.85")


def test_the_payment_day_still_bears_interest_on_the_old_balance():
    due, paid = date(2026, 1, 31), date(2026, 2, 10)

    interest = b2b_interest(TEN_THOUSAND, due, date(2026, 2, 28), [(paid, Decimal("4000"))])

    first, second = interest.periods
    assert (first.end, first.balance) == (paid, Decimal("10000.00"))
    assert (second.start, second.balance) == (paid + timedelta(days=1), Decimal("6000.00"))


def test_nothing_runs_after_the_day_of_the_full_payment():
    due, paid = date(2025, 6, 15), date(2025, 7, 15)

    interest = b2b_interest(TEN_THOUSAND, due, date(2025, 12, 31), [(paid, TEN_THOUSAND)])

    assert interest.total == Decimal("103.97")
    assert interest.periods[-1].end == paid


def test_a_delay_across_1_january_is_split_between_the_two_semesters():
    due, as_of = date(2024, 12, 15), date(2025, 1, 15)

    interest = b2b_interest("1000.00", due, as_of)

    assert [(p.days, p.rate) for p in interest.periods] == [
        (16, Decimal("14.25")),
        (15, Decimal("13.15")),
    ]
    # 1 000 × (14,25 % × 16 + 13,15 % × 15) / 365 = 11,650…
    assert interest.total == Decimal("11.65")


def test_nothing_is_due_on_the_due_date_itself_nor_before():
    due = date(2026, 3, 31)

    on_due_date = b2b_interest(TEN_THOUSAND, due, due)
    before = b2b_interest(TEN_THOUSAND, due, date(2026, 3, 1))
    next_day = b2b_interest(TEN_THOUSAND, due, date(2026, 4, 1))

    assert on_due_date.total == before.total == Decimal("0.00")
    assert on_due_date.periods == before.periods == ()
    assert next_day.periods[0].days == 1


def test_an_overpayment_earns_no_negative_interest():
    due = date(2025, 12, 31)

    interest = b2b_interest("100.00", due, date(2026, 2, 14), [(date(2026, 1, 10), Decimal(500))])

    assert [p.end for p in interest.periods] == [date(2026, 1, 10)]
    assert interest.total > 0


def test_a_payment_dated_on_or_before_the_due_date_is_refused_as_counted_twice():
    due = date(2025, 12, 31)

    with pytest.raises(RuleViolation) as refused:
        b2b_interest(TEN_THOUSAND, due, date(2026, 2, 14), [(due, Decimal(100))])

    assert refused.value.code == "payment_not_after_due_date"
    assert "31/12/2025" in refused.value.message


def test_a_negative_payment_is_refused_in_french():
    with pytest.raises(RuleViolation) as refused:
        b2b_interest(
            TEN_THOUSAND, date(2025, 12, 31), date(2026, 2, 14), [(date(2026, 1, 5), Decimal(-1))]
        )

    assert refused.value.code == "amount_negative"
    assert "règlement du 05/01/2026" in refused.value.message


# --- Rates ----------------------------------------------------------------------------------


def test_the_b2b_rate_uses_the_ecb_rate_in_force_on_1_january():
    assert ECB.rate_on(date(2025, 1, 1)) == Decimal("3.15")
    assert b2b_default_rate(ECB, date(2025, 1, 1)) == Decimal("13.15")


def test_an_ecb_change_mid_semester_waits_for_the_next_semester():
    cut_day = date(2025, 2, 5)

    assert ECB.rate_on(cut_day) == Decimal("2.90")
    assert b2b_default_rate(ECB, cut_day) == Decimal("13.15")
    assert b2b_default_rate(ECB, date(2025, 6, 30)) == Decimal("13.15")
    assert b2b_default_rate(ECB, date(2025, 7, 1)) == Decimal("12.15")


def test_the_published_default_rates_come_out_of_the_seeded_ecb_rates():
    semesters = [date(2024, 1, 1), date(2024, 7, 1), date(2025, 1, 1), date(2025, 7, 1)]

    rates = [b2b_default_rate(ECB, day) for day in [*semesters, date(2026, 2, 14)]]

    assert rates == [Decimal(r) for r in ("14.50", "14.25", "13.15", "12.15", "12.15")]


def test_a_rate_effective_on_1_july_applies_to_the_second_semester():
    table = RateTable([(date(2030, 1, 1), Decimal("1.00")), (date(2030, 7, 1), Decimal("2.00"))])

    assert table.rate_for_semester(date(2030, 6, 30)) == Decimal("1.00")
    assert table.rate_for_semester(date(2030, 9, 1)) == Decimal("2.00")


def test_a_missing_rate_gives_a_french_error_with_the_date():
    with pytest.raises(RuleViolation) as refused:
        b2b_default_rate(ECB, date(1998, 9, 25))  # semester starts 01/07/1998, before the euro

    assert refused.value.code == "rate_unknown"
    assert refused.value.message == "Aucun taux refi BCE connu au 01/07/1998."


def test_the_semester_starts_on_1_january_or_1_july():
    assert semester_start(date(2026, 6, 30)) == date(2026, 1, 1)
    assert semester_start(date(2026, 7, 1)) == date(2026, 7, 1)
    assert semester_start(date(2026, 12, 31)) == date(2026, 7, 1)


def test_a_rate_table_is_sorted_immutable_and_refuses_two_rates_on_one_day():
    table = RateTable(reversed(ECB_REFI_RATES), "refi BCE")

    assert table.entries == ECB_REFI_RATES
    with pytest.raises(FrozenInstanceError):
        table.label = "autre"  # type: ignore[misc]
    with pytest.raises(RuleViolation) as refused:
        RateTable([(date(2026, 1, 1), Decimal(1)), (date(2026, 1, 1), Decimal(2))], "légal")
    assert refused.value.code == "rate_duplicate_date"


def test_the_seed_data_holds_the_published_legal_rates():
    assert LEGAL_RATES_OTHER_CASES[-1] == (date(2026, 1, 1), Decimal("2.62"))
    assert LEGAL.rate_for_semester(date(2025, 9, 1)) == Decimal("2.76")


def test_rates_are_printed_the_french_way():
    assert format_rate(Decimal("7.86")) == "7,86\u00a0%"
    assert format_rate(Decimal("12")) == "12,00\u00a0%"
    assert format_rate(Decimal("12.125")) == "12,125\u00a0%"


# --- Contractual rate -------------------------------------------------------------------------


def test_the_contractual_floor_is_3_times_the_legal_rate_of_the_semester():
    assert contractual_rate_floor(LEGAL, date(2026, 2, 14)) == Decimal("7.86")
    assert contractual_rate_floor(LEGAL, date(2024, 9, 1)) == Decimal("14.76")


def test_a_contractual_rate_below_the_floor_is_refused_with_both_rates():
    with pytest.raises(RuleViolation) as refused:
        check_contractual_rate(Decimal("7.85"), LEGAL, date(2026, 2, 14))

    assert refused.value.code == "contractual_rate_too_low"
    assert "7,85\u00a0%" in refused.value.message
    assert "7,86\u00a0%" in refused.value.message


def test_a_contractual_rate_at_the_floor_is_accepted():
    check_contractual_rate(Decimal("7.86"), LEGAL, date(2026, 2, 14))


def test_an_allowed_contractual_rate_replaces_the_default_rate():
    receivable = ReceivableDue(TEN_THOUSAND, date(2025, 12, 31))

    result = penalties(receivable, as_of=date(2026, 2, 14), contractual_rate=Decimal("8"))

    assert result.rate == Decimal("8")
    assert result.penalties == Decimal("98.63")  # 10 000 × 8 % × 45 / 365 = 98,630…


def test_a_contractual_rate_below_a_semesters_floor_is_raised_to_that_floor():
    receivable = ReceivableDue(TEN_THOUSAND, date(2025, 12, 15))  # S2 2025 floor: 8,28 %

    result = penalties(receivable, as_of=date(2026, 2, 14), contractual_rate=Decimal("8"))

    # 16 days at 8,28 % (the floor of S2 2025), then 45 days at the agreed 8 %.
    assert result.penalties == Decimal("134.93")


def test_a_legal_rate_not_yet_entered_for_the_semester_is_an_error_not_a_guess():
    with pytest.raises(RuleViolation, match="2e semestre 2026 n'est pas connu"):
        LEGAL_OTHER_CASES_TABLE.rate_for_semester(date(2026, 8, 1))


# --- Indemnity and the dossier ------------------------------------------------------------


def test_the_fixed_indemnity_is_40_euros_per_late_invoice_for_professionals_only():
    assert fixed_indemnity(CustomerKind.B2B, 3) == Decimal("120.00")
    assert fixed_indemnity(CustomerKind.B2C, 3) == Decimal("0.00")


def test_a_b2b_dossier_adds_penalties_and_40_euros_per_late_invoice():
    first = ReceivableDue(TEN_THOUSAND, date(2025, 12, 31), invoice="F1")
    second_of_same_invoice = ReceivableDue(Decimal("500"), date(2026, 1, 31), invoice="F1")
    partly_paid = ReceivableDue(
        Decimal("200"), date(2026, 1, 15), ((date(2026, 1, 20), Decimal(150)),), invoice="F2"
    )

    result = penalties(first, second_of_same_invoice, partly_paid, as_of=date(2026, 2, 14))

    assert result.indemnity == Decimal("80.00")  # F1 once, F2 whole despite the payment
    assert result.penalties == sum(d.interest.total for d in result.details)
    assert result.details[0].interest.total == Decimal("149.79")
    assert result.rate == Decimal("12.15")
    assert result.total == result.penalties + result.indemnity


def test_nothing_is_due_when_the_echeance_was_paid_on_time():
    paid_on_time = ReceivableDue(Decimal("0"), date(2026, 1, 15), invoice="F3")

    result = penalties(paid_on_time, as_of=date(2026, 2, 14))

    assert (result.penalties, result.indemnity) == (Decimal("0.00"), Decimal("0.00"))
    assert result.details[0].late is False


def test_a_consumer_owes_nothing_without_a_formal_notice():
    receivable = ReceivableDue(TEN_THOUSAND, date(2025, 10, 31))

    result = penalties(receivable, kind=CustomerKind.B2C, as_of=date(2026, 2, 14))

    assert (result.penalties, result.indemnity) == (Decimal("0.00"), Decimal("0.00"))


def test_a_consumer_owes_legal_interest_only_from_the_day_after_the_formal_notice():
    receivable = ReceivableDue(Decimal("1000.00"), date(2025, 10, 31))
    notice = date(2026, 1, 15)

    result = penalties(
        receivable,
        kind=CustomerKind.B2C,
        as_of=date(2026, 2, 14),
        formal_notice_date=notice,
        contractual_rate=Decimal("20"),  # ignored: L441-10 is for professionals
    )

    [period] = result.details[0].interest.periods
    assert (period.start, period.days, period.rate) == (date(2026, 1, 16), 30, Decimal("2.62"))
    assert result.penalties == Decimal("2.15")  # 1 000 × 2,62 % × 30 / 365 = 2,153…
    assert result.indemnity == Decimal("0.00")
    assert result.rate == Decimal("0")  # no rate is printed to a consumer


def test_a_consumers_payments_before_the_notice_lower_the_balance_interest_starts_on():
    notice = date(2026, 1, 15)
    payments = [(date(2025, 12, 1), Decimal("300")), (notice, Decimal("100"))]

    interest = b2c_interest(
        Decimal("1000"), date(2025, 10, 31), date(2026, 2, 14), payments, LEGAL, notice
    )

    assert interest.periods[0].balance == Decimal("600")
    assert interest.total == Decimal("1.29")  # 600 × 2,62 % × 30 / 365 = 1,292…


def test_a_consumers_legal_interest_is_split_across_1_january():
    interest = b2c_interest(
        Decimal("1000"), date(2025, 10, 31), date(2026, 2, 14), (), LEGAL, date(2025, 12, 15)
    )

    assert [(p.days, p.rate) for p in interest.periods] == [
        (16, Decimal("2.76")),
        (45, Decimal("2.62")),
    ]
    assert interest.total == Decimal("4.44")  # 1 000 × (2,76 % × 16 + 2,62 % × 45) / 365


# --- Properties -------------------------------------------------------------------------------

amounts = st.decimals(min_value=0, max_value=Decimal("1000000"), places=2)
due_dates = st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 6, 30))
offsets = st.integers(min_value=0, max_value=900)
payment_lists = st.lists(
    st.tuples(st.integers(min_value=1, max_value=900), amounts), max_size=4
).map(lambda found: sorted(found))


def dated(due: date, found: list[tuple[int, Decimal]]) -> list[tuple[date, Decimal]]:
    return [(due + timedelta(days=offset), amount) for offset, amount in found]


@given(amounts, due_dates, offsets, payment_lists)
def test_interest_is_never_negative(amount, due, offset, found):
    interest = b2b_interest(amount, due, due + timedelta(days=offset), dated(due, found))

    assert interest.total >= 0
    assert all(period.balance > 0 for period in interest.periods)


@given(amounts, due_dates, offsets, offsets, payment_lists)
def test_interest_never_decreases_as_time_goes_on(amount, due, offset, more, found):
    earlier = due + timedelta(days=offset)
    payments = dated(due, found)

    before = b2b_interest(amount, due, earlier, payments)
    after = b2b_interest(amount, due, earlier + timedelta(days=more), payments)

    assert before.total <= after.total


@given(amounts, amounts, due_dates, offsets, payment_lists)
def test_interest_never_decreases_with_the_amount(amount, extra, due, offset, found):
    as_of, payments = due + timedelta(days=offset), dated(due, found)

    smaller = b2b_interest(amount, due, as_of, payments)
    larger = b2b_interest(amount + extra, due, as_of, payments)

    assert smaller.total <= larger.total


@given(amounts, due_dates, offsets, payment_lists, st.integers(1, 900), amounts)
def test_a_payment_never_increases_the_interest(amount, due, offset, found, day, paid):
    as_of, payments = due + timedelta(days=offset), dated(due, found)

    without = b2b_interest(amount, due, as_of, payments)
    with_payment = b2b_interest(amount, due, as_of, [*payments, *dated(due, [(day, paid)])])

    assert with_payment.total <= without.total
