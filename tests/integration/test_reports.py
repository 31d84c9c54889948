"""The manager's figures (issue 14, B6) read from the database: each figure against books
built by hand, the balance's total against the open échéances, a past date with money paid
after it, and what a collector sees."""

import json
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum

from recouvrement import services
from recouvrement.db.models import (
    Allocation,
    Dossier,
    Intervention,
    Payment,
    Receivable,
    Resolution,
)
from recouvrement.db.reports import receivable_rows
from recouvrement.domain.reports import BUCKETS, ReportScope, dso_countback
from recouvrement.domain.statuses import InterventionKind, InterventionStatus
from recouvrement.services.queue import queue_fields
from tests.builders import a_company, a_customer

TODAY = date(2026, 12, 10)  # a Thursday: the week began on Monday 7
D = Decimal


def an_echeance(customer, amount: str, due: date, piece: date | None = None) -> Receivable:
    return Receivable.objects.create(
        company=customer.company,
        customer=customer,
        reference=f"FA-{due:%m%d}-{amount}",
        piece_date=piece or due - timedelta(days=30),
        due_date=due,
        amount=D(amount),
        open_amount=D(amount),
    )


def paid(receivable: Receivable, amount: str, on: date) -> None:
    """A règlement on `on` allocated to the échéance, whose « reste dû » goes down."""
    payment = Payment.objects.create(
        company=receivable.company, customer=receivable.customer, date=on, amount=D(amount)
    )
    Allocation.objects.create(payment=payment, receivable=receivable, amount=D(amount))
    receivable.open_amount -= D(amount)
    receivable.save(update_fields=["open_amount"])


def a_dossier(customer, receivables, collector, opened: date) -> Dossier:
    return services.open_dossier(
        customer, today=opened, user=None, collector=collector, receivables=receivables
    )


@dataclass
class Books:
    martin: Dossier  # team.collector's, opened 01/11
    benali: Dossier  # team.other_collector's, opened 15/10
    closed: Dossier  # team.collector's, 01/09 → 20/11 « Payé »
    r1: Receivable  # Martin, not due
    r2: Receivable  # Martin, 15 days late
    r3: Receivable  # Benali, 2 000 of which 800 paid on 05/12
    r4: Receivable  # in the closed dossier until 20/11, then in none
    r5: Receivable  # Benali, 100 paid on 15/11


@pytest.fixture
def books(team) -> Books:
    c1, c2, c3 = (a_customer(team.company) for _ in range(3))
    r1 = an_echeance(c1, "1000.00", date(2026, 12, 20), piece=date(2026, 11, 20))
    r2 = an_echeance(c1, "500.50", date(2026, 11, 25))
    r3 = an_echeance(c2, "2000.00", date(2026, 10, 1))
    r4 = an_echeance(c3, "300.25", date(2026, 8, 1))
    r5 = an_echeance(c2, "100.00", date(2026, 10, 20))
    closed = a_dossier(c3, [r4], team.collector, date(2026, 9, 1))
    services.close_dossier(
        closed,
        today=date(2026, 11, 20),
        user=None,
        resolution=Resolution.objects.create(company=team.company, label="Payé"),
    )
    benali = a_dossier(c2, [r3, r5], team.other_collector, date(2026, 10, 15))
    martin = a_dossier(c1, [r1, r2], team.collector, date(2026, 11, 1))
    paid(r3, "800.00", date(2026, 12, 5))
    paid(r5, "100.00", date(2026, 11, 15))
    # Money that is not « recovered »: before the dossier opened, and with no dossier at all.
    paid(r2, "0.50", date(2026, 10, 20))
    loose = an_echeance(c3, "75.00", date(2026, 11, 30))
    paid(loose, "75.00", date(2026, 11, 30))
    return Books(martin, benali, closed, r1, r2, r3, r4, r5)


def amounts(balance) -> dict[str, tuple[Decimal, int]]:
    return {key: (line.amount, line.count) for key, line in balance.lines.items() if line.count}


