"""Every example of ../shared/sensors/airrohr_examples.json parses to the expected quantities.

The examples are copied below (the shared folder is not part of a checkout); a test compares the
copy with the shared file, so the copy cannot drift silently (skipped when the file is missing,
failed when CI is "true").
"""

import json
from decimal import Decimal

import pytest

from metropoli.common.testing import SHARED_DIR, requires_shared
from metropoli.sensors.payloads.airrohr import parse_airrohr
from metropoli.sensors.payloads.value_types import Quantity, Unit

SHARED_EXAMPLES = SHARED_DIR / "sensors" / "airrohr_examples.json"

# Written by hand from the firmware's naming, independently of payloads.value_types.VALUE_TYPES.
CUSTOM_API_QUANTITIES = {
    "SDS_P1": "pm10",
    "SDS_P2": "pm2_5",
    "PMS_P0": "pm1",
    "PMS_P1": "pm10",
    "PMS_P2": "pm2_5",
    "HPM_P1": "pm10",
    "HPM_P2": "pm2_5",
    "NPM_P0": "pm1",
    "NPM_P1": "pm10",
    "NPM_P2": "pm2_5",
    "NPM_N1": "count_pm1",
    "NPM_N10": "count_pm10",
    "NPM_N25": "count_pm2_5",
    "IPS_P0": "pm1",
    "IPS_P1": "pm10",
    "IPS_P2": "pm2_5",
    "IPS_P01": "pm0_1",
    "IPS_P03": "pm0_3",
    "IPS_P05": "pm0_5",
    "IPS_P5": "pm5",
    "IPS_N1": "count_pm1",
    "IPS_N10": "count_pm10",
    "IPS_N25": "count_pm2_5",
    "IPS_N01": "count_pm0_1",
    "IPS_N03": "count_pm0_3",
    "IPS_N05": "count_pm0_5",
    "IPS_N5": "count_pm5",
    "SPS30_P0": "pm1",
    "SPS30_P2": "pm2_5",
    "SPS30_P4": "pm4",
    "SPS30_P1": "pm10",
    "SPS30_N05": "count_pm0_5",
    "SPS30_N1": "count_pm1",
    "SPS30_N25": "count_pm2_5",
    "SPS30_N4": "count_pm4",
    "SPS30_N10": "count_pm10",
    "SPS30_TS": "typical_particle_size",
    "durP1": "ppd_duration_p1",
    "ratioP1": "ppd_ratio_p1",
    "P1": "ppd_count_p1",
    "durP2": "ppd_duration_p2",
    "ratioP2": "ppd_ratio_p2",
    "P2": "ppd_count_p2",
    "temperature": "temperature",
    "humidity": "humidity",
    "HTU21D_temperature": "temperature",
    "HTU21D_humidity": "humidity",
    "SHT3X_temperature": "temperature",
    "SHT3X_humidity": "humidity",
    "BMP_pressure": "pressure",
    "BMP_temperature": "temperature",
    "BMP280_pressure": "pressure",
    "BMP280_temperature": "temperature",
    "BME280_temperature": "temperature",
    "BME280_pressure": "pressure",
    "BME280_humidity": "humidity",
    "SCD30_temperature": "temperature",
    "SCD30_humidity": "humidity",
    "SCD30_co2_ppm": "co2",
    "DS18B20_temperature": "temperature",
    "DNMS_noise_LAeq": "noise_laeq",
    "DNMS_noise_LA_min": "noise_la_min",
    "DNMS_noise_LA_max": "noise_la_max",
    "GPS_lat": "gps_lat",
    "GPS_lon": "gps_lon",
    "GPS_height": "gps_height",
    "GPS_timestamp": "gps_timestamp",
    "samples": "samples",
    "min_micro": "min_loop_time",
    "max_micro": "max_loop_time",
    "interval": "send_interval",
    "signal": "wifi_signal",
}
TEXT_VALUE_TYPES = {"GPS_timestamp"}

