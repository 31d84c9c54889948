"""The demo company of `recouvrement demo`: a Lyon collection department, months into its work.

Reference data (company, users, lists, scenarios, customers, échéances) is written directly;
every dossier is then opened and worked through the real services with a moving `today`, as
the collectors would have done over the past months. The same `today` always gives the same
data: one `random.Random(SEED)` drives every choice and the clock is never read.
"""

import math
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from recouvrement import demo_data as data
from recouvrement import services
from recouvrement.db import models as db
from recouvrement.domain.customers import CustomerKind
from recouvrement.domain.money import format_amount
from recouvrement.domain.statuses import ActionType, InterventionKind, InterventionStatus
from recouvrement.services.companies import create_company
from recouvrement.services.letters import ensure_default_templates

DEMO_TODAY = date(2026, 11, 27)
SEED = 2026
# `recouvrement prepare --date` this many days ahead finds steps to prepare (2026-12-15).
PREPARE_HORIZON_DAYS = 18
PAID = ("Payé", "Échéancier respecté", "Accord amiable")
CENT = Decimal("0.01")
PROMISE = InterventionKind.PROMISE


class DemoDatabaseNotEmpty(RuntimeError):
    """The demo only fills an empty database: it never mixes with real data."""


@dataclass
class Client:
    customer: db.Customer
    segment: str  # "grand", "pme" or "b2c"
    contacts: list[db.Contact]


@dataclass
class Plan:
    """One dossier to simulate: who, which scenario, and the dates its steps were worked."""

    stage: str  # see demo_data.STAGES
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


@dataclass
class Demo:
    rng: random.Random
    today: date
    users: dict
    collaborators: dict
    resolutions: dict
    reasons: dict


def build_demo(today: date = DEMO_TODAY) -> dict:
    """Fill an empty, migrated database with the demo company; return what was created."""
    if db.Company.objects.exists():
        raise DemoDatabaseNotEmpty(
            "La base contient déjà une société : la démonstration ne se crée que dans une "
            "base vide (choisissez un autre fichier de base de données)."
        )
    with transaction.atomic():
        company = create_company(**data.COMPANY)
        demo = Demo(random.Random(SEED), today, *_staff(company), *_lists(company))
        scenarios = _scenarios(company)
        clients = _customers(demo, company)
        plans = _plans(demo, clients, scenarios)
        _receivables(demo, company, clients, plans)
        for plan in sorted(plans, key=lambda p: (p.start, p.client.customer.code)):
            _run(demo, plan)
    return demo_summary()


def demo_summary() -> dict:
    """What the demo database holds, and its users' logins (printed by `recouvrement demo`)."""
    counted = (db.Customer, db.Contact, db.Receivable, db.Scenario, db.Dossier, db.Intervention)
    return {
        "company": db.Company.objects.count(),
        **{f"{model._meta.model_name}s": model.objects.count() for model in counted},
        "users": [
            {
                "username": username,
                "password": data.DEMO_PASSWORD,
                "role": role,
                "collaborator": f"{first} {last}" if linked else None,
            }
            for username, first, last, _, role, linked, _ in data.STAFF
        ],
    }


def _staff(company: db.Company) -> tuple[dict, dict]:
    users, collaborators = {}, {}
    for username, first, last, function, role, linked, collector in data.STAFF:
        email = f"{data.ascii_text(first)}.{data.ascii_text(last)}@lumiere-distribution.fr"
        user = get_user_model().objects.create_user(
            username, email, data.DEMO_PASSWORD, first_name=first, last_name=last
        )
        db.Membership.objects.create(user=user, company=company, role=role)
        users[username] = user
        if linked:
            phone = f"04 78 42 17 {31 + len(collaborators)}"
            person = {"first_name": first, "last_name": last, "function": function, "email": email}
            collaborators[username] = db.Collaborator.objects.create(
                company=company, user=user, phone=phone, is_collector=collector, **person
            )
    return users, collaborators


def _lists(company: db.Company) -> tuple[dict, dict]:
    resolutions = {
        r: db.Resolution.objects.create(company=company, label=r) for r in data.RESOLUTIONS
    }
    reasons = {
        r: db.DisputeReason.objects.create(company=company, label=r) for r in data.DISPUTE_REASONS
    }
    return resolutions, reasons


def _scenarios(company: db.Company) -> dict[str, db.Scenario]:
    templates = ensure_default_templates(company)
    by_segment = {}
    for name, is_default, segment, steps in data.SCENARIOS:
        scenario = db.Scenario.objects.create(company=company, name=name, is_default=is_default)
        first_letter = True
        for order, values in enumerate(steps, start=1):
            fields = dict(zip(data.STEP_FIELDS, values, strict=True))
            action = ActionType(fields["action_type"])
            if action.uses_letter:
                # The first letter is the courteous one; later ones the firmer wording.
                code = (
                    "mise_en_demeure"
                    if action is ActionType.FORMAL_NOTICE
                    else ("relance_courtoise" if first_letter else "deuxieme_relance")
                )
                fields["letter_template"] = templates[code]
                first_letter = False
            db.Step.objects.create(scenario=scenario, order=order, **fields)
        by_segment[segment] = scenario
    return by_segment


