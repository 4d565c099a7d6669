"""The openSenseMap JSON-array upload: ``[{"sensor": "<id>", "value": "12.3", ...}]``."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from metropoli.common.i18n import gettext_noop

from .decoding import MAX_VALUES, in_range, is_json_number, load_json, numeric, raw_value
from .errors import A_LIST, A_STRING, AN_OBJECT, ErrorCode, PayloadError, require, wrong_type
from .value_types import UNKNOWN_PREFIX

_OPENSENSEMAP_ID = re.compile(r"[0-9a-fA-F]{24}")


@dataclass(frozen=True, slots=True)
class OpenSenseMapMeasurement:
    sensor_id: str
    quantity: str
    unit: str | None
    value: Decimal
    raw: str
    created_at: datetime | None
    location: tuple[Decimal, Decimal, Decimal | None] | None


def _timestamp(value: Any, where: str) -> datetime:
    if not isinstance(value, str):
        raise wrong_type(f"{where}.createdAt", A_STRING)
    try:
        # Python 3.11 reads RFC 3339 including the "Z" suffix.
        moment = datetime.fromisoformat(value)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None or moment.utcoffset() is None:
        raise PayloadError(
            ErrorCode.INVALID_TIMESTAMP,
            gettext_noop("“createdAt” of %(where)s must be an RFC 3339 date with a time zone."),
            where=where,
        )
    return moment


def _location(value: Any, where: str) -> tuple[Decimal, Decimal, Decimal | None]:
    # openSenseMap accepts [lng, lat] or [lng, lat, height], or {"lng", "lat", "height"?}.
    lng: Any = None
    lat: Any = None
    height: Any = None
    if isinstance(value, list) and len(value) in (2, 3):
        lng, lat = value[0], value[1]
        height = value[2] if len(value) == 3 else None
    elif isinstance(value, dict):
        lng, lat, height = value.get("lng"), value.get("lat"), value.get("height")
    parts_ok = (
        is_json_number(lng)
        and is_json_number(lat)
        and (height is None or (is_json_number(height) and in_range(Decimal(height))))
    )
    if not parts_ok or not (-180 <= lng <= 180 and -90 <= lat <= 90):
        raise PayloadError(
            ErrorCode.INVALID_LOCATION,
            gettext_noop("“location” of %(where)s is not a valid position."),
            where=where,
        )
    return Decimal(lng), Decimal(lat), None if height is None else Decimal(height)


def parse_opensensemap(
    body: bytes,
    *,
    sensors: Mapping[str, tuple[str, str | None]] | None = None,
) -> list[OpenSenseMapMeasurement]:
    """Parse an openSenseMap JSON-array upload.

    The format carries no quantity, only the box's sensor ids, so ``sensors`` maps each known
    id to ``(quantity, unit)``; ids not in it are kept as ``"unknown:<sensor id>"``.
    """
    data = load_json(body)
    if not isinstance(data, list):
        raise wrong_type(gettext_noop("request body"), A_LIST)
    if len(data) > MAX_VALUES:
        raise PayloadError(
            ErrorCode.TOO_MANY_VALUES,
            gettext_noop("The upload has %(count)s measurements; the maximum is %(limit)s."),
            count=len(data),
            limit=MAX_VALUES,
        )
    known = sensors or {}
    measurements = []
    for position, item in enumerate(data):
        where = f"[{position}]"
        if not isinstance(item, dict):
            raise wrong_type(where, AN_OBJECT)
        sensor_id = require(item, "sensor")
        if not isinstance(sensor_id, str):
            raise wrong_type(f"{where}.sensor", A_STRING)
        if not _OPENSENSEMAP_ID.fullmatch(sensor_id):
            raise PayloadError(
                ErrorCode.INVALID_VALUE_TYPE,
                gettext_noop(
                    "“sensor” of %(where)s is not an openSenseMap id (24 hexadecimal digits)."
                ),
                where=where,
            )
        value = require(item, "value")
        field = f"{where}.value"
        raw = raw_value(value, field)
        quantity, unit = known.get(sensor_id, (UNKNOWN_PREFIX + sensor_id, None))
        measurements.append(
            OpenSenseMapMeasurement(
                sensor_id=sensor_id,
                quantity=quantity,
                unit=unit,
                value=numeric(raw, value, field),
                raw=raw,
                created_at=_timestamp(item["createdAt"], where) if "createdAt" in item else None,
                location=_location(item["location"], where) if "location" in item else None,
            )
        )
    return measurements
