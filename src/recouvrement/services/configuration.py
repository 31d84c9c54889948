"""« Structure » set by a responsable recouvrement: scenario steps (M6), collaborators (M5)
and the lists (M7); the clients are `services.customers`."""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser

from recouvrement.db.models import (
    Collaborator,
    Company,
    DisputeReason,
    Dossier,
    Intervention,
    Membership,
    Resolution,
    Scenario,
    Step,
)
from recouvrement.domain.rules import RuleViolation
from recouvrement.domain.statuses import ActionType, DossierStatus
from recouvrement.services.actors import require_manager
from recouvrement.services.queue import refresh_collector
from recouvrement.services.scenarios import (
    NAME_MAX,
    StepInput,
    check_step,
    create_scenario,
    step_templates,
)
from recouvrement.services.structure_journal import (
    collaborator_state,
    journal_collaborator,
    journal_list_value,
    journal_scenario_changed,
    scenario_state,
)
from recouvrement.services.use_case import use_case
from recouvrement.services.validation import check_text

# Steps are renumbered in two moves so that the unique (scenario, order) never collides.
_ORDER_SHIFT = 1000


@dataclass(frozen=True)
class StepRow:
    """One row of the step editor, in its new place; `step_id` is None for a new step."""

    label: str
    delay_days: int
    action_type: ActionType
    step_id: int | None = None
    letter_template_id: int | None = None
    compute_penalties: bool = False
    fee_amount: Decimal = Decimal("0")
    sets_dossier_status: DossierStatus | None = None

    def as_input(self) -> StepInput:
        return StepInput(
            label=self.label,
            delay_days=self.delay_days,
            action_type=self.action_type,
            compute_penalties=self.compute_penalties,
            fee_amount=self.fee_amount,
            sets_dossier_status=self.sets_dossier_status,
            letter_template_id=self.letter_template_id,
        )


@use_case
def create_scenario_with_steps(
    company: Company,
    name: str,
    rows: Sequence[StepRow],
    *,
    user: AbstractBaseUser | None,
    is_default: bool = False,
) -> Scenario:
    """`create_scenario` with each step's letter template, in one transaction."""
    require_manager(user, company.pk, "peut configurer les scénarios")
    return create_scenario(
        company, name, [row.as_input() for row in rows], user=user, is_default=is_default
    )


@use_case
def update_scenario_steps(
    scenario: Scenario,
    rows: Sequence[StepRow],
    *,
    user: AbstractBaseUser | None,
    name: str | None = None,
    is_default: bool | None = None,
) -> Scenario:
    """The scenario's steps become `rows`, in that order: rows change or add steps, and a step
    missing from `rows` is deleted unless an intervention already used it."""
    require_manager(user, scenario.company_id, "peut configurer les scénarios")
    scenario = Scenario.objects.select_for_update().get(pk=scenario.pk)
    before = scenario_state(scenario)
    if name is not None:
        name = name.strip()
        if not name or len(name) > NAME_MAX:
            raise RuleViolation(
                f"Le nom du scénario est obligatoire et fait au plus {NAME_MAX} caractères.",
                "scenario_name",
            )
        taken = Scenario.objects.filter(company_id=scenario.company_id, name=name)
        if taken.exclude(pk=scenario.pk).exists():
            raise RuleViolation(f"Un scénario s'appelle déjà « {name} ».", "scenario_name_taken")
        scenario.name = name
    if not rows:
        raise RuleViolation("Un scénario compte au moins une étape.", "scenario_without_steps")
    for position, row in enumerate(rows, start=1):
        check_step(position, row.as_input())
    templates = step_templates(scenario.company, rows)
    existing = {step.pk: step for step in scenario.steps.all()}
    kept = {row.step_id for row in rows if row.step_id}
    if unknown := kept - existing.keys():
        raise RuleViolation(f"Étape inconnue dans ce scénario ({min(unknown)}).", "step_unknown")
    removed = [step for pk, step in existing.items() if pk not in kept]
    used = set(Intervention.objects.filter(step__in=removed).values_list("step_id", flat=True))
    for step in removed:
        if step.pk in used:
            raise RuleViolation(
                f"L'étape « {step.label} » a déjà servi à des interventions : "
                "elle ne peut pas être supprimée.",
                "step_in_use",
            )
    Step.objects.filter(pk__in=[step.pk for step in removed]).delete()
    for step in existing.values():
        if step.pk in kept:
            Step.objects.filter(pk=step.pk).update(order=step.order + _ORDER_SHIFT)
    for position, row in enumerate(rows, start=1):
        step = existing[row.step_id] if row.step_id else Step(scenario=scenario)
        step.order = position
        step.label = row.label.strip()
        step.delay_days = row.delay_days
        step.action_type = row.action_type
        step.letter_template = templates.get(row.letter_template_id)
        step.compute_penalties = row.compute_penalties
        step.fee_amount = row.fee_amount
        step.sets_dossier_status = row.sets_dossier_status or ""
        step.save()
    replaced: list[str] = []
    if is_default is not None:
        if is_default:
            others = Scenario.objects.filter(company_id=scenario.company_id, is_default=True)
            others = others.exclude(pk=scenario.pk)
            replaced = list(others.values_list("name", flat=True))
            others.update(is_default=False)
        scenario.is_default = is_default
    scenario.save()
    journal_scenario_changed(scenario, before, user=user, replaced=replaced)
    return scenario


