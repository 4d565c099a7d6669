"""Untrusted bytes to JSON, and JSON values to the numbers a sensor meant.

Shared by both formats: the size limit, strict JSON (NaN and Infinity refused, numbers as
``Decimal``), and plain decimal notation for values sent as text.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

from metropoli.common.i18n import gettext_noop

from .errors import A_STRING_OR_NUMBER, ErrorCode, PayloadError, wrong_type

# Far above a real post (the largest firmware configuration sends well under 4 KiB) and small
# enough that parsing cannot be used to exhaust memory or CPU.
MAX_BODY_BYTES = 16 * 1024
# A fully equipped airRohr sends about 40 values per cycle; more is not a real sensor.
MAX_VALUES = 100
MAX_RAW_VALUE_LENGTH = 64
# No reading of any supported quantity comes near 10^12 (the largest are loop counters of about
# 10^7); the limit keeps absurd numbers out of database columns.
MAX_ABS_VALUE = Decimal(10) ** 12

# Plain decimal notation, as Arduino's String(float) prints it. Exponents, "nan", "inf", "ovf",
# underscores and surrounding spaces (all accepted by Decimal()) are refused on purpose.
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")


def load_json(body: bytes) -> Any:
    if not isinstance(body, bytes | bytearray | memoryview):
        raise TypeError("body must be bytes")
    if len(body) > MAX_BODY_BYTES:
        raise PayloadError(
            ErrorCode.PAYLOAD_TOO_LARGE,
            gettext_noop("The request body exceeds the maximum of %(limit)s bytes."),
            limit=MAX_BODY_BYTES,
        )
    try:
        text = bytes(body).decode("utf-8")
    except UnicodeDecodeError as error:
        raise PayloadError(
            ErrorCode.INVALID_ENCODING,
            gettext_noop("The request body is not encoded in UTF-8."),
        ) from error

    def refuse_constant(name: str) -> Any:
        raise PayloadError(
            ErrorCode.NON_NUMERIC_VALUE,
            gettext_noop("The JSON contains “%(constant)s”, which is not a valid number."),
            constant=name,
        )

    try:
        # Decimal for JSON numbers keeps 18.4 exact; NaN/Infinity literals are refused.
        return json.loads(text, parse_float=Decimal, parse_constant=refuse_constant)
    except PayloadError:
        raise
    except (ValueError, RecursionError) as error:
        # ValueError covers JSONDecodeError and integers beyond Python's digit limit;
        # RecursionError covers deeply nested arrays, which fit easily in 16 KiB.
        raise PayloadError(
            ErrorCode.INVALID_JSON,
            gettext_noop("The request body is not valid JSON."),
        ) from error


def raw_value(value: Any, field: str) -> str:
    """The value as the sensor sent it, as text; JSON numbers are accepted too."""
    if isinstance(value, str):
        raw = value
    elif isinstance(value, Decimal | int) and not isinstance(value, bool):
        raw = str(value)
    else:
        raise wrong_type(field, A_STRING_OR_NUMBER)
    if len(raw) > MAX_RAW_VALUE_LENGTH:
        raise PayloadError(
            ErrorCode.VALUE_OUT_OF_RANGE,
            gettext_noop("The value of “%(field)s” is too long."),
            field=field,
        )
    return raw


def is_json_number(value: Any) -> bool:
    return isinstance(value, Decimal | int) and not isinstance(value, bool)


def in_range(number: Decimal) -> bool:
    # Plain comparisons, not abs(): abs() applies the decimal context and could trap on a huge
    # exponent such as 1e999999999 coming from JSON.
    return number.is_finite() and -MAX_ABS_VALUE < number < MAX_ABS_VALUE


def parse_number(raw: str, value: Any) -> Decimal | None:
    """Decimal for a plain finite number within ``MAX_ABS_VALUE``; None otherwise."""
    if is_json_number(value):
        number = Decimal(value)
    elif _NUMBER.fullmatch(raw):
        number = Decimal(raw)
    else:
        return None
    return number if in_range(number) else None


def numeric(raw: str, value: Any, field: str) -> Decimal:
    if not is_json_number(value) and not _NUMBER.fullmatch(raw):
        raise PayloadError(
            ErrorCode.NON_NUMERIC_VALUE,
            gettext_noop("The value “%(value)s” of “%(field)s” is not a number."),
            field=field,
            value=raw,
        )
    number = parse_number(raw, value)
    if number is None:
        raise PayloadError(
            ErrorCode.VALUE_OUT_OF_RANGE,
            gettext_noop("The value “%(value)s” of “%(field)s” is out of range."),
            field=field,
            value=raw,
        )
    return number
