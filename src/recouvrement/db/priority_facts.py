"""The facts of the suggested priority (B11, `domain.priority.PriorityFacts`) of a company's
open dossiers, read in six queries whatever their number (GROUP BY, conditional aggregates).

What each fact is, on the caller's `today`:
- open amount: what the dossier's échéances still owe (their « reste dû »), disputed or not —
  without the « Frais et pénalités » of the « Solde », which no échéance carries;
- days overdue: `today` minus the due date of its oldest échéance still owed (0 or less: none
  is late);
- scenario step reached: the rank, among the steps of the dossier's scenario, of the highest
  step « Réalisée » of that scenario on the dossier (0: none done, or no scenario);
- broken promises: its promises the money (or a user) decided broken — « Ignorée », or
  judged not kept — by `today`;
- disputes: its open litiges, counted, and their amounts summed;
- last contact: the latest day something went to or came from the customer — an intervention
  of the scenario or a manual one (letter, e-mail, call, task) « Réalisée », or a promise
  taken (its `promise_made_on`); alerts are the app's own and do not count. None: never;
- payment history: the customer's échéances wholly paid whose last allocated règlement is
  dated in the 365 days up to `today`: the average of max(0, last règlement − due date) in
  days, rounded half up (None: none paid in that window). Échéances the books settled without
  a règlement recorded here (an import that no longer lists them) carry no date and count not.
"""

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.db.models import (
    Count,
    DecimalField,
    F,
    IntegerField,
    Max,
    Min,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from recouvrement.db.models import (
    Allocation,
    Company,
    Dispute,
    DisputeStatus,
    Dossier,
    DossierReceivable,
    Intervention,
    Step,
)
from recouvrement.domain.priority import PriorityFacts
from recouvrement.domain.statuses import DossierStatus, InterventionKind, InterventionStatus

OPEN_STATUSES = (DossierStatus.OPEN.value, DossierStatus.LITIGATION.value)
HISTORY_DAYS = 365  # the payment history: the règlements of the last twelve months
ZERO = Decimal("0.00")
TOTAL = DecimalField(max_digits=16, decimal_places=2)  # as db.queries (which imports this)

_DONE = InterventionStatus.DONE.value
_CONTACTS = Q(kind__in=(InterventionKind.STEP.value, InterventionKind.MANUAL.value), status=_DONE)
# As the dashboard counts them (db.report_figures.promise_groups): decided, and not kept.
_BROKEN = (
    Q(kind=InterventionKind.PROMISE.value)
    & ~Q(status=InterventionStatus.TODO.value)
    & ~(Q(promise_kept=True) | Q(promise_kept__isnull=True, status=_DONE))
)


def store_suggestions(rows: Iterable[tuple[int, int, int, str]], on: date) -> int:
    """Write (dossier id, score, priority, reasons) on the dossiers, computed `on`: one
    prepared UPDATE run for every row (`executemany`) — Django's `bulk_update` spends 4 s
    per 1 000 dossiers building its CASE expressions."""
    table = Dossier._meta.db_table
    day = connection.ops.adapt_datefield_value(on)
    params = [(score, priority, reasons, day, pk) for pk, score, priority, reasons in rows]
    if params:
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {table} SET suggested_score = %s, suggested_priority = %s, "
                "suggested_reasons = %s, suggested_on = %s WHERE id = %s",
                params,
            )
    return len(params)


def suggested_urgency(score: str = "suggested_score") -> Coalesce:
    """A dossier's stored suggestion as a sort key, ascending from the most urgent: 100 minus
    its score, a dossier never scored (101) after every scored one (the lists' « Suggérée »)."""
    return Coalesce(Value(100) - F(score), Value(101), output_field=IntegerField())


def open_dossiers(company: Company, dossier_ids: Iterable[int] | None = None) -> QuerySet:
    """The company's open dossiers (« En cours » and « Contentieux »), or those of `dossier_ids`."""
    rows = Dossier.objects.filter(company=company, status__in=OPEN_STATUSES)
    return rows if dossier_ids is None else rows.filter(pk__in=list(dossier_ids))