@use_case
def save_collaborator(collaborator: Collaborator, *, user: AbstractBaseUser | None) -> Collaborator:
    """A manager records a collaborator; a linked user belongs to the company and to one
    collaborator at most."""
    require_manager(user, collaborator.company_id, "peut configurer les collaborateurs")
    if not collaborator.last_name.strip():
        raise RuleViolation("Le nom du collaborateur est obligatoire.", "collaborator_name")
    linked = collaborator.user_id
    if linked is not None:
        if not Membership.objects.filter(
            user_id=linked, company_id=collaborator.company_id
        ).exists():
            raise RuleViolation(
                "Cet utilisateur n'a pas accès à la société.", "collaborator_user_foreign"
            )
        other = Collaborator.objects.filter(user_id=linked).exclude(pk=collaborator.pk).first()
        if other is not None:
            raise RuleViolation(
                f"Cet utilisateur est déjà lié au collaborateur « {other} ».",
                "collaborator_user_taken",
            )
    collaborator.full_clean()
    stored = Collaborator.objects.filter(pk=collaborator.pk).first()
    renamed = stored is not None and (stored.last_name, stored.first_name) != (
        collaborator.last_name,
        collaborator.first_name,
    )
    before = collaborator_state(stored) if stored else None
    collaborator.save()
    if renamed:
        refresh_collector(collaborator)
    journal_collaborator(collaborator, before, user=user)
    return collaborator


# --- Listes (M7) ---------------------------------------------------------------------------

LIST_LABEL_MAX = 35
LIST_MODELS = {"dispute_reason": DisputeReason, "resolution": Resolution}


def _list_model(kind: str) -> type[DisputeReason] | type[Resolution]:
    if kind not in LIST_MODELS:
        raise RuleViolation("Liste inconnue.", "list_unknown")
    return LIST_MODELS[kind]


def _check_label(model, company_id: int, label: str, pk: int | None = None) -> str:
    label = label.strip()
    if not label or len(label) > LIST_LABEL_MAX:
        raise RuleViolation(
            f"Le libellé est obligatoire et fait au plus {LIST_LABEL_MAX} caractères.",
            "list_label",
        )
    check_text(model, {"label": label})
    if model.objects.filter(company_id=company_id, label=label).exclude(pk=pk).exists():
        raise RuleViolation(f"« {label} » existe déjà dans la liste.", "list_label_taken")
    return label


@use_case
def add_list_value(company: Company, kind: str, label: str, *, user: AbstractBaseUser | None):
    """A manager adds a motif de litige (`kind` "dispute_reason") or a résolution."""
    require_manager(user, company.pk, "peut configurer les listes")
    model = _list_model(kind)
    value = model.objects.create(company=company, label=_check_label(model, company.pk, label))
    journal_list_value(company, kind, value, None, user=user)
    return value


@use_case
def rename_list_value(
    company: Company, kind: str, pk: int, label: str, *, user: AbstractBaseUser | None
):
    require_manager(user, company.pk, "peut configurer les listes")
    model = _list_model(kind)
    value = model.objects.filter(company=company, pk=pk).first()
    if value is None:
        raise RuleViolation("Valeur inconnue dans cette liste.", "list_value_unknown")
    old = value.label
    value.label = _check_label(model, company.pk, label, pk=pk)
    if value.label != old:
        value.save(update_fields=["label"])
        journal_list_value(company, kind, value, old, user=user)
    return value


@use_case
def delete_list_value(company: Company, kind: str, pk: int, *, user: AbstractBaseUser | None):
    """A value that a dossier uses stays (PROTECT): refused in French."""
    require_manager(user, company.pk, "peut configurer les listes")
    model = _list_model(kind)
    value = model.objects.filter(company=company, pk=pk).first()
    if value is None:
        raise RuleViolation("Valeur inconnue dans cette liste.", "list_value_unknown")
    if Dossier.objects.filter(**{kind: value}).exists():
        raise RuleViolation(
            f"« {value.label} » est utilisé par des dossiers : il ne peut pas être supprimé.",
            "list_value_in_use",
        )
    journal_list_value(company, kind, None, value.label, user=user, pk=value.pk)
    value.delete()
