"""Public reads: readings with filters and pages, downsampled series, the sensor list."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from metropoli.sensors import services
from metropoli.sensors.models import HourlyAggregate

from .test_payloads_examples import HEADERS, custom_body

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


def post(sensor, at, pm10, pm25):
    body = custom_body([("SDS_P1", pm10), ("SDS_P2", pm25), ("samples", str(at.timestamp()))])
    services.ingest_airrohr(sensor=sensor, headers=HEADERS, body=body, received_at=at)


@pytest.fixture
def history(sensor):
    for i in range(6):
        post(sensor, T0 + timedelta(minutes=10 * i), f"{10 + i}.00", f"{5 + i}.50")
    return sensor


def test_readings_are_newest_first_and_filtered_by_quantity(client, history):
    response = client.get(f"/api/sensors/{history.sensor_id}/readings?quantity=pm2_5")

    assert response.status_code == 200
    items = response.json()["items"]
    assert [item["value"] for item in items] == [10.5, 9.5, 8.5, 7.5, 6.5, 5.5]
    assert {item["unit"] for item in items} == {"µg/m³"}
    assert items[0]["value_type"] == "SDS_P2"
    assert items[0]["raw"] == "10.50"
    assert response.json()["next_offset"] is None


def test_readings_filter_by_time_range_and_paginate(client, history):
    url = f"/api/sensors/{history.sensor_id}/readings"
    params = {
        "quantity": "pm10",
        "since": (T0 + timedelta(minutes=10)).isoformat(),
        "until": (T0 + timedelta(minutes=50)).isoformat(),
        "limit": 2,
    }

    first = client.get(url, params).json()
    second = client.get(url, {**params, "offset": first["next_offset"]}).json()

    assert [i["value"] for i in first["items"]] == [14.0, 13.0]
    assert first["next_offset"] == 2
    assert [i["value"] for i in second["items"]] == [12.0, 11.0]
    assert second["next_offset"] is None


def test_readings_refuse_bad_filters(client, history):
    url = f"/api/sensors/{history.sensor_id}/readings"
    backwards = client.get(url, {"since": T0.isoformat(), "until": T0.isoformat()})
    too_many = client.get(url, {"limit": 5000})
    unknown = client.get("/api/sensors/esp8266-1/readings", headers={"Accept-Language": "en"})

    assert backwards.status_code == 400
    assert backwards.json()["code"] == "invalid_range"
    assert too_many.status_code == 400
    assert unknown.status_code == 404
    assert unknown.json()["message"] == "There is no sensor esp8266-1."


def test_readings_take_any_offset_python_reads_and_refuse_moments_outside_utc(client, history):
    # PostgreSQL refuses UTC offsets past ±15:59; Python reads up to ±23:59 (a 500 before).
    url = f"/api/sensors/{history.sensor_id}/readings"
    far_west = (T0 + timedelta(minutes=30)).astimezone(timezone(-timedelta(hours=21, minutes=3)))
    ancient = "0345-08-05T19:34:57.061990-21:03"

    west = client.get(url, {"quantity": "pm10", "until": far_west.isoformat()})
    old = client.get(url, {"until": ancient})
    outside = client.get(url, {"since": "0001-01-01T00:30:00+01:00"})

    assert west.status_code == 200
    assert [i["value"] for i in west.json()["items"]] == [12.0, 11.0, 10.0]
    assert old.status_code == 200 and old.json()["items"] == []
    assert outside.status_code == 400
    assert outside.json()["details"][0]["field"] == "query.since"


def test_series_downsamples_a_day_to_at_most_500_points(client, sensor):
    now = datetime.now(UTC)
    # One post an hour for 24 hours, in 3-minute buckets (a day has 480 of them).
    for i in range(0, 24 * 60, 60):
        post(sensor, now - timedelta(minutes=i), "20.00", f"{i % 7}.00")

    data = client.get(
        f"/api/sensors/{sensor.sensor_id}/series", {"quantity": "pm2_5", "period": "24h"}
    ).json()

    assert data["bucket_seconds"] == 180
    assert 0 < len(data["points"]) <= 501
    assert sum(p["count"] for p in data["points"]) == 24
    assert data["unit"] == "µg/m³"
    for point in data["points"]:
        assert point["min"] <= point["mean"] <= point["max"]


def test_series_of_30_days_includes_downsampled_hours(client, sensor):
    now = datetime.now(UTC)
    hour = (now - timedelta(days=20)).replace(minute=0, second=0, microsecond=0)
    HourlyAggregate.objects.create(
        sensor=sensor,
        hour=hour,
        quantity="pm10",
        unit="µg/m³",
        count=4,
        total=100.0,
        minimum=20.0,
        maximum=30.0,
    )
    post(sensor, now - timedelta(minutes=5), "40.00", "1.00")

    data = client.get(
        f"/api/sensors/{sensor.sensor_id}/series", {"quantity": "pm10", "period": "30d"}
    ).json()

    assert data["bucket_seconds"] == 7200
    assert [(p["count"], p["mean"], p["min"], p["max"]) for p in data["points"]] == [
        (4, 25.0, 20.0, 30.0),
        (1, 40.0, 40.0, 40.0),
    ]


def test_series_refuses_unknown_periods(client, sensor):
    response = client.get(
        f"/api/sensors/{sensor.sensor_id}/series", {"quantity": "pm10", "period": "1y"}
    )
    assert response.status_code == 400


def test_sensor_list_shows_status(client, sensor):
    post(sensor, datetime.now(UTC), "1.00", "1.00")

    data = client.get("/api/sensors/").json()

    assert data == [
        {
            "sensor_id": "esp8266-3912953",
            "name": "",
            "model": "NodeMCU + SDS011 + BME280",
            "municipality": "14039",
            "location": [-103.35, 20.67],
            "placement": "outdoor",
            "online": True,
            "last_post_at": data[0]["last_post_at"],
            "index_category": None,
        }
    ]