# sensor.community push: unprefixed names whose meaning depends on X-PIN.
PUSH_QUANTITIES = {
    1: {
        "P0": "pm1",
        "P1": "pm10",
        "P2": "pm2_5",
        "P4": "pm4",
        "P01": "pm0_1",
        "P03": "pm0_3",
        "P05": "pm0_5",
        "P5": "pm5",
        "N01": "count_pm0_1",
        "N03": "count_pm0_3",
        "N05": "count_pm0_5",
        "N1": "count_pm1",
        "N25": "count_pm2_5",
        "N4": "count_pm4",
        "N5": "count_pm5",
        "N10": "count_pm10",
        "TS": "typical_particle_size",
    },
    3: {"pressure": "pressure", "temperature": "temperature"},
    5: {
        "durP1": "ppd_duration_p1",
        "ratioP1": "ppd_ratio_p1",
        "P1": "ppd_count_p1",
        "durP2": "ppd_duration_p2",
        "ratioP2": "ppd_ratio_p2",
        "P2": "ppd_count_p2",
    },
    7: {"temperature": "temperature", "humidity": "humidity"},
    9: {"lat": "gps_lat", "lon": "gps_lon", "height": "gps_height", "timestamp": "gps_timestamp"},
    11: {"temperature": "temperature", "pressure": "pressure", "humidity": "humidity"},
    13: {"temperature": "temperature"},
    15: {
        "noise_LAeq": "noise_laeq",
        "noise_LA_min": "noise_la_min",
        "noise_LA_max": "noise_la_max",
    },
    17: {"temperature": "temperature", "humidity": "humidity", "co2_ppm": "co2"},
}

