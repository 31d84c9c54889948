"""Explainable priority (B11): the priority each open dossier's figures suggest
(`domain.priority.suggest_priority`, with the company's weights), stored on the dossier for
the lists to sort by, computed live for the dossier page; the manager tunes the weights; a
user may adopt the suggestion as the dossier's own priority (or keep theirs: both shown).

`refresh_priorities` runs at the end of `recouvrement prepare` (never in a dry run) and of
`recouvrement priority`; saving the weights refreshes the company's suggestions too.
"""

from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth.models import AbstractBaseUser

from recouvrement.db.models import Company, Dossier
from recouvrement.db.priority_facts import priority_facts, store_suggestions
from recouvrement.domain.audit import sentence
from recouvrement.domain.priority import (
    LEAST_URGENT,
    MOST_URGENT,
    WEIGHT_LABELS,
    PriorityWeights,
    Suggestion,
    suggest_priority,
)
from recouvrement.domain.rules import RuleViolation
from recouvrement.domain.statuses import DossierStatus
from recouvrement.services.actors import SYSTEM, require_change, require_manager, role_of
from recouvrement.services.dossier_changes import DossierChanges, DossierUpdate, update_dossier
from recouvrement.services.journal import company_entry
from recouvrement.services.use_case import use_case

PRIORITIES_REFRESHED = "priorities_refreshed"
PRIORITY_WEIGHTS_CHANGED = "priority_weights_changed"
MAY_SET_WEIGHTS = "peut régler les poids de la priorité suggérée"
BATCH_SIZE = 1000  # dossiers per executemany (db.priority_facts.store_suggestions)
REASONS_LENGTH = Dossier._meta.get_field("suggested_reasons").max_length


@dataclass(frozen=True)
class RefreshSummary:
    """What `refresh_priorities` stored: how many open dossiers, how many per priority."""

    on: date
    dossiers: int
    by_priority: dict[int, int] = field(default_factory=dict)

    @property
    def line(self) -> str:
        counts = ", ".join(
            f"{self.by_priority.get(n, 0)} en {n}" for n in range(MOST_URGENT, LEAST_URGENT + 1)
        )
        return (
            f"Priorité suggérée au {self.on:%d/%m/%Y} : {self.dossiers} dossier(s) ouvert(s)"
            f"{f' ({counts})' if self.dossiers else ''}."
        )

    def as_json(self) -> dict:
        return {
            "date": self.on.isoformat(),
            "dossiers": self.dossiers,
            "by_priority": {str(n): count for n, count in sorted(self.by_priority.items())},
        }


def company_weights(company: Company) -> PriorityWeights:
    """The company's weights (a weight it never set takes its default)."""
    try:
        return PriorityWeights.from_dict(company.priority_weights or {})
    except (RuleViolation, TypeError):  # only the service stores them: never seen
        return PriorityWeights()


def dossier_suggestion(dossier: Dossier, *, today: date) -> Suggestion | None:
    """The suggestion for this dossier's figures on `today` (the dossier page); None for a
    closed dossier."""
    facts = priority_facts(dossier.company, today, [dossier.pk]).get(dossier.pk)
    if facts is None:
        return None
    return suggest_priority(facts, company_weights(dossier.company))


def most_urgent(company: Company, limit: int = 10) -> list[tuple]:
    """The open dossiers with the highest stored score: (number, customer's name, priority,
    score, reasons), the most urgent first (`recouvrement priority`)."""
    rows = (
        Dossier.objects.filter(
            company=company,
            status__in=(DossierStatus.OPEN, DossierStatus.LITIGATION),
            suggested_score__isnull=False,
        )
        .order_by("-suggested_score", "number")
        .values_list(
            "number",
            "customer__name",
            "suggested_priority",
            "suggested_score",
            "suggested_reasons",
        )
    )
    return list(rows[:limit])


