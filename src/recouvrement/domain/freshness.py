"""B12, safety before sending: payment data fresh enough, and what a step's channel is.

Pure: the date of the last accounting import and the run's date are parameters.
"""

from datetime import date

from recouvrement.domain.statuses import ActionType

DEFAULT_MAX_IMPORT_AGE_DAYS = 7
MAX_IMPORT_AGE_DAYS = 365
FORCE_HINT = "forcez avec --force"


def import_age_problem(
    last_import: date | None, today: date, max_days: int, force_hint: str = FORCE_HINT
) -> str | None:
    """Why `prepare` must not send nor print on `today`, or None.

    No check when the company sets 0 days, nor for a company that never imported (its
    receivables come by hand or by the API: there is no import to be fresh).
    """
    if not max_days or last_import is None:
        return None
    age = (today - last_import).days
    if age <= max_days:
        return None
    return (
        f"Dernier import comptable le {last_import:%d/%m/%Y}, il y a {age} jours "
        f"(plus de {max_days}) : importez les règlements avant de relancer, ou {force_hint}."
    )


def channel_of(action_type: ActionType) -> str:
    """How a step reaches the customer: « Courrier » (printed), « E-mail » (the outbox), else
    the action's own label (« Téléphone », « Tâche »)."""
    spec = action_type.spec
    if spec.printed:
        return "Courrier"
    if spec.emailed:
        return "E-mail"
    return spec.label
