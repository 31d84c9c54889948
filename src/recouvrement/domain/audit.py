"""The company-level rows of the journal (M9): their action codes, the French name
« Structure › Journal » gives each, and the sentences and differences they carry.

A dossier's rows (interventions, statuses, letters…) keep their codes in their services and
show in the dossier's « Historique »; these name changes of the company's configuration, its
users and its imports. Pure: no Django.
"""

from collections.abc import Mapping, Sequence
from typing import Any

# --- Codes -----------------------------------------------------------------------------------

COMPANY_SET_UP = "company_set_up"
COMPANY_SETTINGS_CHANGED = "company_settings_changed"
RATE_ADDED = "rate_added"
SCENARIO_CREATED = "scenario_created"
SCENARIO_CHANGED = "scenario_changed"
LETTER_TEMPLATE_CREATED = "letter_template_created"
LETTER_TEMPLATE_CHANGED = "letter_template_updated"  # the code migration 0011 already wrote
COLLABORATOR_CREATED = "collaborator_created"
COLLABORATOR_CHANGED = "collaborator_changed"
CUSTOMER_CREATED = "customer_created"
CUSTOMER_CHANGED = "customer_changed"
LIST_VALUE_ADDED = "list_value_added"
LIST_VALUE_RENAMED = "list_value_renamed"
LIST_VALUE_DELETED = "list_value_deleted"
CSV_MAPPING_SAVED = "csv_mapping_saved"
IMPORT_FILE_STORED = "import_file_stored"
ACCOUNTING_FILE_IMPORTED = "accounting_file_imported"
CUSTOMERS_IMPORTED = "customers_imported"
USER_CREATED = "user_created"
USER_ROLE_CHANGED = "user_role_changed"
USER_COLLABORATOR_CHANGED = "user_collaborator_changed"
USER_DEACTIVATED = "user_deactivated"
USER_REACTIVATED = "user_reactivated"
PASSWORD_RESET_ISSUED = "password_reset_issued"
PASSWORD_RESET = "password_reset"
PASSWORD_CHANGED = "password_changed"
API_TOKEN_CREATED = "api_token_created"
API_TOKEN_REVOKED = "api_token_revoked"
API_RECEIVABLES_PUSHED = "api_receivables_pushed"
API_PAYMENTS_PUSHED = "api_payments_pushed"
DISPUTE_OPENED = "dispute_opened"  # dossier rows (B10)
DISPUTE_RESOLVED = "dispute_resolved"

# The filter of « Structure › Journal »; a code not listed shows as itself.
ACTION_LABELS = {
    COMPANY_SET_UP: "Création de la société",
    DISPUTE_OPENED: "Litige ouvert",
    DISPUTE_RESOLVED: "Litige résolu",
    COMPANY_SETTINGS_CHANGED: "Paramètres de la société",
    RATE_ADDED: "Taux ajouté",
    SCENARIO_CREATED: "Scénario créé",
    SCENARIO_CHANGED: "Scénario modifié",
    LETTER_TEMPLATE_CREATED: "Modèle de courrier créé",
    LETTER_TEMPLATE_CHANGED: "Modèle de courrier modifié",
    COLLABORATOR_CREATED: "Collaborateur créé",
    COLLABORATOR_CHANGED: "Collaborateur modifié",
    CUSTOMER_CREATED: "Client créé",
    CUSTOMER_CHANGED: "Client modifié",
    LIST_VALUE_ADDED: "Valeur de liste ajoutée",
    LIST_VALUE_RENAMED: "Valeur de liste renommée",
    LIST_VALUE_DELETED: "Valeur de liste supprimée",
    CSV_MAPPING_SAVED: "Format CSV enregistré",
    IMPORT_FILE_STORED: "Fichier déposé pour import",
    ACCOUNTING_FILE_IMPORTED: "Import comptable",
    CUSTOMERS_IMPORTED: "Import du fichier des clients",
    USER_CREATED: "Utilisateur créé",
    USER_ROLE_CHANGED: "Profil modifié",
    USER_COLLABORATOR_CHANGED: "Collaborateur lié modifié",
    USER_DEACTIVATED: "Utilisateur désactivé",
    USER_REACTIVATED: "Utilisateur réactivé",
    PASSWORD_RESET_ISSUED: "Lien de réinitialisation émis",
    PASSWORD_RESET: "Mot de passe réinitialisé",
    PASSWORD_CHANGED: "Mot de passe changé",
    API_TOKEN_CREATED: "Jeton d'API créé",
    API_TOKEN_REVOKED: "Jeton d'API révoqué",
    API_RECEIVABLES_PUSHED: "Échéances reçues par l'API",
    API_PAYMENTS_PUSHED: "Règlements reçus par l'API",
    # Written by `services.priority` and `services.evidence` (their own constants).
    "priorities_refreshed": "Priorités suggérées recalculées",
    "priority_weights_changed": "Poids de la priorité suggérée",
    "evidence_pack_built": "Dossier de preuve préparé",
    "daily_run": "Préparation quotidienne",  # `services.daily_run` (recouvrement worker)
    # Written by `services.logins` (its own constants).
    "login_succeeded": "Connexion",
    "login_failed": "Connexion refusée",
    "user_unlocked": "Compte débloqué",
    "address_unlocked": "Adresse débloquée",
}


def action_label(code: str) -> str:
    return ACTION_LABELS.get(code, code)


# --- Sentences -------------------------------------------------------------------------------

MESSAGE_MAX = 255  # the journal's column


def sentence(start: str, parts: Sequence[str], limit: int = MESSAGE_MAX) -> str:
    """« Scénario « X » modifié : a ; b ; c. », the last parts replaced by « et 2 autres
    modifications » when it would not fit the journal's column."""
    if not parts:
        return f"{start}."
    for shown in range(len(parts), 0, -1):
        rest = len(parts) - shown
        more = f" ; et {rest} autre{'s' if rest > 1 else ''} modification{'s' if rest > 1 else ''}"
        text = f"{start} : {' ; '.join(parts[:shown])}{more if rest else ''}."
        if len(text) <= limit:
            return text
    return f"{start} : {len(parts)} modifications."[:limit]


# --- Differences -----------------------------------------------------------------------------


def changed_fields(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[dict, dict]:
    """Only the fields that differ (`services.journal.changed`, here for the pure callers)."""
    keys = [key for key in after if before.get(key) != after[key]]
    return {key: before.get(key) for key in keys}, {key: after[key] for key in keys}


def row_changes(
    before: Mapping[str, Mapping[str, Any]], after: Mapping[str, Mapping[str, Any]]
) -> tuple[dict, dict, list[tuple[str, str]]]:
    """The rows (steps, contacts…, keyed by id) added, removed or changed: (before, after,
    [(kind, id)]) where a row added is None before, a row removed None after, a row changed
    holds only its changed fields; kind is "added", "removed" or "changed"."""
    old: dict[str, Any] = {}
    new: dict[str, Any] = {}
    moves: list[tuple[str, str]] = []
    for key in [*after, *(k for k in before if k not in after)]:
        if key not in before:
            old[key], new[key] = None, dict(after[key])
            moves.append(("added", key))
        elif key not in after:
            old[key], new[key] = dict(before[key]), None
            moves.append(("removed", key))
        else:
            fields_before, fields_after = changed_fields(before[key], after[key])
            if fields_after:
                old[key], new[key] = fields_before, fields_after
                moves.append(("changed", key))
    return old, new, moves


def yes_no(value: Any) -> str:
    return "oui" if value else "non"
