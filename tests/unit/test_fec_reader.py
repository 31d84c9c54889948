"""Reading FEC files: every variant the text allows and the deviations real exports show."""

import io
import tracemalloc
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from recouvrement.imports import FecLine, FileFormatError, LineError, read_fec

DATA = Path(__file__).parent.parent / "data"


def read_sample(name: str) -> list[FecLine | LineError]:
    with (DATA / name).open("rb") as stream:
        return list(read_fec(stream))


def only_lines(rows: list[FecLine | LineError]) -> list[FecLine]:
    assert [row for row in rows if isinstance(row, LineError)] == []
    return [row for row in rows if isinstance(row, FecLine)]


def test_a_tab_separated_fec_gives_typed_lines():
    lines = only_lines(read_sample("fec_tab.txt"))

    first = lines[0]
    assert len(lines) == 4
    assert first.line_number == 2
    assert (first.JournalCode, first.EcritureNum, first.CompteNum) == ("VE", "1", "41100000")
    assert (first.CompAuxNum, first.CompAuxLib) == ("C001", "Boulangerie Exemple")
    assert first.EcritureDate == date(2026, 1, 5)
    assert first.PieceDate == date(2026, 1, 5)
    assert first.ValidDate == date(2026, 1, 6)
    assert (first.Debit, first.Credit) == (Decimal("1437.12"), Decimal("0"))
    assert (first.EcritureLet, first.DateLet, first.Montantdevise) == ("", None, None)
    assert lines[3].EcritureLet == "AA"
    assert lines[3].DateLet == date(2026, 2, 10)


def test_a_pipe_separated_fec_reads_like_the_tab_one():
    assert only_lines(read_sample("fec_pipe.txt")) == only_lines(read_sample("fec_tab.txt"))


def test_the_montant_sens_variant_becomes_debit_and_credit():
    lines = only_lines(read_sample("fec_montant_sens.txt"))

    assert [(line.Debit, line.Credit) for line in lines] == [
        (Decimal("1437.12"), 0),
        (0, Decimal("1197.60")),
        (0, Decimal("239.52")),
        (0, Decimal("600.00")),
    ]


def test_a_bnc_fec_with_22_columns_keeps_the_extra_columns():
    with (DATA / "fec_bnc_22_columns.txt").open("rb") as stream:
        reader = read_fec(stream)
        lines = only_lines(list(reader))

    assert reader.column_count == 22
    assert lines[0].JournalCode == ""
    assert lines[0].extras == ()
    assert lines[3].extras == (("DateRglt", "20260210"), ("ModeRglt", "VIR"), ("IdClient", "C002"))


def test_a_utf8_bom_is_not_part_of_the_first_column_name():
    with (DATA / "fec_utf8_bom.txt").open("rb") as stream:
        reader = read_fec(stream)
        lines = only_lines(list(reader))

    assert reader.encoding == "utf-8-sig"
    assert lines[3].CompAuxLib == "Atelier Témoin"


def test_an_iso_8859_15_fec_is_detected_and_its_accents_decoded():
    with (DATA / "fec_iso8859_15.txt").open("rb") as stream:
        reader = read_fec(stream)
        lines = only_lines(list(reader))

    assert reader.encoding == "iso-8859-15"
    assert lines[2].CompteLib == "TVA collectée"
    assert lines[3].EcritureLib == "Règlement F2025-090 600 €"


def test_crlf_line_endings_leave_no_carriage_return_in_the_last_field():
    assert only_lines(read_sample("fec_crlf.txt")) == only_lines(read_sample("fec_tab.txt"))


def test_header_names_are_matched_whatever_their_case():
    assert only_lines(read_sample("fec_header_case.txt")) == only_lines(read_sample("fec_tab.txt"))


def test_a_separator_at_the_end_of_each_line_is_ignored():
    lines = only_lines(read_sample("fec_trailing_separator.txt"))

    assert lines == only_lines(read_sample("fec_tab.txt"))


def test_fixed_width_fields_are_stripped_and_zero_padded_signed_amounts_read():
    lines = only_lines(read_sample("fec_fixed_width.txt"))

    assert (lines[0].JournalCode, lines[0].CompteLib) == ("VE", "Clients")
    assert (lines[0].EcritureLet, lines[0].Idevise) == ("", "")
    assert lines[0].Debit == Decimal("1437.12")
    assert lines[1].Credit == Decimal("1197.60")
    assert lines[4].EcritureLib == "Avoir négatif"
    assert lines[4].Debit == Decimal("-12.00")


