"""Every write of the sensors module: registering, ingesting posts, the index, downsampling."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.contrib.gis.geos import Point
from django.db import connection, transaction
from django.db.models import Count, Max, Min, Sum
from django.db.models.functions import TruncHour
from django.utils import timezone

from metropoli.common.api import require
from metropoli.common.errors import DomainError
from metropoli.territory.models import Municipality
from metropoli.territory.selectors import municipality_at

from . import selectors
from .errors import SensorErrorCode
from .models import HourlyAggregate, Placement, Post, PostSource, Reading, Sensor
from .payloads.airrohr import parse_airrohr
from .payloads.opensensemap import parse_opensensemap

SENSOR_ID = re.compile(r"(esp8266-[0-9]{1,10}|esp32-[0-9a-f]{1,16})")


def normalise_sensor_id(value: str) -> str:
    return value.strip().lower()


def generate_password() -> str:
    """24 URL-safe characters (144 random bits): fits the firmware's password field."""
    return secrets.token_urlsafe(18)


def hash_password(password: str) -> str:
    # A fast hash is enough for a random 144-bit secret (nobody can guess it, slowly or not),
    # and keeps the per-post check in microseconds; see the decision record.
    return hashlib.sha256(password.encode("utf-8")).hexdigest()


def check_credentials(sensor: Sensor, username: str, password: str) -> bool:
    expected = sensor.password_hash.encode()
    given = hash_password(password).encode()
    return hmac.compare_digest(expected, given) & hmac.compare_digest(
        sensor.auth_username.encode(), username.encode()
    )


@transaction.atomic
def register_sensor(
    *,
    sensor_id: str,
    owner,
    location: Point,
    municipality: Municipality | None = None,
    placement: str = Placement.OUTDOOR,
    model: str = "",
    name: str = "",
) -> tuple[Sensor, str]:
    """Register a sensor for its `owner`, who registers it themselves (the command names the
    owner); returns it with its Basic-auth password (shown once, never stored)."""
    require(owner, "sensors.register_sensor")
    sensor_id = normalise_sensor_id(sensor_id)
    if not SENSOR_ID.fullmatch(sensor_id):
        raise DomainError(SensorErrorCode.INVALID_SENSOR_ID)
    if Sensor.objects.filter(sensor_id=sensor_id).exists():
        raise DomainError(SensorErrorCode.DUPLICATE_SENSOR, sensor_id=sensor_id)
    if placement not in Placement.values:
        raise DomainError(SensorErrorCode.INVALID_PLACEMENT)
    if location.srid != 4326:
        location = location.transform(4326, clone=True)
    if municipality is None:
        match = municipality_at(lon=location.x, lat=location.y)
        if match is None:
            raise DomainError(SensorErrorCode.OUTSIDE_TERRITORY)
        municipality = match.municipality
    password = generate_password()
    sensor = Sensor.objects.create(
        sensor_id=sensor_id,
        owner=owner,
        location=location,
        municipality=municipality,
        placement=placement,
        model=model.strip(),
        name=name.strip(),
        auth_username=sensor_id,
        password_hash=hash_password(password),
    )
    return sensor, password


@transaction.atomic
def rotate_password(*, sensor: Sensor, actor) -> str:
    """A new password for the firmware (the old one stops working at once)."""
    require(actor, "sensors.change_sensor", sensor)
    password = generate_password()
    Sensor.objects.filter(pk=sensor.pk).update(password_hash=hash_password(password))
    sensor.password_hash = hash_password(password)
    return password


@dataclass(frozen=True)
class IngestResult:
    post: Post
    created: bool
    readings: int


# Store the post and its readings unless the same body came from the sensor within the
# duplicate window, in one round trip (the ingestion hot path). It runs after the sensor row is
# locked, as its own statement, so its snapshot sees every committed post.
_INSERT_ONCE_SQL = """
WITH duplicate AS (
    SELECT id, received_at FROM sensors_post
    WHERE sensor_id = %(sensor)s AND body_sha256 = %(digest)s AND received_at >= %(since)s
    ORDER BY received_at DESC LIMIT 1
), post AS (
    INSERT INTO sensors_post
        (sensor_id, received_at, source, software_version, mac_id, raw_body, body_sha256)
    SELECT %(sensor)s, %(received_at)s, %(source)s, %(software_version)s, %(mac_id)s,
           %(raw_body)s, %(digest)s
    WHERE NOT EXISTS (SELECT 1 FROM duplicate)
    RETURNING id
), readings AS (
    INSERT INTO sensors_reading
        (post_id, sensor_id, "time", quantity, unit, value, value_type, raw)
    SELECT post.id, %(sensor)s, r.t, r.q, r.u, r.v, r.vt, r.raw
    FROM post, unnest(%(times)s::timestamptz[], %(quantities)s::text[], %(units)s::text[],
                      %(values)s::float8[], %(value_types)s::text[], %(raws)s::text[])
         AS r(t, q, u, v, vt, raw)
)
SELECT (SELECT id FROM post), (SELECT id FROM duplicate), (SELECT received_at FROM duplicate)
"""


