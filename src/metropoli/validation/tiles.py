"""The "flagged_trees" map layer: trees in the municipal work queue, filtered by flag/status.

MVT layer `flagged` (id, status, disease, pest, risk, dead). Query string: municipality
(INEGI code), flag (disease,pest,risk,dead), status (reported,inspected,treated,removed).
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from metropoli.maps.layers import BUFFER, EXTENT, TileLayer, register
from metropoli.maps.tiles import Tile
from metropoli.territory.models import Municipality

from .models import Flag, WorkStatus


def _split(value: str | None) -> list[str]:
    return [item.strip() for item in (value or "").split(",") if item.strip()]


def parse_queue_filters(params) -> dict:
    """municipality_id, flags, statuses from a query string (ValidationError when wrong)."""
    found: dict = {"municipality_id": None, "flags": (), "statuses": ()}
    if params.get("municipality"):
        municipality = Municipality.objects.filter(inegi_code=params["municipality"]).first()
        if municipality is None:
            raise ValidationError(
                _("Unknown municipality code: %(codes)s.") % {"codes": params["municipality"]}
            )
        found["municipality_id"] = municipality.pk
    flags = _split(params.get("flag"))
    if any(flag not in Flag.values for flag in flags):
        raise ValidationError(_("Unknown flag: %(flags)s.") % {"flags": ", ".join(flags)})
    statuses = _split(params.get("status"))
    if any(status not in WorkStatus.values for status in statuses):
        raise ValidationError(
            _("Unknown status: %(statuses)s.") % {"statuses": ", ".join(statuses)}
        )
    found["flags"], found["statuses"] = tuple(flags), tuple(statuses)
    return found


class FlaggedTreesLayer(TileLayer):
    name = "flagged_trees"
    max_age = 30

    def parse_filters(self, params) -> dict:
        return parse_queue_filters(params)

    def postgis_query(self, tile: Tile, filters: dict) -> tuple[str, list]:
        clauses, params = [], []
        if filters["municipality_id"]:
            clauses.append("w.municipality_id = %s")
            params.append(filters["municipality_id"])
        if filters["flags"]:
            # Flag names are checked against Flag.values above: they are column names.
            clauses.append("(" + " OR ".join(f"w.{flag}" for flag in filters["flags"]) + ")")
        if filters["statuses"]:
            clauses.append("w.status = ANY(%s)")
            params.append(list(filters["statuses"]))
        where = "".join(f" AND {clause}" for clause in clauses)
        sql = f"""
        WITH bounds AS (SELECT ST_TileEnvelope(%s, %s, %s) AS geom),
        mvt AS (
            SELECT w.tree_id AS id, w.status, w.disease, w.pest, w.risk, w.dead,
                   ST_AsMVTGeom(ST_Transform(s.location, 3857), bounds.geom,
                                {EXTENT}, {BUFFER}, true) AS geom
            FROM bounds, validation_workitem w
            JOIN trees_tree t ON t.id = w.tree_id
            JOIN trees_plantingsite s ON s.id = t.site_id
            WHERE s.location && ST_Transform(bounds.geom, 4326){where}
        )
        SELECT COALESCE((SELECT ST_AsMVT(mvt, 'flagged', {EXTENT}, 'geom', 'id')
                         FROM mvt WHERE geom IS NOT NULL), ''::bytea)
        """  # noqa: S608 - only constants and checked column names are formatted in
        return sql, [tile.z, tile.x, tile.y, *params]


register(FlaggedTreesLayer())
