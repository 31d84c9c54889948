"""Printed documents: typst layouts fed with JSON data, rendered to PDF."""

from recouvrement.documents.pages import letter_pages
from recouvrement.documents.render import (
    LetterRenderingError,
    RenderedBatch,
    check_image,
    render_batch,
    render_letters,
)

__all__ = [
    "LetterRenderingError",
    "RenderedBatch",
    "check_image",
    "letter_pages",
    "render_batch",
    "render_letters",
]
