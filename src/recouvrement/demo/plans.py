"""Each demo dossier's plan: its customer, its collector and the dates its steps were worked,
chosen for it to be at its stage (see `data.STAGES`) on `today`. No database write."""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from recouvrement.db import models as db
from recouvrement.demo import data
from recouvrement.demo.company import Client, Demo

# `recouvrement prepare --date` this many days ahead finds steps to prepare (2026-12-15).
PREPARE_HORIZON_DAYS = 18


@dataclass
class Plan:
    """One dossier to simulate: who, which scenario, and the dates its steps were worked."""

    stage: str  # see data.STAGES
    index: int  # rank among the dossiers of the same stage
    client: Client
    collector: str  # username
    scenario: db.Scenario | None
    steps: list[db.Step]
    start: date
    done_dates: list[date]  # one per step worked, in order
    prepare_next: bool
    gap: int  # days from the last step to the closure (closed dossiers)
    receivables: list[db.Receivable] = field(default_factory=list)


def plans_for(demo: Demo, clients: list[Client], scenarios: dict) -> list[Plan]:
    """Choose each dossier's customer, collector and step dates (no database write)."""
    rng, plans = demo.rng, []
    pools = {segment: [] for segment in data.COLLECTORS_BY_SEGMENT}
    for client in clients:
        if not client.customer.excluded_from_collection:
            pools[client.segment].append(client)
    for pool in pools.values():
        rng.shuffle(pool)
    for stage, counts in data.STAGES.items():
        segments = [segment for segment, count in counts.items() for _ in range(count)]
        for index, segment in enumerate(segments):
            # Closed dossiers are history: one customer may have had several.
            client = rng.choice(pools[segment]) if stage == "closed" else pools[segment].pop()
            collector = _collector(client, sum(p.client.segment == segment for p in plans))
            scenario = None if stage == "manual" else scenarios[segment]
            plans.append(_plan(demo, stage, index, client, collector, scenario))
    return plans


def _collector(client: Client, turn: int) -> str:
    """The customer's own collector, else the segment's collectors in turn."""
    if client.customer.default_collector is not None:
        return client.customer.default_collector.user.username
    collectors = data.COLLECTORS_BY_SEGMENT[client.segment]
    return collectors[turn % len(collectors)]


def _plan(demo: Demo, stage: str, index: int, client: Client, collector: str, scenario) -> Plan:
    """When the dossier opened and its steps were worked, for it to be at `stage` today."""
    rng = demo.rng
    steps = list(scenario.steps.order_by("order")) if scenario else []
    worked, prepare_next = _shape(rng, stage, steps)
    instalments = stage == "closed" and data.CLOSINGS[index][0] == "Échéancier respecté"
    gap = rng.randint(22, 30) if instalments else rng.randint(3, 12)
    jitters = [rng.choice((0, 0, 1, 1, 2, 3, 6)) for _ in range(worked)]
    start, dates = _fit(demo, stage, steps, jitters, gap)
    return Plan(stage, index, client, collector, scenario, steps, start, dates, prepare_next, gap)


def _shape(rng: random.Random, stage: str, steps: list[db.Step]) -> tuple[int, bool]:
    """How many steps were worked, and whether the next one was prepared."""
    n = len(steps)
    quiet = n - 2 if steps and steps[-1].sets_dossier_status else n - 1  # stays « En cours »
    if stage in ("new", "manual"):
        return 0, False
    if stage in ("mid", "alert", "promise"):
        return rng.randint(1, quiet), stage != "promise"
    if stage == "due":
        return rng.randint(1, n - 1), False
    if stage == "litigation":
        worked = rng.choice((n - 1, n))
        return worked, worked < n
    if stage == "finished":
        return n, False
    return rng.randint(1, n - 1), rng.random() < 0.5  # closed


def _fit(demo: Demo, stage: str, steps: list[db.Step], jitters: list[int], gap: int):
    """A start date (a weekday) whose step dates put the dossier at `stage` on `today`."""
    candidates = [demo.today - timedelta(days=d) for d in range(221)]
    candidates = [d for d in candidates if d.weekday() < 5]
    demo.rng.shuffle(candidates)
    for start in candidates:
        dates, reference = [], start
        for step, jitter in zip(steps, jitters, strict=False):
            reference = workday(reference + timedelta(days=step.delay_days + jitter))
            dates.append(reference)
        if _fits(stage, start, dates, steps, demo.today, gap):
            return start, dates
    raise RuntimeError(f"Aucune date ne convient au dossier de démonstration « {stage} ».")


def _fits(stage, start, dates, steps, today, gap) -> bool:
    if stage == "new":
        return start >= today - timedelta(days=6)
    if stage == "manual":
        return 10 <= (today - start).days <= 30
    last = dates[-1]
    if last >= today:
        return False
    if stage == "due":  # the next step falls between a few days ago and the horizon
        following = last + timedelta(days=steps[len(dates)].delay_days)
        return -4 <= (following - today).days <= PREPARE_HORIZON_DAYS
    if stage == "closed":
        return (today - start).days >= 40 and workday(last + timedelta(days=gap)) < today
    return (today - last).days <= {"mid": 20, "alert": 20, "promise": 15}.get(stage, 45)


def workday(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day