def _customers(demo: Demo, company: db.Company) -> list[Client]:
    clients = []
    for segment, fields, contacts, collector in data.customer_identities(demo.rng):
        own = demo.collaborators.get(collector)
        customer = db.Customer.objects.create(company=company, default_collector=own, **fields)
        contacts = [db.Contact.objects.create(customer=customer, **c) for c in contacts]
        clients.append(Client(customer, segment, contacts))
    return clients


def _plans(demo: Demo, clients: list[Client], scenarios: dict) -> list[Plan]:
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
            reference = _workday(reference + timedelta(days=step.delay_days + jitter))
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
        return (today - start).days >= 40 and _workday(last + timedelta(days=gap)) < today
    return (today - last).days <= {"mid": 20, "alert": 20, "promise": 15}.get(stage, 45)


def _receivables(demo: Demo, company: db.Company, clients: list[Client], plans: list[Plan]):
    """Every customer's open items: those each dossier links, older debts, invoices not yet due."""
    rng, today = demo.rng, demo.today
    specs = []  # (client, due date, plan or None)
    for plan in plans:
        due = plan.start - timedelta(days=rng.randint(4, 35))
        for _ in range(rng.choices((1, 2, 3, 4, 5, 6), (25, 25, 20, 15, 10, 5))[0]):
            specs.append((plan.client, due, plan))
            due -= timedelta(days=rng.randint(20, 45))
    worked = {p.client.customer.pk for p in plans if p.stage != "closed"}
    for client in clients:
        terms = client.customer.payment_terms_days
        specs += [(client, today + timedelta(days=rng.randint(1, terms)), None)] * rng.randint(0, 2)
        if client.customer.excluded_from_collection:  # in receivership for months
            ages = [rng.randint(150, 260) for _ in range(3)]
        elif client.customer.pk not in worked:  # B5 would open a dossier for these
            ages = [rng.randint(3, 90) for _ in range(rng.randint(1, 3))]
        else:  # late again since the dossier opened
            ages = [rng.randint(2, 20)] if rng.random() < 0.3 else []
        specs += [(client, today - timedelta(days=age), None) for age in ages]
    # Invoice numbers follow the invoice dates: FA2026-00123.
    specs.sort(
        key=lambda s: (s[1] - timedelta(days=s[0].customer.payment_terms_days), s[0].customer.code)
    )
    sequence: dict[int, int] = {}
    for client, due, plan in specs:
        piece_date = due - timedelta(days=client.customer.payment_terms_days)
        sequence[piece_date.year] = sequence.get(piece_date.year, 0) + rng.randint(3, 25)
        low, high = data.AMOUNTS[client.segment]
        amount = Decimal(int(math.exp(rng.uniform(math.log(low), math.log(high))) * 100)) / 100
        receivable = db.Receivable.objects.create(
            company=company,
            customer=client.customer,
            reference=f"FA{piece_date.year}-{sequence[piece_date.year]:05d}",
            piece_date=piece_date,
            due_date=due,
            amount=amount,
            open_amount=amount,
        )
        paid_by = (plan.start if plan else today) - timedelta(days=1)
        if rng.random() < 0.2 and due < paid_by:  # a part paid before any dossier
            paid_on = due + timedelta(days=rng.randint(1, (paid_by - due).days))
            part = (amount * rng.choice((20, 30, 40, 50)) / 100).quantize(Decimal("1"))
            _pay(rng, client.customer, [receivable], part, paid_on)
        if plan:
            plan.receivables.append(receivable)


def _pay(rng, customer: db.Customer, receivables: list[db.Receivable], amount: Decimal, on: date):
    """A règlement allocated to the oldest échéances first (M4)."""
    means = "CHQ" if customer.kind == CustomerKind.B2C else "VIR"
    reference = f"{means} {on:%y%m%d}-{rng.randint(100, 999)}"
    payment = db.Payment.objects.create(
        company=customer.company, customer=customer, date=on, amount=amount, reference=reference
    )
    for receivable in sorted(receivables, key=lambda r: r.due_date):
        part = min(amount, receivable.open_amount)
        if part > 0:
            db.Allocation.objects.create(payment=payment, receivable=receivable, amount=part)
            receivable.open_amount -= part
            receivable.save(update_fields=["open_amount"])
            amount -= part


