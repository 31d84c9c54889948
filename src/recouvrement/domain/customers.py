"""Kinds of debtor: the law treats professionals (B2B) and consumers (B2C) differently (B2)."""

from enum import StrEnum

from recouvrement.domain.rules import RuleViolation


class CustomerKind(StrEnum):
    B2B = "b2b"
    B2C = "b2c"

    @property
    def label(self) -> str:
        return {"b2b": "Professionnel", "b2c": "Particulier"}[self]


# Payment terms in days: beyond a year is a typing error (and 99 999 999 999 days would put
# the due date past year 9999, which no date can hold).
MAX_PAYMENT_TERMS_DAYS = 365


def check_payment_terms(days: int | None, label: str = "délai de paiement") -> None:
    """The customer's payment terms, from 0 to MAX_PAYMENT_TERMS_DAYS days (RuleViolation)."""
    if days is None or not 0 <= days <= MAX_PAYMENT_TERMS_DAYS:
        raise RuleViolation(
            f"Le {label} va de 0 à {MAX_PAYMENT_TERMS_DAYS} jours ({days} refusé).",
            "payment_terms_out_of_range",
        )
