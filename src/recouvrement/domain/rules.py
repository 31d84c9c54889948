"""The one exception the domain raises when a business rule forbids something."""


class RuleViolation(ValueError):
    """A business rule forbids the requested change; `message` is French and names the rule."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
