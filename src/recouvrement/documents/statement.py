"""« Relevé de compte » to PDF: a customer's open échéances at a date, on the company's
letterhead, through the letters' typst compiler (`render`: one compiler, its lock and cache)."""

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal

from recouvrement.documents import render
from recouvrement.domain.disputes import DISPUTED_LABEL, OUT_OF_DISPUTE
from recouvrement.domain.letters import Letterhead, long_date, short_date
from recouvrement.domain.money import format_amount

STATEMENT_LAYOUT = render.TEMPLATES / "statement.typ"
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class StatementRow:
    piece: str
    piece_date: date
    due_date: date
    days_late: int
    amount: Decimal
    open_amount: Decimal
    disputed: bool = False  # in an open litige: shown, marked, and not in the claimed total

    @property
    def piece_label(self) -> str:
        return f"{self.piece} — {DISPUTED_LABEL}" if self.disputed else self.piece


@dataclass(frozen=True, kw_only=True)
class Statement:
    """What the statement prints: the sender, the customer, the échéances open at `as_of`."""

    company: Letterhead
    customer_code: str
    customer_name: str
    recipient: tuple[str, ...]  # the customer's name and postal lines
    rows: tuple[StatementRow, ...]
    as_of: date  # the date of the balance
    printed_on: date  # the date of the document

    @property
    def total_amount(self) -> Decimal:
        return sum((row.amount for row in self.rows), ZERO)

    @property
    def total_open(self) -> Decimal:
        return sum((row.open_amount for row in self.rows), ZERO)

    @property
    def overdue(self) -> Decimal:
        return sum((row.open_amount for row in self.rows if row.days_late > 0), ZERO)

    @property
    def disputed_total(self) -> Decimal:
        """What the échéances in litige still owe: shown, not claimed (B10)."""
        return sum((row.open_amount for row in self.rows if row.disputed), ZERO)

    @property
    def total_claimed(self) -> Decimal:
        """The total due « hors montants en litige »."""
        return self.total_open - self.disputed_total

    def _summary(self, as_of: str) -> list[str]:
        if not self.rows:
            return []
        lines = [
            "Sauf erreur ou omission de notre part, le solde de votre compte s'élève à "
            f"{format_amount(self.total_open)} au {as_of}"
            + (f", dont {format_amount(self.overdue)} échus." if self.overdue else ".")
        ]
        if self.disputed_total:
            lines.append(
                f"Total dû {OUT_OF_DISPUTE} : {format_amount(self.total_claimed)} ; les "
                f"échéances marquées « {DISPUTED_LABEL} » ({format_amount(self.disputed_total)}) "
                "ne vous sont pas réclamées tant que le litige est ouvert."
            )
        return lines

    def as_dict(self) -> dict:
        company = self.company
        as_of = short_date(self.as_of)
        return {
            "company": {
                "name": company.name,
                "address": list(company.address_lines),
                "phone": company.phone,
                "email": company.email,
                "legal": list(company.legal_mentions()),
                "bank": list(company.bank_details()),
            },
            "recipient": list(self.recipient),
            "place_date": f"{company.city or ''}, le {long_date(self.printed_on)}".lstrip(", "),
            "title": f"Relevé de compte au {as_of}",
            "customer": f"Client : {self.customer_code} — {self.customer_name}",
            "rows": [
                [
                    row.piece_label,
                    short_date(row.piece_date),
                    short_date(row.due_date),
                    str(row.days_late) if row.days_late else "—",
                    format_amount(row.amount),
                    format_amount(row.open_amount),
                ]
                for row in self.rows
            ],
            "total_amount": format_amount(self.total_amount),
            "total_open": format_amount(self.total_open),
            "claimed": (
                [f"Total {OUT_OF_DISPUTE}", format_amount(self.total_claimed)]
                if self.disputed_total
                else []
            ),
            "summary": self._summary(as_of),
            "empty": f"Aucune échéance ouverte au {as_of} : votre compte est à jour.",
        }


def render_statement(statement: Statement) -> bytes:
    """The statement's PDF (`LetterRenderingError` when typst fails)."""
    data = statement.as_dict()
    inputs = {"logos": "{}"}
    logo = statement.company.logo
    if logo is not None:
        data["company"]["logo"] = "logo-0"
        inputs["logos"] = json.dumps(
            {"logo-0": {"format": logo.format.value, "bytes": list(logo.content)}},
            separators=(",", ":"),
        )
    inputs["statement"] = json.dumps(data, ensure_ascii=False)
    # A fixed creation date makes the same statement give the same bytes.
    stamp = datetime.combine(statement.printed_on, time(), tzinfo=UTC)
    pages = max(1, len(statement.rows) // 30)
    return render.compile_layout(
        STATEMENT_LAYOUT, inputs, stamp, pages=pages, what="du relevé de compte"
    )