def _run(demo: Demo, plan: Plan) -> None:
    """Open the dossier on its start date and work it, step by step, up to `today`."""
    rng, client = demo.rng, plan.client
    user, manager = demo.users[plan.collector], demo.users["responsable"]
    total = sum((r.open_amount for r in plan.receivables), Decimal("0"))
    reason = data.DISPUTED.get((plan.stage, plan.index))
    dossier = services.open_dossier(
        client.customer,
        today=plan.start,
        user=manager if rng.random() < 0.3 else user,  # the manager assigns some dossiers
        scenario=plan.scenario,
        collector=demo.collaborators[plan.collector],
        contact=client.contacts[0],
        priority=_priority(rng, total),
        receivables=plan.receivables,
        dispute_reason=demo.reasons.get(reason),
        summary=f"{len(plan.receivables)} facture(s) impayée(s) — {format_amount(total)}",
        comment=data.DISPUTE_COMMENTS.get(reason, ""),
    )
    todo = dossier.interventions.filter(kind=InterventionKind.STEP).first()
    for number, (step, done) in enumerate(zip(plan.steps, plan.done_dates, strict=False)):
        # The manager signs the mises en demeure.
        actor = manager if step.action_type == ActionType.FORMAL_NOTICE else user
        _complete(demo, todo, step, done, actor, client.contacts[0])
        if number + 1 < len(plan.done_dates) or plan.prepare_next:
            todo = services.prepare_next_intervention(dossier, today=done, user=actor)
    last = plan.done_dates[-1] if plan.done_dates else plan.start
    soon = _workday(demo.today + timedelta(days=rng.randint(1, 5)))
    contact = client.contacts[0]
    if plan.stage == "promise":
        amount = total if total < 3000 else Decimal(int(total / 200) * 100)
        promised_on = _workday(demo.today + timedelta(days=rng.randint(4, 20)))
        comment = f"Engagement pris par {contact} le {last:%d/%m/%Y}"
        _create(
            dossier, user, last, promised_on, kind=PROMISE, promise_amount=amount, comment=comment
        )
    elif plan.stage == "alert":
        _create(
            dossier, user, last, soon, contact=contact, **data.ALERTS[plan.index % len(data.ALERTS)]
        )
    elif plan.stage == "finished":
        _create(dossier, user, last, demo.today, contact=contact, **data.DECISION)
    elif plan.stage == "manual":
        meeting = _workday(plan.start + timedelta(days=3))
        visit = _create(dossier, user, plan.start, meeting, contact=contact, **data.MEETING)
        services.set_intervention_status(visit, InterventionStatus.DONE, today=meeting, user=user)
        _create(dossier, user, meeting, soon, contact=contact, **data.CALL_BACK)
    elif plan.stage == "closed":
        _close(demo, plan, dossier, user, _workday(last + timedelta(days=plan.gap)))


def _complete(demo: Demo, todo, step, done, actor, contact) -> None:
    """The collector fills the « ligne de saisie », then marks the step Réalisée or Ignorée."""
    action = ActionType(step.action_type)
    skipped = action in data.SKIPPED_COMMENTS and demo.rng.random() < 0.1
    if skipped:
        comment, status = data.SKIPPED_COMMENTS[action], InterventionStatus.SKIPPED
    else:
        comment, status = demo.rng.choice(data.DONE_COMMENTS[action]), InterventionStatus.DONE
    services.update_intervention(todo, user=actor, contact=contact, comment=comment)
    services.set_intervention_status(todo, status, today=done, user=actor)


def _create(dossier, user, today: date, planned: date, **fields) -> db.Intervention:
    """« Créer une intervention » on `today` for the `planned` date (alert, promise, manual)."""
    return services.create_intervention(
        dossier, today=today, user=user, planned_date=planned, **fields
    )


def _close(demo: Demo, plan: Plan, dossier: db.Dossier, user, close_on: date) -> None:
    """The customer paid (or did not), then the dossier is closed with its résolution."""
    rng, customer, receivables = demo.rng, plan.client.customer, plan.receivables
    resolution, result = data.CLOSINGS[plan.index]
    total = sum((r.open_amount for r in receivables), Decimal("0"))
    if resolution == "Échéancier respecté":
        first = (total / 2).quantize(CENT)
        for amount, on in ((first, close_on - timedelta(days=14)), (total - first, close_on)):
            comment = "Échéancier accordé en deux versements"
            agreed = on - timedelta(days=7)
            promise = _create(
                dossier, user, agreed, on, kind=PROMISE, promise_amount=amount, comment=comment
            )
            _pay(rng, customer, receivables, amount, on)
            services.set_intervention_status(promise, InterventionStatus.DONE, today=on, user=user)
    elif resolution in PAID:
        _pay(rng, customer, receivables, total, close_on)
    elif resolution == "Abandon de créance":
        abandoned = min((total / 2).quantize(CENT), Decimal("38.40"))
        _pay(rng, customer, receivables, total - abandoned, close_on)
    if resolution not in PAID:  # giving up or going to court is the manager's decision
        user = demo.users["responsable"]
    services.close_dossier(
        dossier, today=close_on, user=user, resolution=demo.resolutions[resolution], result=result
    )


def _priority(rng: random.Random, total: Decimal) -> int:
    """1 (highest) for the largest debts, nudged by the collector's judgement."""
    base = 1 + sum(total < limit for limit in (20000, 8000, 2500, 800))
    return min(5, max(1, base + rng.choice((-1, 0, 0, 0, 1))))


def _workday(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day
