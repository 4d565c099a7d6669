"""Density per hexagon, computed from points in Python so it works the same on every database.

Points (lon, lat in EPSG:4326) are projected to Web Mercator metres and binned on a grid of
pointy-top hexagons of a given circumradius; each occupied hexagon is returned with its count
and its outline back in EPSG:4326.
"""

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from metropoli.common.geo import lonlat_to_mercator, mercator_to_lonlat

SQRT3 = math.sqrt(3.0)


def _cube_round(q: float, r: float) -> tuple[int, int]:
    s = -q - r
    rq, rr, rs = round(q), round(r), round(s)
    dq, dr, ds = abs(rq - q), abs(rr - r), abs(rs - s)
    if dq > dr and dq > ds:
        rq = -rr - rs
    elif dr > ds:
        rr = -rq - rs
    return int(rq), int(rr)


def hex_of(x: float, y: float, size: float) -> tuple[int, int]:
    """Axial coordinates (q, r) of the pointy-top hexagon of circumradius `size` holding (x, y)."""
    q = (SQRT3 / 3 * x - y / 3) / size
    r = (2 / 3 * y) / size
    return _cube_round(q, r)


def hex_centre(q: int, r: int, size: float) -> tuple[float, float]:
    return size * SQRT3 * (q + r / 2), size * 1.5 * r


def hex_outline(q: int, r: int, size: float) -> list[tuple[float, float]]:
    """Closed ring of the hexagon in lon/lat."""
    cx, cy = hex_centre(q, r, size)
    ring = []
    for corner in range(6):
        angle = math.radians(60 * corner - 30)
        ring.append(mercator_to_lonlat(cx + size * math.cos(angle), cy + size * math.sin(angle)))
    ring.append(ring[0])
    return ring


@dataclass(frozen=True)
class HexBin:
    q: int
    r: int
    count: int
    outline: list[tuple[float, float]]


def hexbin(points: Iterable[tuple[float, float]], *, size_m: float = 250.0) -> list[HexBin]:
    """Count points per hexagon; busiest first (ties by position, so the order is stable).

    `size_m` is the circumradius in Web Mercator metres (about 0.94 ground metres at 20° N).
    """
    if size_m <= 0:
        raise ValueError("size_m must be positive")
    counts: Counter[tuple[int, int]] = Counter()
    for lon, lat in points:
        counts[hex_of(*lonlat_to_mercator(lon, lat), size_m)] += 1
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [HexBin(q, r, n, hex_outline(q, r, size_m)) for (q, r), n in ordered]
