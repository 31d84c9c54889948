"""Rate tables (B2, legal-formats §1.5): the published seed, lookups, what a manager may add,
and a semester without its legal rate refused rather than filled with an older one."""

from datetime import date
from decimal import Decimal

import pytest

from recouvrement.domain.customers import CustomerKind
from recouvrement.domain.penalties import (
    ReceivableDue,
    b2b_default_rate,
    contractual_rate_floor,
    dossier_penalties,
)
from recouvrement.domain.rates import (
    ECB_REFI_RATES,
    ECB_REFI_TABLE,
    LEGAL_OTHER_CASES_TABLE,
    LEGAL_PRIVATE_TABLE,
    LEGAL_RATES,
    RateKind,
    RateTable,
    check_new_rate,
    missing_rates,
    parse_rate,
    semester_label,
    semesters,
)
from recouvrement.domain.rules import RuleViolation

ECB, PRO, PART = ECB_REFI_TABLE, LEGAL_OTHER_CASES_TABLE, LEGAL_PRIVATE_TABLE
TABLES = {RateKind.ECB: ECB, RateKind.LEGAL_PRO: PRO, RateKind.LEGAL_PART: PART}


# --- The seed: published values, cross-checked on known anchors -------------------------------


def test_the_ecb_history_starts_with_the_euro_and_ends_with_the_june_2025_cut():
    assert ECB_REFI_RATES[0] == (date(1999, 1, 1), Decimal("3.00"))
    assert ECB_REFI_RATES[-1] == (date(2025, 6, 11), Decimal("2.15"))
    assert ECB.rate_on(date(1999, 4, 9)) == Decimal("2.50")
    assert ECB.rate_on(date(2000, 10, 6)) == Decimal("4.75")  # the euro's highest refi rate
    assert ECB.rate_on(date(2008, 10, 14)) == Decimal("4.25")
    assert ECB.rate_on(date(2008, 10, 15)) == Decimal("3.75")


def test_the_ecb_rate_was_zero_from_16_march_2016_to_26_july_2022():
    assert ECB.rate_on(date(2016, 3, 15)) == Decimal("0.05")
    assert ECB.rate_on(date(2016, 3, 16)) == Decimal("0.00")
    assert ECB.rate_on(date(2022, 7, 26)) == Decimal("0.00")
    assert ECB.rate_on(date(2022, 7, 27)) == Decimal("0.50")


def test_the_ecb_seed_lists_each_change_once_in_date_order():
    days = [day for day, _ in ECB_REFI_RATES]
    rates = [rate for _, rate in ECB_REFI_RATES]

    assert days == sorted(set(days))
    assert all(before != after for before, after in zip(rates, rates[1:], strict=False))


def test_the_b2b_default_rates_of_the_reference_come_out_of_the_ecb_history():
    expected = {
        date(2023, 1, 1): "12.50",
        date(2023, 7, 1): "14.00",
        date(2024, 1, 1): "14.50",
        date(2024, 7, 1): "14.25",
        date(2025, 1, 1): "13.15",
        date(2025, 7, 1): "12.15",
        date(2026, 1, 1): "12.15",
    }

    assert {day: str(b2b_default_rate(ECB, day)) for day in expected} == expected


def test_both_legal_rates_are_seeded_for_every_semester_from_2015_to_the_first_of_2026():
    starts = semesters(date(2015, 1, 1), date(2026, 1, 1))

    assert [day for day, _, _ in LEGAL_RATES] == list(starts)
    assert len(starts) == 23
    assert all(PRO.has_semester(day) and PART.has_semester(day) for day in starts)


def test_the_legal_rate_anchors_of_the_arrêtés():
    anchors = {  # semester: (« particuliers », « autres cas »)
        date(2015, 1, 1): ("4.06", "0.93"),
        date(2017, 7, 1): ("3.94", "0.90"),
        date(2019, 7, 1): ("3.26", "0.87"),
        date(2022, 7, 1): ("3.15", "0.77"),
        date(2024, 1, 1): ("8.01", "5.07"),
        date(2024, 7, 1): ("8.16", "4.92"),
        date(2026, 1, 1): ("6.67", "2.62"),
    }

    for day, (private, other) in anchors.items():
        assert PART.rate_for_semester(day) == Decimal(private)
        assert PRO.rate_for_semester(day) == Decimal(other)
    assert contractual_rate_floor(PRO, date(2026, 3, 1)) == Decimal("7.86")  # reference §1.5


# --- Lookups ------------------------------------------------------------------------------------


def test_a_semester_uses_the_ecb_rate_in_force_on_its_first_day():
    # Cut of 11/06/2025 → the 2nd semester 2025 uses 2,15 %, its first days included.
    assert ECB.rate_for_semester(date(2025, 6, 30)) == Decimal("3.15")
    assert ECB.rate_for_semester(date(2025, 7, 1)) == Decimal("2.15")
    assert ECB.rate_for_semester(date(2025, 12, 31)) == Decimal("2.15")


def test_no_ecb_rate_before_the_euro():
    with pytest.raises(RuleViolation) as refused:
        ECB.rate_for_semester(date(1998, 9, 25))

    assert refused.value.message == "Aucun taux refi BCE connu au 01/07/1998."


