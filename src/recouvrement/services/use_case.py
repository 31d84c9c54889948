"""The `use_case` decorator: one transaction, domain rule violations turned into French errors."""

import contextlib
import functools
import re
from collections.abc import Callable, Iterator
from typing import ParamSpec, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from recouvrement.domain.permissions import PERMISSION_CODES
from recouvrement.domain.rules import RuleViolation

# The database's constraints are the last line of defence (two users at the same instant);
# services check first and give a precise message. These name the constraint that fired.
CONSTRAINT_MESSAGES = {
    "receivable_in_one_open_dossier": "Une de ces échéances est déjà dans un dossier ouvert.",
    "intervention_one_step_todo": "Une étape du scénario est déjà « A faire » sur ce dossier.",
    "intervention_step_once": "Cette étape du scénario a déjà été préparée sur ce dossier.",
    "scenario_name_unique": "Un scénario porte déjà ce nom.",
    "step_order_unique": "Deux étapes du scénario ne peuvent pas avoir le même ordre.",
    "dossier_number_unique": "Ce numéro de dossier existe déjà.",
    "recouvrement_attacheddocument.intervention_id": "Un document est déjà attaché à "
    "cette intervention : un seul document par intervention.",
    "customer_code_unique": "Un client porte déjà ce code.",
    "company_siren_unique": "Une société de ce SIREN existe déjà.",
    "legal_rate_once": "Ce taux est déjà enregistré à cette date.",
}
# SQLite names the columns of a failed UNIQUE, not the constraint.
_SQLITE_COLUMNS = {
    "recouvrement_dossierreceivable.receivable_id": "receivable_in_one_open_dossier",
    "recouvrement_intervention.dossier_id": "intervention_one_step_todo",
    "recouvrement_intervention.dossier_id, recouvrement_intervention.step_id": (
        "intervention_step_once"
    ),
    "recouvrement_scenario.company_id, recouvrement_scenario.name": "scenario_name_unique",
    "recouvrement_step.scenario_id, recouvrement_step.order": "step_order_unique",
    "recouvrement_customer.company_id, recouvrement_customer.code": "customer_code_unique",
    "recouvrement_company.siren": "company_siren_unique",
    "recouvrement_legalrate.kind, recouvrement_legalrate.effective_date": "legal_rate_once",
}


def integrity_message(error: IntegrityError) -> str:
    text = str(error)
    if match := re.search(r"UNIQUE constraint failed: (.+)$", text, re.MULTILINE):
        columns = match.group(1).strip()
        text = _SQLITE_COLUMNS.get(columns, columns)
    for name, message in CONSTRAINT_MESSAGES.items():
        if name in text:
            return message
    return f"Modification refusée par une règle de la base de données ({text.splitlines()[0]})."


P = ParamSpec("P")
R = TypeVar("R")


@contextlib.contextmanager
def rule_errors() -> Iterator[None]:
    """Turn rule violations into ValidationError/PermissionDenied (French message kept)."""
    try:
        yield
    except RuleViolation as violation:
        if violation.code in PERMISSION_CODES:
            raise PermissionDenied(violation.message) from violation
        raise ValidationError(violation.message, code=violation.code) from violation
    except IntegrityError as error:
        raise ValidationError(integrity_message(error), code="integrity") from error


def use_case(func: Callable[P, R]) -> Callable[P, R]:
    """Run `func` in one transaction; turn rule violations into ValidationError/PermissionDenied."""

    @functools.wraps(func)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with rule_errors(), transaction.atomic():
            return func(*args, **kwargs)

    return run
