"""Raw readings in sensor.community's archive layout, so that scripts written for
https://archive.sensor.community read ours unchanged (docs/decisions/0083-sensor-archive-layout.md).

Their archive has one folder per day (UTC) and, in it, one semicolon-separated file per sensor
component and day, named ``<date>_<type>_sensor_<id>.csv``. Every file starts with the columns
``sensor_id;sensor_type;location;lat;lon;timestamp`` followed by the columns of the component's
type (``P1;durP1;ratioP1;P2;durP2;ratioP2`` for a particulate sensor, ``pressure;altitude;
pressure_sealevel;temperature;humidity`` for a BME280, …); a value the sensor did not send is an
empty cell. Coordinates have three decimals, timestamps are UTC without an offset.

A Metrópoli station (one ``Sensor``) carries several components; each is a file of its own, with
the station's number as ``sensor_id`` and ``location``. Raw readings are kept for
``METROPOLI_SENSORS_RAW_RETENTION_DAYS``; older days have no files.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.core.cache import cache
from django.utils import timezone

from .models import Post, Reading, Sensor
from .payloads.value_types import VALUE_TYPES

BASE_COLUMNS = ("sensor_id", "sensor_type", "location", "lat", "lon", "timestamp")

_PARTICULATE = ("P1", "durP1", "ratioP1", "P2", "durP2", "ratioP2")
_CLIMATE = ("temperature", "humidity")
_BAROMETER = ("pressure", "altitude", "pressure_sealevel", "temperature")
# The columns of each component type. Confirmed from sensor.community's own archive: the
# particulate layout (SDS011, PPD42NS), DHT22-like climate sensors, BMP180 and BME280. The
# other types put the firmware's value names after the same leading columns.
LAYOUTS: dict[str, tuple[str, ...]] = {
    "SDS011": _PARTICULATE,
    "PPD42NS": _PARTICULATE,
    "HPM": _PARTICULATE,
    "PMSx003": (*_PARTICULATE, "P0"),
    "NextPM": (*_PARTICULATE, "P0", "N1", "N10", "N25"),
    "SPS30": (*_PARTICULATE, "P0", "P4", "N05", "N1", "N25", "N4", "N10", "TS"),
    "IPS-7100": (
        *_PARTICULATE,
        *("P0", "P01", "P03", "P05", "P5", "N01", "N03", "N05", "N1", "N25", "N5", "N10"),
    ),
    "DHT22": _CLIMATE,
    "HTU21D": _CLIMATE,
    "SHT3X": _CLIMATE,
    "BMP180": _BAROMETER,
    "BMP280": _BAROMETER,
    "BME280": (*_BAROMETER, "humidity"),
    "DS18B20": ("temperature",),
    "SCD30": ("co2_ppm", "temperature", "humidity"),
    "DNMS": ("noise_LAeq", "noise_LA_min", "noise_LA_max"),
}
# The firmware's value types of each component, and the column each one fills: the name without
# the component prefix («BME280_pressure» -> «pressure»; «durP1» has none).
COLUMN_OF: dict[str, tuple[str, str]] = {
    value_type: (kind.sensor_model, value_type.split("_", 1)[-1])
    for value_type, kind in VALUE_TYPES.items()
    if kind.sensor_model in LAYOUTS and value_type.split("_", 1)[-1] in LAYOUTS[kind.sensor_model]
}

FILE_NAME = re.compile(r"(?P<day>\d{4}-\d{2}-\d{2})_(?P<type>[a-z0-9-]+)_sensor_(?P<id>\d+)\.csv")
# A bulk download covers at most this many days.
MAX_BULK_DAYS = 31


def type_slug(model: str) -> str:
    """The component type as it appears in file names: «SDS011» -> «sds011»."""
    return model.lower()


def model_of_slug(slug: str) -> str | None:
    return next((model for model in LAYOUTS if type_slug(model) == slug), None)


@dataclass(frozen=True)
class ArchiveFile:
    day: date
    sensor: Sensor
    model: str

    @property
    def name(self) -> str:
        return f"{self.day.isoformat()}_{type_slug(self.model)}_sensor_{self.sensor.pk}.csv"

    @property
    def header(self) -> tuple[str, ...]:
        return (*BASE_COLUMNS, *LAYOUTS[self.model])


def day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0), tzinfo=UTC)
    return start, start + timedelta(days=1)


def _value_types_of(model: str) -> list[str]:
    return [value_type for value_type, (owner, _) in COLUMN_OF.items() if owner == model]


def files_of_day(day: date, *, sensors: Iterable[Sensor] | None = None) -> list[ArchiveFile]:
    """The day's files: one per active station and component with readings that day.

    A finished day does not change (until its readings are downsampled), so its list is
    cached for an hour; today's is always read afresh."""
    chosen = list(sensors) if sensors is not None else None
    key = f"sensors:archive:{day.isoformat()}"
    finished = day < timezone.now().astimezone(UTC).date()
    pairs = cache.get(key) if finished and chosen is None else None
    if pairs is None:
        start, end = day_bounds(day)
        found = Reading.objects.filter(
            post__received_at__gte=start,
            post__received_at__lt=end,
            value_type__in=list(COLUMN_OF),
        )
        if chosen is not None:
            found = found.filter(post__sensor__in=[s.pk for s in chosen])
        pairs = sorted(
            {
                (sensor_id, COLUMN_OF[value_type][0])
                for sensor_id, value_type in found.values_list(
                    "post__sensor_id", "value_type"
                ).distinct()
            }
        )
        if finished and chosen is None:
            cache.set(key, pairs, 3600)
    by_pk = {
        s.pk: s
        for s in (chosen or Sensor.objects.filter(active=True, pk__in={pk for pk, _ in pairs}))
        if s.active
    }
    return [ArchiveFile(day, by_pk[pk], model) for pk, model in pairs if pk in by_pk]


