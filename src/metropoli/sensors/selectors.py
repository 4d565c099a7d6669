"""Reads of the sensors module: registry, readings, hourly series, charts and the index."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db.models import Count, Max, Min, QuerySet, Sum
from django.db.models.functions import TruncHour
from django.utils import timezone

from .aqi import Category, Pollutant, StationIndex, index_for, station_index
from .aqi.averaging import WINDOW_HOURS
from .models import HourlyAggregate, Reading, Sensor

HOUR = timedelta(hours=1)
# Quantities that get a chart on the sensor page, in this order, when the sensor reports them.
CHART_QUANTITIES = ("pm2_5", "pm10", "pm1", "temperature", "humidity", "pressure", "noise_laeq")
MAX_POINTS = 500
PERIODS = {"24h": timedelta(hours=24), "7d": timedelta(days=7), "30d": timedelta(days=30)}
# Bucket sizes a chart may use; the smallest giving at most MAX_POINTS points is chosen.
BUCKETS = (60, 180, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400)


def sensor_by_id(sensor_id: str) -> Sensor | None:
    return (
        Sensor.objects.select_related("municipality", "owner")
        .filter(sensor_id=sensor_id.strip().lower())
        .first()
    )


def sensor_for_ingest(sensor_id: str) -> Sensor | None:
    """Only what authenticating and storing a post need: one indexed row, no joins."""
    return (
        Sensor.objects.only(
            "pk",
            "sensor_id",
            "auth_username",
            "password_hash",
            "active",
            "index_hour",
            "opensensemap_sensors",
        )
        .filter(sensor_id=sensor_id.strip().lower())
        .first()
    )


def online_since(now: datetime | None = None) -> datetime:
    now = now or timezone.now()
    return now - timedelta(minutes=settings.METROPOLI_SENSORS_ONLINE_MINUTES)


def is_online(sensor: Sensor, now: datetime | None = None) -> bool:
    return sensor.last_post_at is not None and sensor.last_post_at >= online_since(now)


def index_fresh_since(now: datetime | None = None) -> datetime:
    """The stored index counts as current when computed for one of the last 2 hours."""
    now = now or timezone.now()
    return now.astimezone(UTC).replace(minute=0, second=0, microsecond=0) - HOUR


def current_category(sensor: Sensor, now: datetime | None = None) -> Category | None:
    if sensor.index_category is None or sensor.index_hour is None:
        return None
    if sensor.index_hour < index_fresh_since(now):
        return None
    return Category(sensor.index_category)


def registry() -> QuerySet[Sensor]:
    return Sensor.objects.filter(active=True).select_related("municipality", "owner")


def readings(
    sensor: Sensor,
    *,
    quantity: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> QuerySet[Reading]:
    """Raw readings of one sensor, newest first (``since`` inclusive, ``until`` exclusive)."""
    qs = Reading.objects.filter(sensor=sensor)
    if quantity:
        qs = qs.filter(quantity=quantity)
    if since:
        qs = qs.filter(time__gte=since)
    if until:
        qs = qs.filter(time__lt=until)
    return qs.order_by("-time", "-id")


def quantities_of(sensor: Sensor, since: datetime) -> list[str]:
    raw = Reading.objects.filter(sensor=sensor, time__gte=since).values_list("quantity", flat=True)
    hourly = HourlyAggregate.objects.filter(sensor=sensor, hour__gte=since).values_list(
        "quantity", flat=True
    )
    return sorted({*raw.distinct(), *hourly.distinct()})


@dataclass
class Bucket:
    start: datetime
    count: int
    total: float
    minimum: float
    maximum: float

    @property
    def mean(self) -> float:
        return self.total / self.count

    def add(self, count: int, total: float, minimum: float, maximum: float) -> None:
        self.count += count
        self.total += total
        self.minimum = min(self.minimum, minimum)
        self.maximum = max(self.maximum, maximum)


def hourly(sensor: Sensor, quantity: str, start: datetime, end: datetime) -> dict[datetime, Bucket]:
    """Hourly statistics in [start, end): stored aggregates plus raw readings grouped by hour."""
    buckets: dict[datetime, Bucket] = {}
    for a in HourlyAggregate.objects.filter(
        sensor=sensor, quantity=quantity, hour__gte=start, hour__lt=end
    ):
        buckets[a.hour] = Bucket(a.hour, a.count, a.total, a.minimum, a.maximum)
    rows = (
        Reading.objects.filter(
            sensor=sensor, quantity=quantity, time__gte=start, time__lt=end, value__isnull=False
        )
        .annotate(hour=TruncHour("time", tzinfo=UTC))
        .values("hour")
        .annotate(n=Count("id"), total=Sum("value"), low=Min("value"), high=Max("value"))
        .order_by()
    )
    for row in rows:
        hour = row["hour"]
        if hour in buckets:
            buckets[hour].add(row["n"], row["total"], row["low"], row["high"])
        else:
            buckets[hour] = Bucket(hour, row["n"], row["total"], row["low"], row["high"])
    return buckets


def station_index_at(sensor: Sensor, hour: datetime) -> StationIndex | None:
    """NOM-172 index of the complete hour ending at ``hour`` (worst of PM10 and PM2.5)."""
    start = hour - WINDOW_HOURS * HOUR
    results = []
    for pollutant in (Pollutant.PM10, Pollutant.PM2_5):
        means = hourly(sensor, pollutant.value, start, hour)
        window = []
        for back in range(1, WINDOW_HOURS + 1):
            bucket = means.get(hour - back * HOUR)
            # Negative values are sensor faults, not concentrations: treated as missing.
            window.append(None if bucket is None or bucket.mean < 0 else bucket.mean)
        results.append(index_for(pollutant, window, hour))
    return station_index(results)


@dataclass(frozen=True)
class Series:
    quantity: str
    unit: str
    period: str
    start: datetime
    end: datetime
    bucket_seconds: int
    points: list[Bucket]


def bucket_seconds_for(period: timedelta) -> int:
    needed = math.ceil(period.total_seconds() / MAX_POINTS)
    return next(size for size in BUCKETS if size >= needed)


def _floor(moment: datetime, seconds: int) -> datetime:
    epoch = int(moment.timestamp())
    return datetime.fromtimestamp(epoch - epoch % seconds, tz=UTC)


def series(sensor: Sensor, quantity: str, period: str, now: datetime | None = None) -> Series:
    """Downsampled series for a chart: never more than MAX_POINTS (+1 partial) buckets.

    Short buckets group raw readings; hourly or longer buckets group hourly statistics, which
    also covers hours that were already downsampled.
    """
    now = now or timezone.now()
    span = PERIODS[period]
    size = bucket_seconds_for(span)
    end = now
    start = _floor(now - span, size) + timedelta(seconds=size)
    buckets: dict[datetime, Bucket] = {}
    if size >= 3600:
        for hour, stats in hourly(sensor, quantity, _floor(start, 3600), end).items():
            key = _floor(hour, size)
            if key < start:
                continue
            if key in buckets:
                buckets[key].add(stats.count, stats.total, stats.minimum, stats.maximum)
            else:
                buckets[key] = Bucket(key, stats.count, stats.total, stats.minimum, stats.maximum)
    else:
        # Raw rows of one sensor and quantity over at most 7 days: a few thousand at the
        # firmware's 145 s interval, read through the (sensor, quantity, time) index.
        rows = Reading.objects.filter(
            sensor=sensor, quantity=quantity, time__gte=start, time__lt=end, value__isnull=False
        ).values_list("time", "value")
        for time, value in rows.iterator(chunk_size=5000):
            key = _floor(time, size)
            if key in buckets:
                buckets[key].add(1, value, value, value)
            else:
                buckets[key] = Bucket(key, 1, value, value, value)
        # Hours already folded into aggregates (short retention) appear as one point each.
        for hour, aggregate in _aggregates_only(sensor, quantity, start, end).items():
            key = _floor(hour, size)
            if key not in buckets:
                buckets[key] = aggregate
    unit = (
        Reading.objects.filter(sensor=sensor, quantity=quantity)
        .values_list("unit", flat=True)
        .first()
        or HourlyAggregate.objects.filter(sensor=sensor, quantity=quantity)
        .values_list("unit", flat=True)
        .first()
        or ""
    )
    return Series(
        quantity=quantity,
        unit=unit,
        period=period,
        start=start,
        end=end,
        bucket_seconds=size,
        points=[buckets[key] for key in sorted(buckets)],
    )


def _aggregates_only(
    sensor: Sensor, quantity: str, start: datetime, end: datetime
) -> dict[datetime, Bucket]:
    return {
        a.hour: Bucket(a.hour, a.count, a.total, a.minimum, a.maximum)
        for a in HourlyAggregate.objects.filter(
            sensor=sensor, quantity=quantity, hour__gte=start, hour__lt=end
        )
    }
