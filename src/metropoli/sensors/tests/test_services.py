"""Sensor services refuse with domain codes (DomainError), whatever page or command called them."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.gis.geos import Point

from metropoli.common.errors import DomainError
from metropoli.sensors import services
from metropoli.sensors.errors import SensorErrorCode
from metropoli.sensors.models import Post, Sensor

from .conftest import SENSOR_ID

pytestmark = pytest.mark.django_db

GDL = Point(-103.35, 20.67, srid=4326)


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"sensor_id": "mi-sensor"}, SensorErrorCode.INVALID_SENSOR_ID),
        ({"placement": "roof"}, SensorErrorCode.INVALID_PLACEMENT),
        ({"location": Point(-99.13, 19.43, srid=4326)}, SensorErrorCode.OUTSIDE_TERRITORY),
    ],
)
def test_bad_registrations_are_refused_and_nothing_is_stored(owner, municipalities, changes, code):
    arguments = {"sensor_id": SENSOR_ID, "owner": owner, "location": GDL, **changes}
    with pytest.raises(DomainError) as refused:
        services.register_sensor(**arguments)
    assert refused.value.code == code
    assert not Sensor.objects.exists()


def test_a_sensor_is_registered_once(owner, sensor):
    with pytest.raises(DomainError) as refused:
        services.register_sensor(sensor_id=SENSOR_ID.upper(), owner=owner, location=GDL)
    assert refused.value.code == SensorErrorCode.DUPLICATE_SENSOR
    assert refused.value.params == {"sensor_id": SENSOR_ID}
    assert Sensor.objects.count() == 1


def test_a_measurement_from_the_future_is_refused(sensor):
    sensor.opensensemap_sensors = {"5a0c2cc89fd3c200111118f0": ["pm2_5", "µg/m³"]}
    sensor.save()
    tomorrow = datetime.now(UTC) + timedelta(days=1)
    body = json.dumps(
        [{"sensor": "5a0c2cc89fd3c200111118f0", "value": "1", "createdAt": tomorrow.isoformat()}]
    ).encode()
    with pytest.raises(services.FutureMeasurement) as refused:
        services.ingest_opensensemap(sensor=sensor, body=body)
    assert refused.value.code == SensorErrorCode.FUTURE_MEASUREMENT == "invalid_timestamp"
    assert not Post.objects.exists()
