"""The budget of a template's « Aperçu » (issue 12 §6): one user trying a template on any
dossier must not hold the letter renderer (one per process, calls serialised) for seconds.

The template's own shape is bounded where it is parsed (`domain.letter_templates`: 20 000
characters, 200 paragraphs, 100 passages en gras, one échéances table): at most ~6 pages and
~0.1 s. What is left is the dossier: its échéances table, checked before rendering; the pages
are checked again once rendered (typst cannot be interrupted from Python)."""

from recouvrement.documents import RenderedBatch
from recouvrement.domain.letters import LetterContent
from recouvrement.domain.rules import RuleViolation

MAX_PREVIEW_ROWS = 150  # échéances in the table: ~4 pages, ~0.3 s
MAX_PREVIEW_PAGES = 10


def check_preview_content(content: LetterContent) -> None:
    rows = sum(len(block["rows"]) for block in content.blocks if block["kind"] == "table")
    if rows > MAX_PREVIEW_ROWS:
        raise RuleViolation(
            f"Ce dossier a {rows} échéances : l'aperçu d'un modèle se fait sur un dossier de "
            f"{MAX_PREVIEW_ROWS} échéances au plus. Choisissez-en un autre.",
            "preview_too_long",
        )


def check_preview_pages(rendered: RenderedBatch) -> None:
    pages = rendered.pages[-1][1]
    if pages > MAX_PREVIEW_PAGES:
        raise RuleViolation(
            f"L'aperçu fait {pages} pages : un courrier en fait {MAX_PREVIEW_PAGES} au plus. "
            "Raccourcissez le modèle.",
            "preview_too_long",
        )
