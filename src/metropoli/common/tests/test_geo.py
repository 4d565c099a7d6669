"""Web-Mercator tiles and great-circle distances: exact known values and round trips."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from metropoli.common import geo

longitudes = st.floats(-180, 180)
latitudes = st.floats(-geo.MAX_LATITUDE, geo.MAX_LATITUDE)
zooms = st.integers(0, 22)


def test_the_projected_world_is_a_square_of_known_size():
    assert geo.HALF_WORLD_M == 20037508.342789244
    assert geo.tile_bounds_3857(0, 0, 0) == (
        -geo.HALF_WORLD_M,
        -geo.HALF_WORLD_M,
        geo.HALF_WORLD_M,
        geo.HALF_WORLD_M,
    )
    assert geo.lonlat_to_mercator(180, 0) == pytest.approx((geo.HALF_WORLD_M, 0.0), abs=1e-6)
    x, y = geo.lonlat_to_mercator(-180, geo.MAX_LATITUDE)
    assert (x, y) == (-geo.HALF_WORLD_M, pytest.approx(geo.HALF_WORLD_M, abs=1e-3))


def test_latitudes_beyond_the_square_world_are_clamped():
    assert geo.lonlat_to_mercator(10, 89.9) == geo.lonlat_to_mercator(10, geo.MAX_LATITUDE)
    assert geo.lonlat_to_mercator(10, -90) == geo.lonlat_to_mercator(10, -geo.MAX_LATITUDE)


@given(longitudes, latitudes)
def test_mercator_round_trip(lon, lat):
    assert geo.mercator_to_lonlat(*geo.lonlat_to_mercator(lon, lat)) == pytest.approx(
        (lon, lat), abs=1e-9
    )


def test_known_tile_of_guadalajara():
    assert geo.tile_xy(-103.35, 20.67, 10) == (218, 451)
    assert geo.tile_xy(-103.35, 20.67, 0) == (0, 0)


def test_points_off_the_world_go_to_its_edge_tiles():
    assert geo.tile_xy(180, 90, 3) == (7, 0)
    assert geo.tile_xy(-180, -90, 3) == (0, 7)
    assert geo.tile_xy(200, -100, 3) == (7, 7)


@given(st.floats(-179.9, 179.9), latitudes, zooms)
def test_a_point_lies_in_the_tile_computed_for_it(lon, lat, z):
    x, y = geo.tile_xy(lon, lat, z)
    west, south, east, north = geo.tile_bounds_4326(z, x, y)
    assert west - 1e-9 <= lon <= east + 1e-9 and south - 1e-9 <= lat <= north + 1e-9


@given(zooms, st.data())
def test_tile_edges_agree_with_the_tile_bounds(z, data):
    x = data.draw(st.integers(0, (1 << z) - 1))
    y = data.draw(st.integers(0, (1 << z) - 1))
    west, south, east, north = geo.tile_bounds_4326(z, x, y)
    assert geo.tile_west_lon(x, z) == pytest.approx(west, abs=1e-9)
    assert geo.tile_west_lon(x + 1, z) == pytest.approx(east, abs=1e-9)
    assert geo.tile_north_lat(y, z) == pytest.approx(north, abs=1e-9)
    assert geo.tile_north_lat(y + 1, z) == pytest.approx(south, abs=1e-9)


@given(zooms, st.data())
def test_the_centre_of_a_tile_is_in_that_tile(z, data):
    x = data.draw(st.integers(0, (1 << z) - 1))
    y = data.draw(st.integers(0, (1 << z) - 1))
    minx, miny, maxx, maxy = geo.tile_bounds_3857(z, x, y)
    lon, lat = geo.mercator_to_lonlat((minx + maxx) / 2, (miny + maxy) / 2)
    assert geo.tile_xy(lon, lat, z) == (x, y)


def test_haversine_known_distances():
    # One degree along the equator or a meridian is R pi / 180; half a meridian R pi.
    one_degree_km = geo.MEAN_EARTH_RADIUS_KM * math.pi / 180
    assert geo.haversine_km(0, 0, 1, 0) == pytest.approx(one_degree_km, abs=1e-9)
    assert geo.haversine_km(0, 0, 0, 1) == pytest.approx(one_degree_km, abs=1e-9)
    assert geo.haversine_km(0, -90, 0, 90) == pytest.approx(geo.MEAN_EARTH_RADIUS_KM * math.pi)
    assert geo.haversine_m(-103.35, 20.67, -103.35, 20.67) == 0.0
    # About 1.1 m for 1e-5 degrees of latitude.
    assert geo.haversine_m(-103.35, 20.67, -103.35, 20.67001) == pytest.approx(1.112, abs=1e-3)


def test_antipodes_do_not_overflow_the_arcsine():
    assert geo.haversine_km(0, 0, 180, 0) == pytest.approx(geo.MEAN_EARTH_RADIUS_KM * math.pi)
    assert geo.haversine_km(-103.35, 20.67, 76.65, -20.67) == pytest.approx(
        geo.MEAN_EARTH_RADIUS_KM * math.pi
    )


@given(longitudes, st.floats(-90, 90), longitudes, st.floats(-90, 90))
def test_haversine_is_symmetric_bounded_and_the_same_in_both_units(lon1, lat1, lon2, lat2):
    km = geo.haversine_km(lon1, lat1, lon2, lat2)
    assert km == pytest.approx(geo.haversine_km(lon2, lat2, lon1, lat1), abs=1e-9)
    assert 0 <= km <= geo.MEAN_EARTH_RADIUS_KM * math.pi + 1e-9
    assert geo.haversine_m(lon1, lat1, lon2, lat2) == pytest.approx(km * 1000, rel=1e-12, abs=1e-6)
