"""The staff command line and the "sensors" map layer."""

from datetime import UTC, datetime
from io import StringIO

import mapbox_vector_tile
import pytest
from django.core.management import CommandError, call_command

from metropoli.maps.tiles import Tile
from metropoli.sensors.models import Sensor

from .conftest import basic
from .test_payloads_examples import RAW_BODY_SDS011_BME280

pytestmark = pytest.mark.django_db


def test_register_command_prints_the_firmware_login(client, owner, municipalities):
    out = StringIO()
    call_command(
        "sensors",
        "register",
        "--sensor-id",
        "esp8266-3912953",
        "--municipality",
        "14039",
        "--lat",
        "20.67",
        "--lon",
        "-103.35",
        "--owner",
        owner.email.upper(),
        stdout=out,
    )

    lines = dict(line.split(": ", 1) for line in out.getvalue().splitlines() if ": " in line)
    assert lines["user"] == "esp8266-3912953"
    sensor = Sensor.objects.get()
    assert sensor.owner == owner
    assert sensor.municipality.inegi_code == "14039"
    response = client.post(
        "/api/sensors/airrohr",
        data=RAW_BODY_SDS011_BME280,
        content_type="application/json",
        headers={
            "X-Sensor": "esp8266-3912953",
            "Authorization": basic(lines["user"], lines["password"]),
        },
    )
    assert response.status_code == 201


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"--owner": "nadie@example.mx"}, "No account"),
        ({"--municipality": "99999"}, "Unknown municipality"),
        ({"--sensor-id": "raspberry"}, "esp8266-3912953"),
        ({"--lat": "95"}, "Latitude"),
    ],
)
def test_register_command_refuses_bad_input(owner, municipalities, changes, message):
    options = {
        "--sensor-id": "esp8266-1",
        "--municipality": "14039",
        "--lat": "20.67",
        "--lon": "-103.35",
        "--owner": owner.email,
        **changes,
    }
    arguments = [part for pair in options.items() for part in pair]

    with pytest.raises(CommandError, match=message):
        call_command("sensors", "register", *arguments, stdout=StringIO())
    assert not Sensor.objects.exists()


def _decode(client, z, x, y):
    response = client.get(f"/tiles/sensors/{z}/{x}/{y}.pbf")
    assert response.status_code == 200
    return mapbox_vector_tile.decode(response.content)


def test_the_sensors_layer_colours_points_by_current_category(client, sensor):
    Sensor.objects.filter(pk=sensor.pk).update(
        index_category=3, index_hour=datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    )
    # Tile 10/218/451 contains Guadalajara's centre (-103.35, 20.67).
    tile = Tile(10, 218, 451)

    decoded = _decode(client, tile.z, tile.x, tile.y)

    features = decoded["sensors"]["features"]
    assert len(features) == 1
    props = features[0]["properties"]
    assert props["sensor_id"] == "esp8266-3912953"
    assert props["category"] == "bad"
    assert props["colour"] == "#F8991D"
    assert props["online"] is False


def test_a_stale_index_shows_as_no_data(client, sensor):
    Sensor.objects.filter(pk=sensor.pk).update(
        index_category=1, index_hour=datetime(2026, 1, 1, tzinfo=UTC)
    )

    props = _decode(client, 10, 218, 451)["sensors"]["features"][0]["properties"]

    assert props["category"] == ""
    assert props["colour"] == "#FFFFFF"
