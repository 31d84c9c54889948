"""Échéances and règlements pushed by another tool through the API (issue 14 §3, B7): an ERP
sends its open items instead of a FEC.

Each push is one transaction, by a « Responsable recouvrement » (as « Importer »), and runs
the accounting import's own writer and rules (services.import_writer, imports.reconcile):
- échéances: matched on their natural key (customer code, pièce, échéance date), created or
  updated; as at the import, an amount never decreases (an avoir lowers the « reste dû »), an
  échéance first seen already paid is history and ignored; only the pushed échéances are
  matched (the others stay as they are: a push is not the whole ledger);
- règlements: recorded once per (customer, `external_key`); their allocations say which
  échéances they pay, whose « reste dû » goes down by what is newly allocated. A règlement
  already recorded keeps its amount and date; its allocations follow the push.
Then, as after an import: the moved dossiers get a journal row, promises are judged, the
dossiers paid off are closed (« Payé »), and the company's journal gets one row per push.

Errors name the item and the field (`items.3.customer_code`); nothing is written then.
"""

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser

from recouvrement.db.models import Allocation, Company, Customer, Receivable
from recouvrement.domain import audit
from recouvrement.imports.plan import ImportPlan, PlannedPayment, PlannedReceivable
from recouvrement.imports.reconcile import Row, plural
from recouvrement.services.actors import require_manager
from recouvrement.services.api_push_items import (
    ZERO,
    ItemResult,
    PaymentItem,
    PushResult,
    PushWriter,
    ReceivableItem,
    _Errors,
)
from recouvrement.services.import_writer import ImportWriter
from recouvrement.services.imports import MAY_IMPORT, ImportReport, close_paid_dossiers
from recouvrement.services.journal import company_entry
from recouvrement.services.promises import pending_promises, settle_promises
from recouvrement.services.use_case import use_case


def _lock(company: Company) -> None:
    """As the import: one push or import at a time per company; the promises it may judge
    locked before the first journal row (services.journal: dossiers first, journal last)."""
    list(Company.objects.select_for_update().filter(pk=company.pk).values_list("pk"))
    list(pending_promises(company).select_for_update(of=("self",)).values_list("pk"))


def _customers(company: Company, codes: set[str]) -> dict[str, tuple[int, int]]:
    return {
        code: (pk, terms)
        for code, pk, terms in Customer.objects.filter(company=company, code__in=codes).values_list(
            "code", "id", "payment_terms_days"
        )
    }


def _check_amounts(errors: _Errors, path: str, amount: Decimal, open_amount=None) -> None:
    if amount <= 0:
        errors.add(f"{path}.amount", "le montant doit être positif.")
    if open_amount is not None:
        if open_amount < 0:
            errors.add(f"{path}.open_amount", "le reste dû ne peut pas être négatif.")
        elif open_amount > amount:
            errors.add(f"{path}.open_amount", "le reste dû dépasse le montant de l'échéance.")


def _unknown_customer(errors: _Errors, path: str, code: str) -> None:
    errors.add(
        f"{path}.customer_code",
        f"client « {code} » inconnu : créez-le d'abord (POST /api/v1/customers/).",
    )


def _after(company: Company, user, writer: ImportWriter, report: ImportReport, today: date):
    """What follows an import: moved dossiers journaled, promises judged, paid ones closed."""
    writer.fill_gaps()
    dossiers = writer.follow_dossiers(user)
    if dossiers:
        settle_promises(today, company=company, user=user)
        close_paid_dossiers(company, dossiers, today, user, report)


