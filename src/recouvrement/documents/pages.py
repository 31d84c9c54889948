"""One letter's pages out of a printed batch PDF: the evidence as printed, never re-rendered."""

import io

from pypdf import PdfReader, PdfWriter


def letter_pages(batch_pdf: bytes, first_page: int, last_page: int) -> bytes:
    """Pages `first_page`…`last_page` (1-based, inclusive) of `batch_pdf` as a PDF of their own."""
    reader = PdfReader(io.BytesIO(batch_pdf))
    writer = PdfWriter()
    for number in range(first_page - 1, last_page):
        writer.add_page(reader.pages[number])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
