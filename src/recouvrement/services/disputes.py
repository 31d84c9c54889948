"""Litiges (B10): open one on échéances of a dossier (or the whole dossier), resolve it.

Who: a manager, or the dossier's collector (`require_change`); « Consultation » never. While
open, the échéances concerned are left out of every claim (`domain.disputes.claimable`,
applied by `services.penalties.receivables_due` and `services.batch.prepare_due`).
"""

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser

from recouvrement.db.models import (
    Collaborator,
    Dispute,
    DisputeReason,
    DisputeResult,
    DisputeStatus,
    Dossier,
    DossierReceivable,
    Receivable,
    Resolution,
)
from recouvrement.domain.audit import DISPUTE_OPENED, DISPUTE_RESOLVED
from recouvrement.domain.disputes import check_dispute_amount
from recouvrement.domain.money import format_amount
from recouvrement.domain.rules import RuleViolation
from recouvrement.domain.statuses import DossierStatus
from recouvrement.services.actors import require_change
from recouvrement.services.dossiers import _check_same_company
from recouvrement.services.journal import record
from recouvrement.services.use_case import use_case
from recouvrement.services.validation import check_text


def _open_links(dossier: Dossier) -> list[Receivable]:
    links = DossierReceivable.objects.filter(
        dossier=dossier, is_active=True, receivable__open_amount__gt=0
    ).select_related("receivable")
    return [link.receivable for link in links.order_by("receivable__due_date", "pk")]


@use_case
def open_dispute(
    dossier: Dossier,
    *,
    reason: DisputeReason | None,
    amount: Decimal | None,
    receivables: Sequence[Receivable] = (),
    owner: Collaborator | None = None,
    comment: str = "",
    today: date,
    user: AbstractBaseUser | None,
) -> Dispute:
    """A litige on some open échéances of the dossier, or on all of them (none named)."""
    dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
    require_change(user, dossier)
    if dossier.status == DossierStatus.CLOSED:
        raise RuleViolation("Un dossier clos n'a plus de litige ouvert.", "dossier_closed")
    if reason is None:
        raise RuleViolation("Choisissez un motif de litige.", "dispute_reason")
    _check_same_company(dossier.company, reason, owner)
    check_text(Dispute, {"comment": comment})
    open_items = {r.pk: r for r in _open_links(dossier)}
    named = list({r.pk: r for r in receivables}.values())
    for receivable in named:
        if receivable.pk not in open_items:
            raise RuleViolation(
                f"L'échéance {receivable} n'est pas une échéance ouverte de ce dossier.",
                "dispute_receivable",
            )
    concerned = named or list(open_items.values())
    if not concerned:
        raise RuleViolation("Ce dossier n'a plus d'échéance ouverte.", "dispute_nothing_open")
    amount = check_dispute_amount(amount, [open_items[r.pk].open_amount for r in concerned])
    dispute = Dispute.objects.create(
        company_id=dossier.company_id,
        dossier=dossier,
        reason=reason,
        amount=amount,
        owner=owner,
        comment=comment,
        opened_on=today,
    )
    dispute.receivables.set(named)
    what = ", ".join(r.reference for r in named) if named else "tout le dossier"
    record(
        dossier,
        DISPUTE_OPENED,
        f"Litige ouvert ({reason.label}) : {format_amount(amount)} sur {what}",
        user=user,
        after={"dispute": dispute.pk, "amount": str(amount), "receivables": [r.pk for r in named]},
    )
    return dispute


@use_case
def resolve_dispute(
    dispute: Dispute,
    *,
    resolution: Resolution | None,
    result: str,
    comment: str = "",
    today: date,
    user: AbstractBaseUser | None,
) -> Dispute:
    """Close a litige with a « Résolution » and a result; its échéances are claimed again."""
    dispute = Dispute.objects.select_for_update().select_related("dossier").get(pk=dispute.pk)
    require_change(user, dispute.dossier)
    if dispute.status != DisputeStatus.OPEN:
        raise RuleViolation("Ce litige est déjà résolu.", "dispute_resolved")
    if result not in DisputeResult.values:
        raise RuleViolation("Choisissez le résultat du litige.", "dispute_result")
    if resolution is not None:
        _check_same_company(dispute.dossier.company, resolution)
    if today < dispute.opened_on:
        raise RuleViolation("Un litige ne se résout pas avant son ouverture.", "dispute_date")
    comment = comment.strip()
    if comment:
        joined = f"{dispute.comment}\n{comment}".strip()
        check_text(Dispute, {"comment": joined})
        dispute.comment = joined
    dispute.status = DisputeStatus.RESOLVED
    dispute.resolution = resolution
    dispute.result = result
    dispute.resolved_on = today
    dispute.save(update_fields=["status", "resolution", "result", "resolved_on", "comment"])
    label = DisputeResult(result).label
    record(
        dispute.dossier,
        DISPUTE_RESOLVED,
        f"Litige résolu ({label}{f', {resolution.label}' if resolution else ''}) : "
        f"{format_amount(dispute.amount)}",
        user=user,
        before={"status": DisputeStatus.OPEN.value},
        after={"dispute": dispute.pk, "status": dispute.status, "result": result},
    )
    return dispute
