"""Statuses, kinds and action types, and the tables of allowed status changes (S4, M7)."""

from dataclasses import dataclass
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
    """The « Type d'action » of a step or an intervention; what each one does is `ACTIONS`."""

    LETTER = "letter"
    EMAIL = "email"
    PHONE = "phone"
    TASK = "task"
    FORMAL_NOTICE = "formal_notice"

    @property
    def spec(self) -> "ActionSpec":
        return ACTIONS[self]

    @property
    def label(self) -> str:
        return ACTIONS[self].label

    @property
    def uses_letter(self) -> bool:
        """Courrier, E-mail and Mise en demeure carry a letter (M6)."""
        return ACTIONS[self].default_letter is not None

    @property
    def is_printed(self) -> bool:
        """A printed letter: left ready to print by Préparer (S5)."""
        return ACTIONS[self].printed

    @property
    def queues_email(self) -> bool:
        """Préparer puts its letter in the e-mail outbox (S5)."""
        return ACTIONS[self].emailed

    @property
    def is_formal_notice(self) -> bool:
        """A « mise en demeure »: its letter says so, and B2C legal interest runs from it."""
        return ACTIONS[self].formal_notice


@dataclass(frozen=True)
class ActionSpec:
    """What an action type does, read by every layer (engine, Préparer, letters, screens).

    A new channel (SMS, a debtor-portal link) is one entry here and one adapter where
    Préparer hands its work on (`services.steps`).
    """

    label: str
    # What Préparer leaves to do, in the journal's words (« courrier prêt à imprimer »).
    prepared_note: str
    # The LETTERS.md template used when the step names none; None: the action has no letter.
    default_letter: str | None = None
    # Préparer leaves a letter to print; printing it marks the intervention « Réalisée ».
    printed: bool = False
    # Préparer queues the letter as an e-mail in the outbox, in its transaction.
    emailed: bool = False
    formal_notice: bool = False


ACTIONS: dict[ActionType, ActionSpec] = {
    ActionType.LETTER: ActionSpec(
        "Courrier", "courrier prêt à imprimer", default_letter="deuxieme_relance", printed=True
    ),
    ActionType.EMAIL: ActionSpec(
        "E-mail", "e-mail à envoyer", default_letter="relance_courtoise", emailed=True
    ),
    ActionType.PHONE: ActionSpec("Téléphone", "téléphone à réaliser"),
    ActionType.TASK: ActionSpec("Tâche", "tâche à réaliser"),
    ActionType.FORMAL_NOTICE: ActionSpec(
        "Mise en demeure",
        "courrier prêt à imprimer",
        default_letter="mise_en_demeure",
        printed=True,
        formal_notice=True,
    ),
}
PRINTED_ACTIONS = tuple(a for a, spec in ACTIONS.items() if spec.printed)


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
