"""Refusals: the stable codes of ``PayloadError`` and the messages shared by both formats."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from metropoli.common import errors
from metropoli.common.errors import DomainError, Kind
from metropoli.common.i18n import gettext_noop


class ErrorCode(errors.ErrorCode):
    """Stable machine codes of ``PayloadError`` (clients may rely on them); a refused body is
    invalid input, but for its size."""

    PAYLOAD_TOO_LARGE = "payload_too_large", Kind.TOO_LARGE
    INVALID_ENCODING = "invalid_encoding"
    INVALID_JSON = "invalid_json"
    WRONG_TYPE = "wrong_type"
    MISSING_FIELD = "missing_field"
    INVALID_VALUE_TYPE = "invalid_value_type"
    DUPLICATE_VALUE_TYPE = "duplicate_value_type"
    TOO_MANY_VALUES = "too_many_values"
    NON_NUMERIC_VALUE = "non_numeric_value"
    VALUE_OUT_OF_RANGE = "value_out_of_range"
    INVALID_FIELD = "invalid_field"
    INVALID_HEADER = "invalid_header"
    SENSOR_MISMATCH = "sensor_mismatch"
    INVALID_TIMESTAMP = "invalid_timestamp"
    INVALID_LOCATION = "invalid_location"


class PayloadError(DomainError):
    """Refused payload. ``template % params`` is the Spanish message (``message``).

    The template is kept apart from its parameters so the edge can translate it into the
    request's language; text parameters (such as ``A_LIST``) are msgids too.
    """

    code: ErrorCode

    def __init__(self, code: ErrorCode, template: str, **params: object) -> None:
        super().__init__(code, template)
        # Set apart: a message parameter may be named like DomainError's own keywords.
        self.params = params

    def render(self, translate: Callable[[str], str] = str) -> str:
        params = {k: translate(v) if isinstance(v, str) else v for k, v in self.params.items()}
        text = translate(self.template)
        return text % params if params else text


def require(obj: Mapping[str, Any], field: str) -> Any:
    if field not in obj:
        raise PayloadError(
            ErrorCode.MISSING_FIELD,
            gettext_noop("The required field “%(field)s” is missing."),
            field=field,
        )
    return obj[field]


def wrong_type(field: str, expected: str) -> PayloadError:
    return PayloadError(
        ErrorCode.WRONG_TYPE,
        gettext_noop("The field “%(field)s” must be %(expected)s."),
        field=field,
        expected=expected,
    )


# Descriptions used inside wrong_type messages.
AN_OBJECT = gettext_noop("a JSON object")
A_LIST = gettext_noop("a list")
A_STRING = gettext_noop("a string")
A_STRING_OR_NUMBER = gettext_noop("a string or a number")
