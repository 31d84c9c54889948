"""What each letter of an intervention says (S5, B2): its template filled with the dossier's
échéances, penalties and the company's letterhead, read with a fixed number of queries.

A letter that cannot be composed — a rate not entered, no postal address, a template missing
or wrong — is `Skipped` with its French reason, so that the others of a batch still print.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from recouvrement.db.models import Company, Intervention, LetterTemplate
from recouvrement.domain.balances import days_overdue
from recouvrement.domain.customers import CustomerKind
from recouvrement.domain.letter_templates import LetterTemplateText, parse_template
from recouvrement.domain.letters import (
    EcheanceRow,
    LetterContent,
    LetterContext,
    Letterhead,
    check_postal_address,
    compose_letter,
)
from recouvrement.domain.penalties import DossierPenalties
from recouvrement.domain.rules import RuleViolation
from recouvrement.domain.statuses import ActionType
from recouvrement.services.company_settings import letterhead
from recouvrement.services.penalties import DossierDues, penalties_or_reasons, receivables_due


def letter_templates(company: Company) -> dict[str, LetterTemplate]:
    """The company's « Modèles de courrier » by code (its defaults were created with it)."""
    return {t.code: t for t in LetterTemplate.objects.filter(company=company)}


@dataclass(frozen=True)
class Letter:
    intervention: Intervention
    template: LetterTemplate
    context: LetterContext
    content: LetterContent
    penalties: DossierPenalties


@dataclass(frozen=True)
class Skipped:
    """A letter left out of a batch, and why (a rate not entered, no postal address…): the
    others print, this one stays « A faire » until the cause is fixed."""

    intervention: Intervention
    reason: str
    code: str = "letter_skipped"

    @property
    def dossier(self) -> str:
        return self.intervention.dossier.number

    @property
    def line(self) -> str:
        """The French line the command, the print window and the worklist show."""
        return f"Dossier {self.dossier} non imprimé : {self.reason}"

    def as_json(self) -> dict[str, str]:
        return {"dossier": self.dossier, "reason": self.reason}


def compose_letters(interventions: Sequence[Intervention], *, today: date) -> list[Letter]:
    """Each intervention's letter on `today` (a preview, an e-mail): the first one that cannot
    be composed raises its RuleViolation."""
    letters, skipped = compose_printable(interventions, today=today, postal=False)
    if skipped:
        raise RuleViolation(skipped[0].reason, skipped[0].code)
    return letters


def compose_printable(
    interventions: Sequence[Intervention], *, today: date, postal: bool = True
) -> tuple[list[Letter], list[Skipped]]:
    """Each intervention's letter on `today`, read with a fixed number of queries, and those
    that cannot be composed, each with its reason; `postal`: a letter to post needs the
    customer's postal address."""
    if not interventions:
        return [], []
    company = interventions[0].dossier.company
    templates = letter_templates(company)
    dossier_ids = {i.dossier_id for i in interventions}
    receivables = receivables_due(dossier_ids)
    penalties_of, failures = penalties_or_reasons(
        dossier_ids, today, receivables=receivables, company=company
    )
    parsed_templates: dict[int, LetterTemplateText] = {}
    header = letterhead(company)  # one logo read for the whole batch
    letters, skipped = [], []
    for intervention in interventions:
        dossier = intervention.dossier
        try:
            if dossier.pk in failures:
                raise failures[dossier.pk]
            if postal:
                customer = dossier.customer
                check_postal_address(
                    f"{customer.code} {customer.name}",
                    (customer.address, customer.postal_code, customer.city),
                )
            template = _template_for(intervention, templates)
            if template.pk not in parsed_templates:
                parsed_templates[template.pk] = parse_template(template.subject, template.body)
        except RuleViolation as violation:
            skipped.append(Skipped(intervention, violation.message, violation.code))
            continue
        dues = receivables.get(dossier.pk, DossierDues())
        penalties = penalties_of[dossier.pk]
        context = _context(intervention, template, dues, penalties, today, header)
        content = compose_letter(parsed_templates[template.pk], context)
        letters.append(Letter(intervention, template, context, content, penalties))
    return letters, skipped


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


def _context(
    intervention, template, dues: DossierDues, penalties, today, header: Letterhead
) -> LetterContext:
    """The letter's variables: only the échéances claimable (B10), the disputed total apart."""
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
            for r, _ in dues.open
        ),
        disputed_total=dues.disputed_total,
        payment_delay_days=company.payment_deadline_days,
        **_claimed(penalties, customer.kind == CustomerKind.B2B),
        signatory_name=str(collector) if collector else company.signatory_name,
        signatory_function=(collector.function or "Chargé de recouvrement")
        if collector
        else company.signatory_function,
        letter_date=today,
    )


def _claimed(penalties: DossierPenalties, is_b2b: bool) -> dict:
    """What the letter claims besides the principal: L441-10 penalties and the 40 € from a
    professional, the legal interest since the mise en demeure from a consumer; each with the
    rates of the semesters charged."""
    if is_b2b:
        return {
            "penalties": penalties.penalties,
            "penalty_rate": penalties.rate,
            "penalty_rates": penalties.rate_spans,
            "indemnity": penalties.indemnity,
        }
    return {"legal_interest": penalties.penalties, "legal_interest_rates": penalties.rate_spans}
