"""Dossier numbers: automatic, unique per company, at most 13 characters (Sage's DR_Num)."""

from recouvrement.domain.rules import RuleViolation

MAX_LENGTH = 13


def dossier_number(year: int, sequence: int) -> str:
    """`dossier_number(2026, 42)` → « R2026-000042 »."""
    number = f"R{year:04d}-{sequence:06d}"
    if len(number) > MAX_LENGTH:
        raise RuleViolation(
            f"Plus de numéros de dossier disponibles pour {year}.", "dossier_numbers_exhausted"
        )
    return number
