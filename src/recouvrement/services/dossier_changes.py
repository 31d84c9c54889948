"""« Modifier le dossier » (M7): a dossier's fields, its scenario and its échéances, changed
in one use case and journaled in one readable line (« Dossier modifié : priorité 3 → 1 ; … »).

Rules: a collector changes their own dossiers, a manager all of them, « Consultation » none
(`require_change`); only a manager hands a dossier to another chargé; a closed dossier is no
longer changed; the status moves between « En cours » and « Contentieux » only (closing is
« Clore le dossier », `close_dossier`). Échéances added are the customer's, still owed and in
no open dossier; an échéance removed leaves the dossier (its link is deleted: every reader of
a dossier's échéances reads its links), and the dossier keeps at least one.
A change of scenario follows `SCENARIO_RULE`.
"""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from recouvrement.db.models import (
    Collaborator,
    Contact,
    DisputeReason,
    Dossier,
    DossierReceivable,
    Intervention,
    Receivable,
    Scenario,
)
from recouvrement.domain.audit import sentence
from recouvrement.domain.permissions import check_manager
from recouvrement.domain.rules import RuleViolation
from recouvrement.domain.scenario import NextStep, plan_next_step
from recouvrement.domain.statuses import (
    DossierStatus,
    InterventionKind,
    InterventionStatus,
    check_dossier_transition,
)
from recouvrement.services.actors import require_change
from recouvrement.services.dossiers import _check_receivables, _check_same_company
from recouvrement.services.journal import journal_entry, save_entries, to_json
from recouvrement.services.queue import refresh_queue
from recouvrement.services.snapshots import dossier_snapshot
from recouvrement.services.steps import prepare_step
from recouvrement.services.use_case import use_case
from recouvrement.services.validation import check_text

CHANGED = "dossier_changed"
SKIPPED = "intervention_status_changed"

# What a change of scenario does, as the form states it before saving.
SCENARIO_RULE = (
    "Changer de scénario : l'étape « A faire » du scénario actuel devient « Ignorée » ; la "
    "première étape du nouveau scénario est aussitôt créée « A faire », prévue aujourd'hui "
    "plus son délai (après la date d'une promesse en cours). Sans scénario, les interventions "
    "suivantes sont manuelles. Les interventions manuelles, alertes et promesses ne changent "
    "pas."
)
DOSSIER_CLOSED = RuleViolation(
    "Le dossier est clos : il ne peut plus être modifié.", "dossier_closed"
)


class _Keep:
    def __repr__(self) -> str:
        return "KEEP"


KEEP: Any = _Keep()  # a field of `DossierChanges` left as it is


@dataclass(frozen=True)
class DossierChanges:
    """What « Modifier le dossier » asks; a field left at KEEP is not changed."""

    priority: int = KEEP
    collector: Collaborator | None = KEEP
    contact: Contact | None = KEEP
    scenario: Scenario | None = KEEP
    dispute_reason: DisputeReason | None = KEEP
    summary: str = KEEP
    comment: str = KEEP
    status: DossierStatus | str = KEEP
    add_receivables: Sequence[Receivable] = ()
    remove_receivables: Sequence[Receivable] = ()


@dataclass(frozen=True)
class DossierUpdate:
    """The dossier after the change, and the journal's sentence ("" when nothing changed)."""

    dossier: Dossier
    message: str


def check_open(dossier: Dossier) -> None:
    """A closed dossier is no longer changed (nor closed again)."""
    if not dossier.status_enum.is_open:
        raise DOSSIER_CLOSED


def _shown(value: object) -> str:
    return "—" if value is None or value == "" else str(value)


