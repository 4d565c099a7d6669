"""The municipalities map layer: official boundaries where imported, and municipal seats."""

from django.contrib.gis.geos import Polygon

from metropoli.maps.layers import BUFFER, EXTENT, Feature, TileLayer, register
from metropoli.maps.tiles import Tile, bounds_4326

from .models import Municipality


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

    def features(self, tile: Tile, filters: dict):
        box = Polygon.from_bbox(bounds_4326(tile))
        box.srid = 4326
        active = Municipality.objects.filter(active=True)
        areas = [
            Feature(
                m.boundary.transform(3857, clone=True),
                {"inegi_code": m.inegi_code, "name": m.name},
                m.pk,
            )
            for m in active.filter(boundary__intersects=box)
        ]
        seats = [
            Feature(
                m.seat.transform(3857, clone=True),
                {"inegi_code": m.inegi_code, "name": m.name},
                m.pk,
            )
            for m in active.filter(seat__intersects=box)
        ]
        return {"municipalities": areas, "seats": seats}


register(MunicipalitiesLayer())
