"""Which FEC lines make one invoice: a piece reference within one entry (B4, D441-5).

The 40 € indemnity is due per late invoice, and an échéance names its invoice by its piece
reference. Some packages give the invoices of a batch one reference (« VTE0523 ») in several
entries: each entry's invoice must stay an invoice of its own. The first entry keeps the
reference; the next ones get their entry number after it (« VTE0523 écr. 4512 »), or their
date when they have no number. The FEC lists entries in the order they were validated, so
the same file, or a later one of the same year, names each invoice the same way again.
"""

from datetime import date

from recouvrement.imports.fec import FecLine


class InvoiceReferences:
    """Each invoice's reference: the piece reference of its first entry; a later entry with
    the same reference for the same customer is another invoice (a batch reference)."""

    def __init__(self) -> None:
        self._first: dict[tuple[str, str], int] = {}  # (customer, reference) → first entry
        self._shared: dict[tuple[str, str, int], str] = {}  # later entries → their reference
        self._taken: dict[tuple[str, str], set[str]] = {}  # the references given under a key

    def reference(self, code: str, reference: str, line: FecLine, when: date) -> str:
        entry = hash((line.JournalCode, line.EcritureNum, line.EcritureDate))
        key = (code, reference)
        first = self._first.setdefault(key, entry)
        if first == entry:
            return reference
        named = self._shared.get((code, reference, entry))
        if named is None:
            taken = self._taken.setdefault(key, {reference})
            named = _distinct(reference, line, when, taken)
            taken.add(named)
            self._shared[(code, reference, entry)] = named
        return named


def _distinct(reference: str, line: FecLine, when: date, taken: set[str]) -> str:
    """« FA-LOT12 écr. 4512 », or « FA-LOT12 du 15/05/2023 », or « FA-LOT12 (3) »."""
    suffixes = [f" du {when:%d/%m/%Y}", f" ({len(taken)})"]
    if line.EcritureNum:
        suffixes.insert(0, f" écr. {line.EcritureNum}")
    for suffix in suffixes:
        named = reference[: 35 - len(suffix)] + suffix
        if named not in taken:
            return named
    return named
