"""Letter content (PRODUCT §5): a checked template filled from a `LetterContext`.

`compose_letter` gives a `LetterContent`, the JSON-ready structure the fixed typst layout
prints. No clock, no Django: the caller passes the date.
"""

import json
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from recouvrement.domain.disputes import OUT_OF_DISPUTE, out_of_dispute_note
from recouvrement.domain.identity import legal_mentions
from recouvrement.domain.letter_templates import (
    OPTIONAL_VARIABLES,
    TABLE_VARIABLE,
    Block,
    LetterTemplateText,
    Token,
    lines_of,
)
from recouvrement.domain.logos import Logo
from recouvrement.domain.money import format_amount
from recouvrement.domain.penalties import RateSpan
from recouvrement.domain.rates import format_rate
from recouvrement.domain.rules import RuleViolation

DEFAULT_CIVILITY = "Madame, Monsieur"
MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
ZERO = Decimal("0.00")


# --- The letter's data ---------------------------------------------------------------------


@dataclass(frozen=True)
class EcheanceRow:
    """One overdue échéance as the letter's table prints it."""

    piece: str
    piece_date: date
    due_date: date
    days_late: int
    open_amount: Decimal


@dataclass(frozen=True, kw_only=True)
class Letterhead:
    """The sending company, for the header (logo, name, address) and the footer (the legal
    mentions of a business letter, the bank details)."""

    name: str
    address_lines: tuple[str, ...] = ()
    city: str = ""
    siren: str = ""
    iban: str = ""
    bic: str = ""
    phone: str = ""
    email: str = ""
    legal_form: str = ""
    capital: Decimal | None = None
    rcs_city: str = ""
    vat_number: str = ""
    logo: Logo | None = None

    def legal_mentions(self) -> tuple[str, ...]:
        return legal_mentions(
            name=self.name,
            legal_form=self.legal_form,
            capital=self.capital,
            siren=self.siren,
            rcs_city=self.rcs_city,
            vat_number=self.vat_number,
        )

    def bank_details(self) -> tuple[str, ...]:
        return tuple(
            f"{label} {value}" for label, value in (("IBAN", self.iban), ("BIC", self.bic)) if value
        )


@dataclass(frozen=True, kw_only=True)
class LetterContext:
    """Everything one letter needs; B2C debtors never get penalties nor the 40 € indemnity,
    only legal interest once given formal notice; B2B debtors never get legal interest (their
    L441-10 penalties run from the due date)."""

    company: Letterhead
    customer_name: str
    customer_code: str = ""
    recipient_address: tuple[str, ...] = ()  # postal lines under the customer's name
    is_b2b: bool
    is_formal_notice: bool = False
    contact_civility: str = ""
    contact_name: str = ""
    dossier_number: str = ""
    echeances: tuple[EcheanceRow, ...] = ()  # only those claimable (B10, domain.disputes)
    disputed_total: Decimal = ZERO  # the échéances in litige left out of the table and totals
    penalties: Decimal = ZERO
    penalty_rate: Decimal = ZERO  # annual, in percent, when no day was charged yet
    penalty_rates: tuple[RateSpan, ...] = ()  # the rates of the days charged, oldest first
    indemnity: Decimal = ZERO
    legal_interest: Decimal = ZERO  # B2C: since the mise en demeure (C. civ. 1231-6)
    legal_interest_rates: tuple[RateSpan, ...] = ()
    payment_delay_days: int = 8
    signatory_name: str = ""
    signatory_function: str = ""
    letter_date: date
    place: str = ""  # the company's city when empty

    @property
    def total_due(self) -> Decimal:
        return sum((row.open_amount for row in self.echeances), ZERO)

    @property
    def charged_penalties(self) -> Decimal:
        return self.penalties if self.is_b2b else ZERO

    @property
    def charged_indemnity(self) -> Decimal:
        return self.indemnity if self.is_b2b else ZERO

    @property
    def charged_legal_interest(self) -> Decimal:
        return ZERO if self.is_b2b else self.legal_interest

    @property
    def total_claimed(self) -> Decimal:
        return (
            self.total_due
            + self.charged_penalties
            + self.charged_indemnity
            + self.charged_legal_interest
        )

    def values(self) -> dict[str, str]:
        """The text of every variable but `echeances`."""
        company = self.company
        return {
            "client.nom": self.customer_name,
            "client.code": self.customer_code,
            "contact.civilite": self.contact_civility.strip() or DEFAULT_CIVILITY,
            "contact.nom": self.contact_name,
            "dossier.numero": self.dossier_number,
            # B10: what is in litige is left out, and the sentence says so.
            "total_du": format_amount(self.total_due)
            + (f" {OUT_OF_DISPUTE}" if self.disputed_total else ""),
            "penalites": format_amount(self.charged_penalties),
            "taux_penalites": format_rates(self.penalty_rates, self.penalty_rate)
            if self.is_b2b
            else format_rate(ZERO),
            "indemnite": format_amount(self.charged_indemnity),
            # Optional: the paragraph or item naming it vanishes while nothing is due.
            "interets_legaux": format_amount(self.charged_legal_interest)
            if self.charged_legal_interest
            else "",
            "taux_interets_legaux": format_rate(ZERO)
            if self.is_b2b
            else format_rates(self.legal_interest_rates, ZERO),
            "total_reclame": format_amount(self.total_claimed),
            "societe.nom": company.name,
            "societe.ville": company.city,
            "societe.iban": company.iban,
            "societe.bic": company.bic,
            "signataire.nom": self.signatory_name,
            "signataire.fonction": self.signatory_function,
            "delai_jours": str(self.payment_delay_days),
            "date": long_date(self.letter_date),
        }


