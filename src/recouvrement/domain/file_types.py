"""The type of an attached document, read from its content (S10): the file's name and the
browser's type are not trusted.

Accepted: PDF, PNG, JPEG, plain text (.txt, .csv), e-mails (.eml: RFC 5322 headers; .msg:
an Outlook OLE2 compound file) and office documents (.docx, .xlsx: an OOXML ZIP package;
.odt: an OpenDocument ZIP package). A ZIP is opened in memory and only its small entries
(`[Content_Types].xml`, `mimetype`) are read, each bounded: a ZIP bomb is never inflated.
An e-mail or office file must also bear its own extension, the one a desktop opens it by;
macro-enabled documents (.docm, .xlsm) and old binary Office files (.doc, .xls) are refused.
Pure: no Django.
"""

import io
import re
import zipfile
import zlib

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
TEXT = "text/plain"
CSV = "text/csv"
EML = "message/rfc822"
MSG = "application/vnd.ms-outlook"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT = "application/vnd.oasis.opendocument.text"

# Shown in the browser (inline); every other accepted type is downloaded as an attachment.
INLINE_TYPES = frozenset({PDF, PNG, JPEG, TEXT, CSV})
ACCEPTED_TYPES = frozenset({*INLINE_TYPES, EML, MSG, DOCX, XLSX, ODT})
# What the file input offers (its `accept` attribute).
ACCEPTED_SUFFIXES = (
    ".pdf",
    ".png",
    ".jpg",
    ".jpeg",
    ".txt",
    ".csv",
    ".eml",
    ".msg",
    ".docx",
    ".xlsx",
    ".odt",
)
REFUSED_TYPE = (
    "Ce type de fichier n'est pas accepté : joignez un PDF, une image PNG ou JPEG, un fichier "
    "texte (.txt, .csv), un e-mail (.eml, .msg) ou un document bureautique (.docx, .xlsx, .odt)."
)

# The first bytes of each kind of file recognised by its signature alone.
SIGNATURES = (
    (b"%PDF-", PDF),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
)
TEXT_SUFFIXES = {".txt": TEXT, ".csv": CSV}

ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Every Outlook message holds this stream at its root (MS-OXMSG 2.1.1), named in UTF-16LE;
# a Word 97 or Excel 97 file (also OLE2) does not.
MSG_PROPERTIES = "__properties_version1.0".encode("utf-16-le")

# OOXML: the main part's content type in `[Content_Types].xml`, and the folder it lives in.
OOXML_MAIN = {
    DOCX: (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        "word/",
    ),
    XLSX: ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml", "xl/"),
}
SUFFIX_TYPES = {".eml": EML, ".msg": MSG, ".docx": DOCX, ".xlsx": XLSX, ".odt": ODT}

MAX_ZIP_ENTRIES = 10_000
MAX_CONTENT_TYPES_BYTES = 1 << 20  # `[Content_Types].xml` is a few kilobytes
MAX_MIMETYPE_BYTES = 100

# RFC 5322 §2.2: a header field name is printable US-ASCII except the colon.
_HEADER = re.compile(rb"^([!-9;-~]+)[ \t]*:")
EML_HEADER_BYTES = 64 * 1024
EML_REQUIRED = b"from"
EML_ANY_OF = frozenset({b"date", b"subject", b"to", b"message-id"})


def _suffix(name: str) -> str:
    name = name.lower().strip()
    dot = name.rfind(".")
    return name[dot:] if dot >= 0 else ""


def content_type_of(name: str, content: bytes) -> str | None:
    """The type read from the file's content, or None when it is not an accepted one."""
    for magic, content_type in SIGNATURES:
        if content.startswith(magic):
            return content_type
    suffix = _suffix(name)
    if suffix in TEXT_SUFFIXES:
        return TEXT_SUFFIXES[suffix] if _is_text(content) else None
    expected = SUFFIX_TYPES.get(suffix)
    if expected is None:
        return None
    if content.startswith(ZIP_MAGIC):
        found = _zip_type(content)
    elif content.startswith(OLE2_MAGIC):
        found = MSG if MSG_PROPERTIES in content else None
    else:
        found = EML if _is_email(content) else None
    return found if found == expected else None


def _is_text(content: bytes) -> bool:
    if b"\x00" in content:
        return False
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not text.lstrip().startswith("<")  # HTML or XML renamed .txt


def _is_email(content: bytes) -> bool:
    """An RFC 5322 message: header fields (From: and one of Date:, Subject:, To:,
    Message-ID:) up to the first empty line; no NUL byte; no HTML."""
    if b"\x00" in content or content.lstrip().startswith(b"<"):
        return False
    head = content[:EML_HEADER_BYTES]
    names: set[bytes] = set()
    lines = head.splitlines()
    complete = len(head) == len(content)
    for number, line in enumerate(lines):
        if not line.strip():
            break
        if line[:1] in (b" ", b"\t"):
            if number == 0:
                return False  # a folded line continues a field: never the first one
            continue
        match = _HEADER.match(line)
        if match is None:
            if number == len(lines) - 1 and not complete:
                break  # the 64 KiB cut a field in two
            return False
        names.add(match.group(1).lower())
    return EML_REQUIRED in names and bool(names & EML_ANY_OF)


def _read_bounded(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes | None:
    if info.file_size > limit:
        return None
    with archive.open(info) as entry:
        data = entry.read(limit + 1)
    return data if len(data) <= limit else None


def _zip_type(content: bytes) -> str | None:
    """DOCX, XLSX or ODT when the ZIP package says so, else None (a plain ZIP, a .docm…)."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_ZIP_ENTRIES:
                return None
            by_name = {info.filename: info for info in infos}
            if "mimetype" in by_name:
                mimetype = _read_bounded(archive, by_name["mimetype"], MAX_MIMETYPE_BYTES)
                if mimetype == ODT.encode() and "content.xml" in by_name:
                    return ODT
                return None
            types = by_name.get("[Content_Types].xml")
            if types is None:
                return None
            declared = _read_bounded(archive, types, MAX_CONTENT_TYPES_BYTES)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, ValueError):
        return None  # corrupt, encrypted or of an unsupported compression (NotImplementedError)
    if declared is None:
        return None
    for content_type, (main, folder) in OOXML_MAIN.items():
        has_folder = any(name.startswith(folder) for name in by_name)
        if f'ContentType="{main}"'.encode() in declared and has_folder:
            return content_type
    return None
