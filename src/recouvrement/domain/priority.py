"""Explainable priority (B11): a score 0–100 and a suggested priority 1–5 for a dossier, with the
two or three reasons that weigh most, in French.

The priority a user types on a dossier stays (1 = the most urgent, 5 = the least, as the
« priorité » column and its check constraint); this module only suggests one. Pure: no Django, no
clock (every duration is counted by the caller on its `today`), no float — money and the score
are Decimal, computed in a fixed decimal context, so the result never depends on the machine.

The score, in five lines:
1. each factor becomes a number from 0 to 1 (its curve: the constants below and `_factors`);
2. urgency = Σ weight × factor / Σ weights, so between 0 and 1;
3. the undisputed share of the balance is kept: urgency × (1 − disputed share × disputes %);
4. score = round(100 × that), half up; priority 1 from 60, 2 from 45, 3 from 30, 4 from 15, else 5;
5. a balance wholly in dispute is never priority 1; a zero balance scores 0 (priority 5).
"""

from collections.abc import Mapping
from dataclasses import dataclass, fields
from decimal import ROUND_HALF_UP, Context, Decimal, localcontext
from functools import cache

from recouvrement.domain.money import format_amount
from recouvrement.domain.rules import RuleViolation

MOST_URGENT, LEAST_URGENT = 1, 5  # the bounds of Dossier.priority
# The lowest score of each priority, from the most urgent; below the last one: LEAST_URGENT.
PRIORITY_THRESHOLDS = (60, 45, 30, 15)

ZERO, ONE, HUNDRED = Decimal(0), Decimal(1), Decimal(100)
# The curves' scales: where a factor reaches (or nears) its full weight.
AMOUNT_UNIT = Decimal(100)  # amount factor = ln(1 + amount/100) / ln(1 + 100 000/100)
AMOUNT_FULL = Decimal(100_000)  # from 100 000 € undisputed the amount weighs fully
DAYS_OVERDUE_FULL = 60  # two months late: the longest legal payment term is behind
LAST_CONTACT_FULL = 30  # a month without a call or a letter answered
PAYMENT_HISTORY_FULL = 60  # a customer who pays two months late on average
NEVER_CONTACTED = ONE  # never contacted weighs as a month without contact
MIN_REASON_POINTS = ONE  # a factor worth less than a point of the score is not a reason

# The decimal arithmetic of the score (suggest_priority works in it), whatever the caller's.
_CONTEXT = Context(prec=28)
_LN_CONTEXT = _CONTEXT  # 12 digits lost a 0,01 € amount's reason (hypothesis found it)
_AMOUNT_SCALE = (ONE + AMOUNT_FULL / AMOUNT_UNIT).ln(_LN_CONTEXT)  # once per process


@dataclass(frozen=True)
class PriorityFacts:
    """What the dossier's figures say on the caller's `today` (the caller counts the days).

    Negative amounts or counts are read as 0; a disputed amount above the open amount as the
    whole open amount; a step beyond the scenario's last one as the last one.
    """

    open_amount: Decimal  # what the customer still owes on the dossier, disputed or not
    days_overdue: int  # of the oldest open échéance (0 or less: nothing overdue)
    step_reached: int = 0  # the order of the scenario step reached (0: none yet)
    step_count: int = 0  # how many steps the dossier's scenario has
    broken_promises: int = 0
    disputed_amount: Decimal = ZERO  # of the open disputes (B10)
    disputes: int = 0  # how many open disputes
    days_since_last_contact: int | None = None  # None: never contacted
    average_days_late: int | None = None  # of its échéances paid these 12 months; None: none


