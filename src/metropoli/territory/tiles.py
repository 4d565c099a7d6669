"""The municipalities map layer: official boundaries where imported, and municipal seats."""

from metropoli.maps.layers import BUFFER, EXTENT, TileLayer, register
from metropoli.maps.tiles import Tile


class MunicipalitiesLayer(TileLayer):
    name = "municipalities"
    max_age = 3600

    def postgis_query(self, tile: Tile, filters: dict) -> tuple[str, list]:
        sql = f"""
        WITH bounds AS (SELECT ST_TileEnvelope(%s, %s, %s) AS geom),
        areas AS (
            SELECT m.id, m.inegi_code, m.name,
                   ST_AsMVTGeom(ST_Transform(m.boundary, 3857), bounds.geom,
                                {EXTENT}, {BUFFER}, true) AS geom
            FROM territory_municipality m, bounds
            WHERE m.active AND m.boundary && ST_Transform(bounds.geom, 4326)
        ),
        seats AS (
            SELECT m.id, m.inegi_code, m.name,
                   ST_AsMVTGeom(ST_Transform(m.seat, 3857), bounds.geom,
                                {EXTENT}, {BUFFER}, true) AS geom
            FROM territory_municipality m, bounds
            WHERE m.active AND m.seat && ST_Transform(bounds.geom, 4326)
        )
        SELECT COALESCE((SELECT ST_AsMVT(areas, 'municipalities', {EXTENT}, 'geom', 'id')
                         FROM areas WHERE geom IS NOT NULL), ''::bytea)
            || COALESCE((SELECT ST_AsMVT(seats, 'seats', {EXTENT}, 'geom', 'id')
                         FROM seats WHERE geom IS NOT NULL), ''::bytea)
        """  # noqa: S608 - only integer constants are formatted in; values are parameters
        return sql, [tile.z, tile.x, tile.y]


register(MunicipalitiesLayer())
