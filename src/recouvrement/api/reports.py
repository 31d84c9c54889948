"""The API's « Rapports » (issue 14 §3, B6): balance âgée, encaissements, DSO and promises on a
date — the functions of « Tableau de bord » and `recouvrement report` (services.reports),
their `.as_dict()` as the body. A manager and « Consultation » read the company's figures
(and the split per chargé), a collector those of their own dossiers."""

import datetime as dt
from datetime import date

from django.utils import timezone
from ninja import Field, Query, Router, Schema

from recouvrement.api.auth import actor
from recouvrement.api.errors import ErrorOut
from recouvrement.api.fields import Id, Money
from recouvrement.services import reports

router = Router(tags=["Rapports"])

ERRORS = {400: ErrorOut, 403: ErrorOut}


class ReportDate(Schema):
    date: dt.date | None = Field(None, description="Arrêté au (AAAA-MM-JJ) ; par défaut le jour.")

    @property
    def as_of(self) -> date:
        return self.date or timezone.localdate()


class MonthsReport(ReportDate):
    months: int = Field(12, ge=1, le=120, description="Nombre de mois, jusqu'au mois du jour.")


class AgedQuery(ReportDate):
    charge: Id | None = Field(None, description="Id d'un chargé : ses échéances seulement.")


class Scope(Schema):
    everyone: bool = Field(description="Toute la société ; sinon les dossiers de l'appelant.")
    collector_id: int | None


class Bucket(Schema):
    key: str = Field(description="not_due, d1_30, d31_60, d61_90, over_90.")
    label: str


class Line(Schema):
    amount: Money
    count: int


class Balance(Schema):
    lines: dict[str, Line] = Field(description="Par tranche (clé de `buckets`).")
    total: Line
    overdue: Money = Field(description="Le total échu (hors non échu).")


class CollectorBalanceOut(Schema):
    collector_id: int | None = Field(description="None : sans chargé.")
    name: str
    balance: Balance


class AgedBalanceOut(Schema):
    as_of: date
    scope: Scope
    buckets: list[Bucket]
    company: Balance
    by_collector: list[CollectorBalanceOut]


class MonthAmountOut(Schema):
    year: int
    month: int
    amount: Money
    count: int = Field(description="Règlements.")


class RecoveredOut(Schema):
    as_of: date
    start: date
    months: list[MonthAmountOut] = Field(description="Du plus ancien au plus récent.")
    total: Money


class DsoPointOut(Schema):
    year: int
    month: int
    days: str = Field(description="Jours, une décimale (« 42.5 »).")


class DsoOut(Schema):
    as_of: date
    days: str = Field(description="Jours, une décimale (« 42.5 »).")
    receivables: Money
    at_least: bool = Field(description="Plus dû que tous les mois facturés : « au moins ».")
    formula: str
    trend: list[DsoPointOut]


class PromisesOut(Schema):
    start: date
    end: date
    made: Line
    kept: Line
    broken: Line
    pending: Line
    kept_rate: str | None = Field(description="Part des promesses jugées tenues, en %.")


@router.get("/aged-balance/", response={200: AgedBalanceOut, **ERRORS}, summary="Balance âgée")
def aged_balance(request, query: Query[AgedQuery]) -> dict:
    """The échéances still owed on `date` by days late (non échu, 1–30, 31–60, 61–90,
    > 90), in amount and count, for the company and per chargé."""
    who = actor(request)
    return reports.aged_balance_report(
        who.workspace.company, as_of=query.as_of, user=who.user, collector_id=query.charge
    ).as_dict()


@router.get("/recovered/", response={200: RecoveredOut, **ERRORS}, summary="Encaissements")
def recovered(request, query: Query[MonthsReport]) -> dict:
    """Règlements on échéances a dossier followed, per month."""
    who = actor(request)
    return reports.recovered_report(
        who.workspace.company, as_of=query.as_of, user=who.user, months=query.months
    ).as_dict()


@router.get("/dso/", response={200: DsoOut, **ERRORS}, summary="DSO")
def dso(request, query: Query[MonthsReport]) -> dict:
    """Days sales outstanding by the countback method (`formula` states it) and its trend."""
    who = actor(request)
    return reports.dso_report(
        who.workspace.company, as_of=query.as_of, user=who.user, months=query.months
    ).as_dict()


@router.get("/promises/", response={200: PromisesOut, **ERRORS}, summary="Promesses")
def promises(request, query: Query[MonthsReport]) -> dict:
    """The promises made in the period: made, kept, broken, pending, with amounts."""
    who = actor(request)
    return reports.promises_report(
        who.workspace.company, as_of=query.as_of, user=who.user, months=query.months
    ).as_dict()