def priority_facts(
    company: Company, today: date, dossier_ids: Iterable[int] | None = None
) -> dict[int, PriorityFacts]:
    """Dossier id → its facts, for the company's open dossiers (or those of `dossier_ids`
    that are open); see the module for what each fact counts."""
    dossiers = open_dossiers(company, dossier_ids)
    found = list(dossiers.values_list("pk", "customer_id", "scenario_id"))
    if not found:
        return {}
    scope = {"dossier__company": company, "dossier__status__in": OPEN_STATUSES}
    if dossier_ids is not None:
        scope["dossier_id__in"] = [pk for pk, _, _ in found]

    owed = {
        row["dossier_id"]: row
        for row in DossierReceivable.objects.filter(is_active=True, **scope)
        .values("dossier_id")
        .annotate(
            open=Sum("receivable__open_amount", output_field=TOTAL),
            oldest=Min("receivable__due_date", filter=Q(receivable__open_amount__gt=0)),
        )
    }
    done = {
        row["dossier_id"]: row
        for row in Intervention.objects.filter(company=company, **scope)
        .values("dossier_id")
        .annotate(
            broken=Count("pk", filter=_BROKEN & Q(done_date__lte=today)),
            contact=Max("done_date", filter=_CONTACTS & Q(done_date__lte=today)),
            promised=Max(
                "promise_made_on",
                filter=Q(kind=InterventionKind.PROMISE.value, promise_made_on__lte=today),
            ),
            step=Max(
                "step__order",
                filter=Q(
                    kind=InterventionKind.STEP.value,
                    status=_DONE,
                    step__scenario_id=F("dossier__scenario_id"),
                ),
            ),
        )
    }
    disputes = {
        row["dossier_id"]: row
        for row in Dispute.objects.filter(status=DisputeStatus.OPEN, **scope)
        .values("dossier_id")
        .annotate(count=Count("pk"), amount=Sum("amount", output_field=TOTAL))
    }
    steps = _step_orders(company)
    history = _payment_history(company, dossiers, today)

    facts = {}
    for pk, customer_id, scenario_id in found:
        owing, acts, disputed = owed.get(pk, {}), done.get(pk, {}), disputes.get(pk, {})
        oldest = owing.get("oldest")
        orders = steps.get(scenario_id, [])
        reached = acts.get("step")
        contacts = [day for day in (acts.get("contact"), acts.get("promised")) if day]
        facts[pk] = PriorityFacts(
            open_amount=owing.get("open") or ZERO,
            days_overdue=(today - oldest).days if oldest else 0,
            step_reached=bisect_right(orders, reached) if reached is not None else 0,
            step_count=len(orders),
            broken_promises=acts.get("broken") or 0,
            disputed_amount=disputed.get("amount") or ZERO,
            disputes=disputed.get("count") or 0,
            days_since_last_contact=(today - max(contacts)).days if contacts else None,
            average_days_late=history.get(customer_id),
        )
    return facts


def _step_orders(company: Company) -> dict[int, list[int]]:
    """Scenario id → the orders of its steps, ascending (the rank of a step is its place)."""
    orders: dict[int, list[int]] = defaultdict(list)
    for scenario_id, order in (
        Step.objects.filter(scenario__company=company)
        .order_by("scenario_id", "order")
        .values_list("scenario_id", "order")
    ):
        orders[scenario_id].append(order)
    return orders


def _payment_history(company: Company, dossiers: QuerySet, today: date) -> dict[int, int]:
    """Customer id → the average days late of its échéances wholly paid these 365 days."""
    paid = (
        Allocation.objects.filter(
            receivable__company=company,
            receivable__customer_id__in=dossiers.values("customer_id"),
            receivable__open_amount=0,
        )
        .values("receivable_id", "receivable__customer_id", "receivable__due_date")
        .annotate(paid_on=Max("payment__date"))
        .filter(paid_on__gt=today - timedelta(days=HISTORY_DAYS), paid_on__lte=today)
        .values_list("receivable__customer_id", "receivable__due_date", "paid_on")
    )
    late: dict[int, list[int]] = defaultdict(list)
    for customer_id, due_date, paid_on in paid:
        late[customer_id].append(max((paid_on - due_date).days, 0))
    return {
        customer_id: int(
            (Decimal(sum(days)) / len(days)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        )
        for customer_id, days in late.items()
    }