def test_the_balance_per_bucket_and_chargé_totals_the_open_échéances_to_the_cent(team, books):
    report = services.aged_balance_report(team.company, as_of=TODAY, user=team.manager, today=TODAY)

    assert amounts(report.company) == {
        "not_due": (D("1000.00"), 1),
        "d1_30": (D("500.00"), 1),
        "d61_90": (D("1200.00"), 1),
        "over_90": (D("300.25"), 1),
    }
    open_items = Receivable.objects.filter(company=team.company).aggregate(t=Sum("open_amount"))
    assert report.total.amount == open_items["t"] == D("3000.25")
    split = {line.name: amounts(line.balance) for line in report.by_collector}
    assert split == {
        str(team.collector): {"not_due": (D("1000.00"), 1), "d1_30": (D("500.00"), 1)},
        str(team.other_collector): {"d61_90": (D("1200.00"), 1)},
        "Sans chargé": {"over_90": (D("300.25"), 1)},
    }
    assert report.by_collector[-1].collector_id is None  # « Sans chargé » comes last
    data = json.loads(json.dumps(report.as_dict()))
    assert data["company"]["total"] == {"amount": "3000.25", "count": 4}
    assert data["company"]["lines"]["d61_90"]["amount"] == "1200.00"


def test_many_amounts_with_cents_still_total_the_open_échéances(team):
    customer = a_customer(team.company)
    for k in range(1, 60):
        echeance = an_echeance(customer, f"{k * 13}.{k:02d}", TODAY - timedelta(days=k * 3))
        if k % 4 == 0:
            paid(echeance, f"{k}.01", TODAY - timedelta(days=1))

    report = services.aged_balance_report(team.company, as_of=TODAY, today=TODAY)

    expected = Receivable.objects.filter(company=team.company).aggregate(t=Sum("open_amount"))
    assert report.total.amount == expected["t"]
    assert sum(line.balance.total.amount for line in report.by_collector) == expected["t"]


def test_at_a_past_date_money_paid_after_it_is_owed_and_the_chargé_is_the_one_then(team, books):
    report = services.aged_balance_report(
        team.company, as_of=date(2026, 12, 1), user=team.reader, today=TODAY
    )

    # r3: the 800 € came on 05/12, after the date; r5 was settled on 15/11, before it.
    assert amounts(report.company) == {
        "not_due": (D("1000.00"), 1),
        "d1_30": (D("500.00"), 1),
        "d61_90": (D("2000.00"), 1),
        "over_90": (D("300.25"), 1),
    }
    earlier = services.aged_balance_report(
        team.company, as_of=date(2026, 11, 10), user=team.manager, today=TODAY
    )
    # On 10/11: r1 not yet issued, r2 less the 0,50 € paid in October; r4 was still in
    # Martin's dossier (closed on 20/11); r5's 100 € and the loose 75 € came later.
    split = {line.name: amounts(line.balance) for line in earlier.by_collector}
    assert split == {
        str(team.collector): {"not_due": (D("500.00"), 1), "over_90": (D("300.25"), 1)},
        str(team.other_collector): {"d31_60": (D("2000.00"), 1), "d1_30": (D("100.00"), 1)},
        "Sans chargé": {"not_due": (D("75.00"), 1)},
    }


def test_a_collector_sees_only_the_figures_of_the_dossiers_they_follow(team, books):
    mine = services.aged_balance_report(
        team.company, as_of=TODAY, user=team.collector_user, today=TODAY
    )

    assert mine.total.amount == D("1500.00")
    assert mine.by_collector == []
    assert services.report_scope(team.collector_user, team.company) == ReportScope(
        everyone=False, collector_id=team.collector.pk
    )
    board = services.dashboard(team.company, as_of=TODAY, user=team.collector_user, today=TODAY)
    assert board.aged.total.amount == D("1500.00")
    assert [w.collector_id for w in board.workload] == [team.collector.pk]
    assert sum(m.opened for m in board.flow) == 2  # the closed dossier and the open one
    assert board.recovered.total == D("0.00")  # nothing came on Martin's échéances


def test_a_user_of_no_membership_is_refused_and_a_date_out_of_range_explained(team):
    stranger = User.objects.create_user("inconnu")
    with pytest.raises(PermissionDenied, match="pas accès à cette société"):
        services.dashboard(team.company, as_of=TODAY, user=stranger)
    with pytest.raises(ValidationError, match="hors des dates possibles"):
        services.aged_balance_report(team.company, as_of=date(1, 1, 1))
    other = a_company(name="Autre SARL")
    with pytest.raises(PermissionDenied):
        services.recovered_report(other, as_of=TODAY, user=team.manager)


