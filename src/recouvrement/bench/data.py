"""Bulk data for the benchmarks: many dossiers, each partway through a four-step scenario."""

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction

from recouvrement.db.models import (
    Collaborator,
    Company,
    Customer,
    Dossier,
    DossierReceivable,
    Intervention,
    Receivable,
    Scenario,
    Step,
)
from recouvrement.domain.numbering import dossier_number
from recouvrement.domain.statuses import ActionType, InterventionKind, InterventionStatus
from recouvrement.services.companies import create_company
from recouvrement.services.queue import queue_fields

BATCH = 5000
STEPS = [
    (0, ActionType.EMAIL, "E-mail de relance courtoise"),
    (10, ActionType.LETTER, "Courrier de relance"),
    (15, ActionType.PHONE, "Téléphone"),
    (15, ActionType.FORMAL_NOTICE, "Mise en demeure"),
]


def build(size: int, today: date, history: int = 1) -> Company:
    """`size` open dossiers whose first step was done 30 days ago (the next one is due).

    `history` > 1 adds done manual interventions per dossier, to reach the worklist's volume.
    """
    with transaction.atomic():
        company = create_company(name="Banc d'essai SA", city="Lyon")
        collectors = Collaborator.objects.bulk_create(
            Collaborator(company=company, last_name=f"Chargé {i:02d}", is_collector=True)
            for i in range(20)
        )
        scenario = Scenario.objects.create(company=company, name="Relance standard")
        steps = Step.objects.bulk_create(
            Step(scenario=scenario, order=i, label=label, delay_days=delay, action_type=action)
            for i, (delay, action, label) in enumerate(STEPS, start=1)
        )
        customers = Customer.objects.bulk_create(
            (
                Customer(
                    company=company,
                    code=f"CLI{i:06d}",
                    name=f"Client {i}",
                    kind="b2b",
                    address=f"{i} rue de la République",
                    postal_code="69002",
                    city="Lyon",
                )
                for i in range(max(size // 4, 1))
            ),
            batch_size=BATCH,
        )
    started = today - timedelta(days=30)
    for first in range(0, size, BATCH):
        with transaction.atomic():
            _dossiers(
                company,
                collectors,
                customers,
                scenario,
                steps[0],
                started,
                today,
                range(first, min(first + BATCH, size)),
                history,
            )
    return company


def _dossiers(company, collectors, customers, scenario, step, started, today, numbers, history):
    dossiers = Dossier.objects.bulk_create(
        Dossier(
            company=company,
            number=dossier_number(started.year, n + 1),
            customer=customers[n % len(customers)],
            start_date=started,
            priority=1 + n % 5,
            collector=collectors[n % len(collectors)],
            scenario=scenario,
        )
        for n in numbers
    )
    receivables = Receivable.objects.bulk_create(
        Receivable(
            company=company,
            customer_id=d.customer_id,
            reference=f"FA{d.number}",
            piece_date=started - timedelta(days=60),
            due_date=started - timedelta(days=30),
            amount=Decimal("1234.56"),
            open_amount=Decimal("1234.56"),
        )
        for d in dossiers
    )
    DossierReceivable.objects.bulk_create(
        DossierReceivable(dossier=d, receivable=r)
        for d, r in zip(dossiers, receivables, strict=True)
    )
    done = started + timedelta(days=1)
    interventions = [
        Intervention(
            dossier=d,
            **queue_fields(d),
            step=step,
            kind=InterventionKind.STEP,
            status=InterventionStatus.DONE,
            action_type=step.action_type,
            label=step.label,
            planned_date=started,
            done_date=done,
        )
        for d in dossiers
    ]
    interventions += [
        Intervention(
            dossier=d,
            **queue_fields(d),
            kind=InterventionKind.MANUAL,
            status=InterventionStatus.DONE if k else InterventionStatus.TODO,
            action_type=ActionType.PHONE,
            label=f"Appel {k}",
            planned_date=today - timedelta(days=k),
            done_date=today - timedelta(days=k) if k else None,
        )
        for d in dossiers
        for k in range(history - 1)
    ]
    Intervention.objects.bulk_create(interventions, batch_size=BATCH)
