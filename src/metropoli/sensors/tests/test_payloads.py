"""Refused payloads: each malformed input gives its stable error code and a Spanish message."""

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from metropoli.sensors.payloads.airrohr import parse_airrohr
from metropoli.sensors.payloads.decoding import MAX_BODY_BYTES, MAX_VALUES
from metropoli.sensors.payloads.errors import ErrorCode, PayloadError
from metropoli.sensors.payloads.opensensemap import parse_opensensemap

HEADERS = {"X-Sensor": "esp8266-3912953", "X-MAC-ID": "esp8266-5ccf7f3bb4f9"}
OSEM_ID = "5a0c2cc89fd3c200111118f0"


def body(values=None, **fields) -> bytes:
    data = {"esp8266id": "3912953", "software_version": "NRZ-2024-135"}
    data["sensordatavalues"] = (
        [{"value_type": "SDS_P1", "value": "18.40"}] if values is None else values
    )
    data.update(fields)
    return json.dumps(data).encode()


def refused(code: ErrorCode, headers=HEADERS, payload: bytes = b"") -> PayloadError:
    with pytest.raises(PayloadError) as caught:
        parse_airrohr(headers, payload)
    assert caught.value.code == code
    assert caught.value.message
    return caught.value


@pytest.mark.parametrize(
    "payload",
    [b"", b"{", b'{"esp8266id": "3912953", "sensordatavalues": [', b"nul", b"[" * 20000],
)
def test_truncated_or_broken_json_is_invalid_json(payload):
    error = refused(ErrorCode.INVALID_JSON, payload=payload[:MAX_BODY_BYTES])
    assert "JSON" in error.message


def test_non_utf8_body_is_invalid_encoding():
    refused(ErrorCode.INVALID_ENCODING, payload=b'{"a": "\xff"}')


def test_body_over_the_size_limit_is_refused_before_parsing():
    payload = b" " * (MAX_BODY_BYTES + 1)
    error = refused(ErrorCode.PAYLOAD_TOO_LARGE, payload=payload)
    assert error.params == {"limit": MAX_BODY_BYTES}


def test_body_exactly_at_the_size_limit_is_parsed():
    payload = body()
    payload = payload + b" " * (MAX_BODY_BYTES - len(payload))
    assert parse_airrohr(HEADERS, payload).readings[0].value == Decimal("18.40")


def test_too_many_values():
    values = [{"value_type": f"X{i}", "value": "1"} for i in range(MAX_VALUES + 1)]
    refused(ErrorCode.TOO_MANY_VALUES, payload=body(values))


@pytest.mark.parametrize("field", ["sensordatavalues"])
def test_missing_sensordatavalues(field):
    payload = json.dumps({"esp8266id": "3912953"}).encode()
    error = refused(ErrorCode.MISSING_FIELD, payload=payload)
    assert error.params["field"] == field
    assert "sensordatavalues" in error.message


@pytest.mark.parametrize("item", [{"value": "1"}, {"value_type": "SDS_P1"}])
def test_missing_value_type_or_value(item):
    refused(ErrorCode.MISSING_FIELD, payload=body([item]))


def test_missing_sensor_identity_in_both_header_and_body():
    payload = json.dumps({"sensordatavalues": []}).encode()
    refused(ErrorCode.MISSING_FIELD, headers={}, payload=payload)


@pytest.mark.parametrize(
    "payload",
    [
        json.dumps([1, 2]).encode(),
        body(values={"SDS_P1": "1"}),
        body(values="SDS_P1=1"),
        body(values=["SDS_P1"]),
        body([{"value_type": 1, "value": "1"}]),
        body([{"value_type": "SDS_P1", "value": None}]),
        body([{"value_type": "SDS_P1", "value": True}]),
        body([{"value_type": "SDS_P1", "value": ["1"]}]),
        body([{"value_type": "SDS_P1", "value": {"v": 1}}]),
        body(esp8266id=3912953),
        body(software_version=135),
        body([{"value_type": "GPS_timestamp", "value": 20260314}]),
    ],
)
def test_wrong_types(payload):
    refused(ErrorCode.WRONG_TYPE, payload=payload)


