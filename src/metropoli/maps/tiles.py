"""Tile addresses of the tile server (XYZ scheme); the Web-Mercator arithmetic is `common.geo`."""

from typing import NamedTuple

from metropoli.common.geo import tile_xy

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


def tile_for_lonlat(lon: float, lat: float, z: int) -> Tile:
    return Tile(z, *tile_xy(lon, lat, z))
