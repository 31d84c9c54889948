"""« Gestion des actions »: the batch actions on the rows the user selected (S9).

- `execute_selection` (« Exécuter »): the selected letters print into ONE PDF, the selected
  « E-mail » steps are handed to the outbox (the worker sends them, never the request), the
  other rows (phone, task, alert, manual) are marked « Réalisée » with the batch's comment;
- `mark_selection` (« Marquer réalisée », « Ignorer »): the rows' status, with the comment;
- `reassign_selection` (« Réaffecter à… », a manager): the selected rows' dossiers change
  chargé.

Transactions: each row is its own use case and its own transaction, so that a row refused
(another chargé's dossier, a step no longer « A faire », an e-mail without address) undoes
nothing of the others; the letters are one batch, one transaction (`print_letters`: one PDF,
all its letters marked or none). Each use case journals what it changes, through the
services it calls. The result is a `SelectionSummary`: counts per outcome and the rows
refused, each with its French reason; nothing is raised for one row.

Raised for the whole selection, before any row is touched: PermissionDenied for a
« Consultation » profile (and, on `reassign_selection`, for anyone but a manager),
ValidationError for a comment or a chargé that cannot be used.
"""

from collections.abc import Sequence
from datetime import date, datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError

from recouvrement.db.models import (
    Collaborator,
    Dossier,
    Intervention,
    OutgoingEmail,
    PrintedLetter,
)
from recouvrement.domain.permissions import check_may_change, check_may_change_dossier
from recouvrement.domain.rules import RuleViolation
from recouvrement.domain.statuses import ActionType, InterventionKind, InterventionStatus
from recouvrement.services.actors import SYSTEM, collaborator_id_of, require_manager, role_of
from recouvrement.services.dossiers import assign_dossier
from recouvrement.services.interventions import (
    DOSSIER_CLOSED,
    set_intervention_status,
    update_intervention,
)
from recouvrement.services.letter_content import Skipped
from recouvrement.services.letters import LETTERS_SKIPPED, print_letters
from recouvrement.services.outbox_actions import queue_email, send_email_now
from recouvrement.services.selection_summary import Refused, SelectionSummary
from recouvrement.services.use_case import rule_errors, use_case
from recouvrement.services.validation import check_text

MARKABLE = (InterventionStatus.DONE, InterventionStatus.SKIPPED)
PROMISE_NOT_EXECUTED = (
    "une promesse de règlement est tenue ou non selon les règlements reçus : rien à exécuter "
    "(« Marquer réalisée » la clôt à la main)."
)


def _not_todo(intervention: Intervention) -> RuleViolation:
    label = InterventionStatus(intervention.status).label
    return RuleViolation(f"n'est plus « A faire » (« {label} »).", "intervention_not_todo")


def _reason(error: ValidationError | PermissionDenied) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or "Action refusée."


def _check_may_change(rows: Sequence[Intervention], user: AbstractBaseUser | None) -> None:
    """The whole selection refused (403) to a « Consultation » profile or another company."""
    with rule_errors():
        for company_id in sorted({row.company_id for row in rows}):
            check_may_change(role_of(user, company_id))


def _check_comment(comment: str) -> None:
    with rule_errors():
        check_text(Intervention, {"comment": comment})


# --- One row each: its own use case ------------------------------------------------------------


@use_case
def close_intervention(
    intervention: Intervention,
    status: InterventionStatus,
    *,
    comment: str,
    today: date,
    user: AbstractBaseUser | None,
) -> Intervention:
    """A row marked « Réalisée » or « Ignorée », the batch's comment added to its own: one
    transaction, two journal rows (the comment, the status) through the tab's services."""
    Dossier.objects.select_for_update().filter(pk=intervention.dossier_id).first()  # first lock
    current = Intervention.objects.filter(pk=intervention.pk).first()
    if current is None:
        raise RuleViolation("l'intervention n'existe plus.", "intervention_gone")
    if comment and current.status == InterventionStatus.TODO:
        text = f"{current.comment} — {comment}" if current.comment else comment
        update_intervention(current, user=user, comment=text)
    return set_intervention_status(current, status, today=today, user=user)


