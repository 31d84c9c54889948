"""Setting a « Réalisée » or « Ignorée » intervention back to « A faire » (issue 13 §6).

A manager may undo a status by mistake, with a reason, unless the intervention left a trace
outside the app: a letter printed (its print batch keeps it, S7) or an e-mail sent or being
sent (its PDF is kept the same way). A step of the scenario is not reopened once the next
step was prepared after it (« Préparer » planned that step from this one's date, M6): the
user deletes that later step first, when it printed or sent nothing, then reopens this one.
Pure: no Django.
"""

from recouvrement.domain.rules import RuleViolation
from recouvrement.domain.statuses import (
    InterventionKind,
    InterventionStatus,
    Role,
    check_intervention_transition,
)
from recouvrement.domain.text import control_character

REASON_MAX = 255  # it is written in the journal's message, which holds 255 characters

REASON_REQUIRED = RuleViolation(
    "Indiquez la raison de la remise « A faire » : elle est écrite dans l'historique du dossier.",
    "reopen_reason_required",
)
EMAILED = RuleViolation(
    "Un e-mail de cette intervention est parti ou en cours d'envoi : elle ne peut pas être "
    "remise « A faire ».",
    "reopen_emailed",
)
PRINTED = RuleViolation(
    "Le courrier de cette intervention a été imprimé (il est gardé dans son lot d'impression) : "
    "elle ne peut pas être remise « A faire ».",
    "reopen_printed",
)


def later_step_prepared(label: str) -> RuleViolation:
    return RuleViolation(
        f"L'étape suivante « {label} » a déjà été préparée après celle-ci : supprimez-la "
        "d'abord (si elle n'a rien imprimé ni envoyé), puis remettez celle-ci « A faire ».",
        "reopen_later_step",
    )


def check_reopen(
    current: InterventionStatus,
    role: Role,
    *,
    kind: InterventionKind,
    reason: str,
    emailed: bool,
    printed: bool,
    later_step: str | None,
    another_step_todo: bool,
) -> None:
    """Raise RuleViolation unless `role` may set this intervention back to « A faire »;
    `later_step`: the label of a step of the scenario prepared after this one, if any."""
    check_intervention_transition(current, InterventionStatus.TODO, role, kind=kind)
    if not reason.strip():
        raise REASON_REQUIRED
    if len(reason) > REASON_MAX:
        raise RuleViolation(
            f"Raison : {len(reason)} caractères, {REASON_MAX} au plus.", "text_too_long"
        )
    if (char := control_character(reason)) is not None:
        raise RuleViolation(
            f"Raison : caractère de contrôle {char} refusé.", "text_control_character"
        )
    if emailed:
        raise EMAILED
    if printed:
        raise PRINTED
    if kind is InterventionKind.STEP and later_step is not None:
        raise later_step_prepared(later_step)
    check_intervention_transition(
        current, InterventionStatus.TODO, role, kind=kind, another_step_todo=another_step_todo
    )
