"""« Dossier de preuve » to PDF and ZIP: the typst parts (summary, chronology, bordereau,
requête) through the letters' compiler, the stored pieces appended page for page (never
re-rendered), one bookmark per part and piece."""

import io
import json
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from pypdf import PdfReader, PdfWriter

from recouvrement.documents import render

EVIDENCE_LAYOUT = render.TEMPLATES / "evidence.typ"
ZIP_STAMP = (1980, 1, 1, 0, 0, 0)  # fixed: the same pieces give the same ZIP


@dataclass(frozen=True)
class PackFile:
    """One file of the pack: a PDF to append (pdf=True) or a file only listed and zipped."""

    bookmark: str
    filename: str
    content: bytes
    pdf: bool = True


def render_part(part: dict, *, on: date) -> bytes:
    """One typst part of the pack (`LetterRenderingError` when typst fails)."""
    inputs = {"part": json.dumps(part, ensure_ascii=False)}
    stamp = datetime.combine(on, time(), tzinfo=UTC)
    return render.compile_layout(
        EVIDENCE_LAYOUT, inputs, stamp, pages=1, what="du dossier de preuve"
    )


def assemble_pdf(files: Sequence[PackFile], *, title: str) -> bytes:
    """Every PDF file one after the other, each with its bookmark at its first page."""
    writer = PdfWriter()
    for item in files:
        if not item.pdf:
            continue
        start = len(writer.pages)
        for page in PdfReader(io.BytesIO(item.content)).pages:
            writer.add_page(page)
        if len(writer.pages) > start:
            writer.add_outline_item(title=item.bookmark, page_number=start)
    writer.add_metadata({"/Title": title})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def assemble_zip(files: Sequence[PackFile]) -> bytes:
    """Each file under its own name, in the order of the bordereau."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in files:
            archive.writestr(zipfile.ZipInfo(item.filename, ZIP_STAMP), item.content)
    return out.getvalue()


def pdf_text(pdf: bytes) -> list[str]:
    """The text of each page (for checks: the pack's pages against the stored ones)."""
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