def _store(company: Company, today: date) -> RefreshSummary:
    """Store every open dossier's suggestion (the dossiers are written before any journal
    row of the transaction: services.journal's lock order)."""
    weights = company_weights(company)
    rows: list[tuple[int, int, int, str]] = []
    by_priority: dict[int, int] = {}
    for pk, facts in priority_facts(company, today).items():
        suggestion = suggest_priority(facts, weights)
        by_priority[suggestion.priority] = by_priority.get(suggestion.priority, 0) + 1
        reasons = ", ".join(suggestion.reasons)[:REASONS_LENGTH]
        rows.append((pk, suggestion.score, suggestion.priority, reasons))
    for start in range(0, len(rows), BATCH_SIZE):
        store_suggestions(rows[start : start + BATCH_SIZE], today)
    # A closed dossier is no longer suggested anything (the lists would show a stale one).
    Dossier.objects.filter(
        company=company, status=DossierStatus.CLOSED, suggested_on__isnull=False
    ).update(suggested_score=None, suggested_priority=None, suggested_reasons="", suggested_on=None)
    return RefreshSummary(today, len(rows), by_priority)


def _journal_refresh(company: Company, summary: RefreshSummary, user) -> None:
    company_entry(company, PRIORITIES_REFRESHED, summary.line, user=user, after=summary.as_json())


@use_case
def refresh_priorities(
    company: Company, *, today: date, user: AbstractBaseUser | None = None
) -> RefreshSummary:
    """Compute and store the suggested priority of every open dossier of the company on
    `today`, with its weights; one journal row for the company with the counts."""
    if user is not SYSTEM:
        role_of(user, company.pk)  # a member of the company
    summary = _store(company, today)
    _journal_refresh(company, summary, user)
    return summary


def _weights_parts(old: PriorityWeights, new: PriorityWeights) -> list[str]:
    before, after = old.as_dict(), new.as_dict()
    return [
        f"{WEIGHT_LABELS[name]} {before[name]} → {after[name]}"
        for name in after
        if before[name] != after[name]
    ]


@dataclass(frozen=True)
class WeightsSaved:
    weights: PriorityWeights
    message: str  # the journal's sentence, "" when nothing changed
    refreshed: RefreshSummary | None = None


@use_case
def save_priority_weights(
    company: Company,
    weights: dict,
    *,
    user: AbstractBaseUser | None,
    today: date | None = None,
) -> WeightsSaved:
    """« Structure › Priorité suggérée »: a manager sets the company's weights (a weight not
    given takes its default), journaled old → new; with `today`, the stored suggestions are
    computed again with them."""
    require_manager(user, company.pk, MAY_SET_WEIGHTS)
    company = Company.objects.select_for_update().get(pk=company.pk)
    new = PriorityWeights.from_dict(weights)  # RuleViolation: the French message
    old = company_weights(company)
    parts = _weights_parts(old, new)
    if not parts:
        return WeightsSaved(new, "")
    company.priority_weights = new.as_dict()
    company.save(update_fields=["priority_weights"])
    refreshed = _store(company, today) if today is not None else None
    message = sentence("Poids de la priorité suggérée modifiés", parts)
    company_entry(
        company,
        PRIORITY_WEIGHTS_CHANGED,
        message,
        user=user,
        before=old.as_dict(),
        after=new.as_dict(),
    )
    if refreshed is not None:
        _journal_refresh(company, refreshed, user)
    return WeightsSaved(new, message, refreshed)


@dataclass(frozen=True)
class Adopted:
    suggestion: Suggestion
    update: DossierUpdate  # its message is "" when the priority already was the suggestion


@use_case
def adopt_suggested_priority(
    dossier: Dossier, *, today: date, user: AbstractBaseUser | None
) -> Adopted:
    """« Appliquer la priorité suggérée »: the dossier's own priority becomes the one its
    figures suggest today, through « Modifier le dossier » (its rules, its journal row, the
    worklist's copies); the suggestion is stored on the dossier too."""
    require_change(user, dossier)
    suggestion = dossier_suggestion(dossier, today=today)
    if suggestion is None:
        raise RuleViolation("Le dossier est clos : il ne peut plus être modifié.", "dossier_closed")
    update = update_dossier(
        dossier, today=today, user=user, changes=DossierChanges(priority=suggestion.priority)
    )
    Dossier.objects.filter(pk=dossier.pk).update(
        suggested_score=suggestion.score,
        suggested_priority=suggestion.priority,
        suggested_reasons=", ".join(suggestion.reasons)[:REASONS_LENGTH],
        suggested_on=today,
    )
    return Adopted(suggestion, update)
