"""Raw readings past the retention period become hourly aggregates, exactly and only once."""

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from metropoli.sensors import services, tasks
from metropoli.sensors.models import HourlyAggregate, Post, Reading

from .test_payloads_examples import HEADERS, custom_body

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 10, 1, 8, 0, tzinfo=UTC)


def post(sensor, at, pm25):
    body = custom_body([("SDS_P2", pm25), ("GPS_timestamp", "x"), ("samples", str(at.minute))])
    services.ingest_airrohr(sensor=sensor, headers=HEADERS, body=body, received_at=at)


def aggregates():
    return {
        (a.hour, a.quantity): (a.count, a.minimum, a.maximum, a.mean, a.unit)
        for a in HourlyAggregate.objects.all()
    }


def test_downsampling_folds_whole_old_hours_and_keeps_recent_ones(sensor):
    for minute, value in [(0, "10.00"), (20, "20.00"), (40, "30.00"), (70, "5.00"), (130, "7.00")]:
        post(sensor, T0 + timedelta(minutes=minute), value)

    # Cut-off 10:30 rounds down to 10:00: hours 08 and 09 are folded, 10:10 stays raw.
    result = services.downsample(older_than=T0 + timedelta(hours=2, minutes=30))

    assert aggregates() == {
        (T0, "pm2_5"): (3, 10.0, 30.0, 20.0, "µg/m³"),
        (T0, "samples"): (3, 0.0, 40.0, 20.0, "1"),
        (T0 + timedelta(hours=1), "pm2_5"): (1, 5.0, 5.0, 5.0, "µg/m³"),
        (T0 + timedelta(hours=1), "samples"): (1, 10.0, 10.0, 10.0, "1"),
    }
    assert list(Reading.objects.values_list("quantity", flat=True).order_by("quantity")) == [
        "gps_timestamp",
        "pm2_5",
        "samples",
    ]
    assert Post.objects.count() == 1
    assert result == services.DownsampleResult(
        sensors=1, aggregated_readings=8, hours_written=4, deleted_posts=4
    )


def test_downsampling_twice_changes_nothing(sensor):
    for minute in (0, 15, 30):
        post(sensor, T0 + timedelta(minutes=minute), f"{minute}.00")
    cutoff = T0 + timedelta(hours=3)
    services.downsample(older_than=cutoff)
    before = aggregates()

    again = services.downsample(older_than=cutoff)

    assert aggregates() == before
    assert again.aggregated_readings == 0
    assert again.hours_written == 0


def test_late_raw_readings_merge_into_an_existing_hour(sensor):
    post(sensor, T0 + timedelta(minutes=5), "10.00")
    services.downsample(older_than=T0 + timedelta(hours=2))
    # A reading for the same hour arrives afterwards (e.g. a dated openSenseMap upload).
    post(sensor, T0 + timedelta(minutes=50), "40.00")

    services.downsample(older_than=T0 + timedelta(hours=2))

    assert aggregates()[(T0, "pm2_5")] == (2, 10.0, 40.0, 25.0, "µg/m³")
    assert not Reading.objects.filter(quantity="pm2_5").exists()


def test_the_command_uses_the_retention_days(sensor, settings):
    now = timezone.now()
    post(sensor, now - timedelta(days=40), "10.00")
    post(sensor, now - timedelta(days=2), "20.00")
    out = StringIO()

    call_command("sensors", "downsample", "--older-than-days", "30", stdout=out)

    assert "readings folded: 2" in out.getvalue()
    assert Reading.objects.filter(quantity="pm2_5").count() == 1
    assert HourlyAggregate.objects.filter(quantity="pm2_5").count() == 1


def test_the_background_task_downsamples_past_the_configured_retention(sensor, settings):
    settings.METROPOLI_SENSORS_RAW_RETENTION_DAYS = 7
    post(sensor, timezone.now() - timedelta(days=8), "10.00")

    result = tasks.downsample_expired.enqueue()

    assert result.return_value["aggregated_readings"] == 2
    assert not Reading.objects.filter(quantity="pm2_5").exists()
