"""Letters of interventions (S5–S7, B2): previewed, printed as one PDF, kept as printed.

Printing marks every letter « Réalisée » in the transaction that stores the PDF; if rendering
fails, or the PDF cannot be handed over (`deliver`: the command line's file written and
fsynced), the transaction rolls back and nothing is marked. A letter that cannot be composed (a
rate not entered, no postal address…: `services.letter_content`) is left out with its reason
and the others print.
"""

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import slugify

from recouvrement.db.models import (
    Company,
    Dossier,
    Intervention,
    LetterTemplate,
    PrintBatch,
    PrintedLetter,
    Step,
)
from recouvrement.documents import LetterRenderingError, RenderedBatch, letter_pages, render_batch
from recouvrement.domain.letter_templates import parse_template
from recouvrement.domain.letters import LetterContent
from recouvrement.domain.rules import RuleViolation
from recouvrement.domain.statuses import PRINTED_ACTIONS, ActionType, InterventionStatus
from recouvrement.operations.files import reason
from recouvrement.services.actors import require_change, require_manager
from recouvrement.services.journal import journal_entry, save_entries
from recouvrement.services.letter_content import (  # noqa: F401 — re-exported
    Letter,
    Skipped,
    compose_letters,
    compose_printable,
    letter_templates,
)
from recouvrement.services.preview import check_preview_content, check_preview_pages
from recouvrement.services.structure_journal import journal_letter_template, template_state
from recouvrement.services.use_case import rule_errors, use_case

NOT_RENDERED = "letter_not_rendered"
NOT_DELIVERED = "letters_not_delivered"
LETTERS_SKIPPED = "letters_skipped"


def render(contents: Sequence[LetterContent]) -> RenderedBatch:
    """The letters' PDF; a rendering failure is a service error (ValidationError)."""
    try:
        return render_batch(contents)
    except LetterRenderingError as error:
        raise ValidationError(str(error), code=NOT_RENDERED) from error


def unprintable_reason(intervention: Intervention, *, today: date) -> str | None:
    """Why « Imprimer » would leave this letter out today, if it would (the print window)."""
    _, skipped = compose_printable(list(_printable([intervention.pk])), today=today)
    return skipped[0].line if skipped else None


# --- Reading a letter: previews and the letter as printed (reads, nothing stored) ------------


def preview_letter(intervention: Intervention, *, today: date) -> bytes:
    """The PDF of the intervention's letter as it would print on `today`; nothing is stored
    nor marked. Errors: ValidationError (a rate missing, a template that does not parse, a
    rendering failure: code "letter_not_rendered")."""
    with rule_errors():
        letters = compose_letters([intervention], today=today)
    return render([letter.content for letter in letters]).pdf


def preview_template(
    template: LetterTemplate, dossier: Dossier, *, subject: str, body: str, today: date
) -> bytes:
    """« Aperçu » of a template being edited: its unsaved `subject` and `body` on a sample
    dossier of the company, through a throwaway « Aperçu » intervention never saved."""
    if dossier.company_id != template.company_id:
        raise ValidationError("Choisissez un dossier pour l'aperçu.", code="preview_dossier")
    edited = LetterTemplate(
        pk=template.pk,
        company_id=template.company_id,
        code=template.code,
        name=template.name,
        action_type=template.action_type,
        subject=subject,
        body=body,
    )
    sample = Intervention(
        dossier=dossier,
        action_type=edited.action_type,
        label="Aperçu",
        step=Step(letter_template=edited, action_type=edited.action_type),
    )
    with rule_errors():  # within the preview's budget (services.preview)
        contents = [letter.content for letter in compose_letters([sample], today=today)]
        for content in contents:
            check_preview_content(content)
        rendered = render(contents)
        check_preview_pages(rendered)
    return rendered.pdf


def printed_letter(intervention: Intervention) -> PrintedLetter | None:
    """The record of the intervention's printed (or e-mailed) letter, if any."""
    return PrintedLetter.objects.select_related("batch").filter(intervention=intervention).first()


def printed_letter_pdf(printed: PrintedLetter) -> bytes:
    """The letter exactly as printed (S7): its pages of the kept batch, never re-rendered."""
    return letter_pages(bytes(printed.batch.pdf), printed.first_page, printed.last_page)


@dataclass(frozen=True)
class PrintResult:
    batch: PrintBatch | None  # None: every letter was left out
    interventions: list[Intervention]
    skipped: list[Skipped] = field(default_factory=list)

    @property
    def pdf(self) -> bytes:
        return bytes(self.batch.pdf) if self.batch is not None else b""


def _printable(ids: Sequence[int]):
    return (
        Intervention.objects.filter(pk__in=ids)
        .select_related(
            "dossier__company",
            "dossier__customer",
            "dossier__collector",
            "dossier__contact",
            "step__letter_template",
        )
        .prefetch_related("dossier__customer__contacts")
        .order_by("dossier__number", "planned_date", "pk")
    )


@use_case
def print_letters(
    interventions: Sequence[Intervention], *, today: date, user: AbstractBaseUser | None
) -> PrintResult:
    """Print the letters of these interventions « A faire » into one PDF and mark them done;
    a letter that cannot be composed (a rate not entered, no postal address…) is left out
    with its reason (`skipped`) and the others print. None printable: a ValidationError
    with one line per letter."""
    result = _print([i.pk for i in interventions], today, user)
    if result.batch is None:
        raise ValidationError(
            [ValidationError(left_out.line, code=LETTERS_SKIPPED) for left_out in result.skipped]
        )
    return result