CUSTOM_API_EXAMPLES: dict[str, list[tuple[str, str]]] = {
    "SDS011": [
        ("SDS_P1", "18.40"),
        ("SDS_P2", "9.70"),
        ("samples", "1843212"),
        ("min_micro", "28"),
        ("max_micro", "20184"),
        ("interval", "145000"),
        ("signal", "-71"),
    ],
    "PMSx003": [
        ("PMS_P0", "6.00"),
        ("PMS_P1", "15.00"),
        ("PMS_P2", "10.00"),
        ("samples", "1843212"),
        ("min_micro", "28"),
        ("max_micro", "20184"),
        ("interval", "145000"),
        ("signal", "-71"),
    ],
    "HPM": [
        ("HPM_P1", "11.00"),
        ("HPM_P2", "16.00"),
        ("samples", "1843212"),
        ("min_micro", "28"),
        ("max_micro", "20184"),
        ("interval", "145000"),
        ("signal", "-71"),
    ],
    "NPM (Tera Next PM)": [
        ("NPM_P0", "5.20"),
        ("NPM_P1", "14.90"),
        ("NPM_P2", "9.10"),
        ("NPM_N1", "41.30"),
        ("NPM_N10", "44.10"),
        ("NPM_N25", "43.60"),
        ("samples", "1843212"),
        ("min_micro", "28"),
        ("max_micro", "20184"),
        ("interval", "145000"),
        ("signal", "-71"),
    ],
    "IPS-7100": [
        ("IPS_P0", "5.10"),
        ("IPS_P1", "16.20"),
        ("IPS_P2", "9.40"),
        ("IPS_P01", "0.30"),
        ("IPS_P03", "1.90"),
        ("IPS_P05", "3.60"),
        ("IPS_P5", "12.80"),
        ("IPS_N1", "57.10"),
        ("IPS_N10", "60.00"),
        ("IPS_N25", "59.20"),
        ("IPS_N01", "12.40"),
        ("IPS_N03", "38.50"),
        ("IPS_N05", "49.70"),
        ("IPS_N5", "59.80"),
        ("samples", "1843212"),
        ("min_micro", "28"),
        ("max_micro", "20184"),
        ("interval", "145000"),
        ("signal", "-71"),
    ],
    "SPS30": [
        ("SPS30_P0", "6.34"),
        ("SPS30_P2", "8.91"),
        ("SPS30_P4", "10.45"),
        ("SPS30_P1", "11.23"),
        ("SPS30_N05", "38.77"),
        ("SPS30_N1", "46.12"),
        ("SPS30_N25", "47.65"),
        ("SPS30_N4", "47.90"),
        ("SPS30_N10", "47.96"),
        ("SPS30_TS", "0.61"),
        ("samples", "1843212"),
        ("min_micro", "28"),
        ("max_micro", "20184"),
        ("interval", "145000"),
        ("signal", "-71"),
    ],
    "PPD42NS": [
        ("durP1", "352117.00"),
        ("ratioP1", "1.17"),
        ("P1", "609.13"),
        ("durP2", "131045.00"),
        ("ratioP2", "0.44"),
        ("P2", "229.84"),
        ("samples", "1843212"),
        ("min_micro", "28"),
        ("max_micro", "20184"),
        ("interval", "145000"),
        ("signal", "-71"),
    ],
    "DHT22": [
        ("temperature", "24.30"),
        ("humidity", "46.20"),
        ("samples", "1843212"),
        ("min_micro", "28"),
        ("max_micro", "20184"),
        ("interval", "145000"),
        ("signal", "-71"),
    ],
    "HTU21D": [
        ("HTU21D_temperature", "24.10"),
        ("HTU21D_humidity", "47.00"),
        ("samples", "1843212"),
        ("min_micro", "28"),
        ("max_micro", "20184"),
        ("interval", "145000"),
        ("signal", "-71"),
    ],
    "SHT3X": [
        ("SHT3X_temperature", "24.25"),
        ("SHT3X_humidity", "45.80"),
        ("samples", "1843212"),
        ("min_micro", "28"),
        ("max_micro", "20184"),
        ("interval", "145000"),
        ("signal", "-71"),
    ],
    "BMP180": [
        ("BMP_pressure", "84512.00"),
        ("BMP_temperature", "25.10"),
        ("samples", "1843212"),
        ("min_micro", "28"),
        ("max_micro", "20184"),
        ("interval", "145000"),
        ("signal", "-71"),
    ],
    "BMP280": [
        ("BMP280_pressure", "84498.25"),
        ("BMP280_temperature", "25.37"),
        ("samples", "1843212"),
        ("min_micro", "28"),
        ("max_micro", "20184"),
        ("interval", "145000"),
        ("signal", "-71"),
    ],
    "BME280": [
        ("BME280_temperature", "24.87"),
        ("BME280_pressure", "84503.50"),
        ("BME280_humidity", "44.61"),
        ("samples", "1843212"),
        ("min_micro", "28"),
        ("max_micro", "20184"),
        ("interval", "145000"),
        ("signal", "-71"),
    ],
    "SCD30": [
        ("SCD30_temperature", "25.60"),
        ("SCD30_humidity", "43.90"),
        ("SCD30_co2_ppm", "612.00"),
        ("samples", "1843212"),
        ("min_micro", "28"),
        ("max_micro", "20184"),
        ("interval", "145000"),
        ("signal", "-71"),
    ],
    "DS18B20": [
        ("DS18B20_temperature", "23.94"),
        ("samples", "1843212"),
        ("min_micro", "28"),
        ("max_micro", "20184"),
        ("interval", "145000"),
        ("signal", "-71"),
    ],
    "DNMS (noise)": [
        ("DNMS_noise_LAeq", "58.30"),
        ("DNMS_noise_LA_min", "49.70"),
        ("DNMS_noise_LA_max", "71.20"),
        ("samples", "1843212"),
        ("min_micro", "28"),
        ("max_micro", "20184"),
        ("interval", "145000"),
        ("signal", "-71"),
    ],
    "GPS (NEO-6M)": [
        ("GPS_lat", "20.676700"),
        ("GPS_lon", "-103.347500"),
        ("GPS_height", "1566.40"),
        ("GPS_timestamp", "2026-03-14T18:25:03.000"),
        ("samples", "1843212"),
        ("min_micro", "28"),
        ("max_micro", "20184"),
        ("interval", "145000"),
        ("signal", "-71"),
    ],
}
PUSH_EXAMPLES: dict[str, tuple[int, list[tuple[str, str]]]] = {
    "SDS011": (
        1,
        [
            ("P1", "18.40"),
            ("P2", "9.70"),
        ],
    ),
    "PMSx003": (
        1,
        [
            ("P0", "6.00"),
            ("P1", "15.00"),
            ("P2", "10.00"),
        ],
    ),
    "HPM": (
        1,
        [
            ("P1", "11.00"),
            ("P2", "16.00"),
        ],
    ),
    "NPM (Tera Next PM)": (
        1,
        [
            ("P0", "5.20"),
            ("P1", "14.90"),
            ("P2", "9.10"),
            ("N1", "41.30"),
            ("N10", "44.10"),
            ("N25", "43.60"),
        ],
    ),
    "IPS-7100": (
        1,
        [
            ("P0", "5.10"),
            ("P1", "16.20"),
            ("P2", "9.40"),
            ("P01", "0.30"),
            ("P03", "1.90"),
            ("P05", "3.60"),
            ("P5", "12.80"),
            ("N1", "57.10"),
            ("N10", "60.00"),
            ("N25", "59.20"),
            ("N01", "12.40"),
            ("N03", "38.50"),
            ("N05", "49.70"),
            ("N5", "59.80"),
        ],
    ),
    "SPS30": (
        1,
        [
            ("P0", "6.34"),
            ("P2", "8.91"),
            ("P4", "10.45"),
            ("P1", "11.23"),
            ("N05", "38.77"),
            ("N1", "46.12"),
            ("N25", "47.65"),
            ("N4", "47.90"),
            ("N10", "47.96"),
            ("TS", "0.61"),
        ],
    ),
    "PPD42NS": (
        5,
        [
            ("durP1", "352117.00"),
            ("ratioP1", "1.17"),
            ("P1", "609.13"),
            ("durP2", "131045.00"),
            ("ratioP2", "0.44"),
            ("P2", "229.84"),
        ],
    ),
    "DHT22": (
        7,
        [
            ("temperature", "24.30"),
            ("humidity", "46.20"),
        ],
    ),
    "HTU21D": (
        7,
        [
            ("temperature", "24.10"),
            ("humidity", "47.00"),
        ],
    ),
    "SHT3X": (
        7,
        [
            ("temperature", "24.25"),
            ("humidity", "45.80"),
        ],
    ),
    "BMP180": (
        3,
        [
            ("pressure", "84512.00"),
            ("temperature", "25.10"),
        ],
    ),
    "BMP280": (
        3,
        [
            ("pressure", "84498.25"),
            ("temperature", "25.37"),
        ],
    ),
    "BME280": (
        11,
        [
            ("temperature", "24.87"),
            ("pressure", "84503.50"),
            ("humidity", "44.61"),
        ],
    ),
    "SCD30": (
        17,
        [
            ("temperature", "25.60"),
            ("humidity", "43.90"),
            ("co2_ppm", "612.00"),
        ],
    ),
    "DS18B20": (
        13,
        [
            ("temperature", "23.94"),
        ],
    ),
    "DNMS (noise)": (
        15,
        [
            ("noise_LAeq", "58.30"),
            ("noise_LA_min", "49.70"),
            ("noise_LA_max", "71.20"),
        ],
    ),
    "GPS (NEO-6M)": (
        9,
        [
            ("lat", "20.676700"),
            ("lon", "-103.347500"),
            ("height", "1566.40"),
            ("timestamp", "2026-03-14T18:25:03.000"),
        ],
    ),
}
RAW_BODY_SDS011_BME280 = (
    b'{"esp8266id": "3912953", "software_version": "NRZ-2024-135", "sensordatavalues":'
    b'[{"value_type":"SDS_P1","value":"18.40"},{"value_type":"SDS_P2","value":"9.70"},'
    b'{"value_type":"BME280_temperature","value":"24.87"},{"value_type":"BME280_pressu'
    b're","value":"84503.50"},{"value_type":"BME280_humidity","value":"44.61"},{"value'
    b'_type":"samples","value":"1843212"},{"value_type":"min_micro","value":"28"},{"va'
    b'lue_type":"max_micro","value":"20184"},{"value_type":"interval","value":"145000"'
    b'},{"value_type":"signal","value":"-71"}]}'
)
HEADERS = {
    "Content-Type": "application/json",
    "X-Sensor": "esp8266-3912953",
    "X-MAC-ID": "esp8266-5ccf7f3bb4f9",
    "User-Agent": "NRZ-2024-135/3912953/5ccf7f3bb4f9",
}


