"""Bulk data for the benchmarks: many dossiers, each partway through a four-step scenario."""

from datetime import date, timedelta
from decimal import Decimal

from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from recouvrement.db.bulk import insert_rows
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
from recouvrement.services.queue import collector_key

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
    Rows go in through `db.bulk.insert_rows` (COPY on PostgreSQL) with their ids given, not
    `bulk_create`: a million dossiers build in minutes instead of half an hour.
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
        customers = _Table(Customer, company_id=company.pk, kind="b2b", postal_code="69002")
        first_customer = customers.next_id
        count = max(size // 4, 1)
        customers.insert(
            ("code", "name", "address", "city"),
            (
                (f"CLI{i:06d}", f"Client {i}", f"{i} rue de la République", "Lyon")
                for i in range(count)
            ),
        )
    tables = _Tables(company, scenario, steps[0], today, history)
    keys = {c.pk: collector_key(c) for c in collectors}
    for first in range(0, size, BATCH):
        with transaction.atomic():
            tables.dossiers(
                [
                    (n, first_customer + n % count, collectors[n % len(collectors)].pk)
                    for n in range(first, min(first + BATCH, size))
                ],
                keys,
            )
    with connection.cursor() as cursor:  # PostgreSQL: the sequences after the given ids
        for sql in connection.ops.sequence_reset_sql(
            no_style(), [Customer, Dossier, Receivable, DossierReceivable, Intervention]
        ):
            cursor.execute(sql)
    return company


class _Table:
    """Rows of one model with their ids given: every concrete column, Django's defaults (now
    for the time stamps) unless `fixed` or the row says otherwise."""

    def __init__(self, model, **fixed) -> None:
        now = timezone.now()
        self.model = model
        self.columns = [f.attname for f in model._meta.concrete_fields]
        self.template = [
            now
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
            else fixed.get(f.attname, f.get_default())
            for f in model._meta.concrete_fields
        ]
        self.next_id = (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1

    def insert(self, columns: tuple[str, ...], rows) -> int:
        """Insert `rows` (values of `columns`); returns the first id given."""
        first = self.next_id
        places = [self.columns.index(name) for name in ("id", *columns)]
        template = self.template

        def full(values):
            row = template.copy()
            for place, value in zip(places, (self.next_id, *values), strict=True):
                row[place] = value
            self.next_id += 1
            return row

        insert_rows(self.model, self.columns, map(full, rows))
        return first


class _Tables:
    def __init__(self, company, scenario, step, today, history) -> None:
        self.started = today - timedelta(days=30)
        self.today, self.history, self.step = today, history, step
        base = {"company_id": company.pk}
        self.dossier = _Table(Dossier, **base, start_date=self.started, scenario_id=scenario.pk)
        amount = Decimal("1234.56")
        self.receivable = _Table(
            Receivable,
            **base,
            piece_date=self.started - timedelta(days=60),
            due_date=self.started - timedelta(days=30),
            amount=amount,
            open_amount=amount,
        )
        self.link = _Table(DossierReceivable)
        self.intervention = _Table(Intervention, **base, kind=InterventionKind.MANUAL.value)

    def dossiers(self, batch: list[tuple[int, int, int]], keys: dict[int, str]) -> None:
        """One dossier per (n, customer id, chargé id), with its échéance and interventions."""
        started, today = self.started, self.today
        first = self.dossier.insert(
            ("number", "customer_id", "priority", "collector_id"),
            ((dossier_number(started.year, n + 1), c, 1 + n % 5, k) for n, c, k in batch),
        )
        self.receivable.insert(
            ("customer_id", "reference"),
            ((c, f"FA{dossier_number(started.year, n + 1)}") for n, c, _ in batch),
        )
        receivables = self.receivable.next_id - len(batch)
        self.link.insert(
            ("dossier_id", "receivable_id"),
            ((first + i, receivables + i) for i in range(len(batch))),
        )
        step, done = self.step, started + timedelta(days=1)
        columns = (
            "dossier_id", "queue_priority", "queue_collector", "queue_collector_id",
            "step_id", "kind", "status", "action_type", "label", "planned_date", "done_date",
        )  # fmt: skip
        rows = []
        for i, (n, _, k) in enumerate(batch):
            queue = (first + i, 1 + n % 5, keys[k], k)
            rows.append(
                (
                    *queue,
                    step.pk,
                    InterventionKind.STEP.value,
                    InterventionStatus.DONE.value,
                    step.action_type,
                    step.label,
                    started,
                    done,
                )  # fmt: skip
            )
            for h in range(self.history - 1):
                status = InterventionStatus.DONE if h else InterventionStatus.TODO
                rows.append(
                    (
                        *queue,
                        None,
                        InterventionKind.MANUAL.value,
                        status.value,
                        ActionType.PHONE.value,
                        f"Appel {h}",
                        today - timedelta(days=h),
                        today - timedelta(days=h) if h else None,
                    )  # fmt: skip
                )
        self.intervention.insert(columns, rows)
