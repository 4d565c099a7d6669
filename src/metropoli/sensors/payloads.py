"""Parse what DIY sensors post: the airRohr "custom API" body and openSenseMap JSON uploads.

Pure module (no Django): it turns untrusted bytes into normalised readings or raises
``PayloadError`` with a stable ``code`` and a Spanish message. Anything else escaping from here is
a bug; a property test feeds arbitrary bytes to check that.

Formats are those of the airRohr firmware (opendata-stuttgart/sensors-software, NRZ-2024-135),
as summarised in /work/shared/sensors/airrohr_examples.json:

* custom API: one POST per cycle, headers ``X-Sensor: esp8266-<chip id>`` (``esp32-<hex>`` on
  ESP32) and ``X-MAC-ID``, body ``{"esp8266id", "software_version", "sensordatavalues": [...]}``
  with every value a JSON string and ``value_type`` keeping the sensor prefix (``SDS_P1``);
* openSenseMap with ``?luftdaten=1``: the same body without ``esp8266id``; ``parse_airrohr``
  accepts it when the ``X-Sensor`` header is present;
* sensor.community push: one sensor per post, prefixes stripped, ``X-PIN`` naming the sensor
  kind; ``parse_airrohr`` maps the unprefixed names by pin;
* openSenseMap JSON array: ``[{"sensor": "<id>", "value": "12.3", "createdAt": "..."}]``.

In the custom API body, unprefixed ``temperature``/``humidity`` come from a DHT22 and unprefixed
``P1``/``P2`` from a PPD42NS (particle counts, not PM mass), so that is how they are mapped.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

# Far above a real post (the largest firmware configuration sends well under 4 KiB) and small
# enough that parsing cannot be used to exhaust memory or CPU.
MAX_BODY_BYTES = 16 * 1024
# A fully equipped airRohr sends about 40 values per cycle; more is not a real sensor.
MAX_VALUES = 100
MAX_VALUE_TYPE_LENGTH = 64
MAX_RAW_VALUE_LENGTH = 64
# No reading of any supported quantity comes near 10^12 (the largest are loop counters of about
# 10^7); the limit keeps absurd numbers out of database columns.
MAX_ABS_VALUE = Decimal(10) ** 12

UNKNOWN_PREFIX = "unknown:"


def gettext_noop(message: str) -> str:
    """Mark a message for ``makemessages`` without importing Django; translation happens later."""
    return message


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


class Quantity(StrEnum):
    """Normalised quantities. Unknown value types get ``"unknown:<value_type>"`` instead."""

    PM0_1 = "pm0_1"
    PM0_3 = "pm0_3"
    PM0_5 = "pm0_5"
    PM1 = "pm1"
    PM2_5 = "pm2_5"
    PM4 = "pm4"
    PM5 = "pm5"
    PM10 = "pm10"
    COUNT_PM0_1 = "count_pm0_1"
    COUNT_PM0_3 = "count_pm0_3"
    COUNT_PM0_5 = "count_pm0_5"
    COUNT_PM1 = "count_pm1"
    COUNT_PM2_5 = "count_pm2_5"
    COUNT_PM4 = "count_pm4"
    COUNT_PM5 = "count_pm5"
    COUNT_PM10 = "count_pm10"
    TYPICAL_PARTICLE_SIZE = "typical_particle_size"
    PPD_DURATION_P1 = "ppd_duration_p1"
    PPD_RATIO_P1 = "ppd_ratio_p1"
    PPD_COUNT_P1 = "ppd_count_p1"
    PPD_DURATION_P2 = "ppd_duration_p2"
    PPD_RATIO_P2 = "ppd_ratio_p2"
    PPD_COUNT_P2 = "ppd_count_p2"
    TEMPERATURE = "temperature"
    HUMIDITY = "humidity"
    PRESSURE = "pressure"
    CO2 = "co2"
    NOISE_LAEQ = "noise_laeq"
    NOISE_LA_MIN = "noise_la_min"
    NOISE_LA_MAX = "noise_la_max"
    GPS_LAT = "gps_lat"
    GPS_LON = "gps_lon"
    GPS_HEIGHT = "gps_height"
    GPS_TIMESTAMP = "gps_timestamp"
    GPS_DATE = "gps_date"
    GPS_TIME = "gps_time"
    SAMPLES = "samples"
    MIN_LOOP_TIME = "min_loop_time"
    MAX_LOOP_TIME = "max_loop_time"
    SEND_INTERVAL = "send_interval"
    WIFI_SIGNAL = "wifi_signal"


class Unit(StrEnum):
    MICROGRAMS_PER_CUBIC_METRE = "µg/m³"
    PER_CUBIC_CENTIMETRE = "#/cm³"
    PER_HUNDREDTH_CUBIC_FOOT = "pcs/0.01 ft³"
    MICROMETRE = "µm"
    MICROSECOND = "µs"
    MILLISECOND = "ms"
    PERCENT = "%"
    CELSIUS = "°C"
    PASCAL = "Pa"
    PPM = "ppm"
    DECIBEL_A = "dB(A)"
    DBM = "dBm"
    DEGREE = "°"
    METRE = "m"
    COUNT = "1"


@dataclass(frozen=True, slots=True)
class _Kind:
    quantity: Quantity
    unit: Unit | None
    sensor_model: str | None
    numeric: bool = True


def _pm_family(prefix: str, model: str, suffixes: Mapping[str, Quantity]) -> dict[str, _Kind]:
    return {
        f"{prefix}_{suffix}": _Kind(quantity, Unit.MICROGRAMS_PER_CUBIC_METRE, model)
        for suffix, quantity in suffixes.items()
    }


def _counts(
    prefix: str, model: str, suffixes: Mapping[str, Quantity], unit: Unit | None
) -> dict[str, _Kind]:
    return {f"{prefix}_{suffix}": _Kind(q, unit, model) for suffix, q in suffixes.items()}


def _climate(prefix: str, model: str, *, humidity: bool, pressure: bool) -> dict[str, _Kind]:
    kinds = {f"{prefix}_temperature": _Kind(Quantity.TEMPERATURE, Unit.CELSIUS, model)}
    if humidity:
        kinds[f"{prefix}_humidity"] = _Kind(Quantity.HUMIDITY, Unit.PERCENT, model)
    if pressure:
        kinds[f"{prefix}_pressure"] = _Kind(Quantity.PRESSURE, Unit.PASCAL, model)
    return kinds


# In airRohr naming P1 is PM10 and P2 is PM2.5 (historical SDS011 channel names), P0 is PM1.
_PM_BASIC = {"P0": Quantity.PM1, "P1": Quantity.PM10, "P2": Quantity.PM2_5}
_PM_IPS_EXTRA = {
    "P01": Quantity.PM0_1,
    "P03": Quantity.PM0_3,
    "P05": Quantity.PM0_5,
    "P5": Quantity.PM5,
}
_COUNTS_BASIC = {"N1": Quantity.COUNT_PM1, "N10": Quantity.COUNT_PM10, "N25": Quantity.COUNT_PM2_5}
_COUNTS_IPS_EXTRA = {
    "N01": Quantity.COUNT_PM0_1,
    "N03": Quantity.COUNT_PM0_3,
    "N05": Quantity.COUNT_PM0_5,
    "N5": Quantity.COUNT_PM5,
}
_COUNTS_SPS30 = {
    "N05": Quantity.COUNT_PM0_5,
    "N1": Quantity.COUNT_PM1,
    "N25": Quantity.COUNT_PM2_5,
    "N4": Quantity.COUNT_PM4,
    "N10": Quantity.COUNT_PM10,
}

VALUE_TYPES: Mapping[str, _Kind] = {
    **_pm_family("SDS", "SDS011", {"P1": Quantity.PM10, "P2": Quantity.PM2_5}),
    **_pm_family("PMS", "PMSx003", _PM_BASIC),
    **_pm_family("HPM", "HPM", {"P1": Quantity.PM10, "P2": Quantity.PM2_5}),
    **_pm_family("NPM", "NextPM", _PM_BASIC),
    # Unit of NextPM and IPS-7100 number concentrations not confirmed from the firmware: None.
    **_counts("NPM", "NextPM", _COUNTS_BASIC, None),
    **_pm_family("IPS", "IPS-7100", {**_PM_BASIC, **_PM_IPS_EXTRA}),
    **_counts("IPS", "IPS-7100", {**_COUNTS_BASIC, **_COUNTS_IPS_EXTRA}, None),
    **_pm_family("SPS30", "SPS30", {**_PM_BASIC, "P4": Quantity.PM4}),
    # Sensirion's datasheet gives SPS30 number concentrations in #/cm³ and typical size in µm.
    **_counts("SPS30", "SPS30", _COUNTS_SPS30, Unit.PER_CUBIC_CENTIMETRE),
    "SPS30_TS": _Kind(Quantity.TYPICAL_PARTICLE_SIZE, Unit.MICROMETRE, "SPS30"),
    # PPD42NS: low-pulse occupancy time, its ratio, and the derived particle count.
    "durP1": _Kind(Quantity.PPD_DURATION_P1, Unit.MICROSECOND, "PPD42NS"),
    "ratioP1": _Kind(Quantity.PPD_RATIO_P1, Unit.PERCENT, "PPD42NS"),
    "P1": _Kind(Quantity.PPD_COUNT_P1, Unit.PER_HUNDREDTH_CUBIC_FOOT, "PPD42NS"),
    "durP2": _Kind(Quantity.PPD_DURATION_P2, Unit.MICROSECOND, "PPD42NS"),
    "ratioP2": _Kind(Quantity.PPD_RATIO_P2, Unit.PERCENT, "PPD42NS"),
    "P2": _Kind(Quantity.PPD_COUNT_P2, Unit.PER_HUNDREDTH_CUBIC_FOOT, "PPD42NS"),
    "temperature": _Kind(Quantity.TEMPERATURE, Unit.CELSIUS, "DHT22"),
    "humidity": _Kind(Quantity.HUMIDITY, Unit.PERCENT, "DHT22"),
    **_climate("HTU21D", "HTU21D", humidity=True, pressure=False),
    **_climate("SHT3X", "SHT3X", humidity=True, pressure=False),
    **_climate("BMP", "BMP180", humidity=False, pressure=True),
    **_climate("BMP280", "BMP280", humidity=False, pressure=True),
    **_climate("BME280", "BME280", humidity=True, pressure=True),
    **_climate("SCD30", "SCD30", humidity=True, pressure=False),
    "SCD30_co2_ppm": _Kind(Quantity.CO2, Unit.PPM, "SCD30"),
    **_climate("DS18B20", "DS18B20", humidity=False, pressure=False),
    "DNMS_noise_LAeq": _Kind(Quantity.NOISE_LAEQ, Unit.DECIBEL_A, "DNMS"),
    "DNMS_noise_LA_min": _Kind(Quantity.NOISE_LA_MIN, Unit.DECIBEL_A, "DNMS"),
    "DNMS_noise_LA_max": _Kind(Quantity.NOISE_LA_MAX, Unit.DECIBEL_A, "DNMS"),
    "GPS_lat": _Kind(Quantity.GPS_LAT, Unit.DEGREE, "GPS"),
    "GPS_lon": _Kind(Quantity.GPS_LON, Unit.DEGREE, "GPS"),
    "GPS_height": _Kind(Quantity.GPS_HEIGHT, Unit.METRE, "GPS"),
    # Date and time are text; current firmware sends GPS_timestamp, older builds date and time.
    "GPS_timestamp": _Kind(Quantity.GPS_TIMESTAMP, None, "GPS", numeric=False),
    "GPS_date": _Kind(Quantity.GPS_DATE, None, "GPS", numeric=False),
    "GPS_time": _Kind(Quantity.GPS_TIME, None, "GPS", numeric=False),
    "samples": _Kind(Quantity.SAMPLES, Unit.COUNT, None),
    "min_micro": _Kind(Quantity.MIN_LOOP_TIME, Unit.MICROSECOND, None),
    "max_micro": _Kind(Quantity.MAX_LOOP_TIME, Unit.MICROSECOND, None),
    "interval": _Kind(Quantity.SEND_INTERVAL, Unit.MILLISECOND, None),
    "signal": _Kind(Quantity.WIFI_SIGNAL, Unit.DBM, None),
}


# sensor.community-style posts (X-PIN header, as the firmware sends to api.sensor.community) strip
# the sensor prefix, so the pin says which sensors the unprefixed names can come from.
_PIN_MODELS: Mapping[int, tuple[str, ...]] = {
    1: ("SDS011", "PMSx003", "HPM", "NextPM", "IPS-7100", "SPS30"),
    3: ("BMP180", "BMP280"),
    5: ("PPD42NS",),
    7: ("DHT22", "HTU21D", "SHT3X"),
    9: ("GPS",),
    11: ("BME280",),
    13: ("DS18B20",),
    15: ("DNMS",),
    17: ("SCD30",),
}


def _unprefixed(value_type: str) -> str:
    return value_type.split("_", 1)[1] if "_" in value_type else value_type


def _pin_value_types(models: tuple[str, ...]) -> dict[str, _Kind]:
    merged: dict[str, _Kind] = {}
    for value_type, kind in VALUE_TYPES.items():
        if kind.sensor_model not in models:
            continue
        name = _unprefixed(value_type)
        other = merged.get(name)
        if other is None:
            merged[name] = kind
        else:
            # Several sensors share a pin: keep what they agree on, forget what they do not.
            merged[name] = _Kind(
                quantity=kind.quantity,
                unit=kind.unit if kind.unit == other.unit else None,
                sensor_model=kind.sensor_model if kind.sensor_model == other.sensor_model else None,
                numeric=kind.numeric,
            )
    return merged


PIN_VALUE_TYPES: Mapping[int, Mapping[str, _Kind]] = {
    pin: _pin_value_types(models) for pin, models in _PIN_MODELS.items()
}


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


@dataclass(frozen=True, slots=True)
class OpenSenseMapMeasurement:
    sensor_id: str
    quantity: str
    unit: str | None
    value: Decimal
    raw: str
    created_at: datetime | None
    location: tuple[Decimal, Decimal, Decimal | None] | None


# Plain decimal notation, as Arduino's String(float) prints it. Exponents, "nan", "inf", "ovf",
# underscores and surrounding spaces (all accepted by Decimal()) are refused on purpose.
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_VALUE_TYPE = re.compile(r"[A-Za-z0-9_]+")
_CHIP_ID = re.compile(r"[0-9A-Za-z]{1,32}")
_X_SENSOR = re.compile(r"(esp8266|esp32)-([0-9A-Za-z]{1,32})", re.IGNORECASE)
_SHORT_TEXT = re.compile(r"[\x20-\x7e]{1,64}")
_OPENSENSEMAP_ID = re.compile(r"[0-9a-fA-F]{24}")


def _load_json(body: bytes) -> Any:
    if not isinstance(body, bytes | bytearray | memoryview):
        raise TypeError("body must be bytes")
    if len(body) > MAX_BODY_BYTES:
        raise PayloadError(
            ErrorCode.PAYLOAD_TOO_LARGE,
            gettext_noop("El cuerpo de la petición supera el máximo de %(limit)s bytes."),
            limit=MAX_BODY_BYTES,
        )
    try:
        text = bytes(body).decode("utf-8")
    except UnicodeDecodeError as error:
        raise PayloadError(
            ErrorCode.INVALID_ENCODING,
            gettext_noop("El cuerpo de la petición no está codificado en UTF-8."),
        ) from error

    def refuse_constant(name: str) -> Any:
        raise PayloadError(
            ErrorCode.NON_NUMERIC_VALUE,
            gettext_noop("El JSON contiene «%(constant)s», que no es un número válido."),
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
            gettext_noop("El cuerpo de la petición no es JSON válido."),
        ) from error


def _require(obj: Mapping[str, Any], field: str) -> Any:
    if field not in obj:
        raise PayloadError(
            ErrorCode.MISSING_FIELD,
            gettext_noop("Falta el campo obligatorio «%(field)s»."),
            field=field,
        )
    return obj[field]


def _wrong_type(field: str, expected: str) -> PayloadError:
    return PayloadError(
        ErrorCode.WRONG_TYPE,
        gettext_noop("El campo «%(field)s» debe ser %(expected)s."),
        field=field,
        expected=expected,
    )


# Spanish descriptions used inside wrong_type messages.
_AN_OBJECT = gettext_noop("un objeto JSON")
_A_LIST = gettext_noop("una lista")
_A_STRING = gettext_noop("una cadena de texto")
_A_STRING_OR_NUMBER = gettext_noop("una cadena de texto o un número")


def _raw_value(value: Any, field: str) -> str:
    """The value as the sensor sent it, as text; JSON numbers are accepted too."""
    if isinstance(value, str):
        raw = value
    elif isinstance(value, Decimal | int) and not isinstance(value, bool):
        raw = str(value)
    else:
        raise _wrong_type(field, _A_STRING_OR_NUMBER)
    if len(raw) > MAX_RAW_VALUE_LENGTH:
        raise PayloadError(
            ErrorCode.VALUE_OUT_OF_RANGE,
            gettext_noop("El valor de «%(field)s» es demasiado largo."),
            field=field,
        )
    return raw


def _is_json_number(value: Any) -> bool:
    return isinstance(value, Decimal | int) and not isinstance(value, bool)


def _in_range(number: Decimal) -> bool:
    # Plain comparisons, not abs(): abs() applies the decimal context and could trap on a huge
    # exponent such as 1e999999999 coming from JSON.
    return number.is_finite() and -MAX_ABS_VALUE < number < MAX_ABS_VALUE


def _parse_number(raw: str, value: Any) -> Decimal | None:
    """Decimal for a plain finite number within ``MAX_ABS_VALUE``; None otherwise."""
    if _is_json_number(value):
        number = Decimal(value)
    elif _NUMBER.fullmatch(raw):
        number = Decimal(raw)
    else:
        return None
    return number if _in_range(number) else None


def _numeric(raw: str, value: Any, field: str) -> Decimal:
    if not _is_json_number(value) and not _NUMBER.fullmatch(raw):
        raise PayloadError(
            ErrorCode.NON_NUMERIC_VALUE,
            gettext_noop("El valor «%(value)s» de «%(field)s» no es un número."),
            field=field,
            value=raw,
        )
    number = _parse_number(raw, value)
    if number is None:
        raise PayloadError(
            ErrorCode.VALUE_OUT_OF_RANGE,
            gettext_noop("El valor «%(value)s» de «%(field)s» está fuera de rango."),
            field=field,
            value=raw,
        )
    return number


def _reading(item: Any, position: int, kinds: Mapping[str, _Kind]) -> Reading:
    where = f"sensordatavalues[{position}]"
    if not isinstance(item, dict):
        raise _wrong_type(where, _AN_OBJECT)
    value_type = _require(item, "value_type")
    if not isinstance(value_type, str):
        raise _wrong_type(f"{where}.value_type", _A_STRING)
    if len(value_type) > MAX_VALUE_TYPE_LENGTH or not _VALUE_TYPE.fullmatch(value_type):
        # The name may end up in a quantity column ("unknown:<value_type>"), so it stays short
        # and plain; the message does not echo it back.
        raise PayloadError(
            ErrorCode.INVALID_VALUE_TYPE,
            gettext_noop(
                "El «value_type» de %(where)s no es válido (solo letras, dígitos y «_», "
                "hasta %(limit)s caracteres)."
            ),
            where=where,
            limit=MAX_VALUE_TYPE_LENGTH,
        )
    value = _require(item, "value")
    raw = _raw_value(value, value_type)
    kind = kinds.get(value_type)
    if kind is None:
        # Kept, not dropped: new firmware sensors must not lose data before we map them.
        return Reading(
            value_type=value_type,
            quantity=UNKNOWN_PREFIX + value_type,
            unit=None,
            value=_parse_number(raw, value),
            raw=raw,
            sensor_model=None,
        )
    if not kind.numeric:
        if not isinstance(value, str):
            raise _wrong_type(value_type, _A_STRING)
        return Reading(value_type, kind.quantity, None, None, raw, kind.sensor_model)
    return Reading(
        value_type=value_type,
        quantity=kind.quantity,
        unit=kind.unit,
        value=_numeric(raw, value, value_type),
        raw=raw,
        sensor_model=kind.sensor_model,
    )


def _readings(values: Any, kinds: Mapping[str, _Kind]) -> tuple[Reading, ...]:
    if not isinstance(values, list):
        raise _wrong_type("sensordatavalues", _A_LIST)
    if len(values) > MAX_VALUES:
        raise PayloadError(
            ErrorCode.TOO_MANY_VALUES,
            gettext_noop("«sensordatavalues» tiene %(count)s valores; el máximo es %(limit)s."),
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
                gettext_noop("El «value_type» «%(value_type)s» aparece más de una vez."),
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
                    gettext_noop("La cabecera «%(header)s» no es válida."),
                    header=name,
                )
            return value.strip()
    return None


def _optional_text(body: Mapping[str, Any], field: str) -> str | None:
    if field not in body:
        return None
    value = body[field]
    if not isinstance(value, str):
        raise _wrong_type(field, _A_STRING)
    if not _SHORT_TEXT.fullmatch(value):
        raise PayloadError(
            ErrorCode.INVALID_FIELD,
            gettext_noop("El campo «%(field)s» no es válido."),
            field=field,
        )
    return value


def parse_airrohr(headers: Mapping[str, str], body: bytes) -> AirRohrPost:
    """Parse one airRohr custom-API (or openSenseMap ``luftdaten=1``) post."""
    data = _load_json(body)
    if not isinstance(data, dict):
        raise _wrong_type(gettext_noop("cuerpo"), _AN_OBJECT)

    platform: str | None = None
    header_chip_id: str | None = None
    x_sensor = _header(headers, "X-Sensor")
    if x_sensor is not None:
        match = _X_SENSOR.fullmatch(x_sensor)
        if match is None:
            raise PayloadError(
                ErrorCode.INVALID_HEADER,
                gettext_noop(
                    "La cabecera «X-Sensor» debe tener la forma «esp8266-<id>» o «esp32-<id>»."
                ),
            )
        platform, header_chip_id = match.group(1).lower(), match.group(2)

    body_chip_id = _optional_text(data, "esp8266id")
    if body_chip_id is not None and not _CHIP_ID.fullmatch(body_chip_id):
        raise PayloadError(
            ErrorCode.INVALID_FIELD,
            gettext_noop("El campo «%(field)s» no es válido."),
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
                "El identificador del cuerpo («esp8266id» = %(body_id)s) no coincide con la "
                "cabecera «X-Sensor» (%(header)s)."
            ),
            body_id=body_chip_id,
            header=x_sensor,
        )
    chip_id = body_chip_id if body_chip_id is not None else header_chip_id
    if chip_id is None:
        raise PayloadError(
            ErrorCode.MISSING_FIELD,
            gettext_noop("Falta el identificador del sensor («esp8266id» o cabecera «X-Sensor»)."),
            field="esp8266id",
        )

    mac_id = _header(headers, "X-MAC-ID")
    if mac_id is not None and not _SHORT_TEXT.fullmatch(mac_id):
        raise PayloadError(
            ErrorCode.INVALID_HEADER,
            gettext_noop("La cabecera «%(header)s» no es válida."),
            header="X-MAC-ID",
        )
    kinds = VALUE_TYPES
    pin: int | None = None
    x_pin = _header(headers, "X-PIN")
    if x_pin is not None:
        pin = int(x_pin) if x_pin.isascii() and x_pin.isdigit() and len(x_pin) < 4 else None
        if pin not in PIN_VALUE_TYPES:
            raise PayloadError(
                ErrorCode.INVALID_HEADER,
                gettext_noop("La cabecera «%(header)s» no es válida."),
                header="X-PIN",
            )
        kinds = PIN_VALUE_TYPES[pin]
    return AirRohrPost(
        chip_id=chip_id,
        platform=platform,
        mac_id=mac_id or None,
        software_version=_optional_text(data, "software_version"),
        readings=_readings(_require(data, "sensordatavalues"), kinds),
        pin=pin,
    )


def _timestamp(value: Any, where: str) -> datetime:
    if not isinstance(value, str):
        raise _wrong_type(f"{where}.createdAt", _A_STRING)
    try:
        # Python 3.11 reads RFC 3339 including the "Z" suffix.
        moment = datetime.fromisoformat(value)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None or moment.utcoffset() is None:
        raise PayloadError(
            ErrorCode.INVALID_TIMESTAMP,
            gettext_noop("«createdAt» de %(where)s debe ser una fecha RFC 3339 con zona horaria."),
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
        _is_json_number(lng)
        and _is_json_number(lat)
        and (height is None or (_is_json_number(height) and _in_range(Decimal(height))))
    )
    if not parts_ok or not (-180 <= lng <= 180 and -90 <= lat <= 90):
        raise PayloadError(
            ErrorCode.INVALID_LOCATION,
            gettext_noop("«location» de %(where)s no es una posición válida."),
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
    data = _load_json(body)
    if not isinstance(data, list):
        raise _wrong_type(gettext_noop("cuerpo"), _A_LIST)
    if len(data) > MAX_VALUES:
        raise PayloadError(
            ErrorCode.TOO_MANY_VALUES,
            gettext_noop("La carga tiene %(count)s mediciones; el máximo es %(limit)s."),
            count=len(data),
            limit=MAX_VALUES,
        )
    known = sensors or {}
    measurements = []
    for position, item in enumerate(data):
        where = f"[{position}]"
        if not isinstance(item, dict):
            raise _wrong_type(where, _AN_OBJECT)
        sensor_id = _require(item, "sensor")
        if not isinstance(sensor_id, str):
            raise _wrong_type(f"{where}.sensor", _A_STRING)
        if not _OPENSENSEMAP_ID.fullmatch(sensor_id):
            raise PayloadError(
                ErrorCode.INVALID_VALUE_TYPE,
                gettext_noop(
                    "«sensor» de %(where)s no es un identificador de openSenseMap (24 dígitos "
                    "hexadecimales)."
                ),
                where=where,
            )
        value = _require(item, "value")
        field = f"{where}.value"
        raw = _raw_value(value, field)
        quantity, unit = known.get(sensor_id, (UNKNOWN_PREFIX + sensor_id, None))
        measurements.append(
            OpenSenseMapMeasurement(
                sensor_id=sensor_id,
                quantity=quantity,
                unit=unit,
                value=_numeric(raw, value, field),
                raw=raw,
                created_at=_timestamp(item["createdAt"], where) if "createdAt" in item else None,
                location=_location(item["location"], where) if "location" in item else None,
            )
        )
    return measurements