def hand_email_to_outbox(
    intervention: Intervention, *, now: datetime, user: AbstractBaseUser | None
) -> OutgoingEmail:
    """An « E-mail » step handed to the outbox worker, never sent here: its e-mail waiting or
    failed made due `now` (« Envoyer maintenant »), or queued when it has none (« Préparer
    l'envoi »). One sent, being sent or cancelled by a user is refused with the state's
    message (`domain.email_state`); `outbox_actions` locks, checks and journals."""
    latest = OutgoingEmail.objects.filter(intervention_id=intervention.pk).order_by("-pk").first()
    if latest is None:
        return queue_email(intervention, user=user, now=now)
    return send_email_now(intervention, user=user, now=now)


# --- The batch actions ---------------------------------------------------------------------


def _set_status(
    summary: SelectionSummary,
    rows: Sequence[Intervention],
    status: InterventionStatus,
    *,
    comment: str,
    today: date,
    user: AbstractBaseUser | None,
) -> None:
    """Each row in its own transaction: a refusal is noted and the next row goes on."""
    for row in rows:
        try:
            close_intervention(row, status, comment=comment, today=today, user=user)
        except (ValidationError, PermissionDenied) as error:
            summary.refuse(row, _reason(error))
        else:
            if status is InterventionStatus.DONE:
                summary.done += 1
            else:
                summary.skipped += 1


def mark_selection(
    interventions: Sequence[Intervention],
    status: InterventionStatus,
    *,
    today: date,
    user: AbstractBaseUser | None,
    comment: str = "",
) -> SelectionSummary:
    """« Marquer réalisée » or « Ignorer »: each row « Réalisée » (or « Ignorée ») with the
    comment, whatever its type; a letter or an e-mail marked so is neither printed nor sent
    (the outbox's worker drops an e-mail whose step is no longer « A faire »)."""
    status = InterventionStatus(status)
    if status not in MARKABLE:
        raise ValidationError(
            "Une action de la sélection ne peut être que « Réalisée » ou « Ignorée ».",
            code="status_not_markable",
        )
    summary = SelectionSummary()
    if interventions:
        _check_may_change(interventions, user)
        _check_comment(comment)
        _set_status(summary, interventions, status, comment=comment, today=today, user=user)
    return summary


def execute_selection(
    interventions: Sequence[Intervention],
    *,
    today: date,
    now: datetime,
    user: AbstractBaseUser | None,
    comment: str = "",
) -> SelectionSummary:
    """« Exécuter »: what each selected row's action means. The letters (Courrier, Mise en
    demeure) print into one PDF (`summary.pdf`), one transaction; each « E-mail » step is
    handed to the outbox, and each other row (phone, task, alert, manual) marked « Réalisée »
    with `comment`, each in its own transaction. A promise has nothing to execute."""
    summary = SelectionSummary()
    if not interventions:
        return summary
    _check_may_change(interventions, user)
    _check_comment(comment)
    letters, emails, others = [], [], []
    for row in interventions:
        action = ActionType(row.action_type) if row.action_type else None
        if action is not None and action.is_printed:
            letters.append(row)
        elif action is not None and action.queues_email:
            emails.append(row)
        elif row.kind == InterventionKind.PROMISE:
            summary.refuse(row, PROMISE_NOT_EXECUTED)
        else:
            others.append(row)
    _print(summary, letters, today=today, user=user)
    for row in emails:
        try:
            hand_email_to_outbox(row, now=now, user=user)
        except (ValidationError, PermissionDenied) as error:
            summary.refuse(row, _reason(error))
        else:
            summary.emailed += 1
    _set_status(summary, others, InterventionStatus.DONE, comment=comment, today=today, user=user)
    summary.refused.sort(key=lambda refused: refused.dossier)  # as the worklist lists them
    return summary


