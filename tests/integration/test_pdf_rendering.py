"""Letters printed as one PDF (PRODUCT §5, S5–S7): read back with poppler as a reader would."""

import shutil
import subprocess
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from recouvrement.documents import LetterRenderingError, render, render_letters
from recouvrement.domain.default_letters import DEFAULT_TEMPLATES
from recouvrement.domain.letters import (
    EcheanceRow,
    LetterContent,
    LetterContext,
    Letterhead,
    compose_letter,
)

pytestmark = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="needs poppler-utils (pdftotext, pdftoppm)"
)

COMPANY = Letterhead(
    name="Atelier Rhône SAS",
    address_lines=("12 quai Saint-Vincent", "69001 Lyon"),
    city="Lyon",
    siren="123 456 789",
    iban="FR76 3000 4000 0100 0000 0000 123",
    bic="BNPAFRPPXXX",
    phone="04 78 00 00 00",
    email="compta@atelier-rhone.fr",
)
ODD_NAME = "Dupont #set *gras* $x$ & Fils"


def echeances(count: int) -> tuple[EcheanceRow, ...]:
    return tuple(
        EcheanceRow(
            piece=f"FA{101 + i:06d}",
            piece_date=date(2026, 8, 1) + timedelta(days=i),
            due_date=date(2026, 9, 1) + timedelta(days=i),
            days_late=87 - i,
            open_amount=Decimal("1234.56") + i,
        )
        for i in range(count)
    )


def a_letter(code: str, is_b2b: bool, name: str = "Boulangerie Martin", rows: int = 2):
    default = DEFAULT_TEMPLATES[code]
    context = LetterContext(
        company=COMPANY,
        customer_name=name,
        customer_code="CLI0001",
        recipient_address=("Service comptabilité", "3 rue de la République", "69003 LYON"),
        is_b2b=is_b2b,
        is_formal_notice=default.is_formal_notice,
        contact_civility="Madame",
        contact_name="Durand",
        dossier_number="D2026-0042",
        echeances=echeances(rows),
        penalties=Decimal("23.10"),
        penalty_rate=Decimal("12.15"),
        indemnity=Decimal("40") * rows,
        signatory_name="Claire Martin",
        signatory_function="Chargée de recouvrement",
        letter_date=date(2026, 11, 27),
    )
    return compose_letter(default.parsed(), context)


def pages_of(pdf: bytes, tmp_path: Path) -> list[str]:
    """The text of each page, with the no-break spaces of amounts read as plain spaces."""
    path = tmp_path / "courriers.pdf"
    path.write_bytes(pdf)
    result = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    return result.stdout.split("\f")[:-1]


def flat(text: str) -> str:
    return " ".join(text.replace("\u202f", " ").replace("\u00a0", " ").split())


SIX_LETTERS = [(code, b2b) for b2b in (True, False) for code in DEFAULT_TEMPLATES]


@pytest.fixture(scope="module")
def six_letters() -> list[LetterContent]:
    return [
        a_letter(code, b2b, name=ODD_NAME if not b2b else "Boulangerie Martin")
        for code, b2b in SIX_LETTERS
    ]


@pytest.fixture
def pages(six_letters, tmp_path) -> dict[tuple[str, bool], str]:
    pdf = render_letters(six_letters)

    texts = pages_of(pdf, tmp_path)

    assert len(texts) == len(SIX_LETTERS)  # each letter fits one page and starts a new one
    return {key: flat(text) for key, text in zip(SIX_LETTERS, texts, strict=True)}


def test_each_letter_shows_the_customer_address_date_subject_and_signature(pages):
    page = pages[("relance_courtoise", True)]

    assert "Boulangerie Martin Service comptabilité 3 rue de la République 69003 LYON" in page
    assert "Lyon, le 27 novembre 2026" in page
    assert "Objet : Rappel — facture(s) arrivée(s) à échéance" in page
    assert "Madame Durand," in page
    assert "Claire Martin Chargée de recouvrement" in page
    assert "SIREN 123 456 789" in page and "BIC BNPAFRPPXXX" in page


def test_the_echeances_are_listed_with_french_dates_and_amounts(pages):
    page = pages[("deuxieme_relance", False)]

    assert "Pièce Date Échéance Jours de retard Montant restant dû" in page
    assert "FA000101 01/08/2026 01/09/2026 87 1 234,56 €" in page
    assert "FA000102 02/08/2026 02/09/2026 86 1 235,56 €" in page
    assert "Total 2 470,12 €" in page
    assert "Total restant dû : 2 470,12 €." in page


