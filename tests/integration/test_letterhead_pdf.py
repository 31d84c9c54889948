"""The company's letterhead on the printed letters (PRODUCT §9 O2): the legal mentions of a
French business letter in the footer, the logo in the header — read back from the PDF with
poppler and pypdf, as a reader or a printer would."""

import io
import shutil
import subprocess
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader

from recouvrement import services
from recouvrement.services.company_settings import CompanySettings
from tests.integration.test_pdf_rendering import flat
from tests.integration.test_printing import TODAY, a_letter_dossier
from tests.logos import SVG_LOGO, a_png

pytestmark = pytest.mark.skipif(
    shutil.which("pdfimages") is None, reason="needs poppler-utils (pdftotext, pdfimages)"
)

LEGAL_LINE = (
    "Atelier Rhône SAS — SAS au capital de 10 000 € — SIREN 512 846 379 RCS Lyon — "
    "TVA FR33512846379"
)


def set_letterhead(team, logo: bytes | None = None) -> None:
    wanted = replace(
        CompanySettings.of(team.company),
        legal_form="SAS",
        share_capital=Decimal("10000"),
        siren="512846379",
        rcs_city="Lyon",
        vat_number="FR33512846379",
        address="12 quai Saint-Vincent",
        postal_code="69001",
        iban="FR21 3000 2005 5000 0015 7841 64",
        bic="CRLYFRPP",
    )
    services.save_company_settings(team.company, wanted, logo=logo, today=TODAY, user=None)


def printed(team, letters: int = 1) -> bytes:
    interventions = [a_letter_dossier(team).interventions.get() for _ in range(letters)]
    return services.print_letters(interventions, today=TODAY, user=None).pdf


def text_of(pdf: bytes) -> str:
    result = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return flat(result.stdout.decode())


def images_of(pdf: bytes, tmp_path: Path) -> list[list[str]]:
    """`pdfimages -list`: one row per image drawn (page, num, type, width, height, …, enc…)."""
    path = tmp_path / "courriers.pdf"
    path.write_bytes(pdf)
    result = subprocess.run(
        ["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True
    )
    return [row.split() for row in result.stdout.splitlines()[2:]]


def resources(pdf: bytes, page: int = 0) -> dict:
    """The first page's resources: /XObject (pictures), /Pattern (gradients), /Font…"""
    return PdfReader(io.BytesIO(pdf)).pages[page]["/Resources"]


def image_xobjects(pdf: bytes) -> list[str]:
    objects = resources(pdf).get("/XObject", {})
    return [ref.get_object()["/Subtype"] for ref in objects.values()]


def test_the_footer_prints_the_legal_mentions_and_the_bank_details(team):
    set_letterhead(team)

    text = text_of(printed(team))

    assert LEGAL_LINE in text
    assert "IBAN FR21 3000 2005 5000 0015 7841 64 — BIC CRLYFRPP" in text
    assert "12 quai Saint-Vincent 69001 Lyon" in text  # the header's address


def test_without_legal_form_nor_registry_the_footer_prints_what_is_known(team):
    text = text_of(printed(team))

    assert "Atelier Rhône SAS — IBAN" not in text  # two lines: legal, then bank
    assert "au capital de" not in text and "RCS" not in text


def test_a_png_logo_is_embedded_once_as_an_image(team, tmp_path):
    set_letterhead(team, logo=a_png(240, 80))

    pdf = printed(team, letters=2)

    images = images_of(pdf, tmp_path)
    assert [(row[0], row[3], row[4]) for row in images] == [("1", "240", "80"), ("2", "240", "80")]
    assert image_xobjects(pdf) == ["/Image"]
    assert len(pdf) < 60_000  # the image's bytes are in the PDF once, not per letter
    assert LEGAL_LINE in text_of(pdf)


def test_a_jpeg_logo_is_embedded_as_a_jpeg(team, tmp_path):
    source = tmp_path / "source.pdf"
    source.write_bytes(printed(team))  # any page will do as a picture
    subprocess.run(
        ["pdftoppm", "-jpeg", "-r", "20", "-singlefile", str(source), str(tmp_path / "logo")],
        check=True,
    )
    set_letterhead(team, logo=(tmp_path / "logo.jpg").read_bytes())

    images = images_of(printed(team), tmp_path)

    assert len(images) == 1 and images[0][8] == "jpeg"  # the enc column: kept as DCT


def test_an_svg_logo_is_drawn_as_vector_graphics(team, tmp_path):
    plain = printed(team)
    set_letterhead(team, logo=SVG_LOGO)

    pdf = printed(team)

    assert images_of(pdf, tmp_path) == []  # paths, not a picture
    assert "/Pattern" in resources(pdf) and "/Pattern" not in resources(plain)  # its gradient
    assert LEGAL_LINE in text_of(pdf)


def test_a_letter_with_logo_renders_as_an_image_to_look_at(team, tmp_path):
    set_letterhead(team, logo=a_png(240, 80))
    path = tmp_path / "courrier.pdf"
    path.write_bytes(printed(team))

    subprocess.run(["pdftoppm", "-png", "-r", "70", str(path), str(tmp_path / "page")], check=True)

    [image] = tmp_path.glob("page*.png")
    assert image.stat().st_size > 10_000  # the picture to open when the layout changes
