"""The company's logo (PRODUCT §9 O2): PNG, JPEG or SVG, told by its content, never its name.

An SVG is a program as much as a picture: one with a script, an event handler, an animation,
embedded HTML, a DTD (entities) or a reference outside itself is refused, so that neither the
letters nor the page that shows the logo ever load or run anything else.
"""

import re
import struct
from dataclasses import dataclass
from enum import StrEnum
from xml.etree import ElementTree

from recouvrement.domain.rules import RuleViolation

MAX_LOGO_BYTES = 512 * 1024
MAX_PIXELS = 10_000  # per side
SVG_NS = "http://www.w3.org/2000/svg"
XHTML_NS = "http://www.w3.org/1999/xhtml"
# Elements that run code, load documents or change attributes over time.
FORBIDDEN_ELEMENTS = frozenset(
    {
        "script",
        "foreignobject",
        "iframe",
        "embed",
        "object",
        "handler",
        "listener",
        "set",
        "animate",
        "animatemotion",
        "animatetransform",
        "animatecolor",
        "discard",
    }
)
# The only references allowed: a fragment of the file itself, or a raster image inside it.
_LOCAL_REFERENCE = re.compile(r"^\s*(#|data:image/(png|jpeg);base64,)", re.IGNORECASE)
_URLS = re.compile(r"url\(\s*['\"]?\s*([^'\")\s]*)", re.IGNORECASE)
_PNG = b"\x89PNG\r\n\x1a\n"
_JPEG = b"\xff\xd8\xff"


class LogoFormat(StrEnum):
    """typst's names of the image formats."""

    PNG = "png"
    JPEG = "jpg"
    SVG = "svg"

    @property
    def label(self) -> str:
        return self.name

    @property
    def media_type(self) -> str:
        return {"png": "image/png", "jpg": "image/jpeg", "svg": "image/svg+xml"}[self.value]


@dataclass(frozen=True)
class Logo:
    content: bytes
    format: LogoFormat


def _refuse(reason: str, code: str = "logo_invalid") -> RuleViolation:
    return RuleViolation(f"Logo refusé : {reason}", code)


def check_logo(content: bytes) -> Logo:
    """The logo with its format read from its bytes; anything else is refused in French."""
    if not content:
        raise _refuse("le fichier est vide.")
    if len(content) > MAX_LOGO_BYTES:
        raise _refuse(
            f"le fichier fait {len(content) // 1024} Ko, le maximum est "
            f"{MAX_LOGO_BYTES // 1024} Ko.",
            "logo_too_large",
        )
    if content.startswith(_PNG):
        _check_png(content)
        return Logo(content, LogoFormat.PNG)
    if content.startswith(_JPEG):
        _check_jpeg(content)
        return Logo(content, LogoFormat.JPEG)
    if _looks_like_svg(content):
        check_svg(content)
        return Logo(content, LogoFormat.SVG)
    raise _refuse(
        "le fichier n'est pas une image PNG, JPEG ou SVG (son contenu ne correspond à aucun "
        "de ces formats, quel que soit son nom).",
        "logo_not_an_image",
    )


def _check_size(width: int, height: int) -> None:
    if not (0 < width <= MAX_PIXELS and 0 < height <= MAX_PIXELS):
        raise _refuse(f"dimensions impossibles ({width} × {height} pixels).")


def _check_png(content: bytes) -> None:
    if len(content) < 33 or content[12:16] != b"IHDR":
        raise _refuse("l'image PNG est tronquée ou illisible.")
    width, height = struct.unpack(">II", content[16:24])
    _check_size(width, height)


def _check_jpeg(content: bytes) -> None:
    """Walk the markers up to the frame header (SOFn), which gives the size."""
    position = 2
    while position + 4 <= len(content):
        if content[position] != 0xFF:
            break
        marker = content[position + 1]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            position += 2
            continue
        (length,) = struct.unpack(">H", content[position + 2 : position + 4])
        if marker in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE):
            if position + 9 > len(content):
                break
            height, width = struct.unpack(">HH", content[position + 5 : position + 9])
            _check_size(width, height)
            return
        position += 2 + length
    raise _refuse("l'image JPEG est tronquée ou illisible.")


def _looks_like_svg(content: bytes) -> bool:
    head = content[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<?xml", b"<svg", b"<!--", b"<!doctype")) and b"<svg" in content


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1].lower()


def check_svg(content: bytes) -> None:
    """Refuse an SVG that could run code or reach outside the file."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _refuse("le SVG doit être encodé en UTF-8.") from None
    if re.search(r"<!(DOCTYPE|ENTITY)", text, re.IGNORECASE):
        raise _refuse("le SVG contient une déclaration DOCTYPE ou ENTITY.", "logo_unsafe")
    if re.search(r"<\?(?!xml\s)", text):  # <?xml-stylesheet …?>, before the root or inside
        raise _refuse("le SVG contient une instruction de traitement.", "logo_unsafe")
    parser = ElementTree.XMLParser(target=ElementTree.TreeBuilder(insert_pis=True))
    try:
        parser.feed(text)
        root = parser.close()
    except ElementTree.ParseError as error:
        raise _refuse(f"le SVG est illisible ({error}).") from None
    if root.tag != f"{{{SVG_NS}}}svg":
        raise _refuse("le fichier XML n'est pas une image SVG.", "logo_not_an_image")
    for element in root.iter():
        if not isinstance(element.tag, str):  # a processing instruction (<?xml-stylesheet …?>)
            raise _refuse("le SVG contient une instruction de traitement.", "logo_unsafe")
        _check_element(element)


def _check_element(element: ElementTree.Element) -> None:
    name = _local(element.tag)
    if name in FORBIDDEN_ELEMENTS or element.tag.startswith(f"{{{XHTML_NS}}}"):
        raise _refuse(
            f"le SVG contient un élément « {name} » (script ou contenu actif).", "logo_unsafe"
        )
    if name == "style":
        _check_style(element.text or "")
    for attribute, value in element.attrib.items():
        local = _local(attribute)
        if local.startswith("on"):
            raise _refuse(
                f"le SVG contient un gestionnaire d'événement « {local} ».", "logo_unsafe"
            )
        if local == "href" and not _LOCAL_REFERENCE.match(value):
            raise _refuse(
                "le SVG fait référence à un fichier ou une adresse externe.", "logo_unsafe"
            )
        if local == "style" or "url(" in value.lower():
            _check_style(value)


def _check_style(css: str) -> None:
    lowered = css.lower()
    if "@import" in lowered or "javascript:" in lowered or "expression(" in lowered:
        raise _refuse("le style du SVG charge un contenu externe ou actif.", "logo_unsafe")
    for target in _URLS.findall(css):
        if target and not _LOCAL_REFERENCE.match(target):
            raise _refuse(
                "le SVG fait référence à un fichier ou une adresse externe.", "logo_unsafe"
            )
