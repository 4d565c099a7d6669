"""The airRohr firmware's value types: the quantity, unit and sensor model each one stands for.

``VALUE_TYPES`` maps the custom API's prefixed names (``SDS_P1``); ``PIN_VALUE_TYPES`` maps the
unprefixed names of a sensor.community push by its ``X-PIN``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

UNKNOWN_PREFIX = "unknown:"


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
class Kind:
    quantity: Quantity
    unit: Unit | None
    sensor_model: str | None
    numeric: bool = True


def _pm_family(prefix: str, model: str, suffixes: Mapping[str, Quantity]) -> dict[str, Kind]:
    return {
        f"{prefix}_{suffix}": Kind(quantity, Unit.MICROGRAMS_PER_CUBIC_METRE, model)
        for suffix, quantity in suffixes.items()
    }


def _counts(
    prefix: str, model: str, suffixes: Mapping[str, Quantity], unit: Unit | None
) -> dict[str, Kind]:
    return {f"{prefix}_{suffix}": Kind(q, unit, model) for suffix, q in suffixes.items()}


def _climate(prefix: str, model: str, *, humidity: bool, pressure: bool) -> dict[str, Kind]:
    kinds = {f"{prefix}_temperature": Kind(Quantity.TEMPERATURE, Unit.CELSIUS, model)}
    if humidity:
        kinds[f"{prefix}_humidity"] = Kind(Quantity.HUMIDITY, Unit.PERCENT, model)
    if pressure:
        kinds[f"{prefix}_pressure"] = Kind(Quantity.PRESSURE, Unit.PASCAL, model)
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

VALUE_TYPES: Mapping[str, Kind] = {
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
    "SPS30_TS": Kind(Quantity.TYPICAL_PARTICLE_SIZE, Unit.MICROMETRE, "SPS30"),
    # PPD42NS: low-pulse occupancy time, its ratio, and the derived particle count.
    "durP1": Kind(Quantity.PPD_DURATION_P1, Unit.MICROSECOND, "PPD42NS"),
    "ratioP1": Kind(Quantity.PPD_RATIO_P1, Unit.PERCENT, "PPD42NS"),
    "P1": Kind(Quantity.PPD_COUNT_P1, Unit.PER_HUNDREDTH_CUBIC_FOOT, "PPD42NS"),
    "durP2": Kind(Quantity.PPD_DURATION_P2, Unit.MICROSECOND, "PPD42NS"),
    "ratioP2": Kind(Quantity.PPD_RATIO_P2, Unit.PERCENT, "PPD42NS"),
    "P2": Kind(Quantity.PPD_COUNT_P2, Unit.PER_HUNDREDTH_CUBIC_FOOT, "PPD42NS"),
    "temperature": Kind(Quantity.TEMPERATURE, Unit.CELSIUS, "DHT22"),
    "humidity": Kind(Quantity.HUMIDITY, Unit.PERCENT, "DHT22"),
    **_climate("HTU21D", "HTU21D", humidity=True, pressure=False),
    **_climate("SHT3X", "SHT3X", humidity=True, pressure=False),
    **_climate("BMP", "BMP180", humidity=False, pressure=True),
    **_climate("BMP280", "BMP280", humidity=False, pressure=True),
    **_climate("BME280", "BME280", humidity=True, pressure=True),
    **_climate("SCD30", "SCD30", humidity=True, pressure=False),
    "SCD30_co2_ppm": Kind(Quantity.CO2, Unit.PPM, "SCD30"),
    **_climate("DS18B20", "DS18B20", humidity=False, pressure=False),
    "DNMS_noise_LAeq": Kind(Quantity.NOISE_LAEQ, Unit.DECIBEL_A, "DNMS"),
    "DNMS_noise_LA_min": Kind(Quantity.NOISE_LA_MIN, Unit.DECIBEL_A, "DNMS"),
    "DNMS_noise_LA_max": Kind(Quantity.NOISE_LA_MAX, Unit.DECIBEL_A, "DNMS"),
    "GPS_lat": Kind(Quantity.GPS_LAT, Unit.DEGREE, "GPS"),
    "GPS_lon": Kind(Quantity.GPS_LON, Unit.DEGREE, "GPS"),
    "GPS_height": Kind(Quantity.GPS_HEIGHT, Unit.METRE, "GPS"),
    # Date and time are text; current firmware sends GPS_timestamp, older builds date and time.
    "GPS_timestamp": Kind(Quantity.GPS_TIMESTAMP, None, "GPS", numeric=False),
    "GPS_date": Kind(Quantity.GPS_DATE, None, "GPS", numeric=False),
    "GPS_time": Kind(Quantity.GPS_TIME, None, "GPS", numeric=False),
    "samples": Kind(Quantity.SAMPLES, Unit.COUNT, None),
    "min_micro": Kind(Quantity.MIN_LOOP_TIME, Unit.MICROSECOND, None),
    "max_micro": Kind(Quantity.MAX_LOOP_TIME, Unit.MICROSECOND, None),
    "interval": Kind(Quantity.SEND_INTERVAL, Unit.MILLISECOND, None),
    "signal": Kind(Quantity.WIFI_SIGNAL, Unit.DBM, None),
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


def _pin_value_types(models: tuple[str, ...]) -> dict[str, Kind]:
    merged: dict[str, Kind] = {}
    for value_type, kind in VALUE_TYPES.items():
        if kind.sensor_model not in models:
            continue
        name = _unprefixed(value_type)
        other = merged.get(name)
        if other is None:
            merged[name] = kind
        else:
            # Several sensors share a pin: keep what they agree on, forget what they do not.
            merged[name] = Kind(
                quantity=kind.quantity,
                unit=kind.unit if kind.unit == other.unit else None,
                sensor_model=kind.sensor_model if kind.sensor_model == other.sensor_model else None,
                numeric=kind.numeric,
            )
    return merged


PIN_VALUE_TYPES: Mapping[int, Mapping[str, Kind]] = {
    pin: _pin_value_types(models) for pin, models in _PIN_MODELS.items()
}
