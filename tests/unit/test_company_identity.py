"""The company's identifiers, its letters' legal mentions and its logo (PRODUCT §9 O2)."""

from decimal import Decimal

import pytest

from recouvrement.domain.identity import (
    legal_mentions,
    normalize_bic,
    normalize_iban,
    normalize_siren,
    normalize_vat,
    vat_key,
)
from recouvrement.domain.logos import MAX_LOGO_BYTES, LogoFormat, check_logo
from recouvrement.domain.rules import RuleViolation
from tests.logos import SVG_LOGO, SVG_WITH_SCRIPT, a_png


def test_a_siren_is_nine_digits_with_a_luhn_key():
    assert normalize_siren(" 512 846 379 ") == "512846379"
    assert normalize_siren("356 000 000") == "356000000"  # La Poste, the one exception
    assert normalize_siren("") == ""
    for wrong in ("512846378", "51284637", "ABC846379"):
        with pytest.raises(RuleViolation, match="SIREN"):
            normalize_siren(wrong)


def test_a_french_vat_number_carries_the_siren_and_its_key():
    assert vat_key("512846379") == "33"
    assert normalize_vat("fr 33 512 846 379", "512846379") == "FR33512846379"
    assert normalize_vat("DE123456789") == "DE123456789"  # another country: kept as typed
    with pytest.raises(RuleViolation, match="la clé devrait être 33"):
        normalize_vat("FR34512846379", "512846379")
    with pytest.raises(RuleViolation, match="ne reprend pas le SIREN"):
        normalize_vat("FR40123456789", "512846379")


def test_an_iban_is_checked_by_its_mod_97_key_and_printed_in_groups_of_four():
    assert normalize_iban("fr2130002005500000157841 64") == "FR21 3000 2005 5000 0015 7841 64"
    with pytest.raises(RuleViolation, match="IBAN"):
        normalize_iban("FR21 3000 2005 5000 0015 7841 65")
    assert normalize_bic("crly fr pp") == "CRLYFRPP"
    with pytest.raises(RuleViolation, match="BIC"):
        normalize_bic("CRLY")


def test_the_legal_line_reads_like_a_french_business_letter():
    parts = legal_mentions(
        name="Atelier Rhône SAS",
        legal_form="SAS",
        capital=Decimal("10000.00"),
        siren="512846379",
        rcs_city="Lyon",
        vat_number="FR33512846379",
    )

    assert " — ".join(parts).replace("\u202f", " ").replace("\u00a0", " ") == (
        "Atelier Rhône SAS — SAS au capital de 10 000 € — SIREN 512 846 379 RCS Lyon — "
        "TVA FR33512846379"
    )
    assert legal_mentions(name="Dupont", legal_form="EI", siren="512846379") == (
        "Dupont",
        "EI",
        "SIREN 512 846 379",
    )


def test_a_logo_is_told_by_its_content():
    assert check_logo(a_png()).format is LogoFormat.PNG
    assert check_logo(SVG_LOGO).format is LogoFormat.SVG
    jpeg = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    frame = b"\xff\xc0\x00\x11\x08\x00\x50\x00\xf0\x03\x01\x22\x00\x02\x11\x01\x03\x11\x01"
    assert check_logo(jpeg + frame + b"\xff\xd9").format is LogoFormat.JPEG
    for wrong in (b"GIF89a....", b"%PDF-1.7", b"<html><svg></svg></html>", b""):
        with pytest.raises(RuleViolation, match="Logo refusé"):
            check_logo(wrong)
    with pytest.raises(RuleViolation, match="le maximum est 512 Ko"):
        check_logo(a_png()[:16] + b"\x00" * MAX_LOGO_BYTES)


@pytest.mark.parametrize(
    "svg",
    [
        SVG_WITH_SCRIPT,
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        b'<svg xmlns="http://www.w3.org/2000/svg"><image href="https://x.example/a.png"/></svg>',
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
        b'<use xlink:href="file:///etc/passwd#a"/></svg>',
        b'<svg xmlns="http://www.w3.org/2000/svg"><image href="data:image/svg+xml;base64,PHN2Zz4="'
        b"/></svg>",
        b'<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill:url(http://x.example/p)"/>'
        b"</svg>",
        b'<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(x.css);</style></svg>',
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        b'<svg xmlns="http://www.w3.org/2000/svg"><text>&e;</text></svg>',
        b'<?xml-stylesheet href="http://x.example/s.css"?><svg xmlns="http://www.w3.org/2000/svg"/>',
        b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><div xmlns="http://www.w3.org'
        b'/1999/xhtml">x</div></foreignObject></svg>',
        b'<svg xmlns="http://www.w3.org/2000/svg"><a><set attributeName="href" '
        b'to="javascript:alert(1)"/></a></svg>',
    ],
)
def test_an_svg_that_could_run_code_or_reach_outside_is_refused(svg):
    with pytest.raises(RuleViolation, match="Logo refusé"):
        check_logo(svg)


def test_an_svg_may_use_its_own_gradients_and_embedded_pictures():
    svg = (
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
        b'<defs><linearGradient id="g"/></defs><rect fill="url(#g)" width="5" height="5"/>'
        b'<image xlink:href="data:image/png;base64,iVBORw0KGgo=" width="5" height="5"/></svg>'
    )

    assert check_logo(svg).format is LogoFormat.SVG
