"""B3: the money decides a promise to pay (pure domain, `today` a parameter)."""

from datetime import date
from decimal import Decimal

from recouvrement.domain.promises import PromiseOutcome, judge_promise

MADE, PROMISED = date(2026, 11, 6), date(2026, 11, 20)
AMOUNT = Decimal("900.00")


def judge(payments, today):
    return judge_promise(AMOUNT, MADE, PROMISED, payments, today)


def test_kept_on_the_day_the_payments_reach_the_amount():
    verdict = judge(
        [(date(2026, 11, 18), Decimal("500")), (date(2026, 11, 10), Decimal("400"))],
        today=date(2026, 11, 19),
    )

    assert (verdict.outcome, verdict.paid, verdict.on) == (
        PromiseOutcome.KEPT,
        Decimal("900"),
        date(2026, 11, 18),
    )


def test_payments_before_the_promise_or_after_its_date_do_not_count():
    payments = [(date(2026, 11, 5), Decimal("900")), (date(2026, 11, 21), Decimal("900"))]

    assert judge(payments, today=date(2026, 11, 20)) is None  # still time on the date itself
    verdict = judge(payments, today=date(2026, 11, 21))
    assert (verdict.outcome, verdict.paid, verdict.on) == (
        PromiseOutcome.BROKEN,
        Decimal("0"),
        date(2026, 11, 21),
    )


def test_a_partial_payment_breaks_it_the_day_after_its_date_and_says_how_much_came():
    verdict = judge([(PROMISED, Decimal("300"))], today=date(2026, 11, 25))

    assert (verdict.outcome, verdict.paid) == (PromiseOutcome.BROKEN, Decimal("300"))