@use_case
def push_receivables(
    company: Company, items: Sequence[ReceivableItem], *, user: AbstractBaseUser | None, today: date
) -> PushResult:
    """Create or update échéances by their natural key (customer code, pièce, échéance)."""
    require_manager(user, company.pk, MAY_IMPORT)
    errors = _Errors()
    customers = _customers(company, {item.customer_code for item in items})
    seen: dict[tuple, int] = {}
    for index, item in enumerate(items):
        path = f"items.{index}"
        if item.customer_code not in customers:
            _unknown_customer(errors, path, item.customer_code)
        if not item.reference.strip():
            errors.add(f"{path}.reference", "la pièce est obligatoire.")
        _check_amounts(errors, path, item.amount, item.open_amount)
        key = (item.customer_code, item.reference.strip(), item.due_date)
        if key in seen:
            errors.add(f"{path}.reference", f"même échéance que items.{seen[key]}.")
        seen.setdefault(key, index)
    errors.raise_any()
    _lock(company)
    keys = {(customers[code][0], ref, due) for code, ref, due in seen}
    stored = (
        Receivable.objects.filter(company=company)
        .filter(customer_id__in={c for c, _, _ in keys}, reference__in={r for _, r, _ in keys})
        .values_list("id", "customer_id", "reference", "due_date")
    )
    report = ImportReport(file_format="api", dry_run=False, as_of=today)
    writer = PushWriter(
        company, today, report, receivable_ids=[pk for pk, *key in stored if tuple(key) in keys]
    )
    planned = [
        PlannedReceivable(
            item.customer_code,
            item.reference.strip(),
            item.piece_date,
            item.due_date,
            item.amount,
            item.open_amount,
            index,
        )  # fmt: skip
        for index, item in enumerate(items)
    ]
    rows = writer.receivables(planned, customers)
    known = set(writer.receivable_ids)
    result = PushResult()
    for index, plan in enumerate(planned):
        row = rows.get(plan)
        if row is None:
            status = "ignored"  # first seen already paid: history, as at the import
        elif row.pk not in known:
            status = "created"
        else:
            status = "updated" if row.pk in writer.before else "unchanged"
        result.items.append(ItemResult(index, row.pk if row else None, status))
    _after(company, user, writer, report, today)
    result.dossiers_closed = report.dossiers_closed
    _journal(company, user, audit.API_RECEIVABLES_PUSHED, "Échéances reçues par l'API", result)
    return result


@use_case
def push_payments(
    company: Company, items: Sequence[PaymentItem], *, user: AbstractBaseUser | None, today: date
) -> PushResult:
    """Record règlements once per (customer, external key), allocated to their échéances."""
    require_manager(user, company.pk, MAY_IMPORT)
    errors = _Errors()
    customers = _customers(company, {item.customer_code for item in items})
    wanted = {
        (customers[item.customer_code][0], a.reference, a.due_date)
        for item in items
        if item.customer_code in customers
        for a in item.allocations
    }
    receivables = {
        (r.customer_id, r.reference, r.due_date): r
        for r in Receivable.objects.filter(
            company=company,
            customer_id__in={c for c, _, _ in wanted},
            reference__in={r for _, r, _ in wanted},
        )
        if (r.customer_id, r.reference, r.due_date) in wanted
    }
    seen: dict[tuple, int] = {}
    for index, item in enumerate(items):
        path = f"items.{index}"
        customer = customers.get(item.customer_code)
        if customer is None:
            _unknown_customer(errors, path, item.customer_code)
        key = item.external_key.strip()
        if not key:
            errors.add(f"{path}.external_key", "l'identifiant externe est obligatoire.")
        elif (item.customer_code, key) in seen:
            errors.add(
                f"{path}.external_key", f"même règlement que items.{seen[item.customer_code, key]}."
            )
        seen.setdefault((item.customer_code, key), index)
        _check_amounts(errors, path, item.amount)
        total = sum((a.amount for a in item.allocations), ZERO)
        if total > item.amount:
            errors.add(f"{path}.allocations", "les imputations dépassent le montant du règlement.")
        for number, allocation in enumerate(item.allocations):
            where = f"{path}.allocations.{number}"
            if allocation.amount <= 0:
                errors.add(f"{where}.amount", "le montant imputé doit être positif.")
            if (
                customer is not None
                and (customer[0], allocation.reference, allocation.due_date) not in receivables
            ):
                errors.add(
                    f"{where}.reference",
                    f"échéance « {allocation.reference} » du {allocation.due_date:%d/%m/%Y} "
                    f"inconnue pour le client « {item.customer_code} ».",
                )
    errors.raise_any()
    _lock(company)
    # Each allocation points at a planned item standing for its échéance (the import's shape).
    stand_ins: dict[int, PlannedReceivable] = {}
    rows: dict[PlannedReceivable, Row] = {}
    for receivable in receivables.values():
        stand_in = PlannedReceivable(
            "", receivable.reference, receivable.piece_date, receivable.due_date,
            receivable.amount, receivable.open_amount, 0,
        )  # fmt: skip
        stand_ins[receivable.pk] = stand_in
        rows[stand_in] = Row(
            receivable.pk, receivable.customer_id, receivable.reference, receivable.piece_date,
            receivable.due_date, receivable.amount, receivable.open_amount, imported=True,
        )  # fmt: skip
    plan = ImportPlan()
    for index, item in enumerate(items):
        customer_id = customers[item.customer_code][0]
        payment = PlannedPayment(
            item.customer_code, item.external_key.strip(), item.reference.strip()[:35],
            item.date, item.amount, index,
        )  # fmt: skip
        for allocation in item.allocations:
            target = receivables[customer_id, allocation.reference, allocation.due_date]
            payment.allocations.append((stand_ins[target.pk], allocation.amount))
        plan.payments.append(payment)
    payment_keys = {(customers[p.customer_code][0], p.key) for p in plan.payments}
    report = ImportReport(file_format="api", dry_run=False, as_of=today)
    writer = PushWriter(company, today, report, payment_keys=payment_keys)
    before = _allocations(writer)
    writer.payments(plan, customers, rows)
    after = _allocations(writer)
    _lower_open_amounts(writer, before, after, receivables, plan, customers)
    result = PushResult()
    for index, payment in enumerate(plan.payments):
        key = (customers[payment.customer_code][0], payment.key)
        payment_id, allocated = after[key]
        if key not in before:
            status = "created"
        else:
            status = "updated" if before[key][1] != allocated else "unchanged"
        result.items.append(ItemResult(index, payment_id, status))
    _after(company, user, writer, report, today)
    result.dossiers_closed = report.dossiers_closed
    _journal(company, user, audit.API_PAYMENTS_PUSHED, "Règlements reçus par l'API", result)
    return result


