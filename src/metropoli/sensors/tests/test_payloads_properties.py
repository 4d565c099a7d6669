"""Property tests: no input, however broken, escapes as anything but PayloadError."""

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from metropoli.sensors.payloads.airrohr import parse_airrohr
from metropoli.sensors.payloads.errors import PayloadError
from metropoli.sensors.payloads.opensensemap import parse_opensensemap

HEADERS = {"X-Sensor": "esp8266-3912953"}

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=10), children, max_size=5)
    ),
    max_leaves=20,
)
value_types = st.sampled_from(
    ["SDS_P1", "SDS_P2", "GPS_timestamp", "signal", "temperature", "unknown_x", "", "a b"]
)
items = st.fixed_dictionaries(
    {"value_type": value_types | json_values, "value": st.text(max_size=12) | json_values}
)
plausible_bodies = st.builds(
    lambda chip, values: json.dumps({"esp8266id": chip, "sensordatavalues": values}).encode(),
    st.sampled_from(["3912953", "1", "", 3912953]),
    st.lists(items, max_size=8),
)


def only_payload_errors(parse, payload: bytes) -> None:
    try:
        parse(payload)
    except PayloadError as error:
        assert error.code
        assert isinstance(error.message, str) and error.message


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2048))
def test_arbitrary_bytes_raise_only_payload_error(payload):
    only_payload_errors(lambda b: parse_airrohr(HEADERS, b), payload)
    only_payload_errors(parse_opensensemap, payload)


@settings(max_examples=300)
@given(json_values.map(lambda v: json.dumps(v).encode()))
def test_arbitrary_json_raises_only_payload_error(payload):
    only_payload_errors(lambda b: parse_airrohr(HEADERS, b), payload)
    only_payload_errors(parse_opensensemap, payload)


@settings(max_examples=300)
@given(plausible_bodies)
def test_nearly_valid_airrohr_bodies_raise_only_payload_error(payload):
    only_payload_errors(lambda b: parse_airrohr(HEADERS, b), payload)
