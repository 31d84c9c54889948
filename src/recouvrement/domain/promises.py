"""Promises to pay (B3): kept when the payments reach the amount by the date, broken otherwise."""

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

ZERO = Decimal("0")


class PromiseOutcome(enum.Enum):
    KEPT = "kept"
    BROKEN = "broken"


@dataclass(frozen=True)
class PromiseVerdict:
    outcome: PromiseOutcome
    paid: Decimal  # what came in between the promise and its date
    on: date  # kept: the day the money reached the amount; broken: `today`


def judge_promise(
    amount: Decimal,
    made_on: date,
    promised_on: date,
    payments: Iterable[tuple[date, Decimal]],
    today: date,
) -> PromiseVerdict | None:
    """The verdict on `today`, or None while the promise can still be kept.

    Payments count from the day the promise was made to the promised date, both included;
    a payment dated later does not keep it, even if it arrives before the promise is judged.
    """
    paid = ZERO
    for day, part in sorted(payments):
        if made_on <= day <= promised_on:
            paid += part
            if paid >= amount:
                return PromiseVerdict(PromiseOutcome.KEPT, paid, day)
    if today > promised_on:
        return PromiseVerdict(PromiseOutcome.BROKEN, paid, today)
    return None