def find_file(name: str) -> ArchiveFile | None:
    """The file a name stands for, or None (unknown type, station or inactive station)."""
    match = FILE_NAME.fullmatch(name)
    if match is None:
        return None
    model = model_of_slug(match["type"])
    try:
        day = date.fromisoformat(match["day"])
    except ValueError:
        return None
    sensor = Sensor.objects.filter(pk=int(match["id"]), active=True).first()
    if model is None or sensor is None:
        return None
    return ArchiveFile(day, sensor, model)


def _rows(file: ArchiveFile) -> Iterator[list[str]]:
    start, end = day_bounds(file.day)
    location = file.sensor.location
    fixed = [
        str(file.sensor.pk),
        file.model,
        str(file.sensor.pk),
        f"{location.y:.3f}",
        f"{location.x:.3f}",
    ]
    columns = LAYOUTS[file.model]
    readings = (
        Reading.objects.filter(
            post__sensor=file.sensor,
            post__received_at__gte=start,
            post__received_at__lt=end,
            value_type__in=_value_types_of(file.model),
        )
        .order_by("post__received_at", "post_id")
        .values_list("post_id", "post__received_at", "value_type", "raw")
    )
    current, when, values = None, None, {}
    for post_id, received_at, value_type, raw in readings.iterator(chunk_size=2000):
        if post_id != current:
            if values:
                yield [*fixed, _timestamp(when), *(values.get(c, "") for c in columns)]
            current, when, values = post_id, received_at, {}
        values[COLUMN_OF[value_type][1]] = raw
    if values:
        yield [*fixed, _timestamp(when), *(values.get(c, "") for c in columns)]


def _timestamp(moment: datetime | None) -> str:
    assert moment is not None
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="seconds")


def has_readings(file: ArchiveFile) -> bool:
    start, end = day_bounds(file.day)
    return Post.objects.filter(
        sensor=file.sensor,
        received_at__gte=start,
        received_at__lt=end,
        readings__value_type__in=_value_types_of(file.model),
    ).exists()


def csv_lines(file: ArchiveFile) -> Iterator[str]:
    """The file's text, line by line (header first)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
    for row in _with_header(file):
        writer.writerow(row)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def _with_header(file: ArchiveFile) -> Iterator[list[str]]:
    yield list(file.header)
    yield from _rows(file)


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


class _Pipe(io.RawIOBase):
    """A write-only stream whose bytes are taken out as they come (for a streamed zip)."""

    def __init__(self):
        self.chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:  # type: ignore[override]
        self.chunks.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data = b"".join(self.chunks)
        self.chunks.clear()
        return data


def zip_stream(files: Iterable[ArchiveFile]) -> Iterator[bytes]:
    """A zip of the files in the archive's folder layout (``<date>/<name>``), streamed."""
    pipe = _Pipe()
    with zipfile.ZipFile(pipe, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for file in files:
            with archive.open(f"{file.day.isoformat()}/{file.name}", "w") as member:
                for line in csv_lines(file):
                    member.write(line.encode())
                    if sum(map(len, pipe.chunks)) > 64 * 1024:
                        yield pipe.take()
            yield pipe.take()
    yield pipe.take()