def _insert_once(post_fields: dict, readings: list) -> tuple[Post, bool]:
    window = timedelta(seconds=settings.METROPOLI_SENSORS_DUPLICATE_WINDOW_SECONDS)
    columns = list(zip(*readings, strict=True)) if readings else [[]] * 6
    params = {
        "sensor": post_fields["sensor"].pk,
        "digest": post_fields["body_sha256"],
        "since": post_fields["received_at"] - window,
        "received_at": post_fields["received_at"],
        "source": post_fields["source"],
        "software_version": post_fields["software_version"],
        "mac_id": post_fields["mac_id"],
        "raw_body": post_fields["raw_body"],
        "times": list(columns[0]),
        "quantities": list(columns[1]),
        "units": list(columns[2]),
        "values": list(columns[3]),
        "value_types": list(columns[4]),
        "raws": list(columns[5]),
    }
    with connection.cursor() as cursor:
        cursor.execute(_INSERT_ONCE_SQL, params)
        post_id, duplicate_id, duplicate_at = cursor.fetchone()
    if duplicate_id is not None:
        return Post(pk=duplicate_id, sensor=post_fields["sensor"], received_at=duplicate_at), False
    return Post(pk=post_id, **post_fields), True


def _store(
    *,
    sensor: Sensor,
    body: bytes,
    received_at: datetime,
    source: str,
    software_version: str,
    mac_id: str,
    readings: list[tuple[datetime, str, str, float | None, str, str]],
) -> IngestResult:
    digest = hashlib.sha256(body).hexdigest()
    with transaction.atomic():
        # Updating the sensor row first takes its lock until commit: posts of one sensor are
        # serialised, so the duplicate check below cannot race (other sensors never wait).
        changes = {"last_post_at": received_at}
        if software_version:
            changes["software_version"] = software_version
        Sensor.objects.filter(pk=sensor.pk).update(**changes)
        post_fields = {
            "sensor": sensor,
            "received_at": received_at,
            "source": source,
            "software_version": software_version,
            "mac_id": mac_id,
            "raw_body": body.decode("utf-8"),
            "body_sha256": digest,
        }
        post, created = _insert_once(post_fields, readings)
        if not created:
            transaction.set_rollback(True)
            return IngestResult(post=post, created=False, readings=0)
        current_hour = received_at.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
        if sensor.index_hour is None or sensor.index_hour < current_hour:
            # The hourly index only changes when an hour completes: once per hour per sensor.
            refresh_index(sensor=sensor, hour=current_hour)
            sensor.index_hour = current_hour
    return IngestResult(post=post, created=True, readings=len(readings))


def ingest_airrohr(
    *,
    sensor: Sensor,
    headers: Mapping[str, str],
    body: bytes,
    received_at: datetime | None = None,
) -> IngestResult:
    """Store one airRohr post (raises ``payloads.PayloadError`` for a refused body)."""
    parsed = parse_airrohr(headers, body)
    received_at = received_at or timezone.now()
    return _store(
        sensor=sensor,
        body=body,
        received_at=received_at,
        source=PostSource.AIRROHR,
        software_version=parsed.software_version or "",
        mac_id=parsed.mac_id or "",
        readings=[
            (
                received_at,
                r.quantity,
                r.unit or "",
                None if r.value is None else float(r.value),
                r.value_type,
                r.raw,
            )
            for r in parsed.readings
        ],
    )


class FutureMeasurement(DomainError):
    """An openSenseMap measurement dated after the moment we received it."""

    def __init__(self, moment: str):
        super().__init__(SensorErrorCode.FUTURE_MEASUREMENT, moment=moment)


# Clocks of small boards drift; a measurement a little "in the future" is still plausible.
CLOCK_TOLERANCE = timedelta(minutes=5)


def ingest_opensensemap(
    *, sensor: Sensor, body: bytes, received_at: datetime | None = None
) -> IngestResult:
    """Store one openSenseMap JSON-array upload; ``createdAt`` dates each value when present."""
    known = {key: (value[0], value[1]) for key, value in sensor.opensensemap_sensors.items()}
    measurements = parse_opensensemap(body, sensors=known)
    received_at = received_at or timezone.now()
    for m in measurements:
        if m.created_at is not None and m.created_at > received_at + CLOCK_TOLERANCE:
            raise FutureMeasurement(m.created_at.isoformat())
    return _store(
        sensor=sensor,
        body=body,
        received_at=received_at,
        source=PostSource.OPENSENSEMAP,
        software_version="",
        mac_id="",
        readings=[
            (
                m.created_at or received_at,
                m.quantity,
                m.unit or "",
                float(m.value),
                m.sensor_id,
                m.raw,
            )
            for m in measurements
        ],
    )


