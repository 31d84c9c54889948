"""Rates by effective date: ECB refinancing and legal interest rates (B2, legal-formats §1.5).

Seed data only: the live tables are in the database, where a manager adds each new rate.
"""

from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from recouvrement.domain.money import NBSP
from recouvrement.domain.rules import RuleViolation


class RateKind(StrEnum):
    """The three tables; the values are the CLI's words (`recouvrement rates --add ecb …`)."""

    ECB = "ecb"
    LEGAL_PRO = "legal-pro"  # « tous les autres cas »: the creditor is not a private individual
    LEGAL_PART = "legal-part"  # « personnes physiques n'agissant pas pour des besoins pro. »

    @property
    def label(self) -> str:
        return _KIND_LABELS[self][0]

    @property
    def table_label(self) -> str:
        """What the table is called in a sentence: « taux refi BCE »."""
        return f"taux {_KIND_LABELS[self][1]}"

    @property
    def per_semester(self) -> bool:
        """The legal rates are fixed for each semester by arrêté; the ECB rate at any date."""
        return self is not RateKind.ECB


_KIND_LABELS = {
    RateKind.ECB: ("Taux refi BCE", "refi BCE"),
    RateKind.LEGAL_PRO: ("Intérêt légal « autres cas »", "de l'intérêt légal « autres cas »"),
    RateKind.LEGAL_PART: (
        "Intérêt légal « particuliers »",
        "de l'intérêt légal « particuliers »",
    ),
}

# ECB main refinancing operations rate (« taux refi »), in percent, by the date it took effect:
# every change since the euro began. Sources: the ECB's « Key ECB interest rates » table
# (ecb.europa.eu/stats/policy_and_exchange_rates/key_ecb_interest_rates, copy at
# sdw.zentral-bank.eu, 2011–2024); Banka Slovenije, « ECB interest rates » (bsi.si/en/ecb-interest-
# rates and bsi.azurewebsites.net/en/statistics/interest-rates: 01/01/1999–23/04/2025); Banque de
# France, « Key ECB interest rates » (banque-france.fr/en/policy-rates, 2008–2024); DNB (0,00 %
# from 16/03/2016); 2023–2025: legal-formats.md §1.5 (retout.fr, alpacavista.com). From
# 28/06/2000 to 15/10/2008 the operations were variable rate tenders: the rate is the minimum bid
# rate. Before 10/03/2004 a change applied from the first operation after the date shown (ECB
# note): no change fell between such a date and a 1 January or 1 July. Decisions that kept the
# rate (e.g. 18/12/2025, 05/02/2026) add no entry; none after 05/02/2026 was found.
ECB_REFI_RATES: tuple[tuple[date, Decimal], ...] = tuple(
    (date.fromisoformat(day), Decimal(rate))
    for day, rate in (
        ("1999-01-01", "3.00"),
        ("1999-04-09", "2.50"),
        ("1999-11-05", "3.00"),
        ("2000-02-04", "3.25"),
        ("2000-03-17", "3.50"),
        ("2000-04-28", "3.75"),
        ("2000-06-09", "4.25"),
        ("2000-09-01", "4.50"),
        ("2000-10-06", "4.75"),
        ("2001-05-11", "4.50"),
        ("2001-08-31", "4.25"),
        ("2001-09-18", "3.75"),
        ("2001-11-09", "3.25"),
        ("2002-12-06", "2.75"),
        ("2003-03-07", "2.50"),
        ("2003-06-06", "2.00"),
        ("2005-12-06", "2.25"),
        ("2006-03-08", "2.50"),
        ("2006-06-15", "2.75"),
        ("2006-08-09", "3.00"),
        ("2006-10-11", "3.25"),
        ("2006-12-13", "3.50"),
        ("2007-03-14", "3.75"),
        ("2007-06-13", "4.00"),
        ("2008-07-09", "4.25"),
        ("2008-10-15", "3.75"),
        ("2008-11-12", "3.25"),
        ("2008-12-10", "2.50"),
        ("2009-01-21", "2.00"),
        ("2009-03-11", "1.50"),
        ("2009-04-08", "1.25"),
        ("2009-05-13", "1.00"),
        ("2011-04-13", "1.25"),
        ("2011-07-13", "1.50"),
        ("2011-11-09", "1.25"),
        ("2011-12-14", "1.00"),
        ("2012-07-11", "0.75"),
        ("2013-05-08", "0.50"),
        ("2013-11-13", "0.25"),
        ("2014-06-11", "0.15"),
        ("2014-09-10", "0.05"),
        ("2016-03-16", "0.00"),
        ("2022-07-27", "0.50"),
        ("2022-09-14", "1.25"),
        ("2022-11-02", "2.00"),
        ("2022-12-21", "2.50"),
        ("2023-02-08", "3.00"),
        ("2023-03-22", "3.50"),
        ("2023-05-10", "3.75"),
        ("2023-06-21", "4.00"),
        ("2023-08-02", "4.25"),
        ("2023-09-20", "4.50"),
        ("2024-06-12", "4.25"),
        ("2024-09-18", "3.65"),
        ("2024-10-23", "3.40"),
        ("2024-12-18", "3.15"),
        ("2025-02-05", "2.90"),
        ("2025-03-12", "2.65"),
        ("2025-04-23", "2.40"),
        ("2025-06-11", "2.15"),
    )
)

