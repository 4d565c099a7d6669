"""Demo sensors: four stations with 24 hours of plausible readings (idempotent)."""

import json
import math
import random
from datetime import timedelta

from django.contrib.gis.geos import Point
from django.utils import timezone

from metropoli.accounts.models import User

from . import services
from .models import Sensor

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


def load(stdout=None) -> None:
    owner = User.objects.filter(email=DEMO_OWNER).first()
    now = timezone.now()
    created = 0
    for sensor_id, name, lon, lat, typical in DEMO_SENSORS:
        if Sensor.objects.filter(sensor_id=sensor_id).exists():
            continue
        sensor, _password = services.register_sensor(
            sensor_id=sensor_id,
            owner=owner,
            location=Point(lon, lat, srid=4326),
            name=name,
            model="NodeMCU + SDS011 + BME280",
        )
        rng = random.Random(sensor_id)
        chip = sensor_id.split("-", 1)[1]
        steps = int(timedelta(hours=HOURS) / STEP)
        for i in range(steps, -1, -1):
            at = now - i * STEP
            # Morning and evening traffic peaks over a noisy background.
            hour = timezone.localtime(at).hour + timezone.localtime(at).minute / 60
            peaks = 0.6 * math.exp(-((hour - 8) ** 2) / 4) + 0.5 * math.exp(-((hour - 20) ** 2) / 6)
            pm25 = max(1.0, typical * (0.7 + peaks) * rng.uniform(0.85, 1.15))
            services.ingest_airrohr(
                sensor=sensor,
                headers={"X-Sensor": sensor_id},
                body=_body(chip, pm25, rng, i),
                received_at=at,
            )
        created += 1
    if stdout is not None:
        stdout.write(f"sensors: {created} demo sensors with {HOURS} h of readings created")
