import mapbox_vector_tile
import pytest
from hypothesis import given
from hypothesis import strategies as st

from metropoli.common.geo import tile_bounds_4326
from metropoli.maps.tiles import Tile, TileOutOfRange, check_tile, tile_for_lonlat


@given(st.floats(-179.9, 179.9), st.floats(-85, 85), st.integers(0, 22))
def test_a_point_lies_in_the_tile_computed_for_it(lon, lat, z):
    west, south, east, north = tile_bounds_4326(*tile_for_lonlat(lon, lat, z))
    assert west - 1e-9 <= lon <= east + 1e-9 and south - 1e-9 <= lat <= north + 1e-9


def test_known_tile_of_guadalajara():
    assert tile_for_lonlat(-103.35, 20.67, 10) == Tile(10, 218, 451)


@pytest.mark.parametrize("z,x,y", [(-1, 0, 0), (23, 0, 0), (2, 4, 0), (2, 0, -1)])
def test_impossible_tiles(z, x, y):
    with pytest.raises(TileOutOfRange):
        check_tile(z, x, y)


@pytest.mark.django_db
def test_municipalities_tile_holds_the_seats(client, municipalities):
    tile = tile_for_lonlat(-103.35, 20.67, 8)
    response = client.get(f"/tiles/municipalities/{tile.z}/{tile.x}/{tile.y}.pbf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.mapbox-vector-tile"
    decoded = mapbox_vector_tile.decode(response.content)
    names = {f["properties"]["name"] for f in decoded["seats"]["features"]}
    assert {"Guadalajara", "Zapopan"} <= names
    assert "Ixtlahuacán de los Membrillos" not in names  # further south, in the next tile
    assert decoded["seats"]["extent"] == 4096


@pytest.mark.django_db
def test_empty_tile_far_away(client, municipalities):
    response = client.get("/tiles/municipalities/10/0/0.pbf")
    assert response.status_code == 200 and response.content == b""


@pytest.mark.django_db
def test_bad_tile_requests(client):
    assert client.get("/tiles/municipalities/3/9/0.pbf").status_code == 400
    unknown = client.get("/tiles/nope/1/0/0.pbf", HTTP_ACCEPT_LANGUAGE="en")
    assert unknown.status_code == 404 and unknown.json()["code"] == "unknown_layer"


@pytest.mark.django_db
def test_a_tile_statement_is_planned_once_per_connection(client, municipalities):
    # The tile's one statement goes with server-side parameters and is prepared on its connection
    # after a few runs (decision 0099): PostgreSQL stops planning it on every request, and the
    # tile stays the same.
    from django.db import connection

    tile = tile_for_lonlat(-103.35, 20.67, 8)
    bodies = {
        client.get(f"/tiles/municipalities/{tile.z}/{tile.x}/{tile.y}.pbf").content
        for _ in range(7)
    }
    assert len(bodies) == 1 and bodies != {b""}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ["%ST_AsMVT(%seats%"],
        )
        assert cursor.fetchone()[0] == 1


@pytest.mark.parametrize("value,expected", [(None, 5), ("0", 0), ("off", None)])
def test_preparing_can_be_turned_off_for_a_pooler(value, expected):
    import os
    import subprocess
    import sys

    env = {key: v for key, v in os.environ.items() if key != "METROPOLI_DB_PREPARE_THRESHOLD"}
    if value is not None:
        env["METROPOLI_DB_PREPARE_THRESHOLD"] = value
    probe = (
        "import django; django.setup(); from django.conf import settings; "
        "print(repr(settings.DATABASES['default']['OPTIONS']['prepare_threshold']))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == repr(expected)
