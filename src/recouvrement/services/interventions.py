"""Use cases of the « Interventions » tab (S3–S5, S10–S12)."""

import hashlib
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.files.base import ContentFile
from django.utils import timezone

from recouvrement.db.models import (
    AttachedDocument,
    Contact,
    Dossier,
    Intervention,
    OutgoingEmail,
    PrintedLetter,
)
from recouvrement.domain.money import check_amount, format_amount
from recouvrement.domain.rules import RuleViolation
from recouvrement.domain.scenario import NextStep, plan_next_step
from recouvrement.domain.statuses import (
    ActionType,
    InterventionKind,
    InterventionStatus,
    check_intervention_transition,
)
from recouvrement.services.actors import require_change
from recouvrement.services.journal import INTERVENTION_FIELDS, changed, record, snapshot
from recouvrement.services.queue import queue_fields
from recouvrement.services.snapshots import dossier_snapshot
from recouvrement.services.steps import prepare_step
from recouvrement.services.use_case import use_case
from recouvrement.services.validation import check_text

DOSSIER_CLOSED = RuleViolation(
    "Le dossier est clos : ses interventions ne peuvent plus être modifiées.", "dossier_closed"
)


def _lock(dossier_id: int) -> Dossier:
    """Lock the dossier row: changes to one dossier's interventions happen one at a time."""
    return Dossier.objects.select_for_update().get(pk=dossier_id)


def _lock_open(intervention: Intervention, user: AbstractBaseUser | None) -> tuple:
    dossier = _lock(intervention.dossier_id)
    role = require_change(user, dossier)
    if not dossier.status_enum.is_open:
        raise DOSSIER_CLOSED
    current = Intervention.objects.get(pk=intervention.pk)
    return dossier, current, role


@use_case
def prepare_next_intervention(
    dossier: Dossier, *, today: date, user: AbstractBaseUser | None
) -> Intervention:
    """« Fonctions › Préparer » (S5): create the next step « A faire » and run its action."""
    dossier = _lock(dossier.pk)
    require_change(user, dossier)
    plan = plan_next_step(dossier_snapshot(dossier))
    if not isinstance(plan, NextStep):
        raise RuleViolation(plan.message, plan.code)
    return prepare_step(dossier, plan, user, timezone.now(), today)


@use_case
def set_intervention_status(
    intervention: Intervention,
    status: InterventionStatus,
    *,
    today: date,
    user: AbstractBaseUser | None,
) -> Intervention:
    """« Paramètres » › Réalisée, or the « Statut » drop-down (S4)."""
    dossier, current, role = _lock_open(intervention, user)
    target = InterventionStatus(status)
    another_step_todo = (
        dossier.interventions.filter(kind=InterventionKind.STEP, status=InterventionStatus.TODO)
        .exclude(pk=current.pk)
        .exists()
    )
    check_intervention_transition(
        current.status_enum,
        target,
        role,
        kind=current.kind_enum,
        another_step_todo=another_step_todo,
    )
    if target is InterventionStatus.TODO and current.status_enum is not InterventionStatus.TODO:
        raise RuleViolation(
            "Pour remettre une action « A faire », utilisez « Remettre A faire… » "
            "(responsable recouvrement, avec une raison).",
            "reopen_needs_reason",
        )
    before = snapshot(current, INTERVENTION_FIELDS)
    current.status = target
    current.done_date = today
    if user is not None:
        current.user = user
    current.save()
    old, new = changed(before, snapshot(current, INTERVENTION_FIELDS))
    record(
        dossier,
        "intervention_status_changed",
        f"« {current.label} » : {InterventionStatus(before['status']).label} → {target.label}.",
        user=user,
        intervention=current,
        before=old,
        after=new,
    )
    return current


_UNCHANGED: Any = object()
# The journal names what changed the way the ligne de saisie labels it.
FIELD_LABELS = {
    "planned_date": "date",
    "contact_id": "contact",
    "comment": "commentaire",
    "action_type": "type d'action",
}


