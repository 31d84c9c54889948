"""B12, safety before sending: `prepare --dry-run`, the « Simulation » page, and the check
that the payments imported are fresh before `prepare` queues e-mails or prints.

The dry run is the real « Préparer » (`services.batch.prepare_due`, the same code, chunks and
all) run in a transaction rolled back at the end: the interventions, outbox rows, journal rows
and dossier statuses it wrote are described, then undone. Préparer touches nothing outside the
database (the outbox is rows; letters are printed and e-mails sent by later commands), so the
dry run and the real run on the same date list the same actions by construction.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from recouvrement.db.models import AccountingImport, Company, Dossier, Intervention, OutgoingEmail
from recouvrement.db.models.imports import ImportStatus
from recouvrement.db.queries import dossier_balances
from recouvrement.domain.freshness import FORCE_HINT, channel_of, import_age_problem
from recouvrement.domain.statuses import ActionType
from recouvrement.services.actors import require_manager
from recouvrement.services.batch import PrepareSummary, prepare_due
from recouvrement.services.dispute_reads import claims
from recouvrement.services.use_case import use_case

MAY_SIMULATE = "peut simuler le traitement « Préparer »"
NO_ADDRESS = "aucune adresse e-mail : l'étape restera « A faire »"
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class StaleImport:
    """A company whose last accounting import is older than its setting allows."""

    company_id: int
    last_import: date
    message: str


def stale_imports(
    today: date, *, company: Company | None = None, force_hint: str = FORCE_HINT
) -> list[StaleImport]:
    """The companies (all, or `company`) whose payments are too old to send or print on
    `today`. A company that never imported, or sets 0 days, is never stale."""
    companies = Company.objects.filter(max_import_age_days__gt=0).order_by("pk")
    if company is not None:
        companies = companies.filter(pk=company.pk)
    limits = {
        pk: (name, days)
        for pk, name, days in companies.values_list("pk", "name", "max_import_age_days")
    }
    last_imports = (
        AccountingImport.objects.filter(company_id__in=limits, status=ImportStatus.APPLIED)
        .values("company_id")
        .annotate(last=Max("applied_at"))
        .values_list("company_id", "last")
    )
    several = len(limits) > 1
    stale = []
    for company_id, applied_at in sorted(last_imports):
        name, days = limits[company_id]
        last = timezone.localdate(applied_at) if applied_at else None
        if problem := import_age_problem(last, today, days, force_hint):
            message = f"{name} : {problem}" if several else problem
            stale.append(StaleImport(company_id, last, message))
    return stale


def prepare_checked(
    today: date,
    *,
    company: Company | None = None,
    user: AbstractBaseUser | None = None,
    force: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> PrepareSummary:
    """`recouvrement prepare`: refused as a whole (ValidationError, code « import_too_old »)
    while a company's payments are too old, unless `force`; else `prepare_due`."""
    if not force and (stale := stale_imports(today, company=company)):
        raise ValidationError([s.message for s in stale], code="import_too_old")
    return prepare_due(today, company=company, user=user, progress=progress)


@dataclass(frozen=True)
class PlannedAction:
    """One intervention a run would create."""

    dossier_id: int
    dossier_number: str
    customer_code: str
    customer_name: str
    label: str
    action_type: ActionType
    planned_date: date
    amount: Decimal  # the dossier's « Solde » less what is in litige, plus the step's charges
    recipient: str
    disputed: Decimal = ZERO  # the open échéances in litige, left out of `amount` (B10)

    @property
    def channel(self) -> str:
        return channel_of(self.action_type)

    def as_json(self) -> dict:
        return {
            "dossier": self.dossier_number,
            "customer": self.customer_code,
            "step": self.label,
            "action_type": self.action_type.value,
            "channel": self.channel,
            "planned_date": self.planned_date.isoformat(),
            "amount": str(self.amount),
            "recipient": self.recipient,
            "disputed": str(self.disputed),
        }


@dataclass(frozen=True)
class HeldDossier:
    """A dossier `prepare` does not advance: its whole open balance is in litige (B10)."""

    dossier_id: int
    dossier_number: str
    customer_code: str
    customer_name: str
    disputed: Decimal

    def as_json(self) -> dict:
        return {
            "dossier": self.dossier_number,
            "customer": self.customer_code,
            "disputed": str(self.disputed),
        }


@dataclass(frozen=True)
class ChannelGroup:
    channel: str
    actions: list[PlannedAction]

    @property
    def count(self) -> int:
        return len(self.actions)

    @property
    def amount(self) -> Decimal:
        return sum((a.amount for a in self.actions), Decimal("0.00"))


