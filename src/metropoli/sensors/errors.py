"""The sensors' refusals: a stable code, its kind (the HTTP status at the edge) and an English
message (translated in locale/es_MX). Services raise ``DomainError(SensorErrorCode.X)``; a
refused body is a ``payloads.errors.PayloadError``. Decision 0054."""

from metropoli.common.errors import ErrorCode, Kind
from metropoli.common.i18n import gettext_noop


class SensorErrorCode(ErrorCode):
    """Refusals of registering sensors and of their measurements (the code clients see)."""

    INVALID_SENSOR_ID = (
        "invalid_sensor_id",
        Kind.INVALID,
        gettext_noop(
            "The sensor id must look like esp8266-3912953 (ESP8266, decimal chip id) or "
            "esp32-a1b2c3d4e5f6 (ESP32, hexadecimal)."
        ),
    )
    DUPLICATE_SENSOR = (
        "duplicate_sensor",
        Kind.CONFLICT,
        gettext_noop("The sensor %(sensor_id)s is already registered."),
    )
    INVALID_PLACEMENT = "invalid_placement", Kind.INVALID, gettext_noop("Choose indoor or outdoor.")
    OUTSIDE_TERRITORY = (
        "outside_territory",
        Kind.INVALID,
        gettext_noop("That location is outside the municipalities of the platform."),
    )
    FUTURE_MEASUREMENT = (
        "invalid_timestamp",
        Kind.INVALID,
        gettext_noop("A measurement is dated in the future (%(moment)s)."),
    )
