"""The "trees" map layer: single trees from zoom 14, counts per cell below.

MVT layers: `trees` (id, species, condition, dbh, validation) at z ≥ 14; `cells` (count) at
z < 14, and at z 14–15 in a tile holding more than cells.DENSE_TILE_TREES trees. Filters are
those of the API. Below zoom 14 the stored cell counts answer when only bbox and municipality
are filtered; any other filter, and a dense tile, counts the matching trees on the fly.
"""

from dataclasses import replace

from metropoli.common.geo import HALF_WORLD_M
from metropoli.maps.layers import BUFFER, EXTENT, TileLayer, register
from metropoli.maps.tiles import Tile

from . import cells
from .filters import parse
from .selectors import TreeFilters


def filter_sql(
    filters: TreeFilters, *, include_municipality: bool = True, tree: str = "t", site: str = "s"
) -> tuple[str, list]:
    """SQL conditions for the filters (bbox is the tile's job) on the trees table (alias
    `tree`) and the sites table (alias `site`); the map points table has both sets of columns.
    """
    clauses: list[str] = []
    params: list = []
    if include_municipality and filters.municipality_ids:
        clauses.append(f"{site}.municipality_id = ANY(%s)")
        params.append(list(filters.municipality_ids))
    if filters.species_ids or filters.unknown_species:
        part = f"{tree}.species_id = ANY(%s)"
        params.append(list(filters.species_ids))
        if filters.unknown_species:
            part = f"({part} OR {tree}.species_id IS NULL)"
        clauses.append(part)
    if filters.conditions:
        clauses.append(f"{tree}.condition = ANY(%s)")
        params.append(list(filters.conditions))
    if filters.validation_states:
        clauses.append(f"{tree}.validation_state = ANY(%s)")
        params.append(list(filters.validation_states))
    if filters.dbh_min is not None:
        clauses.append(f"{tree}.dbh_cm >= %s")
        params.append(filters.dbh_min)
    if filters.dbh_max is not None:
        clauses.append(f"{tree}.dbh_cm <= %s")
        params.append(filters.dbh_max)
    if filters.recorded_by_id is not None:
        clauses.append(f"{tree}.recorded_by_id = %s")
        params.append(filters.recorded_by_id)
    if filters.since:
        clauses.append(f"{tree}.recorded_at >= %s")
        params.append(filters.since)
    if filters.until:
        clauses.append(f"{tree}.recorded_at <= %s")
        params.append(filters.until)
    return "".join(f" AND {c}" for c in clauses), params


# The end of every cell query: `counted` (x, y, count) at the cell level, as an MVT layer of
# points at the cells' centres. Its one parameter is the cell level.
# The cell and map-point statements do not say `FROM mvt WHERE geom IS NOT NULL`: ST_AsMVT skips a
# NULL geometry itself, and that WHERE is pushed into the scan as a filter that runs ST_AsMVTGeom a
# second time per row. Only the rare joined-points statement keeps it: its box is found in degrees.
_CELLS_MVT = f"""mvt AS (
            SELECT counted.count,
                   ST_AsMVTGeom(ST_Centroid(ST_TileEnvelope(%s, counted.x, counted.y)),
                                bounds.geom, {EXTENT}, {BUFFER}, true) AS geom
            FROM counted, bounds WHERE counted.count > 0
        )
        SELECT COALESCE((SELECT ST_AsMVT(mvt, 'cells', {EXTENT}, 'geom') FROM mvt), ''::bytea)
"""  # noqa: S608 - integer constants only