def refresh_index(*, sensor: Sensor, hour: datetime) -> None:
    """Store the NOM-172 index of the last complete hour before ``hour`` on the sensor."""
    station = selectors.station_index_at(sensor, hour)
    Sensor.objects.filter(pk=sensor.pk).update(
        index_hour=hour,
        index_category=int(station.category) if station else None,
        index_pollutants=",".join(station.responsible) if station else "",
    )


@dataclass(frozen=True)
class DownsampleResult:
    sensors: int
    aggregated_readings: int
    hours_written: int
    deleted_posts: int


def _merge_hourly(sensor: Sensor, cutoff: datetime) -> tuple[int, int]:
    rows = list(
        Reading.objects.filter(sensor=sensor, time__lt=cutoff, value__isnull=False)
        .annotate(hour=TruncHour("time", tzinfo=UTC))
        .values("quantity", "unit", "hour")
        .annotate(n=Count("id"), total=Sum("value"), low=Min("value"), high=Max("value"))
        .order_by()
    )
    existing = {
        (a.quantity, a.hour): a
        for a in HourlyAggregate.objects.filter(
            sensor=sensor,
            quantity__in={row["quantity"] for row in rows},
            hour__in={row["hour"] for row in rows},
        )
    }
    new: dict[tuple[str, datetime], HourlyAggregate] = {}
    changed = []
    for row in rows:
        key = (row["quantity"], row["hour"])
        aggregate = existing.get(key) or new.get(key)
        if aggregate is None:
            new[key] = HourlyAggregate(
                sensor=sensor,
                hour=row["hour"],
                quantity=row["quantity"],
                unit=row["unit"],
                count=row["n"],
                total=row["total"],
                minimum=row["low"],
                maximum=row["high"],
            )
            continue
        # The same quantity under two units in one hour is not expected; counts still add up.
        aggregate.count += row["n"]
        aggregate.total += row["total"]
        aggregate.minimum = min(aggregate.minimum, row["low"])
        aggregate.maximum = max(aggregate.maximum, row["high"])
        if aggregate.pk:
            changed.append(aggregate)
    HourlyAggregate.objects.bulk_create(new.values())
    HourlyAggregate.objects.bulk_update(changed, ["count", "total", "minimum", "maximum"])
    aggregated = sum(row["n"] for row in rows)
    return aggregated, len(new) + len(changed)


def downsample(*, older_than: datetime) -> DownsampleResult:
    """Fold raw readings older than ``older_than`` into hourly aggregates and delete them.

    One transaction per sensor: a crash leaves every sensor either fully folded or untouched,
    and a second run finds nothing left to fold (idempotent). Only whole hours are folded, so an
    hour is never split between an aggregate and raw rows.
    """
    cutoff = older_than.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    totals = [0, 0, 0, 0]
    sensor_ids = (
        Reading.objects.filter(time__lt=cutoff).values_list("sensor_id", flat=True).distinct()
    )
    post_sensor_ids = Post.objects.filter(received_at__lt=cutoff).values_list(
        "sensor_id", flat=True
    )
    for sensor in Sensor.objects.filter(pk__in={*sensor_ids, *post_sensor_ids}).order_by("pk"):
        with transaction.atomic():
            Sensor.objects.select_for_update().filter(pk=sensor.pk).exists()
            aggregated, hours = _merge_hourly(sensor, cutoff)
            Reading.objects.filter(sensor=sensor, time__lt=cutoff).delete()
            _total, deleted_by_model = (
                Post.objects.filter(sensor=sensor, received_at__lt=cutoff)
                .exclude(pk__in=Reading.objects.filter(sensor=sensor).values("post_id"))
                .delete()
            )
        totals[0] += 1
        totals[1] += aggregated
        totals[2] += hours
        totals[3] += deleted_by_model.get("sensors.Post", 0)
    return DownsampleResult(*totals)


def downsample_expired(*, now: datetime | None = None) -> DownsampleResult:
    """Downsample what is older than METROPOLI_SENSORS_RAW_RETENTION_DAYS."""
    now = now or timezone.now()
    return downsample(
        older_than=now - timedelta(days=settings.METROPOLI_SENSORS_RAW_RETENTION_DAYS)
    )