class _Diff:
    """The fields changed: their journal before/after and the message's parts."""

    def __init__(self) -> None:
        self.before: dict[str, Any] = {}
        self.after: dict[str, Any] = {}
        self.parts: list[str] = []
        self.fields: list[str] = []

    def field(self, dossier: Dossier, name: str, value: Any, label: str, part: str = "") -> None:
        """Set the dossier's field `name` (a model field or a foreign key) when it changes."""
        attname = dossier._meta.get_field(name).attname
        old, new = getattr(dossier, attname), getattr(value, "pk", value)
        if old == new:
            return
        shown_before = _shown(getattr(dossier, name))
        setattr(dossier, name, value)
        self.before |= to_json({attname: old})
        self.after |= to_json({attname: new})
        self.parts.append(part or f"{label} {shown_before} → {_shown(value)}")
        self.fields.append(name)


def _check_values(dossier: Dossier, changes: DossierChanges, role) -> None:
    company = dossier.company
    picked = (changes.collector, changes.scenario, changes.dispute_reason)
    _check_same_company(company, *(value for value in picked if value is not KEEP))
    collector = changes.collector
    if collector is not KEEP and getattr(collector, "pk", None) != dossier.collector_id:
        check_manager(role, "peut changer le chargé d'un dossier", "manager_only")
        if collector is not None and not collector.is_collector:
            raise RuleViolation(
                f"{collector} n'est pas chargé de recouvrement.", "collaborator_not_collector"
            )
    contact = changes.contact
    if contact not in (KEEP, None) and contact.customer_id != dossier.customer_id:
        raise RuleViolation(f"{contact} n'est pas un contact du client.", "contact_other_customer")
    priority = changes.priority
    if priority is not KEEP and (
        isinstance(priority, bool) or not isinstance(priority, int) or not 1 <= priority <= 5
    ):
        raise RuleViolation("La priorité va de 1 (la plus haute) à 5.", "priority_out_of_range")
    texts = {"summary": changes.summary, "comment": changes.comment}
    check_text(Dossier, {name: value for name, value in texts.items() if value is not KEEP})


def _target_status(dossier: Dossier, status: DossierStatus | str) -> DossierStatus:
    try:
        target = DossierStatus(status)
    except ValueError:
        raise RuleViolation(f"Statut de dossier inconnu : {status}.", "unknown_status") from None
    if target is DossierStatus.CLOSED:
        raise RuleViolation(
            "Un dossier se clôt par « Clore le dossier », avec sa résolution.", "use_closure"
        )
    if target is not dossier.status_enum:
        check_dossier_transition(dossier.status_enum, target)
    return target


def _receivable_changes(
    dossier: Dossier, changes: DossierChanges
) -> tuple[list[Receivable], list[DossierReceivable]]:
    """The échéances to link and the links to delete, once checked."""
    links = {
        link.receivable_id: link
        for link in DossierReceivable.objects.filter(
            dossier=dossier, is_active=True
        ).select_related("receivable")
    }
    removed: dict[int, DossierReceivable] = {}
    for receivable in changes.remove_receivables:
        if receivable.pk not in links:
            raise RuleViolation(
                f"L'échéance {receivable} n'est pas dans le dossier {dossier.number}.",
                "receivable_not_in_dossier",
            )
        removed[receivable.pk] = links[receivable.pk]
    added = {r.pk: r for r in changes.add_receivables if r.pk not in links}
    _check_receivables(dossier.customer, list(added.values()))
    if removed and len(links) - len(removed) + len(added) == 0:
        raise RuleViolation(
            "Un dossier garde au moins une échéance : rattachez-en une autre avant de retirer "
            "la dernière, ou clôturez le dossier.",
            "dossier_without_receivable",
        )
    return list(added.values()), list(removed.values())


def _receivables_part(verb: str, receivables: Sequence[Receivable]) -> str:
    plural = "s" if len(receivables) > 1 else ""
    names = ", ".join(r.reference for r in receivables)
    return f"échéance{plural} {verb}{plural} : {names}"


