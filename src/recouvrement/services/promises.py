"""B3: the money decides each promise to pay — kept, or broken with an alert and the scenario
resuming. Run by the accounting import (money came in) and by the daily batch (dates passed)."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.utils import timezone

from recouvrement.db.models import Allocation, Company, Dossier, Intervention, JournalEntry
from recouvrement.domain.money import format_amount
from recouvrement.domain.promises import PromiseOutcome, judge_promise
from recouvrement.domain.statuses import (
    DossierStatus,
    InterventionKind,
    InterventionStatus,
    Role,
    check_intervention_transition,
)
from recouvrement.services.journal import journal_entry, save_entries
from recouvrement.services.queue import queue_fields

BROKEN_ALERT = "Promesse non tenue"


@dataclass
class PromiseSummary:
    kept: int = 0
    broken: int = 0


def pending_promises(company: Company | None = None) -> QuerySet[Intervention]:
    """The promises still « A faire » of the open dossiers (of one company, or all)."""
    pending = Intervention.objects.filter(
        kind=InterventionKind.PROMISE,
        status=InterventionStatus.TODO,
        dossier__status__in=[DossierStatus.OPEN, DossierStatus.LITIGATION],
    )
    return pending if company is None else pending.filter(dossier__company=company)


def settle_promises(
    today: date,
    *,
    company: Company | None = None,
    user: AbstractBaseUser | None = None,
) -> PromiseSummary:
    """Judge every promise still « A faire » of the open dossiers (call inside a transaction).

    Kept: the promise becomes « Réalisée » on the day the money reached the amount. Broken:
    it becomes « Ignorée », which lets the scenario go on, and an alert « Promesse non tenue »
    is due today in « Gestion des actions ».
    """
    pending = pending_promises(company).select_related("dossier__collector")
    promises = list(pending.select_for_update(of=("self",)))
    summary = PromiseSummary()
    if not promises:
        return summary
    paid = _payments_by_dossier({p.dossier_id for p in promises})
    at = timezone.now()
    entries: list[JournalEntry] = []
    for promise in promises:
        made_on = promise.promise_made_on or promise.created_at.date()
        verdict = judge_promise(
            promise.promise_amount, made_on, promise.planned_date, paid[promise.dossier_id], today
        )
        if verdict is None:
            continue
        promised = f"{format_amount(promise.promise_amount)} promis pour le "
        promised += f"{promise.planned_date:%d/%m/%Y}"
        kept = verdict.outcome is PromiseOutcome.KEPT
        target = InterventionStatus.DONE if kept else InterventionStatus.SKIPPED
        check_intervention_transition(
            InterventionStatus.TODO, target, Role.MANAGER, kind=InterventionKind.PROMISE
        )
        promise.status = target
        promise.done_date = verdict.on
        promise.promise_kept = kept
        if kept:
            summary.kept += 1
            promise.comment = f"Promesse tenue : {format_amount(verdict.paid)} reçus au "
            promise.comment += f"{verdict.on:%d/%m/%Y} ({promised})."
        else:
            summary.broken += 1
            promise.comment = f"Promesse non tenue : {format_amount(verdict.paid)} reçus sur "
            promise.comment += f"{promised}."
        promise.save(update_fields=["status", "done_date", "promise_kept", "comment", "updated_at"])
        entries.append(
            journal_entry(
                promise.dossier,
                "promise_kept" if kept else "promise_broken",
                promise.comment,
                user=user,
                intervention=promise,
                before={"status": InterventionStatus.TODO.value},
                after={
                    "status": promise.status.value,
                    "done_date": verdict.on.isoformat(),
                    "promise_kept": kept,
                },
                at=at,
            )
        )
        if not kept:
            entries.append(_alert(promise.dossier, promise.comment, today, user, at))
    save_entries(entries)
    return summary


def _alert(
    dossier: Dossier, comment: str, today: date, user: AbstractBaseUser | None, at
) -> JournalEntry:
    alert = Intervention.objects.create(
        dossier=dossier,
        kind=InterventionKind.ALERT,
        status=InterventionStatus.TODO,
        label=BROKEN_ALERT,
        planned_date=today,
        comment=comment[:255],
        **queue_fields(dossier),
    )
    return journal_entry(
        dossier,
        "intervention_created",
        f"Alerte « {BROKEN_ALERT} » créée pour le {today:%d/%m/%Y}.",
        user=user,
        intervention=alert,
        after={"kind": alert.kind.value, "status": alert.status.value, "label": alert.label},
        at=at,
    )


def _payments_by_dossier(dossier_ids: set[int]) -> dict[int, list[tuple[date, Decimal]]]:
    """Payments allocated to the échéances each dossier follows: (date, amount allocated)."""
    paid: dict[int, list[tuple[date, Decimal]]] = defaultdict(list)
    rows = Allocation.objects.filter(
        receivable__links__dossier_id__in=dossier_ids,
        receivable__links__is_active=True,
    ).values_list("receivable__links__dossier_id", "payment__date", "amount")
    for dossier_id, day, amount in rows:
        paid[dossier_id].append((day, amount))
    return paid