def _allocations(writer: PushWriter) -> dict[tuple[int, str], tuple[int, dict[int, Decimal]]]:
    """(customer id, external key) → (payment id, {échéance id: amount allocated})."""
    payments = {
        pk: (customer_id, key)
        for pk, customer_id, key in writer.stored_payments().values_list(
            "id", "customer_id", "external_key"
        )
    }
    allocated: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for payment_id, receivable_id, amount in Allocation.objects.filter(
        payment_id__in=list(payments)
    ).values_list("payment_id", "receivable_id", "amount"):
        allocated[payment_id][receivable_id] = amount
    return {key: (pk, allocated[pk]) for pk, key in payments.items()}


def _lower_open_amounts(writer, before, after, receivables, plan, customers) -> None:
    """The échéances' « reste dû » go down by what the push newly allocates to them (up when
    an allocation is taken off); more than is still owed is refused, naming the item."""
    delta: dict[int, Decimal] = defaultdict(Decimal)
    for key, (_, allocated) in after.items():
        old = before.get(key, (None, {}))[1]
        for receivable_id in set(allocated) | set(old):
            delta[receivable_id] += allocated.get(receivable_id, ZERO) - old.get(
                receivable_id, ZERO
            )
    by_id = {receivable.pk: receivable for receivable in receivables.values()}
    errors = _Errors()
    changed = []
    for receivable_id, moved in delta.items():
        if not moved:
            continue
        receivable = by_id[receivable_id]
        open_amount = receivable.open_amount - moved
        if open_amount < 0:
            index, number = _first_allocation(plan, customers, receivable)
            errors.add(
                f"items.{index}.allocations.{number}.amount",
                f"l'échéance « {receivable.reference} » du {receivable.due_date:%d/%m/%Y} "
                f"ne doit plus que {receivable.open_amount} €.",
            )
            continue
        writer.before.setdefault(receivable_id, receivable.open_amount)
        writer.touched.add(receivable_id)
        receivable.open_amount = min(open_amount, receivable.amount)
        changed.append(receivable)
    errors.raise_any()
    Receivable.objects.bulk_update(changed, ["open_amount"])


def _first_allocation(plan: ImportPlan, customers, receivable: Receivable) -> tuple[int, int]:
    for index, payment in enumerate(plan.payments):
        if customers[payment.customer_code][0] != receivable.customer_id:
            continue
        for number, (item, _) in enumerate(payment.allocations):
            if (item.reference, item.due_date) == (receivable.reference, receivable.due_date):
                return index, number
    return 0, 0


def _journal(company: Company, user, action: str, what: str, result: PushResult) -> None:
    """One company row per push that changed something."""
    counts = [
        (result.count("created"), "créé"),
        (result.count("updated"), "modifié"),
    ]
    parts = [plural(count, word) for count, word in counts if count]
    if result.dossiers_closed:
        parts.append(plural(len(result.dossiers_closed), "dossier clos"))
    if not parts:
        return
    company_entry(
        company,
        action,
        f"{what} : {', '.join(parts)} ({len(result.items)} reçus).",
        user=user,
        after={k: v for k, v in result.as_dict().items() if k != "items"},
    )
