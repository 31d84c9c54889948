"""Printed documents: typst layouts fed with JSON data, rendered to PDF."""

from recouvrement.documents.render import LetterRenderingError, render_letters

__all__ = ["LetterRenderingError", "render_letters"]
