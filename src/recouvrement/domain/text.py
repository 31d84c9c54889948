"""Text a user or a file gives: what is refused before it is stored (PRODUCT §8)."""

import re
import unicodedata

# Control characters: PostgreSQL refuses NUL in a text column, and no letter prints the others.
# Tab, line feed and carriage return are text.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def control_character(text: str) -> str | None:
    """The first control character of `text`, as « U+0000 », or None."""
    found = CONTROL_CHARACTERS.search(text)
    return f"U+{ord(found.group()):04X}" if found else None


# Letters NFKD does not split: what French names and words use.
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})


def search_key(text: str) -> str:
    """`text` without accents, in lower case, for a search: « Éclairage Cœur » → « eclairage
    coeur ». The database compares with the same function (`db.functions.SearchKey`)."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def digits(text: str) -> str:
    """The digits of `text` (« 04 78 42 17 30 » → « 0478421730 »), for a phone search."""
    return "".join(c for c in text if c.isascii() and c.isdigit())
