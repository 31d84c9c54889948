"""Opening and closing dossiers de recouvrement (M7, S2)."""

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from recouvrement.db.models import (
    Collaborator,
    Company,
    Contact,
    Customer,
    DisputeReason,
    Dossier,
    DossierReceivable,
    DossierSequence,
    Intervention,
    Receivable,
    Resolution,
    Scenario,
)
from recouvrement.domain.numbering import dossier_number
from recouvrement.domain.permissions import check_manager, check_may_change
from recouvrement.domain.rules import RuleViolation
from recouvrement.domain.scenario import first_step
from recouvrement.domain.statuses import (
    DossierStatus,
    InterventionStatus,
    Role,
    check_dossier_transition,
)
from recouvrement.services.actors import collaborator_id_of, require_change, role_of
from recouvrement.services.journal import (
    DOSSIER_FIELDS,
    changed,
    journal_entry,
    record,
    save_entries,
    snapshot,
)
from recouvrement.services.queue import refresh_queue
from recouvrement.services.snapshots import step_specs
from recouvrement.services.steps import prepare_step
from recouvrement.services.use_case import use_case
from recouvrement.services.validation import check_text


def _next_number(company: Company, year: int) -> str:
    # The row lock (PostgreSQL) or the write lock (SQLite) makes numbers unique and gap-free.
    sequence, _ = DossierSequence.objects.select_for_update().get_or_create(
        company=company, year=year
    )
    sequence.last_value += 1
    sequence.save(update_fields=["last_value"])
    return dossier_number(year, sequence.last_value)


def _check_same_company(company: Company, *records: object) -> None:
    for record_ in records:
        if record_ is not None and getattr(record_, "company_id", company.pk) != company.pk:
            raise RuleViolation(f"« {record_} » appartient à une autre société.", "foreign_company")


def _check_receivables(customer: Customer, receivables: Sequence[Receivable]) -> None:
    for receivable in receivables:
        if receivable.customer_id != customer.pk:
            raise RuleViolation(
                f"L'échéance {receivable} n'est pas une échéance du client {customer.code}.",
                "receivable_other_customer",
            )
        if receivable.open_amount <= 0:
            raise RuleViolation(
                f"L'échéance {receivable} est soldée : rien à recouvrer.", "receivable_paid"
            )
    taken = (
        DossierReceivable.objects.filter(receivable__in=receivables, is_active=True)
        .select_related("dossier", "receivable")
        .first()
    )
    if taken is not None:
        raise RuleViolation(
            f"L'échéance {taken.receivable} est déjà dans le dossier ouvert "
            f"{taken.dossier.number} : une échéance appartient à un seul dossier ouvert.",
            "receivable_in_open_dossier",
        )


@use_case
def open_dossier(
    customer: Customer,
    *,
    today: date,
    user: AbstractBaseUser | None,
    scenario: Scenario | None = None,
    collector: Collaborator | None = None,
    contact: Contact | None = None,
    priority: int = 3,
    receivables: Sequence[Receivable] = (),
    dispute_reason: DisputeReason | None = None,
    summary: str = "",
    comment: str = "",
) -> Dossier:
    """Open a dossier; with a scenario, its first step appears at once « A faire » (S2)."""
    company = customer.company
    _check_same_company(company, scenario, collector, dispute_reason)
    role = role_of(user, company.pk)
    check_may_change(role)
    if customer.excluded_from_collection:
        raise RuleViolation(
            f"Le client {customer.code} est exclu du recouvrement.", "customer_excluded"
        )
    collector = collector or customer.default_collector
    if role is Role.COLLECTOR:
        own = collaborator_id_of(user)
        if collector is None or collector.pk != own:
            collector = Collaborator.objects.filter(pk=own).first()
    if collector is not None and not collector.is_collector:
        raise RuleViolation(
            f"{collector} n'est pas chargé de recouvrement.", "collaborator_not_collector"
        )
    if contact is not None and contact.customer_id != customer.pk:
        raise RuleViolation(f"{contact} n'est pas un contact du client.", "contact_other_customer")
    if not 1 <= priority <= 5:
        raise RuleViolation("La priorité va de 1 (la plus haute) à 5.", "priority_out_of_range")
    receivables = list(receivables)
    if not receivables:  # each échéance is still owed (below): the dossier is never 0 €
        raise RuleViolation(
            "Un dossier suit au moins une échéance due : choisissez-en au moins une.",
            "dossier_without_receivable",
        )
    _check_receivables(customer, receivables)
    check_text(Dossier, {"summary": summary, "comment": comment})

    dossier = Dossier.objects.create(
        company=company,
        number=_next_number(company, today.year),
        customer=customer,
        start_date=today,
        priority=priority,
        collector=collector,
        contact=contact,
        dispute_reason=dispute_reason,
        summary=summary,
        comment=comment,
        scenario=scenario,
        created_by=user,
    )
    DossierReceivable.objects.bulk_create(
        DossierReceivable(dossier=dossier, receivable=r) for r in receivables
    )
    at = timezone.now()
    record(
        dossier,
        "dossier_opened",
        f"Dossier {dossier.number} ouvert pour {customer.name} ({len(receivables)} échéance(s)).",
        user=user,
        after=snapshot(dossier, DOSSIER_FIELDS),
        at=at,
    )
    if scenario is not None:
        plan = first_step(step_specs([scenario.pk]).get(scenario.pk, ()), today)
        if plan is not None:
            prepare_step(dossier, plan, user, at, today)
    return dossier


