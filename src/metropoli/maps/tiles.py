"""Web-Mercator tile arithmetic (XYZ scheme). Pure: no Django import."""

import math
from typing import NamedTuple

EARTH_HALF_CIRCUMFERENCE = 20037508.342789244  # metres, EPSG:3857
MAX_ZOOM = 22


class Tile(NamedTuple):
    z: int
    x: int
    y: int


class TileOutOfRange(ValueError):
    pass


def check_tile(z: int, x: int, y: int) -> Tile:
    if not 0 <= z <= MAX_ZOOM:
        raise TileOutOfRange(f"zoom {z} outside 0..{MAX_ZOOM}")
    side = 1 << z
    if not (0 <= x < side and 0 <= y < side):
        raise TileOutOfRange(f"tile {x}/{y} outside 0..{side - 1} at zoom {z}")
    return Tile(z, x, y)


def bounds_3857(tile: Tile) -> tuple[float, float, float, float]:
    """(minx, miny, maxx, maxy) of a tile in EPSG:3857 metres."""
    size = 2 * EARTH_HALF_CIRCUMFERENCE / (1 << tile.z)
    minx = -EARTH_HALF_CIRCUMFERENCE + tile.x * size
    maxy = EARTH_HALF_CIRCUMFERENCE - tile.y * size
    return (minx, maxy - size, minx + size, maxy)


def mercator_to_lonlat(x: float, y: float) -> tuple[float, float]:
    lon = x / EARTH_HALF_CIRCUMFERENCE * 180.0
    lat = math.degrees(
        2 * math.atan(math.exp(y / EARTH_HALF_CIRCUMFERENCE * math.pi)) - math.pi / 2
    )
    return lon, lat


def lonlat_to_mercator(lon: float, lat: float) -> tuple[float, float]:
    x = lon * EARTH_HALF_CIRCUMFERENCE / 180.0
    lat = max(min(lat, 85.05112878), -85.05112878)
    y = math.log(math.tan((90 + lat) * math.pi / 360.0)) * EARTH_HALF_CIRCUMFERENCE / math.pi
    return x, y


def bounds_4326(tile: Tile) -> tuple[float, float, float, float]:
    minx, miny, maxx, maxy = bounds_3857(tile)
    west, south = mercator_to_lonlat(minx, miny)
    east, north = mercator_to_lonlat(maxx, maxy)
    return (west, south, east, north)


def tile_for_lonlat(lon: float, lat: float, z: int) -> Tile:
    side = 1 << z
    x = int((lon + 180.0) / 360.0 * side)
    lat_rad = math.radians(lat)
    y = int((1.0 - math.asinh(math.tan(lat_rad)) / math.pi) / 2.0 * side)
    return Tile(z, min(max(x, 0), side - 1), min(max(y, 0), side - 1))
