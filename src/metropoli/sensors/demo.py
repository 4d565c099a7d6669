"""Demo sensors: four stations with plausible readings of the last 24 hours, topped up to the
present each time the demo loads (idempotent: nothing twice, nothing older than a day)."""

import json
import math
import random
from datetime import timedelta

from django.contrib.gis.geos import Point
from django.db.models import Max
from django.utils import timezone

from metropoli.accounts.models import User

from . import services
from .models import Post, Sensor

DEMO_OWNER = "ciudadana@demo.metropoli.mx"
# (sensor id, name, lon, lat, typical PM2.5 in µg/m³)
DEMO_SENSORS = [
    ("esp8266-3912953", "Centro, azotea", -103.3475, 20.6767, 14.0),
    ("esp8266-1029384", "Zapopan, Ciudad Granja", -103.4460, 20.6790, 9.0),
    ("esp8266-5566778", "Tlaquepaque, El Cerrito", -103.3120, 20.6160, 26.0),
    ("esp8266-8811223", "Tonalá, jardín", -103.2420, 20.6230, 38.0),
]
HOURS = 24
STEP = timedelta(minutes=20)


def _body(chip: str, pm25: float, rng: random.Random, cycle: int) -> bytes:
    values = [
        ("SDS_P1", pm25 * rng.uniform(1.5, 2.1)),
        ("SDS_P2", pm25),
        ("BME280_temperature", rng.uniform(14, 29)),
        ("BME280_pressure", rng.uniform(84300, 84700)),
        ("BME280_humidity", rng.uniform(25, 70)),
    ]
    entries = [{"value_type": t, "value": f"{v:.2f}"} for t, v in values]
    entries += [
        {"value_type": "samples", "value": str(1_800_000 + cycle)},
        {"value_type": "interval", "value": "145000"},
        {"value_type": "signal", "value": str(rng.randint(-85, -55))},
    ]
    return json.dumps(
        {"esp8266id": chip, "software_version": "NRZ-2024-135", "sensordatavalues": entries}
    ).encode()


def load(stdout=None, *, now=None) -> None:
    """Register the demo sensors once; on every run, fill their readings up to now (at most the
    last 24 h), so the map has current air quality each time `make run` starts."""
    owner = User.objects.filter(email=DEMO_OWNER).first()
    now = now or timezone.now()
    created = posts = 0
    for sensor_id, name, lon, lat, typical in DEMO_SENSORS:
        sensor = Sensor.objects.filter(sensor_id=sensor_id).first()
        if sensor is None:
            sensor, _password = services.register_sensor(
                sensor_id=sensor_id,
                owner=owner,
                location=Point(lon, lat, srid=4326),
                name=name,
                model="NodeMCU + SDS011 + BME280",
            )
            created += 1
        last = Post.objects.filter(sensor=sensor).aggregate(last=Max("received_at"))["last"]
        start = (
            now - timedelta(hours=HOURS)
            if last is None
            else max(last + STEP, now - timedelta(hours=HOURS))
        )
        posts += _feed(sensor, typical, start, now)
    if stdout is not None:
        stdout.write(f"sensors: {created} demo sensors created; {posts} readings added up to now")


def _feed(sensor: Sensor, typical: float, start, end) -> int:
    """Plausible firmware posts every 20 minutes from `start` to `end`, through the same
    ingestion as a real sensor."""
    rng = random.Random(f"{sensor.sensor_id}-{start.isoformat()}")
    chip = sensor.sensor_id.split("-", 1)[1]
    at, count = start, 0
    while at <= end:
        # Morning and evening traffic peaks over a noisy background.
        local = timezone.localtime(at)
        hour = local.hour + local.minute / 60
        peaks = 0.6 * math.exp(-((hour - 8) ** 2) / 4) + 0.5 * math.exp(-((hour - 20) ** 2) / 6)
        pm25 = max(1.0, typical * (0.7 + peaks) * rng.uniform(0.85, 1.15))
        services.ingest_airrohr(
            sensor=sensor,
            headers={"X-Sensor": sensor.sensor_id},
            body=_body(chip, pm25, rng, int(at.timestamp()) // 145),
            received_at=at,
        )
        at += STEP
        count += 1
    return count