def test_wrong_type_message_names_the_value_type():
    error = refused(ErrorCode.WRONG_TYPE, payload=body([{"value_type": "SDS_P2", "value": None}]))
    assert "SDS_P2" in error.message


@pytest.mark.parametrize("value", ["abc", "", "nan", "NaN", "inf", "-Infinity", "ovf", "1e3"])
def test_non_numeric_values_for_numeric_quantities(value):
    error = refused(
        ErrorCode.NON_NUMERIC_VALUE, payload=body([{"value_type": "SDS_P1", "value": value}])
    )
    assert error.params == {"field": "SDS_P1", "value": value}
    assert "SDS_P1" in error.message
    assert "is not a number" in error.message


@pytest.mark.parametrize("literal", [b"NaN", b"Infinity", b"-Infinity"])
def test_json_nan_and_infinity_literals_are_refused(literal):
    payload = b'{"esp8266id": "3912953", "sensordatavalues": [{"value_type": "SDS_P1", "value": '
    refused(ErrorCode.NON_NUMERIC_VALUE, payload=payload + literal + b"}]}")


@pytest.mark.parametrize("value", ["1000000000000", "-9999999999999.5"])
def test_absurd_numbers_are_out_of_range(value):
    refused(ErrorCode.VALUE_OUT_OF_RANGE, payload=body([{"value_type": "SDS_P1", "value": value}]))


def test_huge_json_number_exponent_is_out_of_range_not_a_crash():
    payload = (
        b'{"esp8266id": "1", "sensordatavalues": [{"value_type": "SDS_P1", "value": 1e99999999}]}'
    )
    refused(ErrorCode.VALUE_OUT_OF_RANGE, headers={}, payload=payload)


def test_json_numbers_are_accepted_exactly():
    payload = b'{"esp8266id": "1", "sensordatavalues": [{"value_type": "SDS_P1", "value": 18.4}]}'
    post = parse_airrohr({}, payload)
    assert post.readings[0].value == Decimal("18.4")


@pytest.mark.parametrize("value_type", ["", "SDS P1", "SDS_P1;drop", "x" * 65, "Ümlaut"])
def test_invalid_value_type_names(value_type):
    refused(ErrorCode.INVALID_VALUE_TYPE, payload=body([{"value_type": value_type, "value": "1"}]))


def test_duplicate_value_type():
    values = [{"value_type": "SDS_P1", "value": "1"}, {"value_type": "SDS_P1", "value": "2"}]
    refused(ErrorCode.DUPLICATE_VALUE_TYPE, payload=body(values))


def test_unknown_value_types_are_kept_not_dropped():
    values = [
        {"value_type": "SEN5X_P1", "value": "12.5"},
        {"value_type": "MHZ19_co2", "value": "not a number"},
    ]
    post = parse_airrohr(HEADERS, body(values))

    first, second = post.readings
    assert (first.quantity, first.value, first.raw, first.unit) == (
        "unknown:SEN5X_P1",
        Decimal("12.5"),
        "12.5",
        None,
    )
    assert not first.is_known
    assert (second.quantity, second.value, second.raw) == (
        "unknown:MHZ19_co2",
        None,
        "not a number",
    )


def test_sensor_mismatch_between_header_and_body():
    error = refused(
        ErrorCode.SENSOR_MISMATCH, {"X-Sensor": "esp8266-111"}, body(esp8266id="3912953")
    )
    assert "3912953" in error.message
    assert "esp8266-111" in error.message


def test_esp32_header_is_compared_without_case():
    post = parse_airrohr({"X-Sensor": "esp32-A1B2C3"}, body(esp8266id="a1b2c3"))
    assert (post.platform, post.chip_id) == ("esp32", "a1b2c3")


