"""Kinds of debtor: the law treats professionals (B2B) and consumers (B2C) differently (B2)."""

from enum import StrEnum


class CustomerKind(StrEnum):
    B2B = "b2b"
    B2C = "b2c"

    @property
    def label(self) -> str:
        return {"b2b": "Professionnel", "b2c": "Particulier"}[self]
