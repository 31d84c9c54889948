"""Who may change what (PRODUCT §1): each rule once, as a check (raises) and a question (bool)."""

from recouvrement.domain.rules import RuleViolation
from recouvrement.domain.statuses import Role

# Violations of these rules are refusals of access (HTTP 403/404), not input errors.
PERMISSION_CODES = frozenset({"read_only", "other_collector", "foreign_company"})

READ_ONLY = RuleViolation(
    "Votre profil « Consultation » ne permet aucune modification.", "read_only"
)
OTHER_COLLECTOR = RuleViolation(
    "Ce dossier est suivi par un autre chargé de recouvrement.", "other_collector"
)


def check_manager(role: Role, what: str, code: str = "read_only") -> None:
    """Configuration and series actions belong to the « Responsable recouvrement » (§1);
    `what` ends the French sentence: « peut configurer les scénarios ». `code`
    "manager_only" makes it an input error (one field of a form) rather than a 403."""
    if role is not Role.MANAGER:
        raise RuleViolation(f"Seul un responsable recouvrement {what}.", code)


def may_manage(role: Role) -> bool:
    """`check_manager` as a question: whether to show the manager's actions."""
    return role is Role.MANAGER


def check_may_change(role: Role) -> None:
    """Any change at all: refused to « Consultation »."""
    if not role.may_change:
        raise READ_ONLY


def check_may_change_dossier(
    role: Role, user_collaborator_id: int | None, dossier_collector_id: int | None
) -> None:
    """A manager changes every dossier; a collector only their own; « Consultation » none."""
    check_may_change(role)
    if role is Role.COLLECTOR and dossier_collector_id != user_collaborator_id:
        raise OTHER_COLLECTOR


def may_change_dossier(
    role: Role, user_collaborator_id: int | None, dossier_collector_id: int | None
) -> bool:
    """`check_may_change_dossier` as a question: whether to show a dossier's actions."""
    try:
        check_may_change_dossier(role, user_collaborator_id, dossier_collector_id)
    except RuleViolation:
        return False
    return True