# Legal interest rate, set for each semester by arrêté since 1 January 2015 (C. mon. fin. L313-2,
# D313-1-A), in percent, effective on the semester's first day: (semester, « personnes physiques
# n'agissant pas pour des besoins professionnels », « tous les autres cas »). Sources, by
# semester: 2015-1 arrêté 23/12/2014 (legalnews.fr, huissier-nimes.fr); 2015-2 arrêté 24/6/2015
# (affairesjuridiques.aphp.fr, lemoniteur.fr); 2016-1 arrêté 23/12/2015 (onb-france.com,
# paperblog.fr); 2016-2 cbanque.com (61293); 2017-1 arrêté 29/12/2016 (cbanque.com); 2017-2
# arrêté 26/6/2017 (lextimes.fr, efl.fr); 2018-1 arrêté 28/12/2017 (bpifrance-creation.fr);
# 2018-2 arrêté 27/6/2018 (veegee.fr, agence7.fr); 2019-1 arrêté 21/12/2018 (legifiscal.fr);
# 2019-2 arrêté 26/6/2019 ECOT1918289A (legibase.fr, exavalor.com); 2020 (cabinet-cec.fr);
# 2021 (dandrel-avocats.fr); 2022-1 arrêté ECOT2138139A (notaires2normandie.com); 2022-2
# arrêté 27/6/2022 (bejuris.fr); 2023 arrêté ECOT2317028A (notaires2normandie.com,
# huissiers-paca.fr); 2024-1 arrêté 21/12/2023 (infonet.fr, leparticulier.lefigaro.fr); 2024-2
# arrêté 26/6/2024 (bpifrance-creation.fr); 2025 (cna2c.fr, ksca.fr, arrêté ECOT2516925A);
# 2026-1 arrêté 15/12/2025, JORF n° 0302 (juriblio.fr). The 2nd semester 2026 was not found:
# left out, so that it shows as missing until a manager enters it.
LEGAL_RATES: tuple[tuple[date, Decimal, Decimal], ...] = tuple(
    (date.fromisoformat(day), Decimal(private), Decimal(other))
    for day, private, other in (
        ("2015-01-01", "4.06", "0.93"),
        ("2015-07-01", "4.29", "0.99"),
        ("2016-01-01", "4.54", "1.01"),
        ("2016-07-01", "4.35", "0.93"),
        ("2017-01-01", "4.16", "0.90"),
        ("2017-07-01", "3.94", "0.90"),
        ("2018-01-01", "3.73", "0.89"),
        ("2018-07-01", "3.60", "0.88"),
        ("2019-01-01", "3.40", "0.86"),
        ("2019-07-01", "3.26", "0.87"),
        ("2020-01-01", "3.15", "0.87"),
        ("2020-07-01", "3.11", "0.84"),
        ("2021-01-01", "3.14", "0.79"),
        ("2021-07-01", "3.12", "0.76"),
        ("2022-01-01", "3.13", "0.76"),
        ("2022-07-01", "3.15", "0.77"),
        ("2023-01-01", "4.47", "2.06"),
        ("2023-07-01", "6.82", "4.22"),
        ("2024-01-01", "8.01", "5.07"),
        ("2024-07-01", "8.16", "4.92"),
        ("2025-01-01", "7.21", "3.71"),
        ("2025-07-01", "6.65", "2.76"),
        ("2026-01-01", "6.67", "2.62"),
    )
)
LEGAL_RATES_OTHER_CASES = tuple((day, other) for day, _, other in LEGAL_RATES)
LEGAL_RATES_PRIVATE = tuple((day, private) for day, private, _ in LEGAL_RATES)
SEED_RATES: dict[RateKind, tuple[tuple[date, Decimal], ...]] = {
    RateKind.ECB: ECB_REFI_RATES,
    RateKind.LEGAL_PRO: LEGAL_RATES_OTHER_CASES,
    RateKind.LEGAL_PART: LEGAL_RATES_PRIVATE,
}
# The two legal rates exist since this day; a manager is warned this many days before a
# semester whose legal rate is not entered.
LEGAL_SEMESTERS_SINCE = date(2015, 1, 1)
NOTICE_DAYS = 15
RATE_BOUNDS = (Decimal("-5"), Decimal("50"))  # in percent, as the database's check allows
RATE_DECIMALS = 3  # the database stores three decimals


