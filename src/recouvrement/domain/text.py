"""Text a user or a file gives: what is refused before it is stored (PRODUCT §8)."""

import re

# Control characters: PostgreSQL refuses NUL in a text column, and no letter prints the others.
# Tab, line feed and carriage return are text.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def control_character(text: str) -> str | None:
    """The first control character of `text`, as « U+0000 », or None."""
    found = CONTROL_CHARACTERS.search(text)
    return f"U+{ord(found.group()):04X}" if found else None
