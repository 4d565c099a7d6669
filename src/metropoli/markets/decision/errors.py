"""Errors and warnings of the decision matrix.

Each error is a `DomainError` (common/errors.py, pure) with a stable ``code`` (what tests assert
on) and a Spanish ``message`` for staff, because es-MX is the default language; ``params`` keeps
the raw values so the message can be re-rendered in another language without parsing Spanish.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from metropoli.common.errors import DomainError, ErrorCode


class DecisionErrorCode(ErrorCode):
    """Why the decision matrix cannot rank its input."""

    DUPLICATE_ALTERNATIVE = "duplicate_alternative"
    DUPLICATE_CRITERION = "duplicate_criterion"
    INVALID_ALTERNATIVE_NAME = "invalid_alternative_name"
    INVALID_CHANGE = "invalid_change"
    INVALID_CRITERION_KEY = "invalid_criterion_key"
    INVALID_DIRECTION = "invalid_direction"
    INVALID_MATRIX = "invalid_matrix"
    NO_CRITERIA = "no_criteria"
    NO_DISCRIMINATING_CRITERION = "no_discriminating_criterion"
    SHAPE_MISMATCH = "shape_mismatch"
    TOO_FEW_ALTERNATIVES = "too_few_alternatives"
    VALUE_NOT_FINITE = "value_not_finite"
    WEIGHT_NOT_POSITIVE = "weight_not_positive"


class DecisionError(DomainError, ValueError):
    """Input that the decision matrix cannot rank: a `DecisionErrorCode`, the message for staff
    (Spanish, written out) and the raw values in ``params``."""

    def __init__(self, code: str, message: str, **params: Any) -> None:
        # Written out already: a "%" in it (from a name) is text, not a placeholder.
        super().__init__(
            DecisionErrorCode(code), message.replace("%", "%%") if params else message, **params
        )


@dataclass(frozen=True)
class DecisionWarning:
    """Something staff should know about a result that was still computed."""

    code: str
    message: str
    params: dict[str, Any] = field(default_factory=dict)
