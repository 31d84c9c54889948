"""Money: Decimal to the cent, rounded half-up, displayed the French way (1 234,56 €)."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from recouvrement.domain.rules import RuleViolation

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("9999999999.99")  # the money columns: 12 digits, 2 decimals
NARROW_NBSP = "\u202f"  # thousands separator in French typography
NBSP = "\u00a0"  # between the amount and the currency sign


def to_cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def format_amount(amount: Decimal, currency: str = "EUR") -> str:
    """`Decimal("1234.5")` → « 1 234,50 € » (narrow no-break space between thousands)."""
    cents = to_cents(amount)
    sign = "-" if cents < 0 else ""
    units, _, decimals = f"{abs(cents):.2f}".partition(".")
    groups = []
    while units:
        groups.insert(0, units[-3:])
        units = units[:-3]
    symbol = "€" if currency == "EUR" else currency
    return f"{sign}{NARROW_NBSP.join(groups)},{decimals}{NBSP}{symbol}"


def parse_amount(text: str, field: str = "montant") -> Decimal:
    """Read a non-negative amount typed the French or the English way (« 1 234,56 », 1234.56)."""
    cleaned = text.strip().replace(NARROW_NBSP, "").replace(NBSP, "").replace(" ", "")
    cleaned = cleaned.removesuffix("€").replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise RuleViolation(
            f"Le {field} « {text} » n'est pas un nombre.", "amount_not_a_number"
        ) from None
    if not value.is_finite():
        raise RuleViolation(f"Le {field} « {text} » n'est pas un nombre.", "amount_not_a_number")
    check_amount(value, field)
    return to_cents(value) + 0  # « -0 » is 0,00


def check_amount(value: Decimal, field: str = "montant") -> None:
    """A sum of money a user or a file gives: a number, not negative, at most MAX_AMOUNT (the
    columns hold 12 digits, 2 after the point: never rounded nor cut to fit)."""
    value = Decimal(value)  # an int (a form's « or 0 ») as well
    if not value.is_finite():
        raise RuleViolation(f"Le {field} n'est pas un nombre.", "amount_not_a_number")
    if value < 0:
        shown = format_amount(value) if value >= -MAX_AMOUNT else str(value)
        raise RuleViolation(f"Le {field} ne peut pas être négatif ({shown}).", "amount_negative")
    if value > MAX_AMOUNT:
        raise RuleViolation(
            f"Le {field} dépasse {format_amount(MAX_AMOUNT)} (le plus grand montant accepté).",
            "amount_too_large",
        )
