"""The journal rows of « Structure » (M9): scenarios and their steps, collaborators, the
lists and letter templates (the customers: `services.customer_journal`).

Each change writes one company-level row (`services.journal.company_entry`) whose message
names the object and what moved, and whose before/after hold only the fields that changed.
The services call these after their write, inside their transaction.
"""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser

from recouvrement.db.models import (
    Collaborator,
    Company,
    LetterTemplate,
    Scenario,
    Step,
)
from recouvrement.domain import audit
from recouvrement.domain.statuses import ActionType, DossierStatus
from recouvrement.services.journal import changed, company_entry, snapshot

# --- Scénarios et étapes (M6) ----------------------------------------------------------------

STEP_FIELDS = (
    "order",
    "label",
    "delay_days",
    "action_type",
    "compute_penalties",
    "fee_amount",
    "sets_dossier_status",
)
STEP_LABELS = {
    "order": "ordre",
    "label": "intitulé",
    "delay_days": "délai",
    "action_type": "action",
    "letter_template": "modèle",
    "compute_penalties": "calcul des pénalités",
    "fee_amount": "frais",
    "sets_dossier_status": "statut du dossier",
}


def scenario_state(scenario: Scenario) -> dict[str, Any]:
    """The scenario as the journal keeps it: its name, default flag and steps (by id)."""
    steps = Step.objects.filter(scenario_id=scenario.pk).select_related("letter_template")
    return {
        "name": scenario.name,
        "is_default": scenario.is_default,
        "steps": {
            str(step.pk): {
                **snapshot(step, STEP_FIELDS),
                "letter_template": step.letter_template.name if step.letter_template else None,
            }
            for step in steps.order_by("order")
        },
    }


