"""Web-Mercator tile arithmetic and great-circle distances: the one copy. Plain Python, no Django.

Web Mercator (EPSG:3857) is the sphere of radius 6 378 137 m (the WGS 84 semi-major axis) on
which slippy-map tiles are cut, in the XYZ scheme: tile (z, x, y) is column x and row y of a
2^z × 2^z grid, row 0 at the north. The square world ends at ±85.05112878° of latitude, so
latitudes are clamped there before projecting.

Distances are haversine distances on the IUGG mean Earth radius; the error of assuming a sphere
(< 0.5 %) is far below what delivery fees or duplicate-tree detection need.

Every map layer (vector tiles, the tree cells and the eco-benefit summary cube built on them,
the hexagon bins of Participa) and every distance (couriers, nearby trees) uses these functions,
so two layers never disagree about which tile or cell a point falls in.
"""

import math

WEB_MERCATOR_RADIUS_M = 6_378_137.0
# Half the width of the projected world, in metres (20 037 508.342789244).
HALF_WORLD_M = math.pi * WEB_MERCATOR_RADIUS_M
MAX_LATITUDE = 85.05112878

MEAN_EARTH_RADIUS_KM = 6371.0088
MEAN_EARTH_RADIUS_M = 6_371_008.8


def clamp_latitude(lat: float) -> float:
    """``lat`` limited to the latitudes Web Mercator can draw."""
    return max(min(lat, MAX_LATITUDE), -MAX_LATITUDE)


def lonlat_to_mercator(lon: float, lat: float) -> tuple[float, float]:
    """(x, y) in EPSG:3857 metres of a longitude and latitude in degrees."""
    lat = clamp_latitude(lat)
    x = math.radians(lon) * WEB_MERCATOR_RADIUS_M
    y = math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)) * WEB_MERCATOR_RADIUS_M
    return x, y


def mercator_to_lonlat(x: float, y: float) -> tuple[float, float]:
    """Longitude and latitude in degrees of a point in EPSG:3857 metres."""
    lon = math.degrees(x / WEB_MERCATOR_RADIUS_M)
    lat = math.degrees(2 * math.atan(math.exp(y / WEB_MERCATOR_RADIUS_M)) - math.pi / 2)
    return lon, lat


def tile_xy(lon: float, lat: float, z: int) -> tuple[int, int]:
    """(x, y) of the zoom-z tile holding the point; points off the world go to its edge tiles."""
    side = 1 << z
    x = int((lon + 180.0) / 360.0 * side)
    lat_rad = math.radians(clamp_latitude(lat))
    y = int((1.0 - math.asinh(math.tan(lat_rad)) / math.pi) / 2.0 * side)
    return min(max(x, 0), side - 1), min(max(y, 0), side - 1)


def tile_west_lon(x: int, z: int) -> float:
    """Longitude of the west edge of column x at zoom z."""
    return x / (1 << z) * 360.0 - 180.0


def tile_north_lat(y: int, z: int) -> float:
    """Latitude of the north edge of row y at zoom z (rows grow southwards)."""
    n = math.pi - 2.0 * math.pi * y / (1 << z)
    return math.degrees(math.atan(math.sinh(n)))


def tile_bounds_3857(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    """(minx, miny, maxx, maxy) of a tile in EPSG:3857 metres."""
    size = 2 * HALF_WORLD_M / (1 << z)
    minx = -HALF_WORLD_M + x * size
    maxy = HALF_WORLD_M - y * size
    return (minx, maxy - size, minx + size, maxy)


def tile_bounds_4326(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    """(west, south, east, north) of a tile in degrees."""
    minx, miny, maxx, maxy = tile_bounds_3857(z, x, y)
    west, south = mercator_to_lonlat(minx, miny)
    east, north = mercator_to_lonlat(maxx, maxy)
    return (west, south, east, north)


def _central_angle(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    half_dphi = math.radians(lat2 - lat1) / 2
    half_dlambda = math.radians(lon2 - lon1) / 2
    h = math.sin(half_dphi) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(half_dlambda) ** 2
    # min() guards asin against h creeping past 1 by rounding for antipodal points.
    return 2 * math.asin(math.sqrt(min(1.0, h)))


def haversine_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance in km between two points given in degrees."""
    return MEAN_EARTH_RADIUS_KM * _central_angle(lon1, lat1, lon2, lat2)


def haversine_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance in metres between two points given in degrees."""
    return MEAN_EARTH_RADIUS_M * _central_angle(lon1, lat1, lon2, lat2)
