"""The airRohr "custom API" post, also in its openSenseMap ``luftdaten=1`` and sensor.community
forms."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from metropoli.common.i18n import gettext_noop

from .decoding import MAX_VALUES, load_json, numeric, parse_number, raw_value
from .errors import A_LIST, A_STRING, AN_OBJECT, ErrorCode, PayloadError, require, wrong_type
from .value_types import PIN_VALUE_TYPES, UNKNOWN_PREFIX, VALUE_TYPES, Kind

MAX_VALUE_TYPE_LENGTH = 64
_VALUE_TYPE = re.compile(r"[A-Za-z0-9_]+")
_CHIP_ID = re.compile(r"[0-9A-Za-z]{1,32}")
_X_SENSOR = re.compile(r"(esp8266|esp32)-([0-9A-Za-z]{1,32})", re.IGNORECASE)
_SHORT_TEXT = re.compile(r"[\x20-\x7e]{1,64}")


@dataclass(frozen=True, slots=True)
class Reading:
    """One normalised value. ``value`` is None for text quantities and unparsable unknown ones."""

    value_type: str
    quantity: str
    unit: str | None
    value: Decimal | None
    raw: str
    sensor_model: str | None

    @property
    def is_known(self) -> bool:
        return not self.quantity.startswith(UNKNOWN_PREFIX)


@dataclass(frozen=True, slots=True)
class AirRohrPost:
    """One airRohr post. ``chip_id`` is the id after the platform prefix (``3912953``)."""

    chip_id: str
    platform: str | None
    mac_id: str | None
    software_version: str | None
    readings: tuple[Reading, ...]
    # X-PIN of a sensor.community-style post (one sensor, prefixes stripped); None otherwise.
    pin: int | None = None

    @property
    def sensor_key(self) -> str:
        """The firmware's own sensor name, e.g. ``esp8266-3912953``."""
        return f"{self.platform or 'esp8266'}-{self.chip_id}"

    def get(self, quantity: str) -> Reading | None:
        """First reading of ``quantity`` (a station may carry two sensors of one quantity)."""
        return next((r for r in self.readings if r.quantity == quantity), None)


def _reading(item: Any, position: int, kinds: Mapping[str, Kind]) -> Reading:
    where = f"sensordatavalues[{position}]"
    if not isinstance(item, dict):
        raise wrong_type(where, AN_OBJECT)
    value_type = require(item, "value_type")
    if not isinstance(value_type, str):
        raise wrong_type(f"{where}.value_type", A_STRING)
    if len(value_type) > MAX_VALUE_TYPE_LENGTH or not _VALUE_TYPE.fullmatch(value_type):
        # The name may end up in a quantity column ("unknown:<value_type>"), so it stays short
        # and plain; the message does not echo it back.
        raise PayloadError(
            ErrorCode.INVALID_VALUE_TYPE,
            gettext_noop(
                "The “value_type” of %(where)s is not valid (only letters, digits and “_”, up "
                "to %(limit)s characters)."
            ),
            where=where,
            limit=MAX_VALUE_TYPE_LENGTH,
        )
    value = require(item, "value")
    raw = raw_value(value, value_type)
    kind = kinds.get(value_type)
    if kind is None:
        # Kept, not dropped: new firmware sensors must not lose data before we map them.
        return Reading(
            value_type=value_type,
            quantity=UNKNOWN_PREFIX + value_type,
            unit=None,
            value=parse_number(raw, value),
            raw=raw,
            sensor_model=None,
        )
    if not kind.numeric:
        if not isinstance(value, str):
            raise wrong_type(value_type, A_STRING)
        return Reading(value_type, kind.quantity, None, None, raw, kind.sensor_model)
    return Reading(
        value_type=value_type,
        quantity=kind.quantity,
        unit=kind.unit,
        value=numeric(raw, value, value_type),
        raw=raw,
        sensor_model=kind.sensor_model,
    )


def _readings(values: Any, kinds: Mapping[str, Kind]) -> tuple[Reading, ...]:
    if not isinstance(values, list):
        raise wrong_type("sensordatavalues", A_LIST)
    if len(values) > MAX_VALUES:
        raise PayloadError(
            ErrorCode.TOO_MANY_VALUES,
            gettext_noop("“sensordatavalues” has %(count)s values; the maximum is %(limit)s."),
            count=len(values),
            limit=MAX_VALUES,
        )
    readings = tuple(_reading(item, position, kinds) for position, item in enumerate(values))
    seen: set[str] = set()
    for reading in readings:
        if reading.value_type in seen:
            # Two values for one value_type: we could not tell which is right.
            raise PayloadError(
                ErrorCode.DUPLICATE_VALUE_TYPE,
                gettext_noop("The “value_type” “%(value_type)s” appears more than once."),
                value_type=reading.value_type,
            )
        seen.add(reading.value_type)
    return readings