def test_recovered_counts_the_money_on_échéances_a_dossier_followed_per_month(team, books):
    report = services.recovered_report(team.company, as_of=TODAY, user=team.manager)

    assert report.start == date(2026, 1, 1)
    assert [(m.year, m.month) for m in report.months][:2] == [(2026, 1), (2026, 2)]
    assert len(report.months) == 12
    by_month = {(m.year, m.month): (m.amount, m.count) for m in report.months if m.count}
    # Not the 0,50 € paid before Martin's dossier opened, nor the 75 € of no dossier.
    assert by_month == {(2026, 11): (D("100.00"), 1), (2026, 12): (D("800.00"), 1)}
    other = services.recovered_report(team.company, as_of=TODAY, user=team.other_collector_user)
    assert other.total == D("900.00")


def test_dso_by_countback_and_its_trend_from_the_monthly_sums(db):
    company = a_company(name="Compte à rebours SA")
    customer = a_customer(company)
    october = an_echeance(customer, "3000.00", date(2026, 11, 5), piece=date(2026, 10, 5))
    an_echeance(customer, "2000.00", date(2026, 12, 10), piece=date(2026, 11, 10))
    an_echeance(customer, "1000.00", date(2027, 1, 3), piece=date(2026, 12, 3))
    paid(october, "3000.00", date(2026, 11, 20))

    report = services.dso_report(company, as_of=TODAY, today=TODAY)

    # 3 000 € owed: December's 1 000 € over its 10 days so far, then all of November's 2 000 €.
    assert report.receivables == D("3000.00")
    assert report.days == D("40.0")
    assert not report.at_least
    assert "DSO (méthode de l'épuisement)" in report.formula and "40,0 jours" in report.formula
    assert len(report.trend) == 12
    assert report.trend[-4:] == [
        (2026, 9, D("0.0")),
        (2026, 10, D("31.0")),
        (2026, 11, D("30.0")),
        (2026, 12, D("40.0")),
    ]
    # Each point is the countback of what the balance âgée gives at that month's end.
    for year, month, days in report.trend[:-1]:
        end = date(year, month + 1, 1) - timedelta(days=1)
        owed = services.aged_balance_report(company, as_of=end, today=TODAY).total.amount
        sales = [(2026, m, s) for m, s in ((12, 1000), (11, 2000), (10, 3000)) if m <= month]
        assert days == dso_countback(owed, [(y, m, D(s)) for y, m, s in sales])
    assert json.loads(json.dumps(report.as_dict()))["trend"][-1] == {
        "year": 2026,
        "month": 12,
        "days": "40.0",
    }


def a_promise(dossier, amount: str, made: date, **fields) -> Intervention:
    return Intervention.objects.create(
        dossier=dossier,
        kind=InterventionKind.PROMISE,
        label="Promesse",
        planned_date=made + timedelta(days=10),
        promise_amount=D(amount),
        promise_made_on=made,
        **queue_fields(dossier),
        **fields,
    )


def test_promises_made_kept_broken_and_pending_as_judged_at_the_date(team, books):
    done, skipped = InterventionStatus.DONE, InterventionStatus.SKIPPED
    m, b = books.martin, books.benali
    a_promise(
        m, "1000", date(2026, 11, 1), status=done, done_date=date(2026, 11, 11), promise_kept=True
    )
    a_promise(
        b,
        "500",
        date(2026, 10, 1),
        status=skipped,
        done_date=date(2026, 10, 31),
        promise_kept=False,
    )
    a_promise(m, "250", date(2026, 12, 1))  # pending
    a_promise(m, "300", date(2026, 11, 5), status=done, done_date=date(2026, 11, 6))  # by hand
    a_promise(
        b, "400", date(2026, 11, 10), status=done, done_date=date(2026, 12, 8), promise_kept=True
    )
    a_promise(
        m, "999", date(2025, 11, 30), status=done, done_date=date(2025, 12, 2), promise_kept=True
    )  # made before the 12 months

    figures = services.promises_report(team.company, as_of=TODAY, user=team.manager).figures

    assert (figures.made.count, figures.made.amount) == (5, D("2450"))
    assert (figures.kept.count, figures.kept.amount) == (3, D("1700"))
    assert (figures.broken.count, figures.broken.amount) == (1, D("500"))
    assert (figures.pending.count, figures.pending.amount) == (1, D("250"))
    then = services.promises_report(team.company, as_of=date(2026, 12, 5)).figures
    assert (then.kept.count, then.pending.count, then.pending.amount) == (2, 2, D("650"))
    mine = services.promises_report(team.company, as_of=TODAY, user=team.collector_user)
    assert (mine.figures.made.count, mine.figures.kept.amount) == (3, D("1300"))
    assert mine.as_dict()["kept_rate"] == "100.0"


