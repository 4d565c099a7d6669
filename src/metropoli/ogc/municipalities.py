"""The `municipalities` collection: official boundaries, or seats until they are imported."""

from __future__ import annotations

from django.contrib.gis.db.models import Extent
from django.db.models import Q
from django.utils.translation import gettext_lazy

from metropoli.territory.amg import METRO_BBOX
from metropoli.territory.selectors import active_municipalities

from .base import (
    BOOLEAN,
    STRING,
    Collection,
    _geojson,
    _point,
    _polygon,
)

# --- municipalities --------------------------------------------------------------------------


class Municipalities(Collection):
    id = "municipalities"
    title = gettext_lazy("Municipalities")
    description = gettext_lazy(
        "The municipalities of the platform: their official boundary once imported, until "
        "then the point of the municipal seat (has_boundary tells which)."
    )
    key = "inegi_code"
    key_is_int = False
    geometry_field = "boundary"
    points = False
    properties_schema = {
        "inegi_code": STRING,
        "name": STRING,
        "slug": STRING,
        "has_boundary": BOOLEAN,
        "boundary_source": STRING,
    }

    def public(self):
        return active_municipalities()

    def filter_bbox(self, qs, boxes):
        condition = Q()
        for box in boxes:
            polygon = _polygon(box)
            condition |= Q(boundary__intersects=polygon) | Q(
                boundary__isnull=True, seat__intersects=polygon
            )
        return qs.filter(condition)

    def geometry(self, row):
        if row.boundary is not None:
            return _geojson(row.boundary)
        return _point(row.seat)

    def properties(self, row):
        return {
            "inegi_code": row.inegi_code,
            "name": row.name,
            "slug": row.slug,
            "has_boundary": row.boundary is not None,
            "boundary_source": row.boundary_source,
        }

    def spatial_extent(self):
        found = self.public().aggregate(boundaries=Extent("boundary"), seats=Extent("seat"))
        boxes = [box for box in (found["boundaries"], found["seats"]) if box]
        if not boxes:
            return list(METRO_BBOX)
        return [
            min(b[0] for b in boxes),
            min(b[1] for b in boxes),
            max(b[2] for b in boxes),
            max(b[3] for b in boxes),
        ]