def custom_body(values: list[tuple[str, str]]) -> bytes:
    return json.dumps(
        {
            "esp8266id": "3912953",
            "software_version": "NRZ-2024-135",
            "sensordatavalues": [{"value_type": t, "value": v} for t, v in values],
        }
    ).encode()


def push_body(values: list[tuple[str, str]]) -> bytes:
    return json.dumps(
        {
            "software_version": "NRZ-2024-135",
            "sensordatavalues": [{"value_type": t, "value": v} for t, v in values],
        }
    ).encode()


@requires_shared(SHARED_EXAMPLES)
def test_embedded_copy_matches_the_shared_examples_file():
    shared = json.loads(SHARED_EXAMPLES.read_text(encoding="utf-8"))
    custom = shared["custom_api"]
    assert custom["headers"] == HEADERS
    assert custom["example_raw_body_sds011_bme280"].encode() == RAW_BODY_SDS011_BME280
    assert {
        name: [(e["value_type"], e["value"]) for e in example["sensordatavalues"]]
        for name, example in custom["examples_by_sensor"].items()
    } == CUSTOM_API_EXAMPLES
    assert {
        name: (
            example["x_pin"],
            [(e["value_type"], e["value"]) for e in example["body"]["sensordatavalues"]],
        )
        for name, example in shared["sensor_community_push"]["examples_by_sensor"].items()
    } == PUSH_EXAMPLES


