"""Open a byte stream as text: UTF-8 (with or without BOM) or ISO-8859-15, any line ending."""

import codecs
import io
from typing import BinaryIO

SAMPLE_SIZE = 64 * 1024
FALLBACK_ENCODING = "iso-8859-15"
_FALLBACK_HANDLER = "recouvrement.imports.latin9"


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
