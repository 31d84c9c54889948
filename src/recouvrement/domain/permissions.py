"""Who may change what (PRODUCT §1)."""

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


def check_manager(role: Role, what: str) -> None:
    """Configuration and series actions belong to the « Responsable recouvrement » (§1);
    `what` ends the French sentence: « peut configurer les scénarios »."""
    if role is not Role.MANAGER:
        raise RuleViolation(f"Seul un responsable recouvrement {what}.", "read_only")


def check_may_change_dossier(
    role: Role, user_collaborator_id: int | None, dossier_collector_id: int | None
) -> None:
    """A manager changes every dossier; a collector only their own; « Consultation » none."""
    if not role.may_change:
        raise READ_ONLY
    if role is Role.COLLECTOR and dossier_collector_id != user_collaborator_id:
        raise OTHER_COLLECTOR
