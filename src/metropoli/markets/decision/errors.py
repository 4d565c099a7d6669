"""Errors and warnings of the decision matrix.

Each carries a stable ``code`` (what the API returns and tests assert on) and a Spanish
``message`` for staff, because es-MX is the default language; ``params`` keeps the raw values so
the API layer can re-render the message in another language without parsing Spanish text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class DecisionError(ValueError):
    """Input that the decision matrix cannot rank."""

    def __init__(self, code: str, message: str, **params: Any) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.params = params

    def __repr__(self) -> str:
        return f"DecisionError(code={self.code!r}, message={self.message!r})"


@dataclass(frozen=True)
class DecisionWarning:
    """Something staff should know about a result that was still computed."""

    code: str
    message: str
    params: dict[str, Any] = field(default_factory=dict)
