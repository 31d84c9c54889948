"""The manager's figures (issue 14), pure: balance âgée buckets, DSO countback, promises."""

from datetime import date
from decimal import Decimal

import pytest

from recouvrement.domain.reports import (
    BUCKETS,
    ReportScope,
    aged_balance,
    bucket_of,
    check_report_date,
    covered_by,
    dso_countback,
    months_up_to,
    promise_figures,
    promise_totals,
    report_scope_of,
)
from recouvrement.domain.rules import RuleViolation
from recouvrement.domain.statuses import Role

AS_OF = date(2026, 12, 1)
D = Decimal


@pytest.mark.parametrize(
    ("due_date", "bucket"),
    [
        (date(2026, 12, 31), "not_due"),
        (date(2026, 12, 1), "not_due"),  # due today: not late yet
        (date(2026, 11, 30), "d1_30"),  # one day late
        (date(2026, 11, 1), "d1_30"),  # 30 days
        (date(2026, 10, 31), "d31_60"),  # 31 days
        (date(2026, 10, 2), "d31_60"),  # 60 days
        (date(2026, 10, 1), "d61_90"),  # 61 days
        (date(2026, 9, 2), "d61_90"),  # 90 days
        (date(2026, 9, 1), "over_90"),  # 91 days
        (date(2020, 1, 1), "over_90"),
    ],
)
def test_each_day_late_falls_in_exactly_one_bucket(due_date, bucket):
    assert bucket_of(due_date, AS_OF).key == bucket
    assert sum(b.holds((AS_OF - due_date).days) for b in BUCKETS) == 1


def test_the_aged_balance_sums_to_the_cent_and_leaves_settled_items_out():
    items = [
        (date(2026, 12, 15), D("100.10")),
        (date(2026, 11, 20), D("200.20")),
        (date(2026, 11, 21), D("0.01")),
        (date(2026, 8, 1), D("1234.56")),
        (date(2026, 7, 1), D("0.00")),  # settled: not an open échéance
        (date(2026, 10, 15), D("-50.00")),  # an unallocated credit counts where it falls
    ]

    balance = aged_balance(items, AS_OF)

    assert balance.lines["not_due"].amount == D("100.10")
    assert (balance.lines["d1_30"].amount, balance.lines["d1_30"].count) == (D("200.21"), 2)
    assert balance.lines["d31_60"].amount == D("-50.00")
    assert balance.lines["d61_90"].count == 0
    assert balance.lines["over_90"].amount == D("1234.56")
    assert balance.total.amount == D("1484.87") == sum(a for _, a in items)
    assert balance.total.count == 5
    assert balance.overdue == D("1384.77")


def test_dso_counts_whole_months_then_the_share_of_the_month_that_covers_the_rest():
    # 25 000 € owed at the end of November; sales: Nov 10 000, Oct 10 000, Sep 20 000.
    sales = [(2026, 11, D("10000")), (2026, 10, D("10000")), (2026, 9, D("20000"))]

    # 30 days (Nov) + 31 days (Oct) + 5 000 / 20 000 of September's 30 days = 68.5
    assert dso_countback(D("25000"), sales) == D("68.5")
    assert dso_countback(D("5000"), sales) == D("15.0")  # half of November
    assert dso_countback(D("0"), sales) == D("0.0")


def test_dso_beyond_the_months_given_is_at_least_their_days_and_skips_months_without_sales():
    sales = [(2026, 2, D("0")), (2026, 1, D("1000"))]

    assert dso_countback(D("500"), sales) == D("43.5")  # 28 days of February + 15.5 of January
    assert dso_countback(D("5000"), sales) == D("59.0")  # every day of both months


def test_promises_made_kept_broken_and_pending_with_amounts_and_kept_rate():
    figures = promise_figures(
        [(D("1000"), True), (D("500.50"), False), (D("250"), None), (D("300"), True)]
    )

    assert (figures.made.count, figures.made.amount) == (4, D("2050.50"))
    assert (figures.kept.count, figures.kept.amount) == (2, D("1300"))
    assert (figures.broken.count, figures.broken.amount) == (1, D("500.50"))
    assert (figures.pending.count, figures.pending.amount) == (1, D("250"))
    assert figures.kept_rate == D("66.7")
    assert promise_figures([(D("10"), None)]).kept_rate is None


def test_dso_at_a_day_within_its_month_counts_only_that_months_days_so_far():
    sales = [(2026, 12, D("1000")), (2026, 11, D("2000"))]

    # 10 days of December (all its 1 000 €), then all of November's 2 000 € over 30 days.
    assert dso_countback(D("3000"), sales, through=date(2026, 12, 10)) == D("40.0")
    assert dso_countback(D("500"), sales, through=date(2026, 12, 10)) == D("5.0")
    assert dso_countback(D("3000"), sales) == D("61.0")  # at the month's end
    assert covered_by(D("3000"), sales) and not covered_by(D("3000.01"), sales)


def test_promise_totals_add_up_groups_the_database_summed():
    figures = promise_totals([(True, D("1300"), 2), (False, D("500"), 1), (None, D("250"), 3)])

    assert (figures.made.count, figures.made.amount) == (6, D("2050"))
    assert (figures.kept.count, figures.broken.count, figures.pending.count) == (2, 1, 3)
    assert figures.kept_rate == D("66.7")


def test_twelve_months_up_to_a_date_cross_the_year_oldest_first():
    assert months_up_to(date(2026, 2, 14), 3) == [(2025, 12), (2026, 1), (2026, 2)]
    assert months_up_to(date(2026, 12, 31), 12)[0] == (2026, 1)


def test_a_collector_sees_their_own_figures_every_other_role_the_company():
    assert report_scope_of(Role.COLLECTOR, 7) == ReportScope(everyone=False, collector_id=7)
    assert report_scope_of(Role.COLLECTOR, None).nothing
    for role in (Role.MANAGER, Role.READ_ONLY):
        assert report_scope_of(role, 7).split


def test_a_report_date_stays_where_a_year_back_is_still_a_date():
    check_report_date(date(2026, 12, 1))
    with pytest.raises(RuleViolation, match="hors des dates possibles"):
        check_report_date(date(1, 1, 1))