def semester_start(day: date) -> date:
    """1 January or 1 July: the day whose rate the law fixes for the whole semester."""
    return date(day.year, 1 if day.month <= 6 else 7, 1)


def next_semester_start(day: date) -> date:
    """The first day of the semester after the one containing `day`."""
    return date(day.year, 7, 1) if day.month <= 6 else date(day.year + 1, 1, 1)


def semesters(first: date, last: date) -> tuple[date, ...]:
    """The first days of the semesters from `first`'s to `last`'s, oldest first."""
    starts, start = [], semester_start(first)
    while start <= last:
        starts.append(start)
        start = next_semester_start(start)
    return tuple(starts)


def semester_label(day: date) -> str:
    """« 1er semestre 2026 », « 2e semestre 2026 »: the semester containing `day`."""
    return f"{'1er' if day.month <= 6 else '2e'} semestre {day.year}"


def plain_rate(rate: Decimal) -> str:
    """`Decimal("2.150")` → "2.15", `Decimal("3")` → "3.00": at least two decimals, no more
    than it has (JSON and the CLI's machine output)."""
    shown = rate.normalize()
    if int(shown.as_tuple().exponent) > -2:
        shown = shown.quantize(Decimal("0.01"))
    return f"{shown:f}"


def format_rate(rate: Decimal) -> str:
    """`Decimal("7.86")` → « 7,86 % », as letters and error messages print a rate."""
    return plain_rate(rate).replace(".", ",") + f"{NBSP}%"  # French typography: no-break space