def format_rates(spans: tuple[RateSpan, ...], fallback: Decimal) -> str:
    """The rates applied: « 12,15 % », or when the period spans several semesters whose rates
    differ, each one: « 13,15 % jusqu'au 30/06/2025, puis 12,15 % »."""
    if len(spans) <= 1:
        return format_rate(spans[0].rate if spans else fallback)
    earlier = [f"{format_rate(span.rate)} jusqu'au {short_date(span.last_day)}" for span in spans]
    return f"{', '.join(earlier[:-1])}, puis {format_rate(spans[-1].rate)}"


def check_postal_address(customer: str, lines: tuple[str, ...]) -> None:
    """A printed letter goes in a window envelope: it needs a postal address to show."""
    if not any(line.strip() for line in lines):
        raise RuleViolation(
            f"Le client {customer} n'a pas d'adresse postale : complétez sa fiche (adresse, "
            "code postal, ville).",
            "no_postal_address",
        )


def long_date(day: date) -> str:
    """« 27 novembre 2026 », « 1er décembre 2026 »."""
    number = "1er" if day.day == 1 else str(day.day)
    return f"{number} {MONTHS[day.month - 1]} {day.year}"


def short_date(day: date) -> str:
    """« 27/11/2026 » (formatted by hand: strftime is slow and follows the process locale)."""
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


# --- Composition ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    text: str
    bold: bool = False


Runs = tuple[Run, ...]


@dataclass(frozen=True)
class LetterContent:
    """One composed letter: what the typst layout prints, as plain data."""

    company: Letterhead
    recipient: tuple[str, ...]
    place_date: str
    is_formal_notice: bool
    subject: Runs
    blocks: tuple[dict[str, Any], ...]  # paragraph {runs}, list {items}, table {rows, total}
    signatory: tuple[str, str]
    letter_date: date

    @property
    def subject_text(self) -> str:
        return "".join(run.text for run in self.subject)

    def as_dict(self) -> dict[str, Any]:
        company = self.company
        return {
            "company": {
                "name": company.name,
                "address": list(company.address_lines),
                "siren": company.siren,
                "iban": company.iban,
                "bic": company.bic,
                "phone": company.phone,
                "email": company.email,
                "legal": list(company.legal_mentions()),
                "bank": list(company.bank_details()),
            },
            "recipient": list(self.recipient),
            "place_date": self.place_date,
            "formal_notice": self.is_formal_notice,
            "subject": _runs_json(self.subject),
            "blocks": list(self.blocks),
            "signatory": {"name": self.signatory[0], "function": self.signatory[1]},
        }

    def as_json(self) -> str:
        return json.dumps(self.as_dict(), ensure_ascii=False)


