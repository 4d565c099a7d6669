"""What every OGC collection shares: the Collection class, queryables and value helpers."""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime

from django.contrib.gis.db.models import Extent
from django.contrib.gis.geos import Polygon
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import F, FloatField, Func, Max, Min, Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from metropoli.common.params import whole_number
from metropoli.territory.amg import METRO_BBOX
from metropoli.trees import filters as tree_filters

from .paging import KeysInOrder
from .params import invalid

Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class Queryable:
    """A property filter of the items: `name=value`, with its OpenAPI schema."""

    name: str
    description: Promise | str
    schema: dict


def _polygon(box: Box) -> Polygon:
    polygon = Polygon.from_bbox(box)
    polygon.srid = 4326
    return polygon


def _number(value) -> float | None:
    return float(value) if value is not None else None


def _point(geometry) -> dict | None:
    if geometry is None:
        return None
    return {"type": "Point", "coordinates": [geometry.x, geometry.y]}


def _coordinate(function: str, field: str) -> Func:
    """ST_X or ST_Y of a point column, computed by PostGIS."""
    return Func(F(field), function=function, output_field=FloatField())


def _geojson(geometry) -> dict | None:
    return json.loads(geometry.json) if geometry is not None else None


def _municipality_ids(code_list: str) -> tuple[int, ...]:
    """INEGI codes (comma-separated) → ids, with the tree filters' parser and messages."""
    try:
        return tree_filters.parse({"municipality": code_list}).municipality_ids
    except ValidationError as error:
        raise invalid("invalid_filter", " ".join(error.messages)) from error


def _choice(value: str, allowed, label: str) -> list[str]:
    wanted = [item.strip() for item in value.split(",") if item.strip()]
    bad = [item for item in wanted if item not in allowed]
    if bad:
        raise invalid(
            "invalid_filter",
            _("Unknown value for %(name)s: %(values)s. Known values: %(known)s.")
            % {
                "name": label,
                "values": ", ".join(v[:40] for v in bad),
                "known": ", ".join(allowed),
            },
        )
    return wanted


def _boolean(value: str, label: str) -> bool:
    if value.lower() in ("true", "1", "yes"):
        return True
    if value.lower() in ("false", "0", "no"):
        return False
    raise invalid("invalid_filter", _("%(name)s must be true or false.") % {"name": label})


MUNICIPALITY = Queryable(
    "municipality",
    gettext_lazy("INEGI codes of municipalities, comma-separated (e.g. 14039,14120)."),
    {"type": "string"},
)

STRING = {"type": "string"}
NULLABLE_STRING = {"type": "string", "nullable": True}
NUMBER = {"type": "number", "nullable": True}
INTEGER = {"type": "integer"}
BOOLEAN = {"type": "boolean"}
DATETIME = {"type": "string", "format": "date-time"}


class Collection(ABC):
    """One collection: its public rows, filters, extent and the shape of its features."""

    id: str
    title: Promise
    description: Promise
    key = "pk"  # features are ordered by it; it is the feature id and the paging cursor
    key_is_int = True
    temporal_field: str | None = None
    geometry_field: str = "location"
    points = True  # every geometry is a point: the bounding-box operator is exact
    queryables: tuple[Queryable, ...] = ()
    properties_schema: dict = {}
    # The platform's web page showing this collection (URL name), for the "alternate" links.
    page: str | None = None

    # --- rows ---

    @abstractmethod
    def public(self) -> QuerySet:
        """The rows anyone may read (same privacy rules as the JSON API)."""

    def filter(self, qs: QuerySet, values: dict[str, str]) -> QuerySet:
        """Apply the property filters given (name → non-empty text); OgcError for bad ones."""
        return qs

    def filter_bbox(self, qs: QuerySet, boxes: list[Box]) -> QuerySet:
        return qs.filter(self._in_boxes(self.geometry_field, boxes))

    def _in_boxes(self, field: str, boxes: list[Box]) -> Q:
        lookup = "bboverlaps" if self.points else "intersects"
        condition = Q()
        for box in boxes:
            condition |= Q(**{f"{field}__{lookup}": _polygon(box)})
        return condition

    def keys_in_order(self, values: dict[str, str], boxes: list[Box]) -> KeysInOrder | None:
        """The keys inside `boxes` in key order from an index, as ogc/paging.py reads a dense
        box's pages; None: those pages walk the key's order (fast unless the box's features
        come late in it). `values` are the property filters given, already checked."""
        return None

    def geometries_in(self, boxes: list[Box]) -> QuerySet:
        """Every row of the table holding the geometry (a tree's site) inside the boxes, with
        no other filter or join: how dense a box is, read from the spatial index alone."""
        model = self.public().model
        *path, field = self.geometry_field.split("__")
        for name in path:
            model = model._meta.get_field(name).related_model
        return model._default_manager.filter(self._in_boxes(field, boxes))

    def filter_time(self, qs: QuerySet, start: datetime | None, end: datetime | None):
        if start is not None:
            qs = qs.filter(**{f"{self.temporal_field}__gte": start})
        if end is not None:
            qs = qs.filter(**{f"{self.temporal_field}__lte": end})
        return qs

    def parse_key(self, value: str):
        """The feature id from a URL, or None when it cannot name a feature here."""
        if self.key_is_int:
            return whole_number(value)
        return value if len(value) <= 80 else None

    def key_of(self, row):
        return getattr(row, self.key)

    # --- shape ---

    def geometry(self, row) -> dict | None:
        return _point(getattr(row, self.geometry_field))

    @abstractmethod
    def properties(self, row) -> dict:
        """The feature's properties, as `properties_schema` describes them."""

    def feature(self, row) -> dict:
        return {
            "type": "Feature",
            "id": self.key_of(row),
            "geometry": self.geometry(row),
            "properties": self.properties(row),
        }

    def html_url(self, row) -> str | None:
        """The platform's own page of this feature, if it has one."""
        return None

    # --- metadata ---

    def spatial_extent(self) -> list[float]:
        box = self.public().aggregate(box=Extent(self.geometry_field))["box"]
        return list(box) if box else list(METRO_BBOX)

    def temporal_extent(self) -> list | None:
        if self.temporal_field is None:
            return None
        found = self.public().aggregate(
            first=Min(self.temporal_field), last=Max(self.temporal_field)
        )
        return [found["first"], found["last"]]


def _estimated_extent(table: str, column: str) -> list[float] | None:
    """PostGIS's estimate from the planner's statistics: instant at a million rows (an exact
    ST_Extent reads every row); None before the table was first analysed."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) "
            "FROM ST_EstimatedExtent(%s, %s) AS e",
            [table, column],
        )
        row = cursor.fetchone()
    return list(row) if row and row[0] is not None else None