def parse_rate(text: str) -> Decimal:
    """A rate typed the French or the English way: « 2,15 », « 2.15 », « 2,15 % »."""
    cleaned = text.strip().removesuffix("%").strip().replace(NBSP, "").replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        value = Decimal("NaN")
    if not cleaned or not value.is_finite():
        raise RuleViolation(
            f"Taux invalide : « {text} » (un pourcentage, par exemple 2,15).", "rate_not_a_number"
        )
    return value


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

    @classmethod
    def of(cls, kind: RateKind, entries) -> "RateTable":
        """The table of `kind` (its label, its per-semester rule) over `entries`."""
        return cls(tuple(entries), kind.table_label.removeprefix("taux "), kind.per_semester)

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

    def has_semester(self, day: date) -> bool:
        """Whether the semester of `day` has its own entry, dated its first day."""
        start = semester_start(day)
        index = bisect_right(self.entries, start, key=lambda entry: entry[0])
        return index > 0 and self.entries[index - 1][0] == start

    def rate_for_semester(self, day: date) -> Decimal:
        """The rate in force on the first day of `day`'s semester, as L441-10 and L313-2 fix it;
        a per-semester table without that semester's own rate has none (never the previous)."""
        start = semester_start(day)
        if self.per_semester and not self.has_semester(start):
            raise RuleViolation(
                f"Le {self.name} du {semester_label(start)} n'est pas connu : "
                "ajoutez-le dans les taux (Structure › Taux ou « recouvrement rates --add »).",
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


def check_new_rate(table: RateTable, kind: RateKind, day: date, rate: Decimal) -> None:
    """A rate a manager adds: a percentage within bounds, a legal rate dated 1 January or
    1 July, and no second rate of the same table on one date (a rate is never replaced)."""
    low, high = RATE_BOUNDS
    if kind.per_semester:
        low = Decimal("0")
    typed = format_rate(rate) if rate.is_finite() else str(rate)
    if not rate.is_finite() or not low <= rate <= high:
        raise RuleViolation(
            f"Le {kind.table_label} doit être compris entre {format_rate(low)} et "
            f"{format_rate(high)} (saisi : {typed}).",
            "rate_out_of_bounds",
        )
    if -int(rate.normalize().as_tuple().exponent) > RATE_DECIMALS:
        raise RuleViolation(
            f"Le taux a au plus {RATE_DECIMALS} décimales (saisi : {typed}).", "rate_too_precise"
        )
    if kind.per_semester and day != semester_start(day):
        raise RuleViolation(
            f"Le {kind.table_label} est fixé par semestre : sa date d'effet est le 1er janvier "
            f"ou le 1er juillet, pas le {day:%d/%m/%Y}.",
            "rate_not_semester_start",
        )
    if any(existing == day for existing, _ in table.entries):
        raise RuleViolation(
            f"Un {kind.table_label} existe déjà au {day:%d/%m/%Y} : un taux publié ne se "
            "remplace pas.",
            "rate_duplicate_date",
        )


@dataclass(frozen=True)
class MissingRate:
    """A legal rate not entered for a semester that has begun or begins within the notice."""

    kind: RateKind
    semester: date  # its first day

    @property
    def message(self) -> str:
        return f"{self.kind.label} du {semester_label(self.semester)} ({self.semester:%d/%m/%Y})"


def missing_rates(tables: dict[RateKind, RateTable], today: date) -> tuple[MissingRate, ...]:
    """Semesters since 2015, up to the one starting within `NOTICE_DAYS` of `today`, whose
    legal rate of either kind is not entered, oldest first. The ECB table always has a rate
    in force (the last decision stands until the next): it is never missing."""
    horizon = today + timedelta(days=NOTICE_DAYS)
    return tuple(
        MissingRate(kind, start)
        for start in semesters(LEGAL_SEMESTERS_SINCE, horizon)
        for kind in (RateKind.LEGAL_PRO, RateKind.LEGAL_PART)
        if not tables[kind].has_semester(start)
    )


ECB_REFI_TABLE = RateTable.of(RateKind.ECB, ECB_REFI_RATES)
LEGAL_OTHER_CASES_TABLE = RateTable.of(RateKind.LEGAL_PRO, LEGAL_RATES_OTHER_CASES)
LEGAL_PRIVATE_TABLE = RateTable.of(RateKind.LEGAL_PART, LEGAL_RATES_PRIVATE)
