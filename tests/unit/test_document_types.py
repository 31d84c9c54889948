"""The type of an attached document is read from its content (S10, issue 13 §6): e-mails
(.eml, .msg) and office files (.docx, .xlsx, .odt) are accepted, a renamed program or page
is not."""

import io
import zipfile

import pytest

from recouvrement.domain import file_types
from recouvrement.domain.file_types import content_type_of

EML = (
    b"Return-Path: <compta@boulangerie-durand.fr>\r\n"
    b"Received: from mail.example.fr by mx.example.fr; Mon, 2 Nov 2026 09:12:00 +0100\r\n"
    b"From: Anne Durand <compta@boulangerie-durand.fr>\r\n"
    b"To: recouvrement@atelier-rhone.fr\r\n"
    b"Subject: =?utf-8?q?R=C3=A8glement_facture_FA000123?=\r\n"
    b"Date: Mon, 2 Nov 2026 09:12:00 +0100\r\n"
    b"Message-ID: <123@boulangerie-durand.fr>\r\n"
    b"Content-Type: text/plain;\r\n"
    b"\tcharset=utf-8\r\n"
    b"\r\n"
    b"Bonjour, le virement part vendredi.\r\n"
)


def _zip(entries: dict[str, bytes], first: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if first is not None:  # ODF: `mimetype` first and stored
            archive.writestr(first, entries.pop(first), compress_type=zipfile.ZIP_STORED)
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _content_types(main: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/main.xml" ContentType="{main}"/></Types>'
    ).encode()


def docx(main: str = file_types.OOXML_MAIN[file_types.DOCX][0]) -> bytes:
    return _zip(
        {
            "[Content_Types].xml": _content_types(main),
            "_rels/.rels": b"<Relationships/>",
            "word/document.xml": b"<w:document/>",
        }
    )


def xlsx() -> bytes:
    return _zip(
        {
            "[Content_Types].xml": _content_types(file_types.OOXML_MAIN[file_types.XLSX][0]),
            "_rels/.rels": b"<Relationships/>",
            "xl/workbook.xml": b"<workbook/>",
            "xl/worksheets/sheet1.xml": b"<worksheet/>",
        }
    )


def odt(mimetype: bytes = b"application/vnd.oasis.opendocument.text") -> bytes:
    return _zip(
        {
            "mimetype": mimetype,
            "content.xml": b"<office:document-content/>",
            "META-INF/manifest.xml": b"<manifest:manifest/>",
        },
        first="mimetype",
    )


def msg(stream: str = "__properties_version1.0") -> bytes:
    """An OLE2 compound file: its 512-byte header, then a directory sector naming the
    root entry and one stream (names in UTF-16LE, 128-byte entries)."""
    header = file_types.OLE2_MAGIC + bytes(512 - len(file_types.OLE2_MAGIC))

    def entry(name: str) -> bytes:
        encoded = (name + "\0").encode("utf-16-le")
        return encoded + bytes(64 - len(encoded)) + len(encoded).to_bytes(2, "little") + bytes(62)

    directory = entry("Root Entry") + entry(stream) + entry("__substg1.0_0037001F")
    return header + directory + bytes(512 - len(directory))


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("relance.pdf", b"%PDF-1.7\n", "application/pdf"),
        ("scan.png", b"\x89PNG\r\n\x1a\n....", "image/png"),
        ("photo.JPG", b"\xff\xd8\xff\xe0....", "image/jpeg"),
        ("notes.txt", "Appelé le 2/11, rappeler.".encode(), "text/plain"),
        ("export.csv", b"facture;montant\nFA1;12,00\n", "text/csv"),
        ("reponse-client.eml", EML, "message/rfc822"),
        ("Reponse client.EML", EML.replace(b"\r\n", b"\n"), "message/rfc822"),
        ("reponse.msg", msg(), "application/vnd.ms-outlook"),
        ("echeancier.docx", docx(), file_types.DOCX),
        ("releve.xlsx", xlsx(), file_types.XLSX),
        ("courrier.odt", odt(), "application/vnd.oasis.opendocument.text"),
    ],
)
def test_accepted_files_are_typed_by_their_content(name, content, expected):
    assert content_type_of(name, content) == expected
    assert expected in file_types.ACCEPTED_TYPES