def test_a_bad_date_and_a_bad_amount_are_reported_with_their_line_number():
    rows = read_sample("fec_bad_lines.txt")

    errors = [row for row in rows if isinstance(row, LineError)]
    assert [str(error) for error in errors] == [
        "Ligne 3 : date « 20261332 » invalide (EcritureDate)",
        "Ligne 4 : montant « 12O,00 » invalide (Credit)",
    ]
    assert [(e.line_number, e.field) for e in errors] == [(3, "EcritureDate"), (4, "Credit")]
    assert [row.line_number for row in rows if isinstance(row, FecLine)] == [2, 5]


def test_a_header_without_a_required_column_is_refused_naming_it():
    with (
        (DATA / "fec_missing_column.txt").open("rb") as stream,
        pytest.raises(FileFormatError, match="« EcritureDate »") as refused,
    ):
        read_fec(stream)

    assert refused.value.code == "fec_missing_column"


def test_a_line_with_too_many_fields_is_rejected_not_misread():
    header = (DATA / "fec_pipe.txt").read_bytes().splitlines()[0]
    line = b"VE|Ventes|1|20260105|411|Clients|||F1|20260105|Lib | coupe|1,00|0,00|||20260106||EUR"

    rows = list(read_fec(io.BytesIO(header + b"\n" + line + b"\n")))

    assert isinstance(rows[0], LineError)
    assert rows[0].message.startswith("Ligne 2 : 19 zones au lieu de 18")


def test_old_mac_cr_line_endings_are_split_into_lines():
    data = (DATA / "fec_tab.txt").read_bytes().replace(b"\n", b"\r")

    lines = only_lines(list(read_fec(io.BytesIO(data))))

    assert lines == only_lines(read_sample("fec_tab.txt"))


def test_a_latin9_byte_after_the_utf8_sample_is_decoded_not_fatal():
    data = (DATA / "fec_tab.txt").read_bytes()
    header, first = data.splitlines(keepends=True)[:2]
    late = first.replace(b"Boulangerie", "Crêperie".encode("iso-8859-15"))

    rows = list(read_fec(io.BytesIO(header + first * 2000 + late)))

    assert len(header + first * 2000) > 64 * 1024
    assert only_lines(rows)[-1].CompAuxLib == "Crêperie Exemple"


def test_an_unknown_sens_is_reported_with_its_line_number():
    data = (DATA / "fec_montant_sens.txt").read_bytes().replace(b"\tC\t", b"\tX\t", 1)

    rows = list(read_fec(io.BytesIO(data)))

    assert str(rows[2]) == "Ligne 4 : sens « X » invalide (Sens)"


HEADER = (
    "JournalCode|JournalLib|EcritureNum|EcritureDate|CompteNum|CompteLib|CompAuxNum|"
    "CompAuxLib|PieceRef|PieceDate|EcritureLib|Debit|Credit|EcritureLet|DateLet|ValidDate|"
    "Montantdevise|Idevise\n"
)


class GeneratedFec(io.RawIOBase):
    """A FEC of `count` lines produced on demand: the file never exists whole in memory."""

    def __init__(self, count: int) -> None:
        self._chunks = self._generate(count)
        self._pending = b""

    @staticmethod
    def _generate(count: int) -> Iterator[bytes]:
        yield HEADER.encode()
        for n in range(count):
            day = f"202601{n % 28 + 1:02d}"
            yield (
                f"VE|Ventes|{n}|{day}|41100000|Clients|C{n % 500:04d}|Client {n % 500}|"
                f"F{n}|{day}|Facture F{n}| 000000000001437,12|0,00|||{day}||\n"
            ).encode()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        while len(self._pending) < len(buffer):
            chunk = next(self._chunks, b"")
            if not chunk:
                break
            self._pending += chunk
        count = min(len(buffer), len(self._pending))
        buffer[:count] = self._pending[:count]
        self._pending = self._pending[count:]
        return count


def _read_traced(count: int) -> tuple[int, int]:
    """How many rows the reader gives for a generated FEC of `count` lines, and its peak memory."""
    tracemalloc.start()
    try:
        read = sum(1 for row in read_fec(io.BufferedReader(GeneratedFec(count))))
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return read, peak


def test_five_times_more_lines_take_no_more_memory():
    """The reader streams: it holds a line at a time, so 100 000 lines need no more memory than
    20 000 (its speed is `recouvrement bench --only import`'s business, not a test's)."""
    small, small_peak = _read_traced(20_000)
    large, large_peak = _read_traced(100_000)

    assert (small, large) == (20_000, 100_000)
    assert large_peak < small_peak * 1.5 + 1_000_000
    assert large_peak < 20_000_000
