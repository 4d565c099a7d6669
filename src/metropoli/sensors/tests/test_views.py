"""Pages: registering with the setup guide, the registry and map, a sensor's charts, CSV."""

import csv
import hashlib
import io
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.gis.geos import Point

from metropoli.accounts.tests.factories import UserFactory
from metropoli.sensors import services
from metropoli.sensors.models import Reading, Sensor

from .conftest import basic
from .test_payloads_examples import HEADERS, RAW_BODY_SDS011_BME280, custom_body

pytestmark = pytest.mark.django_db

FORM = {
    "sensor_id": "ESP8266-777",
    "name": "Azotea",
    "model": "SDS011 + BME280",
    "placement": "outdoor",
    "latitude": "20.6767",
    "longitude": "-103.3475",
}


def test_registering_shows_the_setup_guide_with_the_password_once(client, municipalities):
    person = UserFactory()
    client.force_login(person)

    response = client.post("/arbol/sensores/registrar/", FORM, HTTP_HOST="aire.example.mx")

    assert response.status_code == 201
    sensor = Sensor.objects.get()
    assert sensor.sensor_id == "esp8266-777"
    assert sensor.owner == person
    assert sensor.municipality.inegi_code == "14039"
    guide = response.context["guide"]
    assert guide == {
        "server": "aire.example.mx",
        "path": "/api/sensors/airrohr",
        "port": "80",
        "https": False,
        "user": "esp8266-777",
        "password": guide["password"],
    }
    assert len(guide["password"]) == 24
    assert guide["password"] not in sensor.password_hash
    assert sensor.password_hash == hashlib.sha256(guide["password"].encode()).hexdigest()
    assert "no-store" in response["Cache-Control"]
    # The password works for the firmware's endpoint.
    posted = client.post(
        "/api/sensors/airrohr",
        data=RAW_BODY_SDS011_BME280.replace(b"3912953", b"777"),
        content_type="application/json",
        headers={
            "X-Sensor": "esp8266-777",
            "Authorization": basic("esp8266-777", guide["password"]),
        },
    )
    assert posted.status_code == 201


def test_registering_needs_an_account(client, municipalities):
    response = client.post("/arbol/sensores/registrar/", FORM)

    assert response.status_code == 302
    assert "/cuentas/" in response["Location"]
    assert not Sensor.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"sensor_id": "mi-sensor"}, "sensor_id", "esp8266-3912953"),
        ({"latitude": "19.43", "longitude": "-99.13"}, None, "fuera de los municipios"),
        ({"latitude": "200"}, "latitude", "200"),
    ],
)
def test_registering_refuses_bad_input(client, municipalities, changes, field, message):
    client.force_login(UserFactory())

    response = client.post("/arbol/sensores/registrar/", {**FORM, **changes})

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert any(message in text for text in errors[field or "__all__"]) or field == "latitude"
    assert not Sensor.objects.exists()


def test_a_sensor_cannot_be_registered_twice(client, sensor):
    client.force_login(UserFactory())

    response = client.post("/arbol/sensores/registrar/", {**FORM, "sensor_id": sensor.sensor_id})

    assert response.status_code == 200
    assert "ya está registrado" in response.context["form"].errors["sensor_id"][0]
    assert Sensor.objects.count() == 1


def test_the_owner_can_issue_a_new_password_and_others_cannot(client, registered, owner):
    sensor, old_password = registered
    url = f"/arbol/sensores/{sensor.sensor_id}/configuracion/"
    client.force_login(UserFactory())
    assert client.post(url).status_code == 403
    sensor.refresh_from_db()
    assert services.check_credentials(sensor, sensor.auth_username, old_password)

    client.force_login(owner)
    page = client.get(url)
    renewed = client.post(url)

    assert page.status_code == 200
    assert page.context["guide"]["password"] is None
    new_password = renewed.context["guide"]["password"]
    sensor.refresh_from_db()
    assert services.check_credentials(sensor, sensor.auth_username, new_password)
    assert not services.check_credentials(sensor, sensor.auth_username, old_password)


def test_the_registry_lists_sensors_with_status_and_index(client, sensor, owner, guadalajara):
    quiet, _password = services.register_sensor(
        sensor_id="esp8266-5", owner=owner, location=Point(-103.3, 20.7, srid=4326)
    )
    services.ingest_airrohr(sensor=sensor, headers=HEADERS, body=RAW_BODY_SDS011_BME280)
    Sensor.objects.filter(pk=sensor.pk).update(
        index_category=2, index_hour=datetime.now(UTC).replace(minute=0, second=0)
    )

    response = client.get("/arbol/sensores/", headers={"Accept-Language": "es-MX"})

    assert response.status_code == 200
    rows = {row["sensor"].sensor_id: row for row in response.context["rows"]}
    assert rows["esp8266-3912953"]["online"] is True
    assert rows["esp8266-3912953"]["category"]["label"] == "Aceptable"
    assert rows["esp8266-5"]["online"] is False
    assert rows["esp8266-5"]["category"] is None
    assert 'data-layer="sensors"' in response.content.decode()


def test_the_sensor_page_has_charts_and_the_index(client, sensor):
    now = datetime.now(UTC)
    for minutes in range(0, 120, 10):
        body = custom_body([("SDS_P1", "20.00"), ("SDS_P2", f"{minutes}.00")])
        services.ingest_airrohr(
            sensor=sensor, headers=HEADERS, body=body, received_at=now - timedelta(minutes=minutes)
        )

    response = client.get(f"/arbol/sensores/{sensor.sensor_id}/?period=7d")

    assert response.status_code == 200
    charts = response.context["charts"]
    assert [chart["title"] for chart in charts] == [
        "PM2.5, últimos 7 días",
        "PM10, últimos 7 días",
    ]
    assert charts[0]["high"] == 110.0
    assert "<svg" in str(charts[0]["svg"])
    assert "<polyline" in str(charts[0]["svg"])
    assert client.get("/arbol/sensores/esp8266-404/").status_code == 404


def test_csv_export_has_the_raw_readings(client, sensor):
    services.ingest_airrohr(sensor=sensor, headers=HEADERS, body=RAW_BODY_SDS011_BME280)

    response = client.get(f"/arbol/sensores/{sensor.sensor_id}/lecturas.csv?quantity=pm10")

    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["time", "quantity", "unit", "value", "value_type", "raw"]
    assert [row[1:] for row in rows[1:]] == [["pm10", "µg/m³", "18.4", "SDS_P1", "18.40"]]


def test_csv_export_defuses_formula_like_text(client, sensor):
    services.ingest_airrohr(sensor=sensor, headers=HEADERS, body=RAW_BODY_SDS011_BME280)
    Reading.objects.filter(sensor=sensor, quantity="pm10").update(raw="=1+1", value=-3)

    response = client.get(f"/arbol/sensores/{sensor.sensor_id}/lecturas.csv?quantity=pm10")

    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [row[3:] for row in rows[1:]] == [["-3.0", "SDS_P1", "'=1+1"]]
