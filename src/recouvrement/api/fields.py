"""Value types the API's resource schemas share: money out as a string with two decimals
(« 1234.56 »), money in as a decimal of at most two places, and row ids within what the
database holds (a larger one would be a 500 rather than « introuvable »)."""

from decimal import Decimal
from typing import Annotated

from pydantic import Field, PlainSerializer, WithJsonSchema

from recouvrement.web.forms import MAX_ID

CENT = Decimal("0.01")
MONEY_PATTERN = r"^-?\d+\.\d{2}$"


def money_text(value: Decimal) -> str:
    """`Decimal("1234.5")` → "1234.50"."""
    return str(Decimal(value).quantize(CENT) + 0)  # « -0.00 » is 0.00


Money = Annotated[
    Decimal,
    PlainSerializer(money_text, return_type=str),
    WithJsonSchema(
        {"type": "string", "pattern": MONEY_PATTERN, "examples": ["1234.56"]},
        mode="serialization",
    ),
]
MoneyIn = Annotated[
    Decimal,
    Field(max_digits=12, decimal_places=2, allow_inf_nan=False, examples=["1234.56"]),
]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