@pytest.mark.parametrize("sensor", sorted(CUSTOM_API_EXAMPLES))
def test_every_custom_api_example_parses_with_the_expected_quantities(sensor):
    values = CUSTOM_API_EXAMPLES[sensor]

    post = parse_airrohr(HEADERS, custom_body(values))

    assert post.chip_id == "3912953"
    assert post.platform == "esp8266"
    assert post.mac_id == "esp8266-5ccf7f3bb4f9"
    assert post.software_version == "NRZ-2024-135"
    assert post.pin is None
    assert [(r.value_type, r.raw) for r in post.readings] == values
    assert [r.quantity for r in post.readings] == [CUSTOM_API_QUANTITIES[t] for t, _ in values]
    for reading in post.readings:
        assert reading.is_known
        if reading.value_type in TEXT_VALUE_TYPES:
            assert reading.value is None
        else:
            assert reading.value == Decimal(reading.raw)


@pytest.mark.parametrize("sensor", sorted(PUSH_EXAMPLES))
def test_every_sensor_community_push_example_parses_by_pin(sensor):
    pin, values = PUSH_EXAMPLES[sensor]
    headers = {**HEADERS, "X-PIN": str(pin)}

    post = parse_airrohr(headers, push_body(values))

    assert post.chip_id == "3912953"
    assert post.pin == pin
    assert [r.quantity for r in post.readings] == [PUSH_QUANTITIES[pin][t] for t, _ in values]


def test_raw_body_sds011_bme280_exact_values():
    post = parse_airrohr(HEADERS, RAW_BODY_SDS011_BME280)

    by_type = {r.value_type: r for r in post.readings}
    assert by_type["SDS_P1"].quantity == Quantity.PM10
    assert by_type["SDS_P1"].value == Decimal("18.40")
    assert by_type["SDS_P1"].unit == Unit.MICROGRAMS_PER_CUBIC_METRE == "µg/m³"
    assert by_type["SDS_P1"].sensor_model == "SDS011"
    assert by_type["SDS_P2"].quantity == "pm2_5"
    assert by_type["SDS_P2"].value == Decimal("9.70")
    assert by_type["BME280_temperature"].value == Decimal("24.87")
    assert by_type["BME280_temperature"].unit == "°C"
    assert by_type["BME280_pressure"].value == Decimal("84503.50")
    assert by_type["BME280_pressure"].unit == "Pa"
    assert by_type["BME280_humidity"].value == Decimal("44.61")
    assert by_type["BME280_humidity"].unit == "%"
    assert by_type["signal"].quantity == "wifi_signal"
    assert by_type["signal"].value == Decimal(-71)
    assert by_type["signal"].unit == "dBm"
    assert by_type["interval"].value == Decimal(145000)
    assert by_type["interval"].unit == "ms"
    assert post.get("pm10") is by_type["SDS_P1"]
    assert post.sensor_key == "esp8266-3912953"


def test_exact_values_of_noise_gps_and_dht22():
    noise = parse_airrohr(HEADERS, custom_body(CUSTOM_API_EXAMPLES["DNMS (noise)"]))
    gps = parse_airrohr(HEADERS, custom_body(CUSTOM_API_EXAMPLES["GPS (NEO-6M)"]))
    dht = parse_airrohr(HEADERS, custom_body(CUSTOM_API_EXAMPLES["DHT22"]))

    laeq = noise.get("noise_laeq")
    assert laeq is not None
    assert (laeq.value, laeq.unit) == (Decimal("58.30"), "dB(A)")
    lat, lon = gps.get("gps_lat"), gps.get("gps_lon")
    assert lat is not None and lon is not None
    assert (lat.value, lon.value) == (Decimal("20.676700"), Decimal("-103.347500"))
    stamp = gps.get("gps_timestamp")
    assert stamp is not None
    assert (stamp.value, stamp.raw) == (None, "2026-03-14T18:25:03.000")
    temperature = dht.get("temperature")
    assert temperature is not None
    assert (temperature.value, temperature.sensor_model) == (Decimal("24.30"), "DHT22")


def test_ppd42ns_unprefixed_p1_is_a_particle_count_not_pm10():
    post = parse_airrohr(HEADERS, custom_body(CUSTOM_API_EXAMPLES["PPD42NS"]))

    p1 = next(r for r in post.readings if r.value_type == "P1")
    assert (p1.quantity, p1.value, p1.sensor_model) == (
        "ppd_count_p1",
        Decimal("609.13"),
        "PPD42NS",
    )
    assert post.get("pm10") is None


def test_opensensemap_luftdaten_body_without_esp8266id_uses_the_header():
    body = push_body(CUSTOM_API_EXAMPLES["SDS011"])

    post = parse_airrohr({"x-sensor": "esp8266-3912953"}, body)

    assert post.chip_id == "3912953"
    assert post.mac_id is None
    assert post.get("pm2_5") is not None
