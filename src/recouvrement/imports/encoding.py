"""Open a byte stream as text: UTF-8 (with or without BOM) or ISO-8859-15, any line ending."""

import codecs
import io
from collections.abc import Callable, Iterator
from typing import BinaryIO

from recouvrement.imports.fields import FileFormatError

SAMPLE_SIZE = 64 * 1024
# A FEC or CSV line is a few hundred characters; a longer one is a file without line ends (a
# spreadsheet, a PDF renamed .txt): refused at once rather than read whole into memory.
MAX_LINE_CHARS = 64 * 1024
FALLBACK_ENCODING = "iso-8859-15"
_FALLBACK_HANDLER = "recouvrement.imports.latin9"
PROGRESS_EVERY = 10_000  # lines between two calls of a reader's `progress`
Progress = Callable[[int], None]  # told the count of lines read so far


def _decode_as_latin9(error: UnicodeError) -> tuple[str, int]:
    # A file detected as UTF-8 from its first 64 KB may still hold a Latin-9 byte further
    # down; the text says ISO 8859-15 is the only other charset allowed, so read it as such.
    if not isinstance(error, UnicodeDecodeError):
        raise error
    return error.object[error.start : error.end].decode(FALLBACK_ENCODING), error.end


codecs.register_error(_FALLBACK_HANDLER, _decode_as_latin9)


class _PrefixedStream(io.RawIOBase):
    """The sample already read, then the rest of the caller's stream (which we never close)."""

    def __init__(self, prefix: bytes, rest: BinaryIO) -> None:
        self._prefix = memoryview(prefix)
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        if self._prefix:
            count = min(len(buffer), len(self._prefix))
            buffer[:count] = self._prefix[:count]
            self._prefix = self._prefix[count:]
            return count
        data = self._rest.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def detect_encoding(sample: bytes) -> str:
    """`utf-8-sig` after a BOM, `utf-8` if the sample decodes as such, else ISO 8859-15."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        # final=False: a multi-byte character cut at the end of the sample is not an error.
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
    except UnicodeDecodeError:
        return FALLBACK_ENCODING
    return "utf-8"


def open_text(stream: BinaryIO, newline: str | None = None) -> tuple[io.TextIOWrapper, str]:
    """Wrap `stream` as text with the detected encoding; `newline=None` folds CR, LF and CRLF."""
    sample = stream.read(SAMPLE_SIZE)
    encoding = detect_encoding(sample)
    errors = _FALLBACK_HANDLER if encoding != FALLBACK_ENCODING else "strict"
    buffered = io.BufferedReader(_PrefixedStream(sample, stream))
    return io.TextIOWrapper(buffered, encoding=encoding, errors=errors, newline=newline), encoding


def bounded_lines(
    text: io.TextIOBase, first_number: int = 1, progress: Progress | None = None
) -> Iterator[str]:
    """The lines of `text`, numbered from `first_number`; a line over MAX_LINE_CHARS raises
    FileFormatError (French, naming the line and the rule) after reading that much only.
    `progress`: told the count of lines read every PROGRESS_EVERY lines."""
    number = first_number
    while line := text.readline(MAX_LINE_CHARS + 1):
        if len(line) > MAX_LINE_CHARS and not line.endswith(("\n", "\r")):
            limit = f"{MAX_LINE_CHARS:,}".replace(",", "\u202f")
            raise FileFormatError(
                f"Ligne {number} : plus de {limit} caractères sans fin de ligne. Un fichier "
                "d'écritures (FEC ou CSV) a une ligne par écriture : ce fichier n'en est pas un "
                "(tableur, PDF, fichier compressé ?). Rien n'a été importé.",
                "import_line_too_long",
            )
        yield line
        number += 1
        if progress is not None and not (number - first_number) % PROGRESS_EVERY:
            progress(number - first_number)


def first_line(text: io.TextIOBase) -> str:
    """The header line (bounded like every other), or "" for an empty file."""
    return next(bounded_lines(text), "")