@dataclass(frozen=True)
class PriorityWeights:
    """How much each factor counts, per company (the manager may tune them).

    Six factors share the score in proportion of their weights (only the ratios matter; the
    defaults add up to 100, so each reads as a percentage):
    - « Montant dû » 35: what is at stake first — the undisputed amount, on a logarithmic scale
      (100 € → 10 %, 1 000 € → 35 %, 10 000 € → 67 %, 100 000 € and more → 100 % of the weight),
      so a large invoice leads without drowning the rest;
    - « Jours de retard » 25: the older the debt, the harder to collect; full at 60 days;
    - « Promesses non tenues » 15: a broken promise means talk alone no longer works; the first
      one counts half, two two thirds, three three quarters…;
    - « Étape du scénario » 10: how far the amicable steps went (step reached / steps);
    - « Historique de paiement » 10: a customer who usually pays late (average days late of its
      paid échéances over 12 months, full at 60 days; no history counts nothing);
    - « Temps depuis le dernier contact » 5: a dossier nobody spoke about for a month (or ever)
      needs a call, but silence alone does not make a debt urgent.
    « Réduction pour litige » 60 (%) is not shared out: it is what is taken off the score when the
    whole balance is disputed (half of it when half is disputed…): a disputed invoice is not
    chased (B10); besides, the disputed part never counts in « Montant dû ».
    """

    amount: int = 35
    days_overdue: int = 25
    broken_promises: int = 15
    scenario_step: int = 10
    payment_history: int = 10
    last_contact: int = 5
    disputes: int = 60

    def validate(self) -> None:
        """Raise RuleViolation (French) unless every weight is a whole number from 0 to 100
        and at least one factor counts."""
        for name, value in self.as_dict().items():
            label = WEIGHT_LABELS[name]
            if isinstance(value, bool) or not isinstance(value, int):
                raise RuleViolation(
                    f"Le poids « {label} » doit être un nombre entier ({value!r}).",
                    "priority_weight_not_an_integer",
                )
            if value < 0:
                raise RuleViolation(
                    f"Le poids « {label} » ne peut pas être négatif ({value}).",
                    "priority_weight_negative",
                )
            if value > 100:
                raise RuleViolation(
                    f"Le poids « {label} » ne peut pas dépasser 100 ({value}).",
                    "priority_weight_too_large",
                )
        if not any(getattr(self, name) for name in FACTORS):
            raise RuleViolation(
                "Au moins un facteur de priorité doit avoir un poids supérieur à 0 "
                "(tous les poids sont à 0).",
                "priority_weights_all_zero",
            )

    def as_dict(self) -> dict[str, int]:
        return {field.name: getattr(self, field.name) for field in fields(self)}

    @classmethod
    def from_dict(cls, values: Mapping[str, object]) -> "PriorityWeights":
        """The weights a company stored (missing ones take their default), validated."""
        known = {field.name for field in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise RuleViolation(
                f"Facteur de priorité inconnu : {', '.join(unknown)}.", "priority_weight_unknown"
            )
        weights = cls(**values)  # type: ignore[arg-type]
        weights.validate()
        return weights


# The French names of the weights (the manager's page, the validation messages).
WEIGHT_LABELS = {
    "amount": "Montant dû",
    "days_overdue": "Jours de retard",
    "broken_promises": "Promesses non tenues",
    "scenario_step": "Étape du scénario",
    "payment_history": "Historique de paiement",
    "last_contact": "Temps depuis le dernier contact",
    "disputes": "Réduction pour litige (%)",
}
# The factors that share the score, in the order a tie between equal contributions follows.
FACTORS = (
    "amount",
    "days_overdue",
    "broken_promises",
    "scenario_step",
    "payment_history",
    "last_contact",
)


@dataclass(frozen=True)
class Suggestion:
    score: int  # 0–100, the higher the more urgent
    priority: int  # 1 (most urgent) … 5, as Dossier.priority
    reasons: tuple[str, ...]  # the factors that weigh most, heaviest first, in French
    points: Mapping[str, Decimal]  # each factor's share of the score before disputes, 0–100

    @property
    def explanation(self) -> str:
        """« Priorité suggérée 1 — 89 116,00 € dû, 62 jours de retard, 1 promesse non tenue »."""
        return f"Priorité suggérée {self.priority} — {', '.join(self.reasons)}"


def suggest_priority(facts: PriorityFacts, weights: PriorityWeights | None = None) -> Suggestion:
    """The suggested priority of a dossier, its score and why (see the module's docstring).

    Monotone: more open amount, more days overdue, a later step, more broken promises, a longer
    silence or a worse payment history never lower the urgency; more in dispute never raises it.
    """
    weights = weights or PriorityWeights()
    _validated(weights)
    with localcontext(_CONTEXT):
        return _suggest(facts, weights)


@cache
def _validated(weights: PriorityWeights) -> None:
    """Check a company's weights once per process, not once per dossier (frozen, hashable)."""
    weights.validate()


def _suggest(facts: PriorityFacts, weights: PriorityWeights) -> Suggestion:
    open_amount = max(Decimal(facts.open_amount), ZERO)
    if open_amount == 0:
        return Suggestion(0, LEAST_URGENT, ("rien n'est dû",), dict.fromkeys(FACTORS, ZERO))
    disputed = min(max(Decimal(facts.disputed_amount), ZERO), open_amount)
    disputed_share = disputed / open_amount

    total = sum(getattr(weights, name) for name in FACTORS)
    values = _factors(facts, open_amount - disputed)
    points = {name: HUNDRED * getattr(weights, name) * values[name] / total for name in FACTORS}
    kept = ONE - disputed_share * weights.disputes / HUNDRED
    raw = sum(points.values(), ZERO) * kept
    score = min(int(raw.quantize(ONE, rounding=ROUND_HALF_UP)), 100)
    priority = _priority_of(score)
    if disputed == open_amount:
        priority = max(priority, MOST_URGENT + 1)  # a wholly disputed balance is not chased

    ranked = sorted(
        (name for name in FACTORS if points[name] > 0),
        key=lambda name: (-points[name], FACTORS.index(name)),
    )
    # The heaviest factor, then up to two more if they count (a point of the score at least).
    heaviest = ranked[:1] + [name for name in ranked[1:3] if points[name] >= MIN_REASON_POINTS]
    if disputed > 0 and "amount" not in heaviest:
        heaviest = [*heaviest[:2], "amount"]  # the disputed amount is always said
    reasons = tuple(_reason(name, facts, open_amount, disputed) for name in heaviest)
    return Suggestion(score, priority, reasons or ("aucun facteur d'urgence",), points)


def _factors(facts: PriorityFacts, undisputed: Decimal) -> dict[str, Decimal]:
    """Each factor between 0 and 1, non-decreasing in what it measures."""
    amount = min((ONE + undisputed / AMOUNT_UNIT).ln(_LN_CONTEXT) / _AMOUNT_SCALE, ONE)
    promises = max(facts.broken_promises, 0)
    step = min(max(facts.step_reached, 0), facts.step_count)
    contact = facts.days_since_last_contact
    return {
        "amount": amount,
        "days_overdue": _ratio(facts.days_overdue, DAYS_OVERDUE_FULL),
        "broken_promises": Decimal(promises) / (promises + 1),
        "scenario_step": Decimal(step) / facts.step_count if step > 0 else ZERO,
        "payment_history": (
            ZERO
            if facts.average_days_late is None
            else _ratio(facts.average_days_late, PAYMENT_HISTORY_FULL)
        ),
        "last_contact": NEVER_CONTACTED if contact is None else _ratio(contact, LAST_CONTACT_FULL),
    }


def _ratio(days: int, full: int) -> Decimal:
    return Decimal(min(max(days, 0), full)) / full


def _priority_of(score: int) -> int:
    for priority, threshold in enumerate(PRIORITY_THRESHOLDS, start=MOST_URGENT):
        if score >= threshold:
            return priority
    return LEAST_URGENT


def _reason(name: str, facts: PriorityFacts, open_amount: Decimal, disputed: Decimal) -> str:
    if name == "amount":
        reason = f"{format_amount(open_amount)} dû"
        return f"{reason} dont {format_amount(disputed)} en litige" if disputed > 0 else reason
    if name == "days_overdue":
        return f"{_count(facts.days_overdue, 'jour')} de retard"
    if name == "broken_promises":
        return _count(facts.broken_promises, "promesse non tenue", "promesses non tenues")
    if name == "scenario_step":
        return (
            f"étape {min(facts.step_reached, facts.step_count)} sur {facts.step_count} du scénario"
        )
    if name == "payment_history":
        return f"paie en moyenne {_count(facts.average_days_late or 0, 'jour')} en retard"
    if facts.days_since_last_contact is None:
        return "jamais contacté"
    return f"aucun contact depuis {_count(facts.days_since_last_contact, 'jour')}"


def _count(number: int, singular: str, plural: str | None = None) -> str:
    """« 1 jour », « 62 jours » (French: 0 and 1 take the singular)."""
    word = singular if abs(number) < 2 else (plural or f"{singular}s")
    return f"{number} {word}"
