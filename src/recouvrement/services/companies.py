"""A company and what it starts with (M1): the letter templates of LETTERS.md.

Defaults are created with the company, never by a read: composing or previewing a letter
only reads the company's « Modèles de courrier ».
"""

from recouvrement.db.models import Company, LetterTemplate
from recouvrement.domain.default_letters import DEFAULT_TEMPLATES
from recouvrement.domain.statuses import ActionType
from recouvrement.services.use_case import use_case


def default_template_rows(company_id: int, model=LetterTemplate) -> list:
    """The company's copy of LETTERS.md, as unsaved rows (`model`: a migration's model)."""
    return [
        model(
            company_id=company_id,
            code=code,
            name=default.name,
            action_type=(
                ActionType.FORMAL_NOTICE if default.is_formal_notice else ActionType.LETTER
            ).value,
            subject=default.subject,
            body=default.body,
        )
        for code, default in DEFAULT_TEMPLATES.items()
    ]


@use_case
def create_company(**fields) -> Company:
    """A new company with its default letter templates."""
    company = Company.objects.create(**fields)
    LetterTemplate.objects.bulk_create(default_template_rows(company.pk))
    return company