@use_case
def update_intervention(
    intervention: Intervention,
    *,
    user: AbstractBaseUser | None,
    planned_date: date = _UNCHANGED,
    contact: Contact | None = _UNCHANGED,
    comment: str = _UNCHANGED,
    action_type: ActionType = _UNCHANGED,
) -> Intervention:
    """The « ligne de saisie » (S3): date, contact, comment of an intervention « A faire »."""
    dossier, current, _ = _lock_open(intervention, user)
    if current.status_enum is not InterventionStatus.TODO:
        raise RuleViolation(
            "Seule une intervention « A faire » peut être modifiée.", "intervention_not_todo"
        )
    before = snapshot(current, INTERVENTION_FIELDS)
    if planned_date is not _UNCHANGED:
        current.planned_date = planned_date
    if contact is not _UNCHANGED:
        if contact is not None and contact.customer_id != dossier.customer_id:
            raise RuleViolation(
                f"{contact} n'est pas un contact du client du dossier.", "contact_other_customer"
            )
        current.contact = contact
    if comment is not _UNCHANGED:
        if len(comment) > 255:
            raise RuleViolation(
                "Le commentaire ne peut dépasser 255 caractères.", "comment_too_long"
            )
        current.comment = comment
    if action_type is not _UNCHANGED:
        if current.kind_enum is InterventionKind.STEP:
            raise RuleViolation(
                "Le type d'action d'une étape vient du scénario.", "step_action_type_fixed"
            )
        current.action_type = ActionType(action_type)
    old, new = changed(before, snapshot(current, INTERVENTION_FIELDS))
    if not new:
        return current
    current.save()
    record(
        dossier,
        "intervention_updated",
        f"« {current.label} » modifiée ({', '.join(FIELD_LABELS.get(n, n) for n in new)}).",
        user=user,
        intervention=current,
        before=old,
        after=new,
    )
    return current


def _manual_fields(
    kind: InterventionKind,
    today: date,
    planned_date: date,
    label: str,
    comment: str,
    promise_amount: Decimal | None,
) -> tuple[str, Decimal | None]:
    """Check a manual, alert or promise intervention (S11); return its label and amount."""
    if kind is InterventionKind.STEP:
        raise RuleViolation(
            "Une étape du scénario se crée par « Fonctions › Préparer ».", "step_by_prepare"
        )
    if kind is InterventionKind.ALERT:
        if not (comment or label).strip():
            raise RuleViolation("Une alerte demande un message.", "alert_without_message")
        return label or "Alerte", None
    if kind is InterventionKind.PROMISE:
        if promise_amount is None:
            raise RuleViolation("Une promesse demande un montant.", "promise_without_amount")
        check_amount(promise_amount, "montant promis")
        if promise_amount == 0:
            raise RuleViolation("Le montant promis doit être positif.", "promise_amount_zero")
        if planned_date < today:
            raise RuleViolation(
                "La date promise ne peut pas être déjà passée.", "promise_date_in_past"
            )
        return label or f"Promesse de règlement de {format_amount(promise_amount)}", (
            promise_amount
        )
    if not label.strip():
        raise RuleViolation("Donnez un intitulé à l'intervention.", "label_required")
    return label, None


