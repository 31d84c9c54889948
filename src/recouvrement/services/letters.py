"""Letters of interventions (S5–S7, B2): what each one says, printed as one PDF, kept as printed.

Printing marks every letter « Réalisée » in the transaction that stores the PDF; if rendering
fails, the transaction rolls back and nothing is marked.
"""

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import slugify

from recouvrement.db.models import (
    Company,
    Dossier,
    Intervention,
    JournalEntry,
    LetterTemplate,
    PrintBatch,
    PrintedLetter,
    Step,
)
from recouvrement.documents import LetterRenderingError, RenderedBatch, letter_pages, render_batch
from recouvrement.domain.balances import days_overdue
from recouvrement.domain.customers import CustomerKind
from recouvrement.domain.letter_templates import LetterTemplateText, parse_template
from recouvrement.domain.letters import (
    EcheanceRow,
    LetterContent,
    LetterContext,
    Letterhead,
    compose_letter,
)
from recouvrement.domain.penalties import DossierPenalties
from recouvrement.domain.rules import RuleViolation
from recouvrement.domain.statuses import PRINTED_ACTIONS, ActionType, InterventionStatus
from recouvrement.services.actors import require_change, require_manager
from recouvrement.services.company_settings import letterhead
from recouvrement.services.journal import journal_entry
from recouvrement.services.penalties import dossier_penalties_on, receivables_due
from recouvrement.services.use_case import rule_errors, use_case

NOT_RENDERED = "letter_not_rendered"


def letter_templates(company: Company) -> dict[str, LetterTemplate]:
    """The company's « Modèles de courrier » by code (its defaults were created with it)."""
    return {t.code: t for t in LetterTemplate.objects.filter(company=company)}


def render(contents: Sequence[LetterContent]) -> RenderedBatch:
    """The letters' PDF; a rendering failure is a service error (ValidationError)."""
    try:
        return render_batch(contents)
    except LetterRenderingError as error:
        raise ValidationError(str(error), code=NOT_RENDERED) from error


@dataclass(frozen=True)
class Letter:
    intervention: Intervention
    template: LetterTemplate
    context: LetterContext
    content: LetterContent
    penalties: DossierPenalties


def compose_letters(interventions: Sequence[Intervention], *, today: date) -> list[Letter]:
    """Each intervention's letter on `today`, read with a fixed number of queries."""
    if not interventions:
        return []
    company = interventions[0].dossier.company
    templates = letter_templates(company)
    dossier_ids = {i.dossier_id for i in interventions}
    receivables = receivables_due(dossier_ids)
    penalties_of = dossier_penalties_on(
        dossier_ids, today, receivables=receivables, company=company
    )
    parsed_templates: dict[int, LetterTemplateText] = {}
    header = letterhead(company)  # one logo read for the whole batch
    letters = []
    for intervention in interventions:
        dossier = intervention.dossier
        template = _template_for(intervention, templates)
        rows = receivables.get(dossier.pk, [])
        penalties = penalties_of[dossier.pk]
        context = _context(intervention, template, rows, penalties, today, header)
        if template.pk not in parsed_templates:
            parsed_templates[template.pk] = parse_template(template.subject, template.body)
        parsed = parsed_templates[template.pk]
        content = compose_letter(parsed, context)
        letters.append(Letter(intervention, template, context, content, penalties))
    return letters


def _template_for(intervention: Intervention, templates: dict[str, LetterTemplate]):
    step = intervention.step
    if step is not None and step.letter_template is not None:
        return step.letter_template
    action = ActionType(intervention.action_type or ActionType.TASK)
    code = action.spec.default_letter
    if code is None:
        raise RuleViolation(f"« {intervention.label} » n'a pas de courrier.", "not_a_letter")
    if code not in templates:
        raise RuleViolation(
            f"Le modèle de courrier « {code} » manque dans « Structure › Modèles de courrier ».",
            "letter_template_missing",
        )
    return templates[code]


def _context(intervention, template, rows, penalties, today, header: Letterhead) -> LetterContext:
    dossier = intervention.dossier
    company, customer = dossier.company, dossier.customer
    contact = dossier.contact or next(iter(customer.contacts.all()), None)
    collector = dossier.collector
    return LetterContext(
        company=header,
        customer_name=customer.name,
        customer_code=customer.code,
        recipient_address=tuple(
            line
            for line in (
                f"À l'attention de {contact}" if contact else "",
                customer.address,
                f"{customer.postal_code} {customer.city}".strip(),
            )
            if line
        ),
        is_b2b=customer.kind == CustomerKind.B2B,
        is_formal_notice=template.is_formal_notice
        or ActionType(intervention.action_type or ActionType.TASK).is_formal_notice,
        contact_civility=contact.civility if contact and contact.civility else "",
        contact_name=contact.last_name if contact and contact.civility else "",
        dossier_number=dossier.number,
        echeances=tuple(
            EcheanceRow(
                r.reference,
                r.piece_date,
                r.due_date,
                days_overdue(r.due_date, today),
                r.open_amount,
            )
            for r, _ in rows
        ),
        penalties=penalties.penalties,
        penalty_rate=penalties.rate,
        indemnity=penalties.indemnity,
        payment_delay_days=company.payment_deadline_days,
        signatory_name=str(collector) if collector else company.signatory_name,
        signatory_function=(collector.function or "Chargé de recouvrement")
        if collector
        else company.signatory_function,
        letter_date=today,
    )


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
    return preview_letter(sample, today=today)


def printed_letter(intervention: Intervention) -> PrintedLetter | None:
    """The record of the intervention's printed (or e-mailed) letter, if any."""
    return PrintedLetter.objects.select_related("batch").filter(intervention=intervention).first()


def printed_letter_pdf(printed: PrintedLetter) -> bytes:
    """The letter exactly as printed (S7): its pages of the kept batch, never re-rendered."""
    return letter_pages(bytes(printed.batch.pdf), printed.first_page, printed.last_page)


@dataclass(frozen=True)
class PrintResult:
    batch: PrintBatch
    interventions: list[Intervention]

    @property
    def pdf(self) -> bytes:
        return bytes(self.batch.pdf)


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
    """Print the letters of these interventions « A faire » into one PDF and mark them done."""
    ids = [i.pk for i in interventions]
    dossier_ids = Intervention.objects.filter(pk__in=ids).values("dossier_id")
    dossiers = Dossier.objects.select_for_update().filter(pk__in=dossier_ids).order_by("pk")
    for dossier in dossiers:
        require_change(user, dossier)
        if not dossier.status_enum.is_open:
            raise RuleViolation(f"Le dossier {dossier.number} est clos.", "dossier_closed")
    current = list(_printable(ids))
    _check_printable(current, len(set(ids)))
    letters = compose_letters(current, today=today)
    rendered = render([letter.content for letter in letters])
    return _file(letters, rendered, today, user)


@use_case
def print_due_letters(
    company: Company, *, today: date, user: AbstractBaseUser | None = None
) -> PrintResult | None:
    """Every letter due by `today` in the company's open dossiers, in one PDF (B1)."""
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
    return print_letters(Intervention.objects.filter(pk__in=due), today=today, user=user)


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


def _file(letters: list[Letter], rendered: RenderedBatch, today: date, user) -> PrintResult:
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
    JournalEntry.objects.bulk_create(entries)
    return PrintResult(batch, [letter.intervention for letter in letters])


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
    template.save()
    return template
