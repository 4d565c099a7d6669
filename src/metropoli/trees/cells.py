"""Map cells for the aggregated tree layer. Pure: no Django import.

Below zoom 14 the map shows counts per cell instead of single trees. A cell is a Web-Mercator
tile of a finer zoom (`level`): a tile of zoom z is drawn with the cells of level z + 3, so
every tile carries at most 8 × 8 counts.
"""

import math
from collections.abc import Iterator

RAW_MIN_ZOOM = 14
CELL_OFFSET = 3
CELLS_PER_SIDE = 1 << CELL_OFFSET
LEVELS: tuple[int, ...] = tuple(range(CELL_OFFSET, RAW_MIN_ZOOM + CELL_OFFSET))


def level_for_zoom(z: int) -> int:
    return z + CELL_OFFSET


def cell_xy(lon: float, lat: float, level: int) -> tuple[int, int]:
    side = 1 << level
    x = int((lon + 180.0) / 360.0 * side)
    lat_rad = math.radians(max(min(lat, 85.05112878), -85.05112878))
    y = int((1.0 - math.asinh(math.tan(lat_rad)) / math.pi) / 2.0 * side)
    return min(max(x, 0), side - 1), min(max(y, 0), side - 1)


def cells_of(lon: float, lat: float) -> Iterator[tuple[int, int, int]]:
    """(level, x, y) of every cell containing the point, one per level."""
    for level in LEVELS:
        x, y = cell_xy(lon, lat, level)
        yield level, x, y


def cell_range(z: int, x: int, y: int) -> tuple[int, int, int, int, int]:
    """(level, min x, max x, min y, max y) of the cells drawn on tile z/x/y."""
    level = level_for_zoom(z)
    return (
        level,
        x * CELLS_PER_SIDE,
        x * CELLS_PER_SIDE + CELLS_PER_SIDE - 1,
        y * CELLS_PER_SIDE,
        y * CELLS_PER_SIDE + CELLS_PER_SIDE - 1,
    )


def haversine_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    radius = 6_371_008.8
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * radius * math.asin(math.sqrt(a))