@use_case
def create_intervention(
    dossier: Dossier,
    kind: InterventionKind,
    *,
    today: date,
    user: AbstractBaseUser | None,
    planned_date: date,
    label: str = "",
    comment: str = "",
    action_type: ActionType | str = "",
    contact: Contact | None = None,
    promise_amount: Decimal | None = None,
) -> Intervention:
    """« Créer une intervention »: Manuelle, Alerte (date, message) or Promesse (S11)."""
    dossier = _lock(dossier.pk)
    require_change(user, dossier)
    if not dossier.status_enum.is_open:
        raise DOSSIER_CLOSED
    kind = InterventionKind(kind)
    label, amount = _manual_fields(kind, today, planned_date, label, comment, promise_amount)
    check_text(Intervention, {"label": label, "comment": comment})
    if contact is not None and contact.customer_id != dossier.customer_id:
        raise RuleViolation(
            f"{contact} n'est pas un contact du client du dossier.", "contact_other_customer"
        )
    intervention = Intervention.objects.create(
        dossier=dossier,
        kind=kind,
        status=InterventionStatus.TODO,
        action_type=ActionType(action_type) if action_type else "",
        label=label,
        planned_date=planned_date,
        user=user,
        contact=contact,
        comment=comment,
        promise_amount=amount,
        promise_made_on=today if kind is InterventionKind.PROMISE else None,
        **queue_fields(dossier),
    )
    record(
        dossier,
        "intervention_created",
        f"{kind.label} « {intervention.label} » créée pour le {planned_date:%d/%m/%Y}.",
        user=user,
        intervention=intervention,
        after=snapshot(intervention, INTERVENTION_FIELDS),
    )
    return intervention


@use_case
def delete_intervention(intervention: Intervention, *, user: AbstractBaseUser | None) -> None:
    """« Supprimer » (S12), once confirmed; the journal keeps what the intervention was."""
    dossier, current, _ = _lock_open(intervention, user)
    if AttachedDocument.objects.filter(intervention=current).exists():
        raise RuleViolation(
            "Cette intervention porte un document attaché : elle ne peut pas être supprimée.",
            "intervention_has_document",
        )
    if PrintedLetter.objects.filter(intervention=current).exists():
        raise RuleViolation(
            "Cette intervention porte un courrier imprimé : elle ne peut pas être supprimée.",
            "intervention_has_letter",
        )
    queued = OutgoingEmail.objects.filter(intervention=current)
    unsent = [OutgoingEmail.Status.PENDING, OutgoingEmail.Status.CANCELLED]
    if queued.exclude(status__in=unsent).exists():
        raise RuleViolation(
            "Un e-mail de cette intervention est parti ou en cours d'envoi : elle ne peut pas "
            "être supprimée.",
            "intervention_has_email",
        )
    queued.delete()  # not sent (waiting or cancelled): deleting the step cancels it
    before = snapshot(current, INTERVENTION_FIELDS)
    record(
        dossier,
        "intervention_deleted",
        f"Intervention « {current.label} » du {current.planned_date:%d/%m/%Y} supprimée.",
        user=user,
        intervention=current,
        before=before,
    )
    current.delete()


@use_case
def attach_document(
    intervention: Intervention,
    *,
    user: AbstractBaseUser | None,
    name: str,
    content: bytes,
    content_type: str,
) -> AttachedDocument:
    """« Actions › Attacher un document… » (S10): one document, never replaced nor deleted."""
    dossier, current, _ = _lock_open(intervention, user)
    if AttachedDocument.objects.filter(intervention=current).exists():
        raise RuleViolation(
            "Un document est déjà attaché à cette intervention : un seul document par "
            "intervention, qui ne peut être ni remplacé ni supprimé.",
            "document_already_attached",
        )
    if not content:
        raise RuleViolation("Le fichier est vide.", "document_empty")
    limit = settings.RECOUVREMENT_MAX_UPLOAD_BYTES
    if len(content) > limit:
        raise RuleViolation(
            f"Le fichier dépasse la taille maximale de {limit // (1024 * 1024)} Mo.",
            "document_too_large",
        )
    digest = hashlib.sha256(content).hexdigest()
    document = AttachedDocument(
        intervention=current,
        original_name=name[:255],
        content_type=content_type[:100],
        size=len(content),
        sha256=digest,
        uploaded_by=user,
    )
    document.file.save(name, ContentFile(content), save=False)
    document.save(force_insert=True)
    record(
        dossier,
        "document_attached",
        f"Document « {document.original_name} » attaché à « {current.label} ».",
        user=user,
        intervention=current,
        after={"document": document.original_name, "sha256": digest},
    )
    return document
