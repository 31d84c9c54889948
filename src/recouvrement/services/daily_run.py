"""The company's daily run (issue 16 §3), started by `recouvrement worker` at the company's
hour (`Company.daily_run_at`): what `recouvrement prepare` does, for this company —

1. `prepare_checked` (B1), refused as a whole while the payments imported are too old (B12:
   the stale-import guard, as the command without --force). A refused run is recorded and
   not tried again that day: the next day's run checks again;
2. the suggested priorities computed again (B11), as `prepare` does at the end of its run;
3. with `Company.daily_letters`, the letters due printed into one print batch, kept in the
   database like a batch printed from « Imprimer » (`print_due_letters`, nothing delivered:
   the PDF is the batch's own, to print or reprint from the batch).

Every write goes through those use cases, with their journal rows; one company-level row
« Préparation quotidienne » says how the run went.
"""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError

from recouvrement.db.models import Company
from recouvrement.services.actors import SYSTEM
from recouvrement.services.dry_run import prepare_checked
from recouvrement.services.journal import company_entry
from recouvrement.services.letters import print_due_letters
from recouvrement.services.priority import refresh_priorities
from recouvrement.services.use_case import use_case

DAILY_RUN = "daily_run"  # its label: domain.audit.ACTION_LABELS

DONE, REFUSED, FAILED = "done", "refused", "failed"


@dataclass
class DailyRun:
    """What a company's daily run did: `status` DONE, REFUSED (the stale-import guard) or
    FAILED (the letters could not be printed; the steps were prepared); `message` the
    French sentence of the journal."""

    day: date
    status: str = DONE
    prepared: dict | None = None
    priorities: dict | None = None
    letters: dict | None = None
    error: str = ""

    @property
    def message(self) -> str:
        start = f"Préparation quotidienne du {self.day:%d/%m/%Y}"
        if self.status == REFUSED:
            return f"{start} refusée : {self.error}"
        parts = [f"{self.prepared['created']} intervention(s) créée(s)"]
        if self.letters is not None:
            parts.append(
                f"{self.letters['printed']} courrier(s) imprimé(s)"
                + (f" (lot n° {self.letters['batch']})" if self.letters["batch"] else "")
            )
        if self.status == FAILED:
            parts.append(self.error)
        return f"{start} : {', '.join(parts)}."

    def as_json(self) -> dict:
        return {
            "date": self.day.isoformat(),
            "status": self.status,
            "prepared": self.prepared,
            "priorities": self.priorities,
            "letters": self.letters,
            "error": self.error,
        }


def run_daily(company: Company, *, today: date) -> DailyRun:
    """The company's daily run on `today` (the local date of its slot), as the system."""
    run = DailyRun(today)
    try:
        prepared = prepare_checked(today, company=company, user=SYSTEM)
    except ValidationError as refusal:  # B12: the last import is too old
        run.status, run.error = REFUSED, " ".join(refusal.messages)
        journal_daily_run(company, run)
        return run
    run.prepared = prepared.as_json()
    run.priorities = refresh_priorities(company, today=today, user=SYSTEM).as_json()
    if company.daily_letters:
        _print_letters(company, run)
    journal_daily_run(company, run)
    return run


def _print_letters(company: Company, run: DailyRun) -> None:
    try:
        result = print_due_letters(company, today=run.day, user=SYSTEM)
    except ValidationError as error:  # not rendered: none marked, they stay « A faire »
        run.status = FAILED
        run.error = f"courriers non imprimés : {'; '.join(error.messages)}"
        run.letters = {"batch": None, "printed": 0, "pages": 0, "skipped": []}
        return
    if result is None:
        run.letters = {"batch": None, "printed": 0, "pages": 0, "skipped": []}
        return
    run.letters = {
        "batch": result.batch.pk if result.batch else None,
        "printed": len(result.interventions),
        "pages": result.batch.pages if result.batch else 0,
        "skipped": [left_out.as_json() for left_out in result.skipped],
    }


@use_case
def journal_daily_run(company: Company, run: DailyRun) -> None:
    """The company-level row « Préparation quotidienne » of « Structure › Journal »."""
    company_entry(company, DAILY_RUN, run.message, user=SYSTEM, after=run.as_json())