@use_case
def close_dossier(
    dossier: Dossier,
    *,
    today: date,
    user: AbstractBaseUser | None,
    resolution: Resolution | None = None,
    result: str = "",
) -> Dossier:
    """Close a dossier: its échéances are freed and what was still « A faire » is « Ignorée »."""
    dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
    require_change(user, dossier)
    check_dossier_transition(DossierStatus(dossier.status), DossierStatus.CLOSED)
    _check_same_company(dossier.company, resolution)
    check_text(Dossier, {"result": result})
    before = snapshot(dossier, DOSSIER_FIELDS)
    at = timezone.now()
    entries = [
        journal_entry(
            dossier,
            "intervention_status_changed",
            f"« {label} » : A faire → Ignorée (clôture du dossier).",
            user=user,
            intervention=Intervention(pk=pk),
            before={"status": InterventionStatus.TODO.value},
            after={"status": InterventionStatus.SKIPPED.value, "done_date": today.isoformat()},
            at=at,
        )
        for pk, label in dossier.interventions.filter(status=InterventionStatus.TODO).values_list(
            "pk", "label"
        )
    ]
    dossier.interventions.filter(status=InterventionStatus.TODO).update(
        status=InterventionStatus.SKIPPED, done_date=today, updated_at=at
    )
    dossier.links.update(is_active=False)
    dossier.status = DossierStatus.CLOSED
    dossier.end_date = today
    dossier.resolution = resolution
    dossier.result = result
    dossier.save(update_fields=["status", "end_date", "resolution", "result"])
    old, new = changed(before, snapshot(dossier, DOSSIER_FIELDS))
    reason = f" — {resolution}" if resolution else ""
    entries.append(
        journal_entry(
            dossier,
            "dossier_closed",
            f"Dossier clos le {today:%d/%m/%Y}{reason}.",
            user=user,
            before=old,
            after=new,
            at=at,
        )
    )
    save_entries(entries)
    return dossier


_UNCHANGED: Any = object()


@use_case
def assign_dossier(
    dossier: Dossier,
    *,
    user: AbstractBaseUser | None,
    collector: Collaborator | None = _UNCHANGED,
    priority: int = _UNCHANGED,
) -> Dossier:
    """Change a dossier's chargé (a manager's decision) or its priority; the worklist follows."""
    dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
    role = require_change(user, dossier)
    if not dossier.status_enum.is_open:
        raise RuleViolation(
            "Le dossier est clos : il ne peut plus être réattribué.", "dossier_closed"
        )
    before = snapshot(dossier, DOSSIER_FIELDS)
    if collector is not _UNCHANGED and collector != dossier.collector:
        check_manager(role, "peut changer le chargé d'un dossier", "manager_only")
        _check_same_company(dossier.company, collector)
        if collector is not None and not collector.is_collector:
            raise RuleViolation(
                f"{collector} n'est pas chargé de recouvrement.", "collaborator_not_collector"
            )
        dossier.collector = collector
    if priority is not _UNCHANGED:
        if not 1 <= priority <= 5:
            raise RuleViolation("La priorité va de 1 (la plus haute) à 5.", "priority_out_of_range")
        dossier.priority = priority
    old, new = changed(before, snapshot(dossier, DOSSIER_FIELDS))
    if not new:
        return dossier
    dossier.save(update_fields=["collector", "priority"])
    refresh_queue(dossier)
    record(
        dossier,
        "dossier_assigned",
        f"Dossier attribué à {dossier.collector or 'personne'}, priorité {dossier.priority}.",
        user=user,
        before=old,
        after=new,
    )
    return dossier
