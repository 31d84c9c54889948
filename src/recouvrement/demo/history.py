"""The demo's past months, worked through the real services with a moving `today`: the open
items and règlements, then each dossier opened, its steps done, promises, alerts, closures."""

import math
import random
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError

from recouvrement import services
from recouvrement.db import models as db
from recouvrement.demo import data
from recouvrement.demo.company import Client, Demo
from recouvrement.demo.plans import Plan, workday
from recouvrement.domain.customers import CustomerKind
from recouvrement.domain.money import format_amount
from recouvrement.domain.statuses import ActionType, InterventionKind, InterventionStatus

PAID = ("Payé", "Échéancier respecté", "Accord amiable")
CENT = Decimal("0.01")
PROMISE = InterventionKind.PROMISE


def receivables(demo: Demo, company: db.Company, clients: list[Client], plans: list[Plan]):
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


def run(demo: Demo, plan: Plan) -> None:
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
        actor = manager if ActionType(step.action_type).is_formal_notice else user
        _complete(demo, todo, step, done, actor, client.contacts[0])
        if number + 1 < len(plan.done_dates) or plan.prepare_next:
            todo = services.prepare_next_intervention(dossier, today=done, user=actor)
    last = plan.done_dates[-1] if plan.done_dates else plan.start
    soon = workday(demo.today + timedelta(days=rng.randint(1, 5)))
    contact = client.contacts[0]
    if plan.stage == "promise":
        amount = total if total < 3000 else Decimal(int(total / 200) * 100)
        promised_on = workday(demo.today + timedelta(days=rng.randint(4, 20)))
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
        meeting = workday(plan.start + timedelta(days=3))
        visit = _create(dossier, user, plan.start, meeting, contact=contact, **data.MEETING)
        services.set_intervention_status(visit, InterventionStatus.DONE, today=meeting, user=user)
        _create(dossier, user, meeting, soon, contact=contact, **data.CALL_BACK)
    elif plan.stage == "closed":
        _close(demo, plan, dossier, user, workday(last + timedelta(days=plan.gap)))
    if reason and plan.stage != "closed":
        _dispute(demo, plan, dossier, reason, user, last)


def _complete(demo: Demo, todo, step, done, actor, contact) -> None:
    """The collector fills the « ligne de saisie », then marks the step Réalisée or Ignorée."""
    action = ActionType(step.action_type)
    skipped = action in data.SKIPPED_COMMENTS and demo.rng.random() < 0.1
    if skipped:
        comment, status = data.SKIPPED_COMMENTS[action], InterventionStatus.SKIPPED
    else:
        comment, status = demo.rng.choice(data.DONE_COMMENTS[action]), InterventionStatus.DONE
    services.update_intervention(todo, user=actor, contact=contact, comment=comment)
    if status is InterventionStatus.DONE and action.is_printed:
        # Printed as the collector does (« Imprimer »): the batch's PDF and the letter's pages
        # are stored, so the dossier de preuve holds the very pages sent.
        try:
            services.print_letters([todo], today=done, user=actor)
            return
        except ValidationError:  # e.g. a rate not yet published on a later `today`
            pass
    services.set_intervention_status(todo, status, today=done, user=actor)


def _dispute(demo: Demo, plan: Plan, dossier, reason: str, user, on: date) -> None:
    """The customer disputes the dossier's first échéance: a litige (B10) that keeps it out of
    every letter, e-mail and penalty while it is open."""
    first = db.Receivable.objects.get(pk=plan.receivables[0].pk)
    services.open_dispute(
        dossier,
        reason=demo.reasons[reason],
        amount=first.open_amount,
        receivables=[first],
        owner=demo.collaborators[plan.collector],
        comment=data.DISPUTE_COMMENTS.get(reason, ""),
        today=on,
        user=user,
    )


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