def _shown(field: str, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if field == "delay_days":
        return f"{value} j"
    if field == "action_type":
        return ActionType(value).label
    if field == "sets_dossier_status":
        return DossierStatus(value).label
    if field == "compute_penalties":
        return audit.yes_no(value)
    if field == "fee_amount":
        return f"{str(value).replace('.', ',')} €"
    if field in ("label", "letter_template"):
        return f"« {value} »"
    return str(value)


def _instead_of(replaced: list[str]) -> str:
    """« à la place de « Standard » » when the default flag moved from another scenario."""
    return f" à la place de {', '.join(f'« {name} »' for name in replaced)}" if replaced else ""


def journal_scenario_created(
    scenario: Scenario, *, user: AbstractBaseUser | None, replaced: list[str]
) -> None:
    state = scenario_state(scenario)
    count = len(state["steps"])
    parts = [f"{count} étape{'s' if count > 1 else ''}"]
    if scenario.is_default:
        parts.append(f"scénario par défaut{_instead_of(replaced)}")
    company_entry(
        scenario.company,
        audit.SCENARIO_CREATED,
        audit.sentence(f"Scénario « {scenario.name} » créé", parts),
        user=user,
        after={"scenario_id": scenario.pk, **state, "replaced_default": replaced or None},
    )


def journal_scenario_changed(
    scenario: Scenario,
    before: dict[str, Any],
    *,
    user: AbstractBaseUser | None,
    replaced: list[str],
) -> None:
    """One row naming each step added, removed or changed (with its old and new values);
    none when nothing moved."""
    after = scenario_state(scenario)
    head = ("name", "is_default")
    head_before, head_after = changed({k: before[k] for k in head}, {k: after[k] for k in head})
    old_steps, new_steps, moves = audit.row_changes(before["steps"], after["steps"])
    if not head_after and not moves:
        return
    parts = []
    if "name" in head_after:
        parts.append(f"intitulé « {head_before['name']} » → « {head_after['name']} »")
    if "is_default" in head_after:
        parts.append(
            f"devient le scénario par défaut{_instead_of(replaced)}"
            if head_after["is_default"]
            else "n'est plus le scénario par défaut"
        )
    for kind, key in moves:
        step = after["steps"].get(key) or before["steps"][key]
        named = f"étape {step['order']} « {step['label']} »"
        if kind == "added":
            parts.append(f"{named} ajoutée")
        elif kind == "removed":
            parts.append(f"étape « {step['label']} » supprimée")
        else:
            details = ", ".join(
                f"{STEP_LABELS[field]} {_shown(field, old_steps[key][field])} → "
                f"{_shown(field, value)}"
                for field, value in new_steps[key].items()
            )
            parts.append(f"{named} : {details}")
    company_entry(
        scenario.company,
        audit.SCENARIO_CHANGED,
        audit.sentence(f"Scénario « {scenario.name} » modifié", parts),
        user=user,
        before={**head_before, **({"steps": old_steps} if moves else {})},
        after={
            "scenario_id": scenario.pk,
            **head_after,
            **({"steps": new_steps} if moves else {}),
            **({"replaced_default": replaced} if replaced else {}),
        },
    )


# --- Collaborateurs (M5) ---------------------------------------------------------------------

COLLABORATOR_FIELDS = (
    "last_name",
    "first_name",
    "function",
    "email",
    "phone",
    "is_collector",
    "user_id",
)
COLLABORATOR_LABELS = {
    "last_name": "nom",
    "first_name": "prénom",
    "function": "fonction",
    "email": "e-mail",
    "phone": "téléphone",
    "is_collector": "chargé de recouvrement",
    "user_id": "utilisateur lié",
    "username": "utilisateur lié",
}


def collaborator_state(collaborator: Collaborator) -> dict[str, Any]:
    user = collaborator.user if collaborator.user_id else None
    return {**snapshot(collaborator, COLLABORATOR_FIELDS), "username": user and user.username}


def journal_collaborator(
    collaborator: Collaborator, before: dict | None, *, user: AbstractBaseUser | None
) -> None:
    """« Collaborateur « Sophie Martin » créé » or « … modifié : e-mail, utilisateur lié
    « sophie » → aucun »; none when nothing changed."""
    after = collaborator_state(collaborator)
    name = str(collaborator)
    company = collaborator.company
    if before is None:
        parts = ["chargé de recouvrement"] if collaborator.is_collector else []
        if after["username"]:
            parts.append(f"lié à l'utilisateur « {after['username']} »")
        company_entry(
            company,
            audit.COLLABORATOR_CREATED,
            audit.sentence(f"Collaborateur « {name} » créé", parts),
            user=user,
            after={"collaborator_id": collaborator.pk, **after},
        )
        return
    old, new = changed(before, after)
    if not new:
        return
    parts = []
    for field in new:
        if field == "user_id":
            continue
        if field == "username":
            parts.append(f"utilisateur lié {_quoted(old['username'])} → {_quoted(new['username'])}")
        elif field == "is_collector":
            parts.append(f"chargé de recouvrement {audit.yes_no(new[field])}")
        else:
            parts.append(COLLABORATOR_LABELS[field])
    company_entry(
        company,
        audit.COLLABORATOR_CHANGED,
        audit.sentence(f"Collaborateur « {name} » modifié", parts),
        user=user,
        before=old,
        after={"collaborator_id": collaborator.pk, **new},
    )


def _quoted(value: str | None) -> str:
    return f"« {value} »" if value else "aucun"


# --- Listes (M7) -----------------------------------------------------------------------------

# Each list's value as a sentence names it, with its gender's ending.
LIST_NOUNS = {"dispute_reason": ("Motif de litige", ""), "resolution": ("Résolution", "e")}


def journal_list_value(
    company: Company,
    kind: str,
    value: Any,
    old_label: str | None,
    *,
    user: AbstractBaseUser | None,
    pk: int | None = None,
) -> None:
    """`value` None: the value `old_label` (id `pk`) was deleted; `old_label` None: added."""
    noun, ending = LIST_NOUNS[kind]
    if value is None:
        action, message = audit.LIST_VALUE_DELETED, f"{noun} « {old_label} » supprimé{ending}."
        before, after = {"list": kind, "id": pk, "label": old_label}, None
    elif old_label is None:
        action, message = audit.LIST_VALUE_ADDED, f"{noun} « {value.label} » ajouté{ending}."
        before, after = None, {"list": kind, "id": value.pk, "label": value.label}
    else:
        action = audit.LIST_VALUE_RENAMED
        message = f"{noun} « {old_label} » renommé{ending} « {value.label} »."
        before, after = {"label": old_label}, {"list": kind, "id": value.pk, "label": value.label}
    company_entry(company, action, message, user=user, before=before, after=after)


# --- Modèles de courrier (S6) ----------------------------------------------------------------

TEMPLATE_FIELDS = ("code", "name", "action_type", "subject", "body")
TEMPLATE_LABELS = {
    "code": "code",
    "name": "nom",
    "action_type": "type d'action",
    "subject": "objet",
    "body": "texte",
}


def template_state(template_id: int | None) -> dict[str, Any] | None:
    """The stored template (before a save); None for a new one."""
    stored = LetterTemplate.objects.filter(pk=template_id).first() if template_id else None
    return snapshot(stored, TEMPLATE_FIELDS) if stored else None


def journal_letter_template(
    template: LetterTemplate, before: dict | None, *, user: AbstractBaseUser | None
) -> None:
    """The fields changed, the text whole (before and after): what the letters will say."""
    after = snapshot(template, TEMPLATE_FIELDS)
    company = template.company
    if before is None:
        company_entry(
            company,
            audit.LETTER_TEMPLATE_CREATED,
            f"Modèle de courrier « {template.name} » créé.",
            user=user,
            after={"template_id": template.pk, **after},
        )
        return
    old, new = changed(before, after)
    if not new:
        return
    company_entry(
        company,
        audit.LETTER_TEMPLATE_CHANGED,
        audit.sentence(
            f"Modèle de courrier « {template.name} » modifié",
            [", ".join(TEMPLATE_LABELS[field] for field in new)],
        ),
        user=user,
        before=old,
        after={"template_id": template.pk, **new},
    )