def _printable(
    summary: SelectionSummary, letters: Sequence[Intervention], user: AbstractBaseUser | None
) -> list[Intervention]:
    """The letters `print_letters` accepts: it refuses its whole batch for one letter of
    another chargé, of a closed dossier or already printed, so these are set aside first
    (`print_letters` checks again, under lock)."""
    ids = [row.pk for row in letters]
    current = Intervention.objects.select_related("dossier").in_bulk(ids)
    printed = set(
        PrintedLetter.objects.filter(intervention__in=ids).values_list("intervention_id", flat=True)
    )
    collaborator_id = collaborator_id_of(user)
    kept = []
    for row in letters:
        letter = current.get(row.pk)
        try:
            if letter is None:
                raise RuleViolation("l'intervention n'existe plus.", "intervention_gone")
            dossier = letter.dossier
            if user is not SYSTEM:
                role = role_of(user, dossier.company_id)
                check_may_change_dossier(role, collaborator_id, dossier.collector_id)
            if not dossier.status_enum.is_open:
                raise DOSSIER_CLOSED
            if letter.status != InterventionStatus.TODO:
                raise _not_todo(letter)
            if row.pk in printed:
                raise RuleViolation("le courrier est déjà imprimé.", "already_printed")
        except RuleViolation as violation:
            summary.refuse(row, violation.message)
        else:
            kept.append(letter)
    return kept


def _print(
    summary: SelectionSummary,
    letters: Sequence[Intervention],
    *,
    today: date,
    user: AbstractBaseUser | None,
) -> None:
    """The letters into one PDF; those that cannot be composed (a rate, an address…) are
    refused with their reason and the others print."""
    kept = _printable(summary, letters, user)
    if not kept:
        return
    by_pk = {row.pk: row for row in letters}
    try:
        result = print_letters(kept, today=today, user=user)
    except ValidationError as error:
        if all(e.code == LETTERS_SKIPPED for e in error.error_list):
            _refuse_skipped(summary, [by_pk[row.pk] for row in kept], error.messages)
        else:  # the PDF did not render: none printed
            for row in kept:
                summary.refuse(by_pk[row.pk], f"impression refusée : {_reason(error)}")
        return
    except PermissionDenied as error:  # a dossier given to another chargé meanwhile
        for row in kept:
            summary.refuse(by_pk[row.pk], f"impression refusée : {_reason(error)}")
        return
    summary.print_result = result
    summary.printed = len(result.interventions)
    for left_out in result.skipped:
        summary.refuse(by_pk[left_out.intervention.pk], left_out.reason)


def _refuse_skipped(
    summary: SelectionSummary, rows: Sequence[Intervention], lines: Sequence[str]
) -> None:
    """None printable: `print_letters` raised one line per letter (`Skipped.line`), in
    its own order; each is given back to its row by the dossier it names."""
    waiting = list(rows)
    for line in lines:
        row = next((r for r in waiting if line.startswith(Skipped(r, "").line)), None)
        if row is None:
            summary.refused.append(Refused("", "", line))
            continue
        waiting.remove(row)
        summary.refuse(row, line.removeprefix(Skipped(row, "").line))


def reassign_selection(
    interventions: Sequence[Intervention],
    *,
    collector: Collaborator,
    user: AbstractBaseUser | None,
) -> SelectionSummary:
    """« Réaffecter à… » (a manager): the dossiers of the selected rows given to `collector`,
    each its own transaction through `assign_dossier` (journaled there); a closed dossier is
    refused, one already followed by that chargé counted as such."""
    summary = SelectionSummary(collector=str(collector))
    if not interventions:
        return summary
    with rule_errors():
        for company_id in sorted({row.company_id for row in interventions}):
            require_manager(user, company_id, "peut changer le chargé d'un dossier")
            if collector.company_id != company_id or not collector.is_collector:
                raise RuleViolation(
                    f"{collector} n'est pas chargé de recouvrement de la société.",
                    "collaborator_not_collector",
                )
    seen: set[int] = set()
    for row in interventions:
        if row.dossier_id in seen:
            continue  # one dossier, several rows selected: reassigned once
        seen.add(row.dossier_id)
        dossier = Dossier.objects.get(pk=row.dossier_id)
        if dossier.collector_id == collector.pk:
            summary.already_assigned += 1
            continue
        try:
            assign_dossier(dossier, user=user, collector=collector)
        except (ValidationError, PermissionDenied) as error:
            summary.refused.append(Refused(dossier.number, "", _reason(error)))
        else:
            summary.reassigned += 1
    return summary