class TreesLayer(TileLayer):
    name = "trees"
    max_age = 30
    versioned = True  # trees/signals.py

    def parse_filters(self, params) -> TreeFilters:
        # A tile is its own box: a bbox in the query string is ignored.
        return replace(parse(params), bbox=None)

    def postgis_query(self, tile: Tile, filters: TreeFilters) -> tuple[str, list]:
        if tile.z > cells.DENSE_MAX_ZOOM:
            return self._points_sql(tile, filters)
        if tile.z >= cells.RAW_MIN_ZOOM:
            return self._points_unless_dense_sql(tile, filters)
        if filters.only_municipality:
            return self._stored_cells_sql(tile, filters)
        return self._live_cells_sql(tile, filters)

    def _points_unless_dense_sql(self, tile: Tile, filters: TreeFilters) -> tuple[str, list]:
        """Single trees, or cells when the stored counts put more than DENSE_TILE_TREES trees
        in the tile (its municipality filter counted; the others only thin the tile out). One
        statement: PostgreSQL runs only the branch it takes."""
        level, x0, x1, y0, y1 = cells.finest_range(*tile)
        where, params = "", []
        if filters.municipality_ids:
            where, params = " AND c.municipality_id = ANY(%s)", [list(filters.municipality_ids)]
        dense, dense_params = self._live_cells_sql(tile, filters)
        sparse, sparse_params = self._points_sql(tile, filters)
        sql = f"""
        SELECT CASE WHEN (SELECT COALESCE(SUM(c.count), 0) FROM trees_treecell c
                          WHERE c.level = %s AND c.x BETWEEN %s AND %s
                            AND c.y BETWEEN %s AND %s{where}) > %s
                    THEN ({dense}) ELSE ({sparse}) END
        """  # noqa: S608 - only the layer's own statements and fixed clauses are formatted in
        counted = [level, x0, x1, y0, y1, *params, cells.DENSE_TILE_TREES]
        return sql, [*counted, *dense_params, *sparse_params]

    def _points_sql(self, tile: Tile, filters: TreeFilters) -> tuple[str, list]:
        if filters.recorded_by_id is None and not filters.since and not filters.until:
            return self._map_points_sql(tile, filters)
        return self._joined_points_sql(tile, filters)

    def _map_points_sql(self, tile: Tile, filters: TreeFilters) -> tuple[str, list]:
        """One index scan of the narrow, space-ordered map points (trees/mappoints.py)."""
        where, params = filter_sql(filters, tree="p", site="p")
        sql = f"""
        WITH bounds AS (SELECT ST_TileEnvelope(%s, %s, %s) AS geom),
        mvt AS (
            SELECT p.tree_id AS id, NULLIF(p.species_code, '') AS species, p.condition,
                   p.dbh_cm::float8 AS dbh, p.validation_state AS validation,
                   ST_AsMVTGeom(p.geom, bounds.geom, {EXTENT}, {BUFFER}, true) AS geom
            FROM bounds, trees_treemappoint p
            WHERE p.geom && bounds.geom{where}
        )
        SELECT COALESCE((SELECT ST_AsMVT(mvt, 'trees', {EXTENT}, 'geom', 'id')
                         FROM mvt), ''::bytea)
        """  # noqa: S608 - only integer constants and fixed clauses are formatted in
        return sql, [tile.z, tile.x, tile.y, *params]

    def _joined_points_sql(self, tile: Tile, filters: TreeFilters) -> tuple[str, list]:
        """Filters on who recorded a tree and when need the trees table itself."""
        where, params = filter_sql(filters)
        sql = f"""
        WITH bounds AS (SELECT ST_TileEnvelope(%s, %s, %s) AS geom),
        mvt AS (
            SELECT t.id, sp.code AS species, t.condition, t.dbh_cm::float8 AS dbh,
                   t.validation_state AS validation,
                   ST_AsMVTGeom(ST_Transform(s.location, 3857), bounds.geom,
                                {EXTENT}, {BUFFER}, true) AS geom
            FROM bounds, trees_plantingsite s
            JOIN trees_tree t ON t.site_id = s.id
            LEFT JOIN trees_species sp ON sp.id = t.species_id
            WHERE s.location && ST_Transform(bounds.geom, 4326){where}
        )
        SELECT COALESCE((SELECT ST_AsMVT(mvt, 'trees', {EXTENT}, 'geom', 'id')
                         FROM mvt WHERE geom IS NOT NULL), ''::bytea)
        """  # noqa: S608 - only integer constants and fixed clauses are formatted in
        return sql, [tile.z, tile.x, tile.y, *params]

    def _stored_cells_sql(self, tile: Tile, filters: TreeFilters) -> tuple[str, list]:
        level, x0, x1, y0, y1 = cells.cell_range(*tile)
        where, params = "", []
        if filters.municipality_ids:
            where, params = " AND c.municipality_id = ANY(%s)", [list(filters.municipality_ids)]
        sql = f"""
        WITH bounds AS (SELECT ST_TileEnvelope(%s, %s, %s) AS geom),
        counted AS (
            SELECT c.x, c.y, SUM(c.count)::int AS count FROM trees_treecell c
            WHERE c.level = %s AND c.x BETWEEN %s AND %s AND c.y BETWEEN %s AND %s{where}
            GROUP BY c.x, c.y
        ),
        {_CELLS_MVT}        """  # noqa: S608
        return sql, [tile.z, tile.x, tile.y, level, x0, x1, y0, y1, *params, level]

    def _live_cells_sql(self, tile: Tile, filters: TreeFilters) -> tuple[str, list]:
        if filters.recorded_by_id is None and not filters.since and not filters.until:
            return self._map_point_cells_sql(tile, filters)
        return self._joined_cells_sql(tile, filters)

    def _map_point_cells_sql(self, tile: Tile, filters: TreeFilters) -> tuple[str, list]:
        """Cells counted on the fly from the map points (already in Web Mercator metres)."""
        level = cells.level_for_zoom(tile.z)
        side = 1 << level
        where, params = filter_sql(filters, tree="p", site="p")
        half = HALF_WORLD_M
        sql = f"""
        WITH bounds AS (SELECT ST_TileEnvelope(%s, %s, %s) AS geom),
        counted AS (
            SELECT LEAST(GREATEST(FLOOR((ST_X(p.geom) + {half}) / {2 * half} * %s), 0),
                         %s - 1)::int AS x,
                   LEAST(GREATEST(FLOOR(({half} - ST_Y(p.geom)) / {2 * half} * %s), 0),
                         %s - 1)::int AS y,
                   COUNT(*)::int AS count
            FROM bounds, trees_treemappoint p
            WHERE p.geom && bounds.geom{where}
            GROUP BY 1, 2
        ),
        {_CELLS_MVT}        """  # noqa: S608 - only constants and fixed clauses are formatted in
        return sql, [tile.z, tile.x, tile.y, side, side, side, side, *params, level]

    def _joined_cells_sql(self, tile: Tile, filters: TreeFilters) -> tuple[str, list]:
        level = cells.level_for_zoom(tile.z)
        side = 1 << level
        where, params = filter_sql(filters)
        sql = f"""
        WITH bounds AS (SELECT ST_TileEnvelope(%s, %s, %s) AS geom),
        counted AS (
            SELECT FLOOR((ST_X(s.location) + 180.0) / 360.0 * %s)::int AS x,
                   FLOOR((1.0 - ASINH(TAN(RADIANS(ST_Y(s.location)))) / PI()) / 2.0 * %s)::int
                       AS y,
                   COUNT(*)::int AS count
            FROM bounds, trees_plantingsite s JOIN trees_tree t ON t.site_id = s.id
            WHERE s.location && ST_Transform(bounds.geom, 4326){where}
            GROUP BY 1, 2
        ),
        {_CELLS_MVT}        """  # noqa: S608
        return sql, [tile.z, tile.x, tile.y, side, side, *params, level]


register(TreesLayer())
