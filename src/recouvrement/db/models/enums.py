"""Django `choices` built from the domain's enums, so labels are declared once."""

from enum import StrEnum


def choices_of(enum: type[StrEnum]) -> list[tuple[str, str]]:
    return [(member.value, member.label) for member in enum]


def values_of(*members: StrEnum) -> list[str]:
    return [m.value for m in members]
