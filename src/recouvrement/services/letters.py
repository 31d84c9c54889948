"""Letters of interventions (S5–S7, B2): what each one says, printed as one PDF, kept as printed.

Printing marks every letter « Réalisée » in the transaction that stores the PDF; if rendering
fails, the transaction rolls back and nothing is marked.
"""

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
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
)
from recouvrement.documents import RenderedBatch, render_batch
from recouvrement.domain.balances import days_overdue
from recouvrement.domain.customers import CustomerKind
from recouvrement.domain.default_letters import DEFAULT_TEMPLATES
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
from recouvrement.domain.statuses import ActionType, InterventionStatus
from recouvrement.services.actors import require_change, require_manager
from recouvrement.services.journal import journal_entry
from recouvrement.services.penalties import dossier_penalties_on, receivables_due
from recouvrement.services.use_case import use_case

PRINTED_ACTIONS = (ActionType.LETTER, ActionType.FORMAL_NOTICE)
# The letter a step prints when it names no template (the company's copy of LETTERS.md).
DEFAULT_CODE = {
    ActionType.EMAIL: "relance_courtoise",
    ActionType.LETTER: "deuxieme_relance",
    ActionType.FORMAL_NOTICE: "mise_en_demeure",
}


def ensure_default_templates(company: Company) -> dict[str, LetterTemplate]:
    """The company's « Modèles de courrier », created from LETTERS.md when missing."""
    templates = {t.code: t for t in LetterTemplate.objects.filter(company=company)}
    for code, default in DEFAULT_TEMPLATES.items():
        if code not in templates:
            templates[code] = _create_default(company, code, default)
    return templates


def _create_default(company: Company, code: str, default) -> LetterTemplate:
    # Two first printings at the same instant: the second finds the first one's row.
    try:
        with transaction.atomic():
            return LetterTemplate.objects.create(
                company=company,
                code=code,
                name=default.name,
                action_type=ActionType.FORMAL_NOTICE if default.is_formal_notice else "letter",
                subject=default.subject,
                body=default.body,
            )
    except IntegrityError:
        return LetterTemplate.objects.get(company=company, code=code)


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
    templates = ensure_default_templates(company)
    dossier_ids = {i.dossier_id for i in interventions}
    receivables = receivables_due(dossier_ids)
    penalties_of = dossier_penalties_on(
        dossier_ids, today, receivables=receivables, company=company
    )
    parsed_templates: dict[int, LetterTemplateText] = {}
    letters = []
    for intervention in interventions:
        dossier = intervention.dossier
        template = _template_for(intervention, templates)
        rows = receivables.get(dossier.pk, [])
        penalties = penalties_of[dossier.pk]
        context = _context(intervention, template, rows, penalties, today)
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
    return templates[DEFAULT_CODE[ActionType(intervention.action_type)]]


def _context(intervention, template, rows, penalties, today) -> LetterContext:
    dossier = intervention.dossier
    company, customer = dossier.company, dossier.customer
    contact = dossier.contact or next(iter(customer.contacts.all()), None)
    collector = dossier.collector
    return LetterContext(
        company=Letterhead(
            name=company.name,
            address_lines=tuple(
                line for line in (company.address, f"{company.postal_code} {company.city}") if line
            ),
            city=company.city,
            siren=company.siren,
            iban=company.iban,
            bic=company.bic,
            phone=company.phone,
            email=company.email,
        ),
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
        or intervention.action_type == ActionType.FORMAL_NOTICE,
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
    rendered = render_batch([letter.content for letter in letters])
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
        if ActionType(intervention.action_type or "task") not in PRINTED_ACTIONS:
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