@pytest.mark.parametrize(
    ("name", "content"),
    [
        # A program or a page renamed to an accepted extension.
        ("facture.docx", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00PE\x00\x00"),
        ("facture.eml", b"MZ\x90\x00\x03\x00\x00\x00"),
        ("facture.msg", b"MZ\x90\x00\x03\x00\x00\x00"),
        ("page.eml", b"<!doctype html><html><body>From: x</body></html>"),
        ("page.txt", b"<html><script>alert(1)</script></html>"),
        ("page.odt", b"<html></html>"),
        # An e-mail without headers, or with a line that is no header before the body.
        ("lettre.eml", b"Bonjour,\r\nle virement part vendredi.\r\n"),
        ("lettre.eml", b"From: a@b.fr\r\nceci n'est pas un en-tete\r\nSubject: x\r\n\r\n"),
        ("lettre.eml", b"Subject: sans expediteur\r\nDate: Mon, 2 Nov 2026\r\n\r\ncorps"),
        ("binaire.eml", b"From: a@b.fr\r\nSubject: x\r\n\r\n\x00\x01"),
        # ZIPs that are no accepted office document.
        ("archive.docx", _zip({"setup.exe": b"MZ"})),
        ("macro.docx", docx("application/vnd.ms-word.document.macroEnabled.main+xml")),
        ("tableur.odt", odt(b"application/vnd.oasis.opendocument.spreadsheet")),
        ("coupe.docx", docx()[:200]),
        # An office file or an e-mail under another extension: the desktop would mis-open it.
        ("echeancier.xlsx", docx()),
        ("releve.docx", xlsx()),
        ("reponse.txt.exe", EML),
        ("reponse", EML),
        ("lettre.pdf.docx", b"%PDF-1.7"[1:]),
        # Word 97 / Excel 97 are OLE2 files too, but no Outlook message.
        ("ancien.msg", msg("WordDocument")),
        ("ancien.doc", msg()),
        ("vide.eml", b""),
    ],
)
def test_other_files_are_refused(name, content):
    assert content_type_of(name, content) is None


def test_a_zip_bomb_is_never_inflated():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        main = file_types.OOXML_MAIN[file_types.DOCX][0]
        padding = b" " * (file_types.MAX_CONTENT_TYPES_BYTES * 8)
        archive.writestr("[Content_Types].xml", _content_types(main) + padding)
        archive.writestr("word/document.xml", b"<w:document/>")
    bomb = buffer.getvalue()

    assert len(bomb) < file_types.MAX_CONTENT_TYPES_BYTES
    assert content_type_of("bombe.docx", bomb) is None


def test_a_header_block_longer_than_the_bound_still_reads_as_an_email():
    head = EML[: EML.index(b"Date:")]  # From, To, Subject…
    pad = b"X-Pad: " + b"a" * (file_types.EML_HEADER_BYTES - len(head) - 7 - 2 - 3) + b"\r\n"
    content = head + pad + b"X-Second: y\r\n\r\nBonjour"  # the bound cuts « X-S|econd »

    assert len(head + pad) == file_types.EML_HEADER_BYTES - 3
    assert content_type_of("long.eml", content) == "message/rfc822"
    assert content_type_of("long.eml", head + pad + b"X-S") is None  # the whole file: no cut


def test_every_suffix_the_picker_offers_names_an_accepted_type():
    offered = set(file_types.ACCEPTED_SUFFIXES)

    assert set(file_types.SUFFIX_TYPES) <= offered
    assert set(file_types.TEXT_SUFFIXES) <= offered
    assert set(file_types.SUFFIX_TYPES.values()) <= file_types.ACCEPTED_TYPES
