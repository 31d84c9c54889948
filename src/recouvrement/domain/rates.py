"""Rates by effective date: ECB refinancing and legal interest rates (B2, legal-formats §1.5)."""

from bisect import bisect_right
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from recouvrement.domain.money import NBSP
from recouvrement.domain.rules import RuleViolation

# ECB main refinancing operations rate (« taux refi »), by effective date, in percent.
# Source: /work/shared/reference/legal-formats.md §1.5 (retout.fr/?p=12408, fxstreet.com,
# alpacavista.com, financialstandard.com.au). The decisions of 18/12/2025 and 05/02/2026 kept
# 2,15 %, so they add no entry. Seed data only: the live table is in the database.
ECB_REFI_RATES: tuple[tuple[date, Decimal], ...] = (
    (date(2023, 9, 20), Decimal("4.50")),
    (date(2024, 6, 12), Decimal("4.25")),
    (date(2024, 9, 18), Decimal("3.65")),
    (date(2024, 10, 23), Decimal("3.40")),
    (date(2024, 12, 18), Decimal("3.15")),
    (date(2025, 2, 5), Decimal("2.90")),
    (date(2025, 3, 12), Decimal("2.65")),
    (date(2025, 4, 23), Decimal("2.40")),
    (date(2025, 6, 11), Decimal("2.15")),
)

# Legal interest rate « tous les autres cas » (creditor not a private individual), set per
# semester by arrêté (C. mon. fin. L313-2, D313-1-A), in percent, effective on the semester's
# first day. Source: /work/shared/reference/legal-formats.md §1.5 (bpifrance-creation.fr,
# cna2c.fr, arrêté ECOT2516925A du 19/6/2025, arrêté du 15/12/2025 JORF n° 0302 du 26/12/2025).
LEGAL_RATES_OTHER_CASES: tuple[tuple[date, Decimal], ...] = (
    (date(2024, 7, 1), Decimal("4.92")),
    (date(2025, 1, 1), Decimal("3.71")),
    (date(2025, 7, 1), Decimal("2.76")),
    (date(2026, 1, 1), Decimal("2.62")),
)


def semester_start(day: date) -> date:
    """1 January or 1 July: the day whose rate the law fixes for the whole semester."""
    return date(day.year, 1 if day.month <= 6 else 7, 1)


def next_semester_start(day: date) -> date:
    """The first day of the semester after the one containing `day`."""
    return date(day.year, 7, 1) if day.month <= 6 else date(day.year + 1, 1, 1)


def format_rate(rate: Decimal) -> str:
    """`Decimal("7.86")` → « 7,86 % », as letters and error messages print a rate."""
    shown = rate.normalize()
    if int(shown.as_tuple().exponent) > -2:
        shown = shown.quantize(Decimal("0.01"))
    return f"{shown:f}".replace(".", ",") + f"{NBSP}%"  # French typography: no-break space


@dataclass(frozen=True)
class RateTable:
    """Immutable (effective date, rate in percent) entries; a rate stays in force until the next."""

    entries: tuple[tuple[date, Decimal], ...]
    label: str = ""  # names the table in French messages: « refi BCE »
    # A rate fixed for each semester (the legal rate) must be known for that very semester:
    # last semester's must not silently stand in for a rate not yet entered.
    per_semester: bool = False

    def __post_init__(self) -> None:
        ordered = tuple(
            sorted(((day, Decimal(rate)) for day, rate in self.entries), key=lambda e: e[0])
        )
        object.__setattr__(self, "entries", ordered)
        self._check_entries()

    @property
    def name(self) -> str:
        """« taux refi BCE »: how messages call this table."""
        return f"taux {self.label}" if self.label else "taux"

    def rate_on(self, day: date) -> Decimal:
        """The rate in force on `day`: the latest entry whose effective date is on or before it."""
        index = bisect_right(self.entries, day, key=lambda entry: entry[0])
        if index == 0:
            raise RuleViolation(f"Aucun {self.name} connu au {day:%d/%m/%Y}.", "rate_unknown")
        return self.entries[index - 1][1]

    def rate_for_semester(self, day: date) -> Decimal:
        """The rate in force on the first day of `day`'s semester, as L441-10 and L313-2 fix it."""
        start = semester_start(day)
        index = bisect_right(self.entries, start, key=lambda entry: entry[0])
        if self.per_semester and (index == 0 or self.entries[index - 1][0] != start):
            half = "1er" if start.month == 1 else "2e"
            raise RuleViolation(
                f"Le {self.name} du {half} semestre {start.year} n'est pas connu : "
                "ajoutez-le dans les taux.",
                "rate_unknown",
            )
        return self.rate_on(start)

    def _check_entries(self) -> None:
        """Two rates for one date would make the lookup depend on insertion order."""
        for (first, _), (second, _) in zip(self.entries, self.entries[1:], strict=False):
            if first == second:
                raise RuleViolation(
                    f"Deux {self.name} ont la même date d'effet ({first:%d/%m/%Y}).",
                    "rate_duplicate_date",
                )
        for day, rate in self.entries:
            if not rate.is_finite():
                raise RuleViolation(
                    f"Le {self.name} du {day:%d/%m/%Y} n'est pas un nombre.", "rate_not_a_number"
                )


ECB_REFI_TABLE = RateTable(ECB_REFI_RATES, "refi BCE")
LEGAL_OTHER_CASES_TABLE = RateTable(
    LEGAL_RATES_OTHER_CASES, "de l'intérêt légal « autres cas »", per_semester=True
)
