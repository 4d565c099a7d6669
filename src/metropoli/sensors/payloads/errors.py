"""Refusals: the stable codes of ``PayloadError`` and the messages shared by both formats."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from metropoli.common.i18n import gettext_noop


class ErrorCode(StrEnum):
    """Stable machine codes of ``PayloadError`` (clients may rely on them)."""

    PAYLOAD_TOO_LARGE = "payload_too_large"
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


class PayloadError(ValueError):
    """Refused payload. ``template % params`` is the Spanish message.

    The template is kept apart from its parameters so the Django layer can translate it
    (``gettext(error.template) % error.params``) into the request's language.
    """

    def __init__(self, code: ErrorCode, template: str, **params: object) -> None:
        self.code = code
        self.template = template
        self.params = params
        self.message = template % params if params else template
        super().__init__(code, self.message)

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


def require(obj: Mapping[str, Any], field: str) -> Any:
    if field not in obj:
        raise PayloadError(
            ErrorCode.MISSING_FIELD,
            gettext_noop("Falta el campo obligatorio «%(field)s»."),
            field=field,
        )
    return obj[field]


def wrong_type(field: str, expected: str) -> PayloadError:
    return PayloadError(
        ErrorCode.WRONG_TYPE,
        gettext_noop("El campo «%(field)s» debe ser %(expected)s."),
        field=field,
        expected=expected,
    )


# Spanish descriptions used inside wrong_type messages.
AN_OBJECT = gettext_noop("un objeto JSON")
A_LIST = gettext_noop("una lista")
A_STRING = gettext_noop("una cadena de texto")
A_STRING_OR_NUMBER = gettext_noop("una cadena de texto o un número")