def _skip_steps(dossier: Dossier, *, today: date, user, at) -> list:
    """The old scenario's step « A faire » becomes « Ignorée » (SCENARIO_RULE)."""
    todo = dossier.interventions.filter(kind=InterventionKind.STEP, status=InterventionStatus.TODO)
    entries = [
        journal_entry(
            dossier,
            SKIPPED,
            f"« {label} » : A faire → Ignorée (changement de scénario).",
            user=user,
            intervention=Intervention(pk=pk),
            before={"status": InterventionStatus.TODO.value},
            after={"status": InterventionStatus.SKIPPED.value, "done_date": today.isoformat()},
            at=at,
        )
        for pk, label in todo.values_list("pk", "label")
    ]
    todo.update(status=InterventionStatus.SKIPPED, done_date=today, updated_at=at)
    return entries


@use_case
def update_dossier(
    dossier: Dossier,
    *,
    today: date,
    user: AbstractBaseUser | None,
    changes: DossierChanges,
) -> DossierUpdate:
    """« Modifier le dossier »: apply `changes`, journal each field changed (one row), follow
    SCENARIO_RULE on a change of scenario; the worklist follows priority and chargé."""
    dossier = (
        Dossier.objects.select_for_update(of=("self",))  # PostgreSQL: not the outer joins
        .select_related("company", "customer", "collector", "contact", "scenario")
        .select_related("dispute_reason")
        .get(pk=dossier.pk)
    )
    role = require_change(user, dossier)
    check_open(dossier)
    _check_values(dossier, changes, role)
    status = _target_status(dossier, changes.status) if changes.status is not KEEP else KEEP
    added, removed = _receivable_changes(dossier, changes)

    diff = _Diff()
    for name, label in (
        ("priority", "priorité"),
        ("collector", "chargé"),
        ("contact", "contact"),
        ("scenario", "scénario"),
        ("dispute_reason", "motif de litige"),
    ):
        if (value := getattr(changes, name)) is not KEEP:
            diff.field(dossier, name, value, label)
    if status is not KEEP:
        old = dossier.status_enum
        diff.field(
            dossier, "status", status.value, "statut", f"statut {old.label} → {status.label}"
        )
    for name, label in (("summary", "résumé"), ("comment", "commentaire")):
        if (value := getattr(changes, name)) is not KEEP:
            diff.field(dossier, name, value, label, f"{label} modifié")
    if added:
        diff.after["receivables_added"] = [r.pk for r in added]
        diff.parts.append(_receivables_part("ajoutée", added))
    if removed:
        diff.before["receivables_removed"] = [link.receivable_id for link in removed]
        diff.parts.append(_receivables_part("retirée", [link.receivable for link in removed]))
    if not diff.parts:
        return DossierUpdate(dossier, "")

    at = timezone.now()
    if diff.fields:
        dossier.save(update_fields=diff.fields)
    DossierReceivable.objects.filter(pk__in=[link.pk for link in removed]).delete()
    DossierReceivable.objects.bulk_create(
        DossierReceivable(dossier=dossier, receivable=r) for r in added
    )
    if {"priority", "collector"} & set(diff.fields):
        refresh_queue(dossier)
    message = sentence("Dossier modifié", diff.parts)
    entries = [
        journal_entry(
            dossier, CHANGED, message, user=user, before=diff.before, after=diff.after, at=at
        )
    ]
    new_scenario = "scenario" in diff.fields
    if new_scenario:
        entries += _skip_steps(dossier, today=today, user=user, at=at)
    save_entries(entries)
    if new_scenario and (plan := _new_scenario_step(dossier, today)) is not None:
        prepare_step(dossier, plan, user, at, today)
    return DossierUpdate(dossier, message)


def _new_scenario_step(dossier: Dossier, today: date) -> NextStep | None:
    """The new scenario's next step (SCENARIO_RULE), planned by the engine as if the dossier
    started today with only this scenario's steps: its first step not yet prepared here
    (a scenario used before on the dossier goes on after its last step), a pending promise
    still making it wait."""
    if dossier.scenario_id is None:
        return None
    state = dossier_snapshot(dossier)
    ours = {step.id for step in state.steps}
    kept = tuple(
        i for i in state.interventions if i.kind is not InterventionKind.STEP or i.step_id in ours
    )
    plan = plan_next_step(replace(state, start_date=today, interventions=kept))
    return plan if isinstance(plan, NextStep) else None
