"""Printed documents: typst layouts fed with JSON data, rendered to PDF."""

from recouvrement.documents.pages import letter_pages
from recouvrement.documents.render import (
    LetterRenderingError,
    RenderedBatch,
    render_batch,
    render_letters,
)

__all__ = [
    "LetterRenderingError",
    "RenderedBatch",
    "letter_pages",
    "render_batch",
    "render_letters",
]
