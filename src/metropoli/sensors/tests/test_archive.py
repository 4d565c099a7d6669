"""Raw readings in sensor.community's archive layout: daily files, a day's folder, a zip."""

import csv
import io
import zipfile
from datetime import UTC, datetime, timedelta

import pytest

from metropoli.sensors.models import Post

from .test_payloads_examples import RAW_BODY_SDS011_BME280, custom_body

pytestmark = pytest.mark.django_db

# The header lines of sensor.community's archive files (archive.sensor.community/<day>/…).
SDS011_HEADER = "sensor_id;sensor_type;location;lat;lon;timestamp;P1;durP1;ratioP1;P2;durP2;ratioP2"
BME280_HEADER = (
    "sensor_id;sensor_type;location;lat;lon;timestamp;"
    "pressure;altitude;pressure_sealevel;temperature;humidity"
)
ARCHIVE = "/arbol/sensores/archivo/"


def today() -> str:
    return datetime.now(UTC).date().isoformat()


def rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def test_a_days_files_parse_with_the_archive_columns(client, firmware, sensor):
    assert firmware(RAW_BODY_SDS011_BME280).status_code == 201
    second = custom_body([("SDS_P1", "20.10"), ("SDS_P2", "11.30"), ("signal", "-70")])
    assert firmware(second).status_code == 201
    day = today()
    folder = client.get(f"{ARCHIVE}{day}/")
    assert folder.status_code == 200
    sds = f"{day}_sds011_sensor_{sensor.pk}.csv"
    bme = f"{day}_bme280_sensor_{sensor.pk}.csv"
    assert sds in folder.content.decode() and bme in folder.content.decode()

    text = b"".join(client.get(f"{ARCHIVE}{day}/{sds}").streaming_content).decode()
    assert text.splitlines()[0] == SDS011_HEADER
    found = rows(text)
    assert [(r["P1"], r["P2"], r["durP1"]) for r in found] == [
        ("18.40", "9.70", ""),
        ("20.10", "11.30", ""),
    ]
    first = found[0]
    assert (first["sensor_id"], first["sensor_type"], first["location"]) == (
        str(sensor.pk),
        "SDS011",
        str(sensor.pk),
    )
    assert (first["lat"], first["lon"]) == ("20.670", "-103.350")
    received = Post.objects.order_by("received_at").first().received_at.astimezone(UTC)
    assert first["timestamp"] == received.replace(tzinfo=None).isoformat(timespec="seconds")

    text = b"".join(client.get(f"{ARCHIVE}{day}/{bme}").streaming_content).decode()
    assert text.splitlines()[0] == BME280_HEADER
    assert [
        (r["pressure"], r["temperature"], r["humidity"], r["altitude"]) for r in rows(text)
    ] == [("84503.50", "24.87", "44.61", "")]


def test_a_date_range_comes_as_a_zip_in_the_archives_folders(client, firmware, sensor):
    assert firmware(RAW_BODY_SDS011_BME280).status_code == 201
    day = today()
    yesterday = (datetime.now(UTC).date() - timedelta(days=1)).isoformat()
    response = client.get(ARCHIVE, {"desde": yesterday, "hasta": day, "sensor": sensor.sensor_id})
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert sorted(archive.namelist()) == [
        f"{day}/{day}_bme280_sensor_{sensor.pk}.csv",
        f"{day}/{day}_sds011_sensor_{sensor.pk}.csv",
    ]
    sds = archive.read(f"{day}/{day}_sds011_sensor_{sensor.pk}.csv").decode()
    assert sds.splitlines()[0] == SDS011_HEADER and rows(sds)[0]["P2"] == "9.70"


@pytest.mark.parametrize(
    ("query", "spanish"),
    [
        ({"desde": "2026-01-01", "hasta": "2026-03-01"}, "como máximo 31 días"),
        ({"desde": "2026-03-01", "hasta": "2026-01-01"}, "antes del primero"),
        ({"desde": "ayer", "hasta": "2026-01-01"}, "fecha válida"),
        (
            {"desde": "2026-01-01", "hasta": "2026-01-02", "sensor": "nadie"},
            "No existe el sensor nadie",
        ),
    ],
)
def test_a_bad_range_is_explained_in_spanish(client, query, spanish):
    response = client.get(ARCHIVE, query)
    assert response.status_code == 400
    assert spanish in response.content.decode()


def test_unknown_files_and_inactive_sensors_are_not_served(client, firmware, sensor):
    assert firmware(RAW_BODY_SDS011_BME280).status_code == 201
    day = today()
    name = f"{day}_sds011_sensor_{sensor.pk}.csv"
    assert client.get(f"{ARCHIVE}2020-01-01/{name}").status_code == 404  # another day's folder
    assert client.get(f"{ARCHIVE}{day}/{day}_xyz_sensor_{sensor.pk}.csv").status_code == 404
    assert client.get(f"{ARCHIVE}{day}/{day}_dht22_sensor_{sensor.pk}.csv").status_code == 404
    assert client.get(f"{ARCHIVE}no-es-fecha/").status_code == 404
    sensor.active = False
    sensor.save(update_fields=["active"])
    assert client.get(f"{ARCHIVE}{day}/{name}").status_code == 404
    assert name not in client.get(f"{ARCHIVE}{day}/").content.decode()
