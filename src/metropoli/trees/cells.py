"""Map cells for the aggregated tree layer. Pure: no Django import.

Below zoom 14 the map shows counts per cell instead of single trees. A cell is a Web-Mercator
tile of a finer zoom (`level`): a tile of zoom z is drawn with the cells of level z + 3, so
every tile carries at most 8 × 8 counts. Which cell holds a point is `common.geo.tile_xy`.
"""

from collections.abc import Iterator

from metropoli.common.geo import tile_xy

RAW_MIN_ZOOM = 14
CELL_OFFSET = 3
CELLS_PER_SIDE = 1 << CELL_OFFSET
LEVELS: tuple[int, ...] = tuple(range(CELL_OFFSET, RAW_MIN_ZOOM + CELL_OFFSET))
# From zoom 14 a tile shows single trees, unless it holds more than DENSE_TILE_TREES of them
# (the stored cells of the finest level say how many) below DENSE_MAX_ZOOM + 1: then it shows
# cells too, counted on the fly. At ten million trees a zoom-14 tile of a city centre holds some
# 120,000 trees (3 MB, a blot of overlapping dots); 15,000 points make a tile of about 400 KB.
DENSE_TILE_TREES = 15_000
DENSE_MAX_ZOOM = 15


def level_for_zoom(z: int) -> int:
    return z + CELL_OFFSET


def cells_of(lon: float, lat: float) -> Iterator[tuple[int, int, int]]:
    """(level, x, y) of every cell containing the point, one per level."""
    for level in LEVELS:
        x, y = tile_xy(lon, lat, level)
        yield level, x, y


def finest_range(z: int, x: int, y: int) -> tuple[int, int, int, int, int]:
    """(level, min x, max x, min y, max y) of the finest stored cells covering tile z/x/y
    (z ≤ the finest level)."""
    level = LEVELS[-1]
    side = 1 << (level - z)
    return level, x * side, x * side + side - 1, y * side, y * side + side - 1


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