def compose_letter(template: LetterTemplateText, context: LetterContext) -> LetterContent:
    """Fill a checked template for one debtor; [B2B: …] blocks vanish for consumers."""
    values = context.values()
    blocks: list[dict[str, Any]] = []
    for block in template.blocks[context.is_b2b]:
        if block.kind == "table":
            blocks.append(_table(context))
            if context.disputed_total:
                note = out_of_dispute_note(context.disputed_total)
                blocks.append({"kind": "paragraph", "runs": [{"text": note, "bold": False}]})
            continue
        if _names_nil_optional(block, values):
            continue
        runs = _fill(block.pieces, values)
        if not runs:
            continue
        if block.kind == "paragraph":
            blocks.append({"kind": "paragraph", "runs": _runs_json(runs)})
        elif blocks and blocks[-1]["kind"] == "list":
            blocks[-1]["items"].append(_runs_json(runs))
        else:
            blocks.append({"kind": "list", "items": [_runs_json(runs)]})
    subject = [_fill(b.pieces, values) for b in template.subject_blocks[context.is_b2b]]
    place = context.place or context.company.city
    return LetterContent(
        company=context.company,
        recipient=tuple(filter(None, (context.customer_name, *context.recipient_address))),
        place_date=f"{place}, le {values['date']}" if place else f"Le {values['date']}",
        is_formal_notice=context.is_formal_notice,
        subject=tuple(run for runs in subject for run in runs),
        blocks=tuple(blocks),
        signatory=(context.signatory_name, context.signatory_function),
        letter_date=context.letter_date,
    )


_SPACES = re.compile(r"[ \t\r\n]+")  # not the no-break spaces inside amounts
_DOUBLE_SPACES = re.compile(r"(?<=\S)  +")  # within a line, not its indentation


def _names_nil_optional(block: Block, values: dict[str, str]) -> bool:
    """A paragraph or item naming an optional amount that is nil does not print."""
    return any(
        piece.kind == "var" and piece.text in OPTIONAL_VARIABLES and not values[piece.text]
        for piece in block.pieces
    )


def _fill(pieces: list[Token], values: dict[str, str]) -> Runs:
    runs: list[list[Any]] = []  # [text, bold]
    bold = after_empty = False
    for piece in pieces:
        if piece.kind == "bold":
            bold = not bold
            continue
        text = _SPACES.sub(" ", values[piece.text] if piece.kind == "var" else piece.text)
        if after_empty and runs and text[:1] in (" ", ",", "."):
            runs[-1][0] = runs[-1][0].rstrip()  # « Madame, Monsieur , » without an empty name
        after_empty = piece.kind == "var" and not text
        if runs and runs[-1][0].endswith(" ") and text.startswith(" "):
            text = text[1:]
        if runs and runs[-1][1] == bold:
            runs[-1][0] += text
        else:
            runs.append([text, bold])
    if runs:
        runs[0][0] = runs[0][0].lstrip()
        runs[-1][0] = runs[-1][0].rstrip()
    return tuple(Run(text, is_bold) for text, is_bold in runs if text)


def _runs_json(runs: Runs) -> list[dict[str, Any]]:
    return [{"text": run.text, "bold": run.bold} for run in runs]


def _table(context: LetterContext) -> dict[str, Any]:
    rows = [
        [
            row.piece,
            short_date(row.piece_date),
            short_date(row.due_date),
            str(row.days_late),
            format_amount(row.open_amount),
        ]
        for row in context.echeances
    ]
    return {"kind": "table", "rows": rows, "total": format_amount(context.total_due)}


def compose_text(
    template: LetterTemplateText, context: LetterContext, extra: dict[str, str] | None = None
) -> tuple[str, str]:
    """(subject, body) as plain text for an e-mail: lines kept, bold dropped, échéances listed."""
    values = {**context.values(), **(extra or {})}
    values[TABLE_VARIABLE] = "\n".join(
        f"- {piece} du {issued}, échue le {due} ({days} jours de retard) : {amount}"
        for piece, issued, due, days, amount in _table(context)["rows"]
    )
    if context.disputed_total:
        values[TABLE_VARIABLE] += "\n\n" + out_of_dispute_note(context.disputed_total)
    subject = " ".join(
        "".join(run.text for run in _fill(block.pieces, values))
        for block in template.subject_blocks[context.is_b2b]
    )
    dropped = {
        line
        for block in template.blocks[context.is_b2b]
        if _names_nil_optional(block, values)
        for line in range(block.line, max(piece.line for piece in block.pieces) + 1)
    }
    lines: list[str] = []
    for line in lines_of(template.body_tokens[context.is_b2b]):
        if line and line[0].line in dropped:
            continue
        text = "".join(
            values[t.text] if t.kind == "var" else t.text for t in line if t.kind != "bold"
        ).rstrip()
        text = _DOUBLE_SPACES.sub(" ", text)  # « effet. [B2B: Les… » and « - [B2B: pénalités »
        if text.strip() == "-" or (not text and lines and not lines[-1]):
            continue  # an item emptied by a [B2B: …] block, or a second blank line
        lines.append(text)
    return subject, "\n".join(lines).strip() + "\n"