@dataclass
class DryRun:
    """What `prepare` would do on `today`; nothing of it is stored."""

    today: date
    summary: PrepareSummary
    actions: list[PlannedAction] = field(default_factory=list)
    stale: list[StaleImport] = field(default_factory=list)
    force: bool = False
    held: list[HeldDossier] = field(default_factory=list)  # wholly in litige, not advanced

    @property
    def refused(self) -> bool:
        """The real run would be refused (payments too old, not forced): it would create
        nothing; `actions` are what it creates once forced."""
        return bool(self.stale) and not self.force

    @property
    def groups(self) -> list[ChannelGroup]:
        by_channel: dict[str, list[PlannedAction]] = {}
        for action in self.actions:
            by_channel.setdefault(action.channel, []).append(action)
        return [ChannelGroup(channel, rows) for channel, rows in sorted(by_channel.items())]

    @property
    def amount(self) -> Decimal:
        return sum((a.amount for a in self.actions), ZERO)

    @property
    def disputed(self) -> Decimal:
        """What the listed actions leave out because it is in litige."""
        return sum((a.disputed for a in self.actions), ZERO)

    def as_json(self) -> dict:
        return {
            "date": self.today.isoformat(),
            "dry_run": True,
            "refused": self.refused,
            **self.summary.as_json(),  # with "disputed" when any (B10)
            "by_channel": {
                g.channel: {"count": g.count, "amount": str(g.amount)} for g in self.groups
            },
            "actions": [a.as_json() for a in self.actions],
            "held_in_dispute": [h.as_json() for h in self.held],
            "stale_imports": [s.message for s in self.stale],
        }


@use_case
def dry_run_prepare(
    today: date,
    *,
    company: Company | None = None,
    user: AbstractBaseUser | None = None,
    force: bool = False,
) -> DryRun:
    """What `prepare` would create on `today` (for every company, or `company`), per dossier,
    and whether it would be refused (payments too old and not `force`d); the run is rolled
    back, so nothing is written."""
    if company is not None:
        require_manager(user, company.pk, MAY_SIMULATE)
    stale = stale_imports(today, company=company)
    summary = prepare_due(today, company=company, user=user)
    held = _held(summary.disputed_ids)
    actions = _described(summary.intervention_ids)
    transaction.set_rollback(True)  # the use case's transaction: everything above is undone
    return DryRun(today, summary, actions, stale, force, held)


def _held(ids: list[int]) -> list[HeldDossier]:
    """The dossiers `prepare_due` left alone because their whole balance is in litige."""
    found = claims(ids)
    rows = Dossier.objects.filter(pk__in=ids).select_related("customer").order_by("number")
    return [
        HeldDossier(d.pk, d.number, d.customer.code, d.customer.name, found[d.pk].disputed_total)
        for d in rows
    ]


def _described(ids: list[int]) -> list[PlannedAction]:
    """The interventions just created, with their amount and recipient (before the rollback)."""
    if not ids:
        return []
    rows = (
        Intervention.objects.filter(pk__in=ids)
        .select_related("dossier__customer", "dossier__contact")
        .order_by("dossier__number")
    )
    interventions = list(rows)
    balances = dossier_balances([i.dossier_id for i in interventions])
    in_dispute = claims(balances)  # the échéances in litige are not claimed (B10)
    emails = dict(
        OutgoingEmail.objects.filter(intervention_id__in=ids).values_list(
            "intervention_id", "recipient"
        )
    )
    return [
        PlannedAction(
            dossier_id=i.dossier_id,
            dossier_number=i.dossier.number,
            customer_code=i.dossier.customer.code,
            customer_name=i.dossier.customer.name,
            label=i.label,
            action_type=ActionType(i.action_type),
            planned_date=i.planned_date,
            amount=balances.get(i.dossier_id, ZERO)
            - _disputed(in_dispute, i.dossier_id)
            + (i.penalty_amount or 0)
            + (i.fee_amount or 0),
            recipient=_recipient(i, emails),
            disputed=_disputed(in_dispute, i.dossier_id),
        )
        for i in interventions
    ]


def _disputed(found: dict, dossier_id: int) -> Decimal:
    claim = found.get(dossier_id)
    return claim.disputed_total if claim is not None else ZERO


def _recipient(intervention: Intervention, emails: dict[int, str]) -> str:
    """Who the step reaches: the outbox's address for an e-mail, else the contact (or the
    customer) with the postal town of a letter or the number of a call."""
    action_type = ActionType(intervention.action_type)
    if action_type.queues_email:
        return emails.get(intervention.pk) or NO_ADDRESS
    dossier = intervention.dossier
    customer, contact = dossier.customer, dossier.contact
    who = str(contact) if contact else customer.name
    if action_type.is_printed:
        town = f"{customer.postal_code} {customer.city}".strip()
        return f"{who}, {town}" if town else who
    phone = (contact.phone if contact else "") or customer.phone
    return f"{who}, {phone}" if phone else who