def _header(headers: Mapping[str, str], name: str) -> str | None:
    # HTTP header names are case-insensitive; a plain dict from a test or a WSGI shim is not.
    wanted = name.lower()
    for key, value in headers.items():
        if isinstance(key, str) and key.lower() == wanted:
            if not isinstance(value, str):
                raise PayloadError(
                    ErrorCode.INVALID_HEADER,
                    gettext_noop("The header “%(header)s” is not valid."),
                    header=name,
                )
            return value.strip()
    return None


def _optional_text(body: Mapping[str, Any], field: str) -> str | None:
    if field not in body:
        return None
    value = body[field]
    if not isinstance(value, str):
        raise wrong_type(field, A_STRING)
    if not _SHORT_TEXT.fullmatch(value):
        raise PayloadError(
            ErrorCode.INVALID_FIELD,
            gettext_noop("The field “%(field)s” is not valid."),
            field=field,
        )
    return value


def parse_airrohr(headers: Mapping[str, str], body: bytes) -> AirRohrPost:
    """Parse one airRohr custom-API (or openSenseMap ``luftdaten=1``) post."""
    data = load_json(body)
    if not isinstance(data, dict):
        raise wrong_type(gettext_noop("request body"), AN_OBJECT)

    platform: str | None = None
    header_chip_id: str | None = None
    x_sensor = _header(headers, "X-Sensor")
    if x_sensor is not None:
        match = _X_SENSOR.fullmatch(x_sensor)
        if match is None:
            raise PayloadError(
                ErrorCode.INVALID_HEADER,
                gettext_noop(
                    "The “X-Sensor” header must look like “esp8266-<id>” or “esp32-<id>”."
                ),
            )
        platform, header_chip_id = match.group(1).lower(), match.group(2)

    body_chip_id = _optional_text(data, "esp8266id")
    if body_chip_id is not None and not _CHIP_ID.fullmatch(body_chip_id):
        raise PayloadError(
            ErrorCode.INVALID_FIELD,
            gettext_noop("The field “%(field)s” is not valid."),
            field="esp8266id",
        )
    # ESP32 chip ids are hex, so they are compared without case.
    if (
        header_chip_id is not None
        and body_chip_id is not None
        and header_chip_id.lower() != body_chip_id.lower()
    ):
        raise PayloadError(
            ErrorCode.SENSOR_MISMATCH,
            gettext_noop(
                "The id in the body (“esp8266id” = %(body_id)s) does not match the “X-Sensor” "
                "header (%(header)s)."
            ),
            body_id=body_chip_id,
            header=x_sensor,
        )
    chip_id = body_chip_id if body_chip_id is not None else header_chip_id
    if chip_id is None:
        raise PayloadError(
            ErrorCode.MISSING_FIELD,
            gettext_noop("The sensor id is missing (“esp8266id” or the “X-Sensor” header)."),
            field="esp8266id",
        )

    mac_id = _header(headers, "X-MAC-ID")
    if mac_id is not None and not _SHORT_TEXT.fullmatch(mac_id):
        raise PayloadError(
            ErrorCode.INVALID_HEADER,
            gettext_noop("The header “%(header)s” is not valid."),
            header="X-MAC-ID",
        )
    kinds = VALUE_TYPES
    pin: int | None = None
    x_pin = _header(headers, "X-PIN")
    if x_pin is not None:
        pin = int(x_pin) if x_pin.isascii() and x_pin.isdigit() and len(x_pin) < 4 else None
        pin_kinds = PIN_VALUE_TYPES.get(pin) if pin is not None else None
        if pin_kinds is None:
            raise PayloadError(
                ErrorCode.INVALID_HEADER,
                gettext_noop("The header “%(header)s” is not valid."),
                header="X-PIN",
            )
        kinds = pin_kinds
    return AirRohrPost(
        chip_id=chip_id,
        platform=platform,
        mac_id=mac_id or None,
        software_version=_optional_text(data, "software_version"),
        readings=_readings(require(data, "sensordatavalues"), kinds),
        pin=pin,
    )
