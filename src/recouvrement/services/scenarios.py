"""Configuring scénarios de recouvrement and their étapes (M6)."""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser

from recouvrement.db.models import Company, LetterTemplate, Scenario, Step
from recouvrement.domain.money import check_amount
from recouvrement.domain.rules import RuleViolation
from recouvrement.domain.statuses import ActionType, DossierStatus
from recouvrement.services.actors import require_manager
from recouvrement.services.structure_journal import journal_scenario_created
from recouvrement.services.use_case import use_case

NAME_MAX, LABEL_MAX = 35, 69
MAX_STEP_DELAY = 365  # days after the previous step: beyond a year is a typing error


@dataclass(frozen=True)
class StepInput:
    label: str
    delay_days: int
    action_type: ActionType
    compute_penalties: bool = False
    fee_amount: Decimal = Decimal("0")
    sets_dossier_status: DossierStatus | None = None
    letter_template_id: int | None = None


def step_templates(company: Company, steps: Sequence) -> dict[int, LetterTemplate]:
    """Each step's letter template (`letter_template_id`), checked to belong to the company
    and to suit the step's action."""
    wanted = {step.letter_template_id for step in steps if step.letter_template_id}
    templates = LetterTemplate.objects.filter(company=company, pk__in=wanted).in_bulk()
    for position, step in enumerate(steps, start=1):
        if not step.letter_template_id:
            continue
        if step.letter_template_id not in templates:
            raise RuleViolation(f"Étape {position} : modèle de courrier inconnu.", "step_template")
        if not ActionType(step.action_type).uses_letter:
            raise RuleViolation(
                f"Étape {position} : une action « {ActionType(step.action_type).label} » "
                "n'utilise pas de modèle de courrier.",
                "step_template",
            )
    return templates


def check_step(position: int, step: StepInput) -> None:
    where = f"Étape {position}"
    if not step.label.strip() or len(step.label) > LABEL_MAX:
        raise RuleViolation(
            f"{where} : l'intitulé est obligatoire et fait au plus {LABEL_MAX} caractères.",
            "step_label",
        )
    if step.delay_days < 0:
        raise RuleViolation(f"{where} : le délai ne peut pas être négatif.", "step_delay")
    if step.delay_days > MAX_STEP_DELAY:
        raise RuleViolation(
            f"{where} : le délai fait au plus {MAX_STEP_DELAY} jours ({step.delay_days}).",
            "step_delay",
        )
    try:
        check_amount(step.fee_amount, "montant des frais")
    except RuleViolation as violation:
        raise RuleViolation(f"{where} : {violation.message}", violation.code) from None
    if step.sets_dossier_status is DossierStatus.CLOSED:
        raise RuleViolation(
            f"{where} : une étape ne clôt pas un dossier (utilisez « Clore »).", "step_closes"
        )


@use_case
def create_scenario(
    company: Company,
    name: str,
    steps: Sequence[StepInput],
    *,
    user: AbstractBaseUser | None,
    is_default: bool = False,
) -> Scenario:
    """A new scenario with its ordered steps; only a manager configures scenarios."""
    require_manager(user, company.pk, "peut configurer les scénarios")
    name = name.strip()
    if not name or len(name) > NAME_MAX:
        raise RuleViolation(
            f"Le nom du scénario est obligatoire et fait au plus {NAME_MAX} caractères.",
            "scenario_name",
        )
    if Scenario.objects.filter(company=company, name=name).exists():
        raise RuleViolation(f"Un scénario s'appelle déjà « {name} ».", "scenario_name_taken")
    if not steps:
        raise RuleViolation("Un scénario compte au moins une étape.", "scenario_without_steps")
    for position, step in enumerate(steps, start=1):
        check_step(position, step)
    templates = step_templates(company, steps)
    replaced: list[str] = []
    if is_default:
        defaults = Scenario.objects.filter(company=company, is_default=True)
        replaced = list(defaults.values_list("name", flat=True))
        defaults.update(is_default=False)
    scenario = Scenario.objects.create(company=company, name=name, is_default=is_default)
    Step.objects.bulk_create(
        Step(
            scenario=scenario,
            order=position,
            label=step.label.strip(),
            delay_days=step.delay_days,
            action_type=step.action_type,
            compute_penalties=step.compute_penalties,
            fee_amount=step.fee_amount,
            sets_dossier_status=step.sets_dossier_status or "",
            letter_template=templates.get(step.letter_template_id),
        )
        for position, step in enumerate(steps, start=1)
    )
    journal_scenario_created(scenario, user=user, replaced=replaced)
    return scenario