def test_only_a_professional_reads_the_penalty_sentence_and_the_40_euro_indemnity(pages):
    professional = pages[("deuxieme_relance", True)]
    notice = pages[("mise_en_demeure", True)]

    assert "des pénalités de retard au taux de 12,15 % l'an" in professional
    assert "indemnité forfaitaire pour frais de recouvrement de 40 € par facture" in professional
    assert "23,10 € de pénalités et 80,00 € d'indemnités" in professional
    assert "(article D441-5) : 80,00 €" in notice
    assert "la somme de 2 573,22 €" in notice
    for code in DEFAULT_TEMPLATES:
        consumer = pages[(code, False)]
        for b2b_only in ("L441-10", "40 €", "D441-5", "pénalités de retard"):
            assert b2b_only not in consumer


def test_the_formal_notice_is_headed_mise_en_demeure_and_sent_registered(pages):
    for is_b2b in (True, False):
        notice = pages[("mise_en_demeure", is_b2b)]
        reminder = pages[("deuxieme_relance", is_b2b)]

        assert "Lettre recommandée avec accusé de réception" in notice
        assert "MISE EN DEMEURE Objet : Mise en demeure de payer — dossier D2026-0042" in notice
        assert "Lettre recommandée" not in reminder and "MISE EN DEMEURE" not in reminder
    # Issue 11 §5: L441-10 penalties already run for a professional; a consumer's notice
    # is what makes legal interest run.
    assert "fait courir les intérêts au taux légal" not in pages[("mise_en_demeure", True)]
    assert "fait courir les intérêts au taux légal" in pages[("mise_en_demeure", False)]
    assert "la somme de 2 470,12 €" in pages[("mise_en_demeure", False)]


def test_typst_special_characters_in_a_customer_name_print_literally(pages):
    page = pages[("relance_courtoise", False)]

    assert ODD_NAME in page


def test_a_letter_with_sixty_echeances_continues_with_its_table_header_repeated(tmp_path):
    letter = a_letter("deuxieme_relance", True, rows=60)

    texts = [flat(text) for text in pages_of(render_letters([letter]), tmp_path)]

    assert len(texts) >= 2
    for number, text in enumerate(texts, start=1):
        assert "Pièce Date Échéance Jours de retard Montant restant dû" in text
        assert f"Page {number}/{len(texts)}" in text
    assert "FA000160 29/09/2026 30/10/2026 28 1 293,56 €" in texts[-1]
    assert "Total 75 843,60 €" in texts[-1]


def test_page_numbers_restart_with_each_letter(tmp_path):
    long = a_letter("deuxieme_relance", True, rows=60)
    short = a_letter("relance_courtoise", True)

    texts = [flat(text) for text in pages_of(render_letters([long, short, long]), tmp_path)]

    numbers = [text.rsplit("Page ", 1)[-1] if "Page " in text else "-" for text in texts]
    assert numbers == ["1/2", "2/2", "-", "1/2", "2/2"]


def test_the_same_letters_give_the_same_bytes(six_letters):
    assert render_letters(six_letters) == render_letters(six_letters)


def test_a_layout_error_raises_a_clear_error_with_typst_s_diagnostic(monkeypatch):
    letter = a_letter("relance_courtoise", True)
    monkeypatch.setattr(LetterContent, "as_dict", lambda self: {"recipient": []})

    with pytest.raises(LetterRenderingError) as error:
        render_letters([letter])

    assert str(error.value).startswith("Le rendu PDF des courriers a échoué : ")
    assert "does not contain key" in str(error.value)


def test_a_missing_layout_raises_a_clear_error(monkeypatch):
    monkeypatch.setattr(render, "LETTER_LAYOUT", render.TEMPLATES / "absent.typ")

    with pytest.raises(LetterRenderingError, match="Le rendu PDF des courriers a échoué"):
        render_letters([a_letter("relance_courtoise", True)])


def test_nothing_to_print_is_an_error():
    with pytest.raises(LetterRenderingError, match="Aucun courrier"):
        render_letters([])


def test_a_page_renders_as_an_image(six_letters, tmp_path):
    pdf = tmp_path / "courriers.pdf"
    pdf.write_bytes(render_letters(six_letters))

    subprocess.run(
        ["pdftoppm", "-png", "-r", "80", "-f", "3", "-l", "3", str(pdf), str(tmp_path / "page")],
        check=True,
    )

    image = next(tmp_path.glob("page*.png"))
    assert image.stat().st_size > 10_000


def test_three_hundred_letters_render_in_one_call(capsys):
    letters = [
        a_letter(code, i % 2 == 0, name=f"Client {i:03d}", rows=1 + i % 5)
        for i in range(100)
        for code in DEFAULT_TEMPLATES
    ]

    started = time.perf_counter()
    pdf = render_letters(letters)
    elapsed = time.perf_counter() - started

    with capsys.disabled():
        print(f"\n300 letters in {elapsed:.2f} s: {len(letters) / elapsed:.0f} letters/s")
    assert pdf.startswith(b"%PDF")
    assert len(letters) / elapsed > 30  # the budget is 150/s; a loaded CI box still passes
