"""Configuring scénarios de recouvrement and their étapes (M6)."""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser

from recouvrement.db.models import Company, Scenario, Step
from recouvrement.domain.money import check_amount
from recouvrement.domain.rules import RuleViolation
from recouvrement.domain.statuses import ActionType, DossierStatus
from recouvrement.services.actors import require_manager
from recouvrement.services.use_case import use_case

NAME_MAX, LABEL_MAX = 35, 69


@dataclass(frozen=True)
class StepInput:
    label: str
    delay_days: int
    action_type: ActionType
    compute_penalties: bool = False
    fee_amount: Decimal = Decimal("0")
    sets_dossier_status: DossierStatus | None = None


def check_step(position: int, step: StepInput) -> None:
    where = f"Étape {position}"
    if not step.label.strip() or len(step.label) > LABEL_MAX:
        raise RuleViolation(
            f"{where} : l'intitulé est obligatoire et fait au plus {LABEL_MAX} caractères.",
            "step_label",
        )
    if step.delay_days < 0:
        raise RuleViolation(f"{where} : le délai ne peut pas être négatif.", "step_delay")
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
    if is_default:
        Scenario.objects.filter(company=company, is_default=True).update(is_default=False)
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
        )
        for position, step in enumerate(steps, start=1)
    )
    return scenario
