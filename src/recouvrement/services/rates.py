"""The rate tables (B2, PRODUCT §9 O7): list them, add a published rate, say which are missing.

Rates are global, not per company: every company's letters use them. Adding one is recorded in
the journal of every company (a company-level row naming who added which rate), since it
changes what each of them claims. A stored rate is never changed nor deleted.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser

from recouvrement.db.models import Company, EcbRate, LegalRate
from recouvrement.db.models.rates import rate_tables
from recouvrement.domain import audit
from recouvrement.domain.penalties import b2b_default_rate, contractual_rate_floor
from recouvrement.domain.rates import (
    LEGAL_SEMESTERS_SINCE,
    NOTICE_DAYS,
    MissingRate,
    RateKind,
    RateTable,
    check_new_rate,
    format_rate,
    missing_rates,
    plain_rate,
    semester_label,
    semesters,
)
from recouvrement.domain.rules import RuleViolation
from recouvrement.services.actors import SYSTEM, require_manager
from recouvrement.services.journal import company_entry
from recouvrement.services.use_case import use_case


@dataclass(frozen=True)
class SemesterRates:
    """One semester as the law reads it: the ECB rate in force on its first day and the B2B
    default rate (+ 10 points), the legal rates and the contractual floor (3 × « autres cas »);
    None where the rate is not entered."""

    start: date
    ecb: Decimal | None
    default_penalty_rate: Decimal | None
    legal_pro: Decimal | None
    contractual_floor: Decimal | None
    legal_part: Decimal | None

    @property
    def label(self) -> str:
        return semester_label(self.start)

    def as_json(self) -> dict:
        values = {
            "semester": self.start.isoformat(),
            "ecb": self.ecb,
            "default_penalty_rate": self.default_penalty_rate,
            "legal_pro": self.legal_pro,
            "contractual_floor": self.contractual_floor,
            "legal_part": self.legal_part,
        }
        return {
            key: value if key == "semester" or value is None else plain_rate(value)
            for key, value in values.items()
        }


@dataclass(frozen=True)
class RateOverview:
    """The three tables (oldest first), the semesters since 2015 (newest first) and what is
    missing on `today` (a semester begun, or beginning within 15 days, without its rate)."""

    today: date
    tables: dict[RateKind, RateTable]
    semesters: tuple[SemesterRates, ...]
    missing: tuple[MissingRate, ...]

    def as_json(self) -> dict:
        return {
            "date": self.today.isoformat(),
            **{
                kind.value: [
                    {"date": day.isoformat(), "rate": plain_rate(rate)}
                    for day, rate in self.tables[kind].entries
                ]
                for kind in RateKind
            },
            "semesters": [semester.as_json() for semester in self.semesters],
            "missing": [missing_json(missing) for missing in self.missing],
        }


def missing_json(missing: MissingRate) -> dict:
    return {
        "kind": missing.kind.value,
        "semester": missing.semester.isoformat(),
        "label": missing.message,
    }


def _known(rate_of, table: RateTable, day: date) -> Decimal | None:
    try:
        return rate_of(table, day)
    except RuleViolation:
        return None


def _semester(tables: dict[RateKind, RateTable], start: date) -> SemesterRates:
    ecb, pro, part = (tables[kind] for kind in RateKind)
    return SemesterRates(
        start=start,
        ecb=_known(RateTable.rate_for_semester, ecb, start),
        default_penalty_rate=_known(b2b_default_rate, ecb, start),
        legal_pro=_known(RateTable.rate_for_semester, pro, start),
        contractual_floor=_known(contractual_rate_floor, pro, start),
        legal_part=_known(RateTable.rate_for_semester, part, start),
    )


def list_rates(today: date) -> RateOverview:
    """Everything « Structure › Taux » and `recouvrement rates` show; three queries."""
    tables = rate_tables()
    horizon = today + timedelta(days=NOTICE_DAYS)  # the coming semester, once warned of
    rows = tuple(
        _semester(tables, start) for start in reversed(semesters(LEGAL_SEMESTERS_SINCE, horizon))
    )
    return RateOverview(today, tables, rows, missing_rates(tables, today))


def missing_rates_on(today: date) -> tuple[MissingRate, ...]:
    """The banner's question: which legal rates a manager must enter, on `today`."""
    return missing_rates(rate_tables(), today)


@use_case
def add_rate(
    kind: RateKind,
    effective_date: date,
    rate: Decimal,
    *,
    user: AbstractBaseUser | None,
    company: Company | None = None,
) -> EcbRate | LegalRate:
    """Add a published rate. A manager of `company` (the web) or the system (the CLI, `user`
    None) may; the rate is checked (bounds, a legal rate dated 1 January or 1 July, no second
    rate on a date) and its addition written to the journal of every company."""
    if user is not SYSTEM:
        if company is None:
            raise RuleViolation("Précisez la société de l'utilisateur.", "foreign_company")
        require_manager(user, company.pk, "peut saisir les taux")
    kind = RateKind(kind)
    table = EcbRate.table() if kind is RateKind.ECB else LegalRate.table(kind)
    check_new_rate(table, kind, effective_date, rate)
    who = user.get_username() if user is not SYSTEM else "ligne de commande"
    fields = {"effective_date": effective_date, "rate": rate, "source": f"Saisi ({who})"}
    if kind is RateKind.ECB:
        row = EcbRate.objects.create(**fields)
    else:
        row = LegalRate.objects.create(kind=kind.value, **fields)
    when = (
        f"du {semester_label(effective_date)}"
        if kind.per_semester
        else f"au {effective_date:%d/%m/%Y}"
    )
    message = f"Taux ajouté : {kind.table_label} {when}, {format_rate(rate)}."
    after = {
        "kind": kind.value,
        "effective_date": effective_date.isoformat(),
        "rate": plain_rate(rate),
    }
    for each in Company.objects.order_by("pk"):
        company_entry(each, audit.RATE_ADDED, message, user=user, after=after)
    return row
