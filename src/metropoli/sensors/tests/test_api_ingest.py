"""The airRohr and openSenseMap ingestion endpoints, end to end over HTTP."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client

from metropoli.sensors import services
from metropoli.sensors.aqi import Category
from metropoli.sensors.models import Post, Reading, Sensor

from .conftest import basic
from .test_payloads_examples import (
    CUSTOM_API_EXAMPLES,
    CUSTOM_API_QUANTITIES,
    HEADERS,
    PUSH_EXAMPLES,
    PUSH_QUANTITIES,
    RAW_BODY_SDS011_BME280,
    custom_body,
    push_body,
)

pytestmark = pytest.mark.django_db


def nothing_stored(sensor: Sensor) -> bool:
    sensor.refresh_from_db()
    return (
        not Post.objects.exists() and not Reading.objects.exists() and sensor.last_post_at is None
    )


@pytest.mark.parametrize("name", sorted(CUSTOM_API_EXAMPLES))
def test_every_custom_api_example_is_accepted_and_stored_once(firmware, sensor, name):
    values = CUSTOM_API_EXAMPLES[name]
    before = datetime.now(UTC)

    response = firmware(custom_body(values))

    assert response.status_code == 201, response.json()
    assert response.json()["readings"] == len(values)
    assert response.json()["duplicate"] is False
    post = Post.objects.get()
    assert post.received_at >= before
    assert post.software_version == "NRZ-2024-135"
    assert post.mac_id == "esp8266-5ccf7f3bb4f9"
    stored = {r.value_type: r for r in Reading.objects.filter(post=post)}
    assert set(stored) == {value_type for value_type, _ in values}
    for value_type, raw in values:
        reading = stored[value_type]
        assert reading.raw == raw
        assert reading.time == post.received_at
        expected = CUSTOM_API_QUANTITIES.get(value_type)
        if expected is not None:
            assert reading.quantity == expected
    sensor.refresh_from_db()
    assert sensor.last_post_at == post.received_at


def test_the_raw_firmware_body_maps_values_to_quantities_and_units(firmware, sensor):
    response = firmware(RAW_BODY_SDS011_BME280)

    assert response.status_code == 201
    got = {
        r.quantity: (r.unit, r.value)
        for r in Reading.objects.filter(value_type__in=["SDS_P1", "SDS_P2", "BME280_pressure"])
    }
    assert got == {
        "pm10": ("µg/m³", 18.4),
        "pm2_5": ("µg/m³", 9.7),
        "pressure": ("Pa", 84503.5),
    }
    assert json.loads(Post.objects.get().raw_body) == json.loads(RAW_BODY_SDS011_BME280)


@pytest.mark.parametrize("name", sorted(PUSH_EXAMPLES))
def test_sensor_community_style_posts_with_x_pin_are_accepted(firmware, sensor, name):
    pin, values = PUSH_EXAMPLES[name]

    response = firmware(push_body(values), headers={"X-PIN": str(pin)})

    assert response.status_code == 201, response.json()
    got = dict(Reading.objects.values_list("value_type", "quantity"))
    assert got == {t: PUSH_QUANTITIES[pin][t] for t, _ in values}


def test_unknown_value_types_are_kept(firmware):
    body = custom_body([("SDS_P1", "18.40"), ("NEW_gadget", "3.50"), ("NEW_text", "on")])

    assert firmware(body).status_code == 201
    kept = {r.value_type: (r.quantity, r.value, r.raw) for r in Reading.objects.all()}
    assert kept["NEW_gadget"] == ("unknown:NEW_gadget", 3.5, "3.50")
    assert kept["NEW_text"] == ("unknown:NEW_text", None, "on")


def test_a_resent_body_is_stored_once(firmware):
    first = firmware(RAW_BODY_SDS011_BME280)
    again = firmware(RAW_BODY_SDS011_BME280)

    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json()["duplicate"] is True
    assert again.json()["post_id"] == first.json()["post_id"]
    assert Post.objects.count() == 1
    assert Reading.objects.count() == 10


def test_the_same_body_after_the_duplicate_window_is_a_new_post(sensor, settings):
    settings.METROPOLI_SENSORS_DUPLICATE_WINDOW_SECONDS = 600
    t0 = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
    for offset in (0, 300, 601):
        services.ingest_airrohr(
            sensor=sensor,
            headers=HEADERS,
            body=RAW_BODY_SDS011_BME280,
            received_at=t0 + timedelta(seconds=offset),
        )
    assert Post.objects.count() == 2


def test_no_csrf_token_is_needed(registered):
    sensor, password = registered
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/api/sensors/airrohr",
        data=RAW_BODY_SDS011_BME280,
        content_type="application/json",
        headers={"X-Sensor": sensor.sensor_id, "Authorization": basic(sensor.sensor_id, password)},
    )
    assert response.status_code == 201


TRUNCATED = RAW_BODY_SDS011_BME280[:-20]


@pytest.mark.parametrize(
    ("body", "status", "code", "spanish"),
    [
        (TRUNCATED, 400, "invalid_json", "no es JSON válido"),
        (b"", 400, "invalid_json", "no es JSON válido"),
        (
            b'{"esp8266id": "3912953", "software_version": "NRZ-2024-135"}',
            400,
            "missing_field",
            "Falta el campo obligatorio «sensordatavalues»",
        ),
        (
            custom_body([("SDS_P1", "18.40"), ("SDS_P2", "abc")]),
            400,
            "non_numeric_value",
            "El valor «abc» de «SDS_P2» no es un número",
        ),
        (custom_body([("SDS_P1", "nan")]), 400, "non_numeric_value", "no es un número"),
        (
            json.dumps({"esp8266id": "42", "sensordatavalues": []}).encode(),
            400,
            "sensor_mismatch",
            "no coincide",
        ),
        (b"\xff\xfe{}", 400, "invalid_encoding", "UTF-8"),
        (b"[1, 2]", 400, "wrong_type", "debe ser un objeto JSON"),
        (
            custom_body([(f"X_{i}", "1") for i in range(101)]),
            400,
            "too_many_values",
            "el máximo es 100",
        ),
        (b'{"a": "' + b"x" * 20_000 + b'"}', 413, "payload_too_large", "supera el máximo"),
    ],
    ids=[
        "truncated",
        "empty",
        "missing-values",
        "non-numeric",
        "nan",
        "other-chip",
        "not-utf8",
        "array",
        "too-many",
        "huge",
    ],
)
def test_bad_bodies_are_refused_naming_the_problem_and_nothing_is_stored(
    firmware, sensor, body, status, code, spanish
):
    response = firmware(body)

    assert response.status_code == status
    assert response.json()["code"] == code
    assert spanish in response.json()["message"]
    assert nothing_stored(sensor)


def test_payload_errors_are_translated_into_english(firmware, sensor):
    body = custom_body([("SDS_P1", "18.40"), ("SDS_P2", "abc")])

    response = firmware(body, headers={"Accept-Language": "en"})

    assert response.status_code == 400
    assert response.json()["message"] == "The value “abc” of “SDS_P2” is not a number."
    missing = firmware(b'{"esp8266id": "3912953"}', headers={"Accept-Language": "en"})
    assert missing.json()["message"] == "The required field “sensordatavalues” is missing."
    assert nothing_stored(sensor)


def test_a_huge_body_is_refused_from_its_declared_length(firmware, sensor):
    response = firmware(b"{}", CONTENT_LENGTH="10000000")

    assert response.status_code == 413
    assert nothing_stored(sensor)


def test_wrong_password_is_refused_and_nothing_is_stored(firmware, sensor):
    response = firmware(RAW_BODY_SDS011_BME280, auth=basic(sensor.auth_username, "adivina"))

    assert response.status_code == 401
    assert response.json()["code"] == "invalid_credentials"
    assert response["WWW-Authenticate"].startswith("Basic")
    assert nothing_stored(sensor)


@pytest.mark.parametrize("auth", ["", "Bearer abc", "Basic !!!", basic("otro", "x")[:6]])
def test_missing_or_malformed_credentials_ask_for_basic_auth(firmware, sensor, auth):
    response = firmware(RAW_BODY_SDS011_BME280, auth=auth)

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert nothing_stored(sensor)


def test_another_sensors_password_does_not_work(firmware, sensor, owner, guadalajara):
    other, other_password = services.register_sensor(
        sensor_id="esp8266-111", owner=owner, location=sensor.location, municipality=guadalajara
    )
    response = firmware(RAW_BODY_SDS011_BME280, auth=basic(other.auth_username, other_password))

    assert response.status_code == 401
    assert nothing_stored(sensor)


def test_unknown_sensor_is_forbidden_in_both_languages(firmware, sensor):
    body = custom_body([("SDS_P1", "1.00")])
    headers = {"X-Sensor": "esp8266-999"}

    spanish = firmware(body, headers=headers)
    english = firmware(body, headers={**headers, "Accept-Language": "en"})

    assert spanish.status_code == english.status_code == 403
    assert spanish.json()["code"] == "unknown_sensor"
    assert spanish.json()["message"] == "El sensor esp8266-999 no está registrado aquí."
    assert english.json()["message"] == "The sensor esp8266-999 is not registered here."
    assert nothing_stored(sensor)


def test_a_deactivated_sensor_is_forbidden(firmware, sensor):
    Sensor.objects.filter(pk=sensor.pk).update(active=False)

    assert firmware(RAW_BODY_SDS011_BME280).status_code == 403
    assert nothing_stored(sensor)


def test_missing_x_sensor_header_is_a_bad_request(firmware, sensor):
    response = firmware(RAW_BODY_SDS011_BME280, headers={"X-Sensor": None})

    assert response.status_code == 400
    assert response.json()["code"] == "missing_sensor"
    assert nothing_stored(sensor)


def test_the_index_of_the_last_complete_hour_is_stored_on_the_sensor(sensor):
    # PM2.5 40 µg/m³ for three hours: 40 × 0.694 = 27.76 -> 28, "Mala" on the 2026 table;
    # PM10 18.4 × 0.714 = 13.1 -> 13, "Buena". The worst one is reported.
    start = datetime(2026, 11, 20, 10, 5, tzinfo=UTC)
    for minute in range(0, 3 * 60 + 1, 30):
        body = custom_body([("SDS_P1", "18.40"), ("SDS_P2", "40.00"), ("samples", str(minute))])
        services.ingest_airrohr(
            sensor=sensor, headers=HEADERS, body=body, received_at=start + timedelta(minutes=minute)
        )
    sensor.refresh_from_db()
    assert sensor.index_hour == datetime(2026, 11, 20, 13, 0, tzinfo=UTC)
    assert sensor.index_category == Category.BAD
    assert sensor.index_pollutants == "pm2_5"


OSM_PM25 = "5a0c2cc89fd3c200111118f0"
OSM_UNKNOWN = "5a0c2cc89fd3c200111118f1"


def test_opensensemap_upload_is_stored_with_mapped_quantities(client, registered):
    sensor, password = registered
    sensor.opensensemap_sensors = {OSM_PM25: ["pm2_5", "µg/m³"]}
    sensor.save()
    body = json.dumps(
        [
            {"sensor": OSM_PM25, "value": "9.70", "createdAt": "2026-11-20T10:00:00Z"},
            {"sensor": OSM_UNKNOWN, "value": "3"},
        ]
    ).encode()

    response = client.post(
        f"/api/sensors/{sensor.sensor_id}/opensensemap",
        data=body,
        content_type="application/json",
        headers={"Authorization": basic(sensor.auth_username, password)},
    )

    assert response.status_code == 201, response.json()
    post = Post.objects.get()
    readings = {r.value_type: r for r in Reading.objects.all()}
    assert readings[OSM_PM25].quantity == "pm2_5"
    assert readings[OSM_PM25].unit == "µg/m³"
    assert readings[OSM_PM25].time == datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
    assert readings[OSM_UNKNOWN].quantity == f"unknown:{OSM_UNKNOWN}"
    assert readings[OSM_UNKNOWN].time == post.received_at


def test_opensensemap_refuses_future_dates_and_bad_auth(client, registered):
    sensor, password = registered
    future = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    body = json.dumps([{"sensor": OSM_PM25, "value": "1", "createdAt": future}]).encode()
    url = f"/api/sensors/{sensor.sensor_id}/opensensemap"

    dated = client.post(
        url,
        data=body,
        content_type="application/json",
        headers={"Authorization": basic(sensor.auth_username, password)},
    )
    wrong = client.post(
        url,
        data=body,
        content_type="application/json",
        headers={"Authorization": basic(sensor.auth_username, "no")},
    )
    unknown = client.post(
        "/api/sensors/esp8266-5/opensensemap", data=b"[]", content_type="application/json"
    )

    assert dated.status_code == 400
    assert dated.json()["code"] == "invalid_timestamp"
    assert wrong.status_code == 401
    assert unknown.status_code == 403
    assert not Post.objects.exists()
