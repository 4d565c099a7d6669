import base64

import pytest
from django.contrib.gis.geos import Point

from metropoli.accounts.tests.factories import UserFactory
from metropoli.sensors import services

SENSOR_ID = "esp8266-3912953"


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


@pytest.fixture
def owner(db):
    return UserFactory(email="duena@example.mx")


@pytest.fixture
def registered(owner, guadalajara):
    """(sensor, password) for esp8266-3912953 in Guadalajara."""
    return services.register_sensor(
        sensor_id=SENSOR_ID,
        owner=owner,
        location=Point(-103.35, 20.67, srid=4326),
        municipality=guadalajara,
        model="NodeMCU + SDS011 + BME280",
    )


@pytest.fixture
def sensor(registered):
    return registered[0]


@pytest.fixture
def firmware(client, registered):
    """Posts as the firmware does: JSON body, X-Sensor, X-MAC-ID, HTTP Basic auth."""
    sensor, password = registered

    def post(body: bytes, *, auth: str | None = None, headers: dict | None = None, **extra):
        sent = {
            "X-Sensor": sensor.sensor_id,
            "X-MAC-ID": "esp8266-5ccf7f3bb4f9",
            "User-Agent": "NRZ-2024-135/3912953/5ccf7f3bb4f9",
            "Authorization": auth if auth is not None else basic(sensor.auth_username, password),
            **(headers or {}),
        }
        sent = {key: value for key, value in sent.items() if value is not None}
        return client.post(
            "/api/sensors/airrohr",
            data=body,
            content_type="application/json",
            headers=sent,
            **extra,
        )

    return post
