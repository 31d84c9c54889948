"""FEC files written from known invoices: for the import benchmark and the round-trip tests.

A sale is three lines (411 debit, 706 and 44571 credits) in journal VE; a payment two (512
debit, 411 credit) in journal BQ, lettered with its invoice when the accountant matched it.
Amounts with a decimal comma, dates AAAAMMJJ, tab-separated, as A47 A-1 asks.
"""

import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TextIO

from recouvrement.imports.fec import COLUMNS

HEADER = COLUMNS
VAT = Decimal("0.2")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Invoice:
    """An invoice and what is still open on it; `paid_on` dates the payment of the rest."""

    customer_code: str
    customer_name: str
    reference: str
    piece_date: date
    amount: Decimal
    open_amount: Decimal
    paid_on: date | None = None
    lettered: bool = True  # the payment is lettered with the invoice (else left unmatched)


def _amount(value: Decimal) -> str:
    return f"{value:.2f}".replace(".", ",")


class FecWriter:
    """Writes entries with continuous entry numbers and per-customer lettering codes."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.lines = 0
        self._entry = 0
        self._letters: dict[str, int] = {}
        out.write("\t".join(HEADER) + "\n")

    def _line(self, journal, day, account, label, aux, name, piece, text, debit, credit,
              letter="", lettered_on=None) -> str:  # fmt: skip
        number = f"{journal}{self._entry:07d}"
        return (
            f"{journal}\t{'Ventes' if journal == 'VE' else 'Banque'}\t{number}\t{day:%Y%m%d}\t"
            f"{account}\t{label}\t{aux}\t{name}\t{piece}\t{day:%Y%m%d}\t{text}\t"
            f"{_amount(debit)}\t{_amount(credit)}\t{letter}\t"
            f"{lettered_on.strftime('%Y%m%d') if lettered_on else ''}\t{day:%Y%m%d}\t\t\n"
        )

    def letter(self, customer: str) -> str:
        n = self._letters.get(customer, 0)
        self._letters[customer] = n + 1
        code = ""
        for _ in range(3):
            n, digit = divmod(n, 26)
            code = chr(65 + digit) + code
        return code

    def invoice(self, item: Invoice) -> None:
        paid = item.amount - item.open_amount
        letter = self.letter(item.customer_code) if paid and item.lettered else ""
        lettered_on = item.paid_on if letter else None
        net = (item.amount / (1 + VAT)).quantize(CENT)
        self._entry += 1
        day, ref, aux, name = (
            item.piece_date,
            item.reference,
            item.customer_code,
            item.customer_name,
        )
        text = f"Facture {ref}"
        self.out.write(
            self._line(
                "VE",
                day,
                "41100000",
                "Clients",
                aux,
                name,
                ref,
                text,
                item.amount,
                Decimal(0),
                letter,
                lettered_on,
            )  # fmt: skip
            + self._line(
                "VE", day, "70600000", "Prestations de services", "", "", ref, text, Decimal(0), net
            )  # fmt: skip
            + self._line(
                "VE",
                day,
                "44571000",
                "TVA collectée",
                "",
                "",
                ref,
                text,
                Decimal(0),
                item.amount - net,
            )  # fmt: skip
        )
        self.lines += 3
        if paid:
            self._entry += 1
            when = item.paid_on or item.piece_date
            piece = f"VIR-{ref}"
            self.out.write(
                self._line(
                    "BQ",
                    when,
                    "51200000",
                    "Banque",
                    "",
                    "",
                    piece,
                    f"Règlement {ref}",
                    paid,
                    Decimal(0),
                )  # fmt: skip
                + self._line(
                    "BQ",
                    when,
                    "41100000",
                    "Clients",
                    aux,
                    name,
                    piece,
                    f"Règlement {ref}",
                    Decimal(0),
                    paid,
                    letter,
                    lettered_on,
                )  # fmt: skip
            )
            self.lines += 2


def write_fec(out: TextIO, invoices: Iterable[Invoice]) -> int:
    """Write a FEC holding `invoices`; returns its number of data lines."""
    writer = FecWriter(out)
    for item in invoices:
        writer.invoice(item)
    return writer.lines


def sample_invoices(lines: int, *, seed: int = 7, customers: int = 5000) -> Iterator[Invoice]:
    """About `lines` FEC lines of a year of sales: 80 % paid and lettered, 7 % partly paid,
    3 % paid without lettering, 10 % open (≈ 4.8 lines an invoice)."""
    rng = random.Random(seed)
    start = date(2026, 1, 2)
    count = 0
    number = 0
    while count < lines:
        number += 1
        customer = rng.randrange(customers)
        day = start + timedelta(days=rng.randrange(330))
        amount = Decimal(rng.randrange(5_000, 2_000_000)) / 100
        roll = rng.random()
        paid_on = day + timedelta(days=rng.randrange(10, 70))
        if roll < 0.80:
            item_open, lettered = Decimal(0), True
        elif roll < 0.87:
            item_open, lettered = (amount * Decimal("0.6")).quantize(CENT), True
        elif roll < 0.90:
            item_open, lettered = Decimal(0), False
        else:
            item_open, lettered, paid_on = amount, True, None
        count += 3 if item_open == amount else 5
        yield Invoice(
            f"C{customer:05d}",
            f"Client {customer:05d} SARL",
            f"FA26-{number:07d}",
            day,
            amount,
            item_open,
            paid_on,
            lettered,
        )