def test_a_semester_without_its_own_legal_rate_is_refused_naming_it_not_filled_with_the_last():
    with pytest.raises(RuleViolation) as refused:
        PART.rate_for_semester(date(2026, 8, 1))

    assert refused.value.code == "rate_unknown"
    assert "« particuliers » du 2e semestre 2026 n'est pas connu" in refused.value.message
    assert PART.rate_on(date(2026, 8, 1)) == Decimal("6.67")  # what a silent reuse would give


def test_a_gap_in_the_middle_is_refused_too():
    table = RateTable.of(
        RateKind.LEGAL_PRO, [(date(2030, 1, 1), Decimal("1")), (date(2031, 1, 1), Decimal("2"))]
    )

    with pytest.raises(RuleViolation, match="2e semestre 2030"):
        table.rate_for_semester(date(2030, 9, 1))
    assert table.rate_for_semester(date(2031, 3, 1)) == Decimal("2")


def test_penalties_across_a_missing_semester_are_refused_for_a_consumer_and_a_contract():
    due = [ReceivableDue(Decimal("1000.00"), date(2026, 5, 31))]
    common = {"ecb": ECB, "legal": PRO, "as_of": date(2026, 7, 15)}

    with pytest.raises(RuleViolation, match="2e semestre 2026"):
        dossier_penalties(due, CustomerKind.B2C, formal_notice_date=date(2026, 6, 1), **common)
    with pytest.raises(RuleViolation, match="2e semestre 2026"):
        dossier_penalties(due, CustomerKind.B2B, contractual_rate=Decimal("10"), **common)
    # The default B2B rate needs only the ECB rate in force on 1 July: it computes.
    result = dossier_penalties(due, CustomerKind.B2B, **common)
    assert result.rate == Decimal("12.15")


# --- Adding a rate ------------------------------------------------------------------------------


def test_a_legal_rate_takes_effect_on_1_january_or_1_july_only():
    check_new_rate(PRO, RateKind.LEGAL_PRO, date(2026, 7, 1), Decimal("2.50"))
    with pytest.raises(RuleViolation) as refused:
        check_new_rate(PRO, RateKind.LEGAL_PRO, date(2026, 7, 2), Decimal("2.50"))

    assert refused.value.code == "rate_not_semester_start"
    assert "1er janvier ou le 1er juillet, pas le 02/07/2026" in refused.value.message


def test_an_ecb_rate_may_take_effect_any_day():
    check_new_rate(ECB, RateKind.ECB, date(2026, 3, 18), Decimal("1.90"))


def test_a_rate_is_between_minus_5_and_50_percent_and_a_legal_rate_not_negative():
    check_new_rate(ECB, RateKind.ECB, date(2026, 3, 18), Decimal("-5"))
    check_new_rate(ECB, RateKind.ECB, date(2026, 3, 18), Decimal("50"))
    for kind, table, rate in (
        (RateKind.ECB, ECB, "50.001"),
        (RateKind.ECB, ECB, "-5.5"),
        (RateKind.LEGAL_PART, PART, "-0.10"),
    ):
        with pytest.raises(RuleViolation) as refused:
            check_new_rate(table, kind, date(2026, 7, 1), Decimal(rate))
        assert refused.value.code == "rate_out_of_bounds"


def test_a_rate_has_at_most_three_decimals():
    with pytest.raises(RuleViolation) as refused:
        check_new_rate(ECB, RateKind.ECB, date(2026, 3, 18), Decimal("2.1234"))

    assert refused.value.code == "rate_too_precise"


def test_a_second_rate_on_a_date_is_refused_a_published_rate_is_never_replaced():
    with pytest.raises(RuleViolation) as refused:
        check_new_rate(PRO, RateKind.LEGAL_PRO, date(2026, 1, 1), Decimal("3.00"))

    assert refused.value.code == "rate_duplicate_date"
    assert "existe déjà au 01/01/2026" in refused.value.message


def test_rates_are_read_with_a_french_comma_or_a_point():
    assert parse_rate("2,15") == Decimal("2.15")
    assert parse_rate(" 2.15 % ") == Decimal("2.15")
    for wrong in ("", "deux", "nan", "1,2,3"):
        with pytest.raises(RuleViolation, match="Taux invalide"):
            parse_rate(wrong)


# --- What is missing ----------------------------------------------------------------------------


def test_a_missing_semester_is_announced_15_days_before_it_begins_not_before():
    assert missing_rates(TABLES, date(2026, 6, 15)) == ()

    announced = missing_rates(TABLES, date(2026, 6, 16))

    assert [(m.kind, m.semester) for m in announced] == [
        (RateKind.LEGAL_PRO, date(2026, 7, 1)),
        (RateKind.LEGAL_PART, date(2026, 7, 1)),
    ]
    assert announced[0].message == "Intérêt légal « autres cas » du 2e semestre 2026 (01/07/2026)"


def test_a_semester_still_missing_after_it_began_stays_announced_until_entered():
    entered = {
        **TABLES,
        RateKind.LEGAL_PART: RateTable.of(
            RateKind.LEGAL_PART, [*PART.entries, (date(2026, 7, 1), Decimal("6.50"))]
        ),
    }

    missing = missing_rates(entered, date(2026, 12, 1))

    assert [(m.kind, m.semester) for m in missing] == [(RateKind.LEGAL_PRO, date(2026, 7, 1))]


def test_semesters_are_named_the_french_way():
    assert semester_label(date(2026, 6, 30)) == "1er semestre 2026"
    assert semester_label(date(2026, 7, 1)) == "2e semestre 2026"
