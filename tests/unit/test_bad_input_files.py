"""Accounting files with bad input (issue 12 §6): a line-numbered French message, never a 500,
never a value cut to fit, never a whole file read into memory as one line."""

import io
import time
from pathlib import Path

import pytest

from recouvrement.imports import (
    FileFormatError,
    LineError,
    plan_fec,
    plan_open_items,
    read_fec,
    read_open_items_csv,
)

DATA = Path(__file__).parent.parent / "data"
TEN_MB = 10 * 1024 * 1024
FEC_HEADER = (DATA / "fec_tab.txt").read_text(encoding="utf-8").splitlines()[0]
FEC_LINE = (DATA / "fec_tab.txt").read_text(encoding="utf-8").splitlines()[1]
CSV_HEADER = "Code client;Nom;Pièce;Date pièce;Échéance;Montant;Reste dû"
CSV_LINE = "C001;Boulangerie Exemple;F2026-001;05/01/2026;04/02/2026;1 437,12;1 437,12"


def fec(*lines: str) -> io.BytesIO:
    return io.BytesIO("\n".join((FEC_HEADER, *lines, "")).encode("utf-8"))


def fec_line(**columns: str) -> str:
    names = FEC_HEADER.split("\t")
    values = FEC_LINE.split("\t")
    for name, value in columns.items():
        values[names.index(name)] = value
    return "\t".join(values)


def errors_of(rows) -> list[str]:
    return [row.message for row in rows if isinstance(row, LineError)]


# --- A file without line ends ---------------------------------------------------------------


@pytest.mark.parametrize(
    "read",
    [lambda s: list(read_fec(s)), lambda s: list(read_open_items_csv(s))],
    ids=["fec", "csv"],
)
def test_ten_megabytes_without_a_newline_are_refused_at_once(read):
    stream = io.BytesIO(b"A" * TEN_MB)
    start = time.perf_counter()

    with pytest.raises(FileFormatError) as refused:
        read(stream)

    assert time.perf_counter() - start < 1.0
    assert refused.value.message.startswith("Ligne 1 : plus de 65\u202f536 caractères")
    assert "Rien n'a été importé." in refused.value.message
    assert stream.tell() < TEN_MB  # stopped reading


def test_a_line_without_end_after_a_good_header_is_refused_with_its_number():
    stream = io.BytesIO(f"{FEC_HEADER}\n{FEC_LINE}\n".encode() + b"9" * TEN_MB)

    with pytest.raises(FileFormatError) as refused:
        list(read_fec(stream))

    assert refused.value.message.startswith("Ligne 3 : plus de 65\u202f536 caractères")


def test_a_csv_cell_whose_quote_never_closes_is_refused_with_its_line():
    text = f'{CSV_HEADER}\n{CSV_LINE}\nC002;"Atelier' + ("\nx" * 70_000)
    stream = io.BytesIO(text.encode("utf-8"))

    with pytest.raises(FileFormatError) as refused:
        list(read_open_items_csv(stream))

    assert "Ligne" in refused.value.message
    assert "guillemet" in refused.value.message


# --- Control characters ---------------------------------------------------------------------


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x7f"])
def test_a_control_character_in_a_fec_customer_name_rejects_its_line(char):
    rows = list(read_fec(fec(FEC_LINE, fec_line(CompAuxLib=f"Boulangerie{char}Exemple"))))

    assert errors_of(rows) == [
        f"Ligne 3 : caractère de contrôle U+{ord(char):04X} dans « CompAuxLib » "
        "(un fichier texte n'en contient pas)"
    ]


def test_a_nul_in_a_csv_name_rejects_its_line():
    text = f"{CSV_HEADER}\n{CSV_LINE}\nC002;Atelier\x00Témoin;F2;05/01/2026;04/02/2026;10;10\n"

    rows = list(read_open_items_csv(io.BytesIO(text.encode("utf-8"))))

    assert errors_of(rows) == [
        "Ligne 3 : caractère de contrôle U+0000 dans « Nom » (un fichier texte n'en contient pas)"
    ]


# --- Lengths and amounts: refused, never cut ------------------------------------------------


def test_a_fec_customer_code_too_long_is_refused_not_cut():
    rows = read_fec(fec(FEC_LINE, fec_line(CompAuxNum="C" * 18, PieceRef="F2")))

    plan = plan_fec(rows)

    assert [error.message for error in plan.errors] == [
        f"Ligne 3 : code client « {'C' * 18} » trop long (18 caractères, 17 au plus) (CompAuxNum)"
    ]


def test_a_fec_reference_too_long_is_refused_not_cut():
    rows = read_fec(fec(fec_line(PieceRef="F" * 36)))

    plan = plan_fec(rows)

    assert plan.errors[0].message.startswith("Ligne 2 : référence de pièce « FFFF")
    assert plan.errors[0].message.endswith("trop long (36 caractères, 35 au plus) (PieceRef)")


def test_a_csv_name_too_long_is_refused_not_cut():
    text = f"{CSV_HEADER}\nC002;{'N' * 101};F2;05/01/2026;04/02/2026;10;10\n"

    plan = plan_open_items(read_open_items_csv(io.BytesIO(text.encode("utf-8"))))

    assert plan.errors[0].message.endswith("trop long (101 caractères, 100 au plus) (nom)")
    assert plan.customers == {}


def test_an_amount_larger_than_the_columns_hold_is_refused():
    rows = list(read_fec(fec(fec_line(Debit="99999999999,00"))))

    assert errors_of(rows) == [
        "Ligne 2 : montant (plus de 9\u202f999\u202f999\u202f999,99) « 99999999999,00 » "
        "invalide (Debit)"
    ]
