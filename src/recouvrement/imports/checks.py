"""The checks of a plan's rows (plain Python): dates within bounds, amounts that make sense,
codes, names and references no longer than what is kept — refused with their line, never cut."""

from datetime import date

from recouvrement.imports.csv_items import OpenItem
from recouvrement.imports.fec import FecLine
from recouvrement.imports.fields import LineError

EARLIEST, LATEST = date(1950, 1, 1), date(2099, 12, 31)
CODE_MAX = 17  # the columns the plan's texts go to: customer code and name, piece reference
TEXT_LIMITS = {"code client": CODE_MAX, "nom du client": 100, "référence de pièce": 35}


def fec_texts(line: FecLine, code: str, name: str, opening: bool) -> list[tuple[str, str, str]]:
    """(column, what, value) of the texts a FEC line gives the customer and the échéance."""
    texts = [
        ("CompAuxNum" if line.CompAuxNum else "CompteNum", "code client", code),
        ("CompAuxLib" if line.CompAuxLib else "CompteLib", "nom du client", name),
    ]
    if not opening:
        column = "PieceRef" if line.PieceRef else "EcritureNum"
        texts.append((column, "référence de pièce", line.PieceRef or line.EcritureNum))
    return texts


def too_long(number: int, texts: list[tuple[str, str, str]]) -> LineError | None:
    """A code, name or reference longer than what is kept is refused, never cut: two codes
    cut to the same 17 characters would merge two customers."""
    for column, what, value in texts:
        limit = TEXT_LIMITS[what]
        if len(value) > limit:
            return LineError(
                number,
                column,
                value,
                f"Ligne {number} : {what} « {value[:40]}{'…' if len(value) > 40 else ''} » trop "
                f"long ({len(value)} caractères, {limit} au plus) ({column})",
            )
    return None


def check_item(row: OpenItem) -> LineError | None:
    number = row.line_number
    for name, value in (("date pièce", row.piece_date), ("échéance", row.due_date)):
        if value is not None and not EARLIEST <= value <= LATEST:
            return out_of_range(number, name, value)
    if row.open_amount < 0:  # a credit note: both amounts negative
        if row.amount is not None and (row.amount > 0 or row.open_amount < row.amount):
            return LineError(
                number,
                "reste dû",
                str(row.open_amount),
                f"Ligne {number} : reste dû {row.open_amount} négatif avec un montant "
                f"{row.amount} : un avoir a ses deux montants négatifs, le reste dû ne "
                "dépassant pas le montant",
            )
    elif row.amount is not None and row.amount <= 0:
        return LineError(
            number,
            "montant",
            str(row.amount),
            f"Ligne {number} : montant {row.amount} invalide (il doit être positif)",
        )
    elif row.amount is not None and row.open_amount > row.amount:
        return LineError(
            number,
            "reste dû",
            str(row.open_amount),
            f"Ligne {number} : reste dû {row.open_amount} supérieur au montant {row.amount}",
        )
    if row.amount is None and row.open_amount == 0:
        return LineError(
            number,
            "reste dû",
            "0",
            f"Ligne {number} : reste dû nul sans montant de la pièce",
        )
    if not row.piece_ref:
        return LineError(number, "pièce", "", f"Ligne {number} : référence de pièce manquante")
    return None


def out_of_range(number: int, field: str, value: date) -> LineError:
    return LineError(
        number,
        field,
        value.isoformat(),
        f"Ligne {number} : date {value:%d/%m/%Y} hors des bornes admises "
        f"({EARLIEST:%Y}–{LATEST:%Y}) ({field})",
    )
