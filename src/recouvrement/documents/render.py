"""Letters to PDF: the composed content goes as JSON data into one fixed typst layout."""

import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time
from pathlib import Path

import typst

from recouvrement.domain.letters import LetterContent
from recouvrement.domain.logos import Logo

TEMPLATES = Path(__file__).parent / "templates"
LETTER_LAYOUT = TEMPLATES / "letter.typ"

# typst memoizes layout in a process-wide cache and drops only what the last 10 compilations
# did not use: ten 300-letter batches kept ~3 GB and ran 3× slower. Once this many letters
# have been rendered, ten empty compilations age the cache out (~1 s after 1 000 letters) —
# at the start of the next rendering, so a one-shot batch (`recouvrement letters`) that
# exits right after does not pay it, and a server pays it before its next batch.
EVICT_AFTER_LETTERS = 100
_EVICTION_PASSES = 10

_compiler: typst.Compiler | None = None
_letters_since_eviction = 0
_lock = threading.Lock()  # one compiler, reused for its caches; typst calls are serialised


class LetterRenderingError(RuntimeError):
    """The PDF could not be produced; the message is French and carries typst's diagnostic."""


@dataclass(frozen=True)
class RenderedBatch:
    """One PDF and, for each letter in order, its (first page, last page) in it."""

    pdf: bytes
    pages: tuple[tuple[int, int], ...]


def render_letters(letters: Sequence[LetterContent]) -> bytes:
    """One PDF holding every letter, each starting on a new page with its own page numbers."""
    return render_batch(letters).pdf


def render_batch(letters: Sequence[LetterContent]) -> RenderedBatch:
    """`render_letters`, plus where each letter lies in the PDF (read back from the layout)."""
    if not letters:
        raise LetterRenderingError("Aucun courrier à imprimer.")
    inputs = _inputs(letters)
    # A fixed creation date (the first letter's) makes the same letters give the same bytes.
    stamp = datetime.combine(letters[0].letter_date, time(), tzinfo=UTC)
    with _lock:
        compiler = _letter_compiler()
        _age_cache_if_due(compiler)
        try:
            pdf = compiler.compile(
                input=LETTER_LAYOUT, format="pdf", sys_inputs=inputs, timestamp=stamp
            )
            # The query reads the document just compiled (same inputs), from typst's memo.
            ends = json.loads(compiler.query("<courrier-fin>", field="value"))
        except typst.TypstError as error:
            raise LetterRenderingError(
                f"Le rendu PDF des courriers a échoué : {error.message}\n{error.diagnostic}"
            ) from error
        except RuntimeError as error:  # the binding's own failures, e.g. a missing layout file
            raise LetterRenderingError(f"Le rendu PDF des courriers a échoué : {error}") from error
        finally:
            _count(len(letters))
    if not isinstance(pdf, bytes) or len(ends) != len(letters):
        raise LetterRenderingError("Le rendu PDF des courriers n'a produit aucun document.")
    starts = [1, *(end + 1 for end in ends[:-1])]
    return RenderedBatch(pdf, tuple(zip(starts, ends, strict=True)))


def _inputs(letters: Sequence[LetterContent]) -> dict[str, str]:
    """typst's `sys.inputs`: the letters as JSON and each distinct logo once. typst reads no
    file outside the templates folder, and its inputs are strings: a logo travels as the JSON
    list of its bytes, which the layout turns back into bytes (`bytes(array)`)."""
    keys: dict[Logo, str] = {}
    logos: dict[str, dict] = {}
    items = []
    for letter in letters:
        item = letter.as_dict()
        logo = letter.company.logo
        if logo is not None:
            if logo not in keys:
                keys[logo] = f"logo-{len(keys)}"
                logos[keys[logo]] = {"format": logo.format.value, "bytes": list(logo.content)}
            item["company"]["logo"] = keys[logo]
        items.append(item)
    return {
        "letters": json.dumps(items, ensure_ascii=False),
        "logos": json.dumps(logos, separators=(",", ":")),
    }


_IMAGE_CHECK = b"""#let logo = json(bytes(sys.inputs.logo))
#set page(width: 80mm, height: auto, margin: 0mm)
#image(bytes(logo.bytes), format: logo.format, width: 60mm)
"""


def check_image(logo: Logo) -> None:
    """Decode the logo the way the letters will (LetterRenderingError if typst cannot)."""
    inputs = {"logo": json.dumps({"format": logo.format.value, "bytes": list(logo.content)})}
    with _lock:
        compiler = _letter_compiler()
        try:
            compiler.compile(input=_IMAGE_CHECK, format="pdf", sys_inputs=inputs)
        except (typst.TypstError, RuntimeError) as error:
            message = getattr(error, "message", str(error))
            raise LetterRenderingError(f"L'image n'a pas pu être lue ({message}).") from error
        finally:
            _count(1)


def _letter_compiler() -> typst.Compiler:
    global _compiler
    if _compiler is None:
        # root = the templates folder only, and no system fonts: typst reads nothing else, and
        # the embedded fonts (Libertinus Serif) make the output the same on every machine.
        _compiler = typst.Compiler(input=LETTER_LAYOUT, root=TEMPLATES, ignore_system_fonts=True)
    return _compiler


def _count(letters: int) -> None:
    global _letters_since_eviction
    _letters_since_eviction += letters


def _age_cache_if_due(compiler: typst.Compiler) -> None:
    global _letters_since_eviction
    if _letters_since_eviction < EVICT_AFTER_LETTERS:
        return
    _letters_since_eviction = 0
    for _ in range(_EVICTION_PASSES):  # each compilation ends with typst's `comemo::evict(10)`
        compiler.compile(input=b"", format="svg", sys_inputs=None)


def compile_layout(
    layout: Path, inputs: dict[str, str], stamp: datetime, *, pages: int, what: str
) -> bytes:
    """Another fixed layout of the templates folder (a statement, a part of the dossier de
    preuve) through the one compiler; `what` names the document in the French error."""
    with _lock:
        compiler = _letter_compiler()
        _age_cache_if_due(compiler)
        try:
            pdf = compiler.compile(input=layout, format="pdf", sys_inputs=inputs, timestamp=stamp)
        except typst.TypstError as error:
            raise LetterRenderingError(
                f"Le rendu PDF {what} a échoué : {error.message}\n{error.diagnostic}"
            ) from error
        except RuntimeError as error:
            raise LetterRenderingError(f"Le rendu PDF {what} a échoué : {error}") from error
        finally:
            _count(pages)
    if not isinstance(pdf, bytes):
        raise LetterRenderingError(f"Le rendu PDF {what} n'a rien produit.")
    return pdf
