"""Statuses, kinds and action types, and the tables of allowed status changes (S4, M7)."""

from enum import StrEnum

from recouvrement.domain.rules import RuleViolation


class InterventionStatus(StrEnum):
    TODO = "todo"
    DONE = "done"
    SKIPPED = "skipped"

    @property
    def label(self) -> str:
        return _INTERVENTION_STATUS_LABELS[self]


_INTERVENTION_STATUS_LABELS = {
    InterventionStatus.TODO: "A faire",
    InterventionStatus.DONE: "Réalisée",
    InterventionStatus.SKIPPED: "Ignorée",
}


class InterventionKind(StrEnum):
    STEP = "step"
    MANUAL = "manual"
    ALERT = "alert"
    PROMISE = "promise"

    @property
    def label(self) -> str:
        return _INTERVENTION_KIND_LABELS[self]


_INTERVENTION_KIND_LABELS = {
    InterventionKind.STEP: "Étape du scénario",
    InterventionKind.MANUAL: "Manuelle",
    InterventionKind.ALERT: "Alerte",
    InterventionKind.PROMISE: "Promesse",
}


class ActionType(StrEnum):
    LETTER = "letter"
    EMAIL = "email"
    PHONE = "phone"
    TASK = "task"
    FORMAL_NOTICE = "formal_notice"

    @property
    def label(self) -> str:
        return _ACTION_TYPE_LABELS[self]

    @property
    def uses_letter(self) -> bool:
        """Courrier, E-mail and Mise en demeure carry a letter (M6)."""
        return self in (ActionType.LETTER, ActionType.EMAIL, ActionType.FORMAL_NOTICE)

    @property
    def is_printed(self) -> bool:
        """A printed letter: left ready to print by Préparer (S5)."""
        return self in (ActionType.LETTER, ActionType.FORMAL_NOTICE)


_ACTION_TYPE_LABELS = {
    ActionType.LETTER: "Courrier",
    ActionType.EMAIL: "E-mail",
    ActionType.PHONE: "Téléphone",
    ActionType.TASK: "Tâche",
    ActionType.FORMAL_NOTICE: "Mise en demeure",
}


class DossierStatus(StrEnum):
    OPEN = "open"
    LITIGATION = "litigation"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return _DOSSIER_STATUS_LABELS[self]

    @property
    def is_open(self) -> bool:
        """En cours and Contentieux are both open: the dossier is still being worked."""
        return self is not DossierStatus.CLOSED


_DOSSIER_STATUS_LABELS = {
    DossierStatus.OPEN: "En cours",
    DossierStatus.LITIGATION: "Contentieux",
    DossierStatus.CLOSED: "Clos",
}


class Role(StrEnum):
    COLLECTOR = "collector"
    MANAGER = "manager"
    READ_ONLY = "read_only"

    @property
    def label(self) -> str:
        return _ROLE_LABELS[self]

    @property
    def may_change(self) -> bool:
        return self is not Role.READ_ONLY


_ROLE_LABELS = {
    Role.COLLECTOR: "Chargé de recouvrement",
    Role.MANAGER: "Responsable recouvrement",
    Role.READ_ONLY: "Consultation",
}

# (from, to) -> True when only a manager may make the change (S4).
INTERVENTION_TRANSITIONS: dict[tuple[InterventionStatus, InterventionStatus], bool] = {
    (InterventionStatus.TODO, InterventionStatus.DONE): False,
    (InterventionStatus.TODO, InterventionStatus.SKIPPED): False,
    (InterventionStatus.DONE, InterventionStatus.TODO): True,
    (InterventionStatus.SKIPPED, InterventionStatus.TODO): True,
}

# Closing is final: a closed dossier's échéances may already sit in a newer dossier.
DOSSIER_TRANSITIONS: frozenset[tuple[DossierStatus, DossierStatus]] = frozenset(
    {
        (DossierStatus.OPEN, DossierStatus.LITIGATION),
        (DossierStatus.LITIGATION, DossierStatus.OPEN),
        (DossierStatus.OPEN, DossierStatus.CLOSED),
        (DossierStatus.LITIGATION, DossierStatus.CLOSED),
    }
)


def allowed_intervention_statuses(
    current: InterventionStatus, role: Role
) -> list[InterventionStatus]:
    """The statuses the « Statut » drop-down offers to this role, current one first."""
    targets = [
        to
        for (frm, to), manager_only in INTERVENTION_TRANSITIONS.items()
        if frm is current and role.may_change and (role is Role.MANAGER or not manager_only)
    ]
    return [current, *targets]


def check_intervention_transition(
    current: InterventionStatus,
    target: InterventionStatus,
    role: Role,
    *,
    kind: InterventionKind,
    another_step_todo: bool = False,
) -> None:
    """Raise RuleViolation unless `role` may move an intervention from `current` to `target`."""
    if current is target:
        raise RuleViolation(
            f"L'intervention est déjà au statut « {target.label} ».", "status_unchanged"
        )
    if (current, target) not in INTERVENTION_TRANSITIONS:
        raise RuleViolation(
            f"Passage du statut « {current.label} » à « {target.label} » interdit.",
            "transition_forbidden",
        )
    if not role.may_change:
        raise RuleViolation(
            "Votre profil « Consultation » ne permet aucune modification.", "read_only"
        )
    if INTERVENTION_TRANSITIONS[(current, target)] and role is not Role.MANAGER:
        raise RuleViolation(
            f"Seul un responsable recouvrement peut remettre une intervention « {current.label} » "
            "au statut « A faire ».",
            "manager_only",
        )
    if target is InterventionStatus.TODO and kind is InterventionKind.STEP and another_step_todo:
        raise RuleViolation(
            "Une autre étape du scénario est déjà « A faire » sur ce dossier : "
            "une seule étape peut être en cours à la fois.",
            "step_already_todo",
        )


def check_dossier_transition(current: DossierStatus, target: DossierStatus) -> None:
    """Raise RuleViolation unless a dossier may move from `current` to `target`."""
    if current is target:
        raise RuleViolation(f"Le dossier est déjà « {target.label} ».", "status_unchanged")
    if (current, target) not in DOSSIER_TRANSITIONS:
        raise RuleViolation(
            f"Un dossier « {current.label} » ne peut pas passer à « {target.label} ».",
            "transition_forbidden",
        )