@pytest.mark.parametrize("header", ["3912953", "esp8266_3912953", "esp8266-", "arduino-12"])
def test_malformed_x_sensor_header(header):
    refused(ErrorCode.INVALID_HEADER, {"X-Sensor": header}, body())


@pytest.mark.parametrize("pin", ["0", "2", "abc", "١"])
def test_unknown_x_pin(pin):
    refused(ErrorCode.INVALID_HEADER, {**HEADERS, "X-PIN": pin}, body())


def test_invalid_esp8266id_text():
    refused(ErrorCode.INVALID_FIELD, payload=body(esp8266id="39 12"))


def test_headers_are_case_insensitive():
    post = parse_airrohr({"x-sensor": "esp8266-3912953", "x-mac-id": "esp8266-aa"}, body())
    assert post.mac_id == "esp8266-aa"


# openSenseMap JSON array


def osem(items) -> bytes:
    return json.dumps(items).encode()


def test_opensensemap_array_with_known_and_unknown_sensors():
    other = "5a0c2cc89fd3c200111118f1"
    payload = osem(
        [
            {"sensor": OSEM_ID, "value": "12.30", "createdAt": "2026-03-14T18:25:03.000Z"},
            {"sensor": other, "value": 41, "location": [-103.3475, 20.6767, 1566]},
        ]
    )

    first, second = parse_opensensemap(payload, sensors={OSEM_ID: ("pm2_5", "µg/m³")})

    assert (first.quantity, first.unit, first.value) == ("pm2_5", "µg/m³", Decimal("12.30"))
    assert first.created_at == datetime(2026, 3, 14, 18, 25, 3, tzinfo=UTC)
    assert first.location is None
    assert (second.quantity, second.value) == (f"unknown:{other}", Decimal(41))
    assert second.location == (Decimal("-103.3475"), Decimal("20.6767"), Decimal(1566))


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        (b"[", ErrorCode.INVALID_JSON),
        (osem({"sensor": OSEM_ID, "value": "1"}), ErrorCode.WRONG_TYPE),
        (osem(["x"]), ErrorCode.WRONG_TYPE),
        (osem([{"value": "1"}]), ErrorCode.MISSING_FIELD),
        (osem([{"sensor": OSEM_ID}]), ErrorCode.MISSING_FIELD),
        (osem([{"sensor": 5, "value": "1"}]), ErrorCode.WRONG_TYPE),
        (osem([{"sensor": "temperature", "value": "1"}]), ErrorCode.INVALID_VALUE_TYPE),
        (osem([{"sensor": OSEM_ID, "value": "x"}]), ErrorCode.NON_NUMERIC_VALUE),
        (osem([{"sensor": OSEM_ID, "value": None}]), ErrorCode.WRONG_TYPE),
        (
            osem([{"sensor": OSEM_ID, "value": "1", "createdAt": "ayer"}]),
            ErrorCode.INVALID_TIMESTAMP,
        ),
        (
            osem([{"sensor": OSEM_ID, "value": "1", "createdAt": "2026-03-14T18:25:03"}]),
            ErrorCode.INVALID_TIMESTAMP,
        ),
        (
            osem([{"sensor": OSEM_ID, "value": "1", "location": [200, 0]}]),
            ErrorCode.INVALID_LOCATION,
        ),
        (osem([{"sensor": OSEM_ID, "value": "1", "location": "x"}]), ErrorCode.INVALID_LOCATION),
        (
            osem([{"sensor": OSEM_ID, "value": "1"}] * (MAX_VALUES + 1)),
            ErrorCode.TOO_MANY_VALUES,
        ),
        (b"[" + b" " * MAX_BODY_BYTES + b"]", ErrorCode.PAYLOAD_TOO_LARGE),
    ],
)
def test_opensensemap_refusals(payload, code):
    with pytest.raises(PayloadError) as caught:
        parse_opensensemap(payload)
    assert caught.value.code == code
