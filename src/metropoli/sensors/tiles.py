"""The "sensors" map layer: one point per sensor, coloured by its current index category."""

from django.utils import timezone

from metropoli.maps.layers import BUFFER, EXTENT, TileLayer, register
from metropoli.maps.tiles import Tile

from . import selectors
from .aqi import CATEGORY_INFO, NO_DATA_COLOUR

_CODE_CASE = " ".join(f"WHEN {int(c)} THEN '{c.code}'" for c in CATEGORY_INFO)
_COLOUR_CASE = " ".join(
    f"WHEN {int(c)} THEN '{info.colour.hex}'" for c, info in CATEGORY_INFO.items()
)


class SensorsLayer(TileLayer):
    name = "sensors"
    max_age = 60

    def postgis_query(self, tile: Tile, filters: dict) -> tuple[str, list]:
        now = timezone.now()
        sql = f"""
        WITH bounds AS (SELECT ST_TileEnvelope(%s, %s, %s) AS geom),
        points AS (
            SELECT s.id, s.sensor_id, COALESCE(NULLIF(s.name, ''), s.sensor_id) AS name,
                   s.placement,
                   COALESCE(s.last_post_at >= %s, false) AS online,
                   CASE WHEN s.index_hour >= %s THEN s.index_category END AS cat,
                   ST_AsMVTGeom(ST_Transform(s.location, 3857), bounds.geom,
                                {EXTENT}, {BUFFER}, true) AS geom
            FROM sensors_sensor s, bounds
            WHERE s.active AND s.location && ST_Transform(bounds.geom, 4326)
        ),
        features AS (
            SELECT id, sensor_id, name, placement, online,
                   COALESCE(CASE cat {_CODE_CASE} END, '') AS category,
                   COALESCE(CASE cat {_COLOUR_CASE} END, '{NO_DATA_COLOUR.hex}') AS colour,
                   geom
            FROM points WHERE geom IS NOT NULL
        )
        SELECT COALESCE((SELECT ST_AsMVT(features, 'sensors', {EXTENT}, 'geom', 'id')
                         FROM features), ''::bytea)
        """  # noqa: S608 - only constants from our own code are formatted in
        return sql, [
            tile.z,
            tile.x,
            tile.y,
            selectors.online_since(now),
            selectors.index_fresh_since(now),
        ]


register(SensorsLayer())