def test_workload_per_chargé_today_overdue_and_done_this_week(team, books):
    todo, done = InterventionStatus.TODO, InterventionStatus.DONE
    for planned, status, done_on in [
        (TODAY, todo, None),
        (date(2026, 12, 1), todo, None),
        (date(2026, 11, 20), todo, None),
        (date(2026, 12, 8), done, date(2026, 12, 8)),  # Tuesday: this week
        (date(2026, 12, 4), done, date(2026, 12, 4)),  # last Friday
    ]:
        Intervention.objects.create(
            dossier=books.martin,
            kind=InterventionKind.MANUAL,
            label="Appel",
            planned_date=planned,
            status=status,
            done_date=done_on,
            **queue_fields(books.martin),
        )
    Intervention.objects.create(
        dossier=books.benali,
        kind=InterventionKind.ALERT,
        label="Rappel",
        planned_date=TODAY + timedelta(days=1),
        **queue_fields(books.benali),
    )

    rows = services.workload_report(team.company, today=TODAY, user=team.reader)

    by_name = {w.name: (w.due_today, w.overdue, w.done_this_week) for w in rows}
    assert by_name == {str(team.collector): (1, 2, 1), str(team.other_collector): (0, 0, 0)}
    assert rows[0].as_dict()["collector_id"] in (team.collector.pk, team.other_collector.pk)


def test_dossiers_opened_and_closed_per_month_with_their_résolution(team, books):
    flow = services.dossier_flow_report(team.company, as_of=TODAY, user=team.manager)

    assert len(flow) == 12 and (flow[0].year, flow[0].month) == (2026, 1)
    by_month = {(m.year, m.month): (m.opened, m.closed, m.closed_by_resolution) for m in flow}
    assert by_month[(2026, 9)] == (1, 0, {})
    assert by_month[(2026, 10)] == (1, 0, {})
    assert by_month[(2026, 11)] == (1, 1, {"Payé": 1})
    assert by_month[(2026, 12)] == (0, 0, {})


def test_the_dashboard_reads_every_figure_in_a_fixed_number_of_queries(
    team, books, django_assert_max_num_queries
):
    with django_assert_max_num_queries(14):
        board = services.dashboard(team.company, as_of=TODAY, user=team.manager, today=TODAY)

    assert board.aged.total.amount == board.dso.receivables == D("3000.25")
    data = json.loads(json.dumps(board.as_dict()))
    assert set(data) >= {"aged_balance", "recovered", "dso", "promises", "workload"}
    assert data["dossier_flow"][10]["closed_by_resolution"] == {"Payé": 1}


@pytest.mark.parametrize("as_of", [TODAY, date(2026, 12, 1), date(2026, 11, 10)])
def test_the_list_behind_each_figure_sums_to_that_figure(team, books, as_of):
    report = services.aged_balance_report(team.company, as_of=as_of, today=TODAY)

    for line in report.by_collector:
        collector = line.collector_id
        for bucket in BUCKETS:
            rows = receivable_rows(
                team.company, as_of=as_of, today=TODAY, bucket=bucket.key, collector=collector
            )
            totals = rows.totals()
            assert (totals.owed, totals.count) == (
                line.balance.lines[bucket.key].amount,
                line.balance.lines[bucket.key].count,
            )
            assert [r.owed for r in rows] == [r.owed for r in rows[0:50]]
