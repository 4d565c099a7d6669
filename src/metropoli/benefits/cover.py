"""Which stored map cells lie wholly inside a bounding box, and the strips left around them.

Pure: no Django import. A cell is a Web-Mercator tile of zoom `level`, as on the tree map
(`metropoli.trees.cells`; the tile arithmetic is `metropoli.common.geo`'s). A bounding box is
answered as "the cells wholly inside it, summed from the rollup" plus "the trees of the strips
along its edges, summed from their rows":

* at the finest level the cells wholly inside form a rectangle R; coarser levels only save
  reading: each adds its own rectangle minus the coarser one already taken, and together
  they are exactly R;
* a cell counts as inside only when its edges are at least MARGIN degrees inside the box, so
  that every tree filed in it (whatever the rounding of its cell computation) is in the box;
* every tree of the box whose cell is not in R is filed in one of the (at most four)
  rectangles of finest cells around R, `edges`: the cells the box touches (widened by
  MARGIN for the rounding) minus R. Those trees are tested one by one against the box.
"""

from __future__ import annotations

from dataclasses import dataclass

from metropoli.common.geo import tile_north_lat, tile_west_lon, tile_xy

FINEST_LEVEL = 16  # the tree map's finest cell level: about 570 × 535 m in the AMG
LEVELS = (12, 14, FINEST_LEVEL)
MARGIN = 1e-7  # degrees, about 1 cm; far above the rounding of a cell computation

Box = tuple[float, float, float, float]  # west, south, east, north (degrees)


@dataclass(frozen=True)
class Cells:
    """The cells x0..x1 × y0..y1 of one level (inclusive)."""

    level: int
    x0: int
    x1: int
    y0: int
    y1: int

    def at(self, level: int) -> Cells:
        """The same area as cells of a finer level."""
        shift = level - self.level
        return Cells(
            level,
            self.x0 << shift,
            ((self.x1 + 1) << shift) - 1,
            self.y0 << shift,
            ((self.y1 + 1) << shift) - 1,
        )


@dataclass(frozen=True)
class Cover:
    # (cells of one level, minus these cells of the same level already taken at a coarser one)
    parts: tuple[tuple[Cells, Cells | None], ...]
    finest: Cells | None  # the union of the parts, as finest-level cells
    edges: tuple[Cells, ...]  # finest-level cells holding every other tree of the box


def inside(box: Box, level: int) -> Cells | None:
    """The cells of `level` wholly inside the box (edges MARGIN inside), or None."""
    west, south, east, north = box
    side = 1 << level
    # Start from the cells holding the corners, then step until the edge tests hold exactly.
    x0, y0 = tile_xy(west, north, level)
    x1, y1 = tile_xy(east, south, level)
    while x0 > 0 and tile_west_lon(x0 - 1, level) >= west + MARGIN:
        x0 -= 1
    while x0 < side and tile_west_lon(x0, level) < west + MARGIN:
        x0 += 1
    while x1 < side - 1 and tile_west_lon(x1 + 2, level) <= east - MARGIN:
        x1 += 1
    while x1 >= 0 and tile_west_lon(x1 + 1, level) > east - MARGIN:
        x1 -= 1
    while y0 > 0 and tile_north_lat(y0 - 1, level) <= north - MARGIN:
        y0 -= 1
    while y0 < side and tile_north_lat(y0, level) > north - MARGIN:
        y0 += 1
    while y1 < side - 1 and tile_north_lat(y1 + 2, level) >= south + MARGIN:
        y1 += 1
    while y1 >= 0 and tile_north_lat(y1 + 1, level) < south + MARGIN:
        y1 -= 1
    # The outermost cells also hold the points clamped into them (poles, antimeridian).
    x0, x1 = max(x0, 1), min(x1, side - 2)
    y0, y1 = max(y0, 1), min(y1, side - 2)
    if x0 > x1 or y0 > y1:
        return None
    return Cells(level, x0, x1, y0, y1)


def touched(box: Box, level: int = FINEST_LEVEL) -> Cells:
    """The cells of `level` that may hold a point of the box: those of its corners moved out
    by MARGIN (a point on an edge may be filed in the cell on either side of it)."""
    west, south, east, north = box
    x0, y0 = tile_xy(west - MARGIN, north + MARGIN, level)
    x1, y1 = tile_xy(east + MARGIN, south - MARGIN, level)
    return Cells(level, x0, x1, y0, y1)


def cover(box: Box, levels: tuple[int, ...] = LEVELS) -> Cover:
    parts: list[tuple[Cells, Cells | None]] = []
    taken: Cells | None = None
    for level in sorted(levels):
        cells = inside(box, level)
        if cells is None:
            continue
        parts.append((cells, taken.at(level) if taken is not None else None))
        taken = cells
    finest_level = max(levels)
    span = touched(box, finest_level)
    if taken is None:
        return Cover((), None, (span,))
    f = taken.at(finest_level)
    edges = [
        Cells(finest_level, span.x0, f.x0 - 1, span.y0, span.y1),  # west
        Cells(finest_level, f.x1 + 1, span.x1, span.y0, span.y1),  # east
        Cells(finest_level, f.x0, f.x1, span.y0, f.y0 - 1),  # north
        Cells(finest_level, f.x0, f.x1, f.y1 + 1, span.y1),  # south
    ]
    return Cover(tuple(parts), f, tuple(e for e in edges if e.x0 <= e.x1 and e.y0 <= e.y1))