@use_case
def print_due_letters(
    company: Company,
    *,
    today: date,
    user: AbstractBaseUser | None = None,
    deliver: Callable[[bytes], None] | None = None,
) -> PrintResult | None:
    """Every letter due by `today` in the company's open dossiers, in one PDF (B1); those that
    cannot be composed are left out (`skipped`), and `batch` is None when none could be.
    `deliver(pdf)` runs once the batch is stored, before the letters' transaction commits: if
    it fails, nothing is marked (§8; an OSError becomes a French ValidationError)."""
    due = list(
        Intervention.objects.filter(
            company=company,
            status=InterventionStatus.TODO,
            action_type__in=PRINTED_ACTIONS,
            planned_date__lte=today,
            printed_letter__isnull=True,
        ).values_list("pk", flat=True)
    )
    if not due:
        return None
    result = _print(due, today, user)
    if deliver is not None and result.batch is not None:
        try:
            deliver(result.pdf)
        except OSError as error:
            raise ValidationError(
                f"Le PDF n'a pas pu être écrit ({reason(error)}) : aucun courrier n'est "
                "marqué « Réalisée ».",
                code=NOT_DELIVERED,
            ) from error
    return result


def _print(ids: list[int], today: date, user) -> PrintResult:
    dossier_ids = Intervention.objects.filter(pk__in=ids).values("dossier_id")
    dossiers = Dossier.objects.select_for_update().filter(pk__in=dossier_ids).order_by("pk")
    for dossier in dossiers:
        require_change(user, dossier)
        if not dossier.status_enum.is_open:
            raise RuleViolation(f"Le dossier {dossier.number} est clos.", "dossier_closed")
    current = list(_printable(ids))
    _check_printable(current, len(set(ids)))
    letters, skipped = compose_printable(current, today=today)
    if not letters:
        return PrintResult(None, [], skipped)
    rendered = render([letter.content for letter in letters])
    return _file(letters, rendered, today, user, skipped)


def _check_printable(interventions: list[Intervention], expected: int) -> None:
    if len(interventions) != expected:
        raise RuleViolation("Une des interventions à imprimer n'existe plus.", "intervention_gone")
    for intervention in interventions:
        if intervention.status != InterventionStatus.TODO:
            raise RuleViolation(
                f"« {intervention.label} » ({intervention.dossier.number}) n'est plus « A faire ».",
                "intervention_not_todo",
            )
        if not ActionType(intervention.action_type or ActionType.TASK).is_printed:
            raise RuleViolation(
                f"« {intervention.label} » n'est pas un courrier à imprimer.", "not_a_letter"
            )
    printed = PrintedLetter.objects.filter(intervention__in=interventions).first()
    if printed is not None:
        raise RuleViolation(
            f"Le courrier de « {printed.intervention.label} » est déjà imprimé.", "already_printed"
        )


def _file(
    letters: list[Letter], rendered: RenderedBatch, today: date, user, skipped: list[Skipped]
) -> PrintResult:
    """Keep the PDF and each letter's pages, mark the letters done, journal each one."""
    at = timezone.now()
    batch = PrintBatch.objects.create(
        company=letters[0].intervention.dossier.company,
        pdf=rendered.pdf,
        sha256=hashlib.sha256(rendered.pdf).hexdigest(),
        letters=len(letters),
        pages=rendered.pages[-1][1],
        printed_at=at,
        printed_by=user,
    )
    PrintedLetter.objects.bulk_create(
        PrintedLetter(
            intervention=letter.intervention,
            batch=batch,
            first_page=first,
            last_page=last,
            template_name=letter.template.name,
        )
        for letter, (first, last) in zip(letters, rendered.pages, strict=True)
    )
    entries = []
    for letter, (first, last) in zip(letters, rendered.pages, strict=True):
        intervention = letter.intervention
        intervention.status = InterventionStatus.DONE
        intervention.done_date = today
        if intervention.step is not None and intervention.step.compute_penalties:
            intervention.penalty_amount = letter.penalties.total
        pages = last - first + 1
        entries.append(
            journal_entry(
                intervention.dossier,
                "letter_printed",
                f"Courrier « {letter.template.name} » imprimé ({pages} page(s)) : "
                f"« {intervention.label} » A faire → Réalisée.",
                user=user,
                intervention=intervention,
                before={"status": InterventionStatus.TODO.value},
                after={
                    "status": InterventionStatus.DONE.value,
                    "done_date": today.isoformat(),
                    "penalty_amount": str(intervention.penalty_amount),
                    "print_batch": batch.pk,
                    "sha256": batch.sha256,
                },
                at=at,
            )
        )
    # One UPDATE for what all share; penalties, row by row, only where a step computed them.
    Intervention.objects.filter(pk__in=[letter.intervention.pk for letter in letters]).update(
        status=InterventionStatus.DONE, done_date=today, updated_at=at
    )
    if user is not None:
        Intervention.objects.filter(pk__in=[i.intervention.pk for i in letters]).update(user=user)
    with_penalties = [i.intervention for i in letters if i.intervention.penalty_amount]
    Intervention.objects.bulk_update(with_penalties, ["penalty_amount"])
    save_entries(entries)
    return PrintResult(batch, [letter.intervention for letter in letters], skipped)


@use_case
def save_letter_template(
    template: LetterTemplate, *, user: AbstractBaseUser | None
) -> LetterTemplate:
    """« Mise en page » (S6): a manager saves a letter template once it parses; a template
    with an error is refused with its line, and the one in use stays as it was."""
    require_manager(user, template.company_id, "peut modifier les modèles de courrier")
    parse_template(template.subject, template.body)
    if not template.code:
        template.code = slugify(template.name)[:40] or "modele"
    template.full_clean()
    before = template_state(template.pk)
    template.save()
    journal_letter_template(template, before, user=user)
    return template
