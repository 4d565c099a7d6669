"""The collections of /ogc/: what each one publishes, read through the module's own selectors.

Each collection starts from the set the JSON API publishes (the same selector, so the same
privacy rules) and shapes each row as flat GeoJSON properties, which GIS tools turn into
attribute columns. No collection reads the signed-in person: /ogc/ is open data, the same for
everyone. Decision: docs/decisions/0050-ogc-api-features-own-views.md.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import F, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from metropoli.markets import selectors as market_selectors
from metropoli.sensors import selectors as sensor_selectors
from metropoli.sensors.labels import category_label
from metropoli.sensors.models import Placement
from metropoli.trees import selectors as tree_selectors
from metropoli.trees.filters import TreeFilterSchema
from metropoli.trees.models import PlantingSite, SiteType
from metropoli.trees.tiles import filter_sql

from .base import (
    BOOLEAN,
    DATETIME,
    INTEGER,
    MUNICIPALITY,
    NULLABLE_STRING,
    NUMBER,
    STRING,
    Box,
    Collection,
    Queryable,
    _boolean,
    _choice,
    _coordinate,
    _estimated_extent,
    _municipality_ids,
    _number,
)
from .contributions import Contributions
from .municipalities import Municipalities
from .params import invalid

# --- trees -----------------------------------------------------------------------------------

TREE_COLUMNS = (
    "dbh_cm",
    "height_m",
    "crown_width_m",
    "condition",
    "phenology",
    "notes",
    "validation_state",
    "source",
    "external_id",
    "recorded_at",
)


# Web Mercator's latitude limit: a box is clamped to it before it becomes map-point metres.
MERCATOR_LATITUDE = 85.05112878


def _tree_ids_in_boxes(
    boxes: list[Box], where: str, params: list, start: int | None, descending: bool, count: int
) -> list[int]:
    """`count` ids of the map points in the boxes after `start` (before it, descending), nearest
    to it first: per box, one ordered scan of the (geom, tree) GiST index. The box in metres is
    a centimetre larger than the box in degrees (rounding); the selection tests the exact box."""
    parts, values = [], []
    for west, south, east, north in boxes:
        south, north = (max(-MERCATOR_LATITUDE, min(MERCATOR_LATITUDE, v)) for v in (south, north))
        after = "" if start is None else f" AND p.tree_id {'<' if descending else '>'} %s::bigint"
        # Only constant SQL and placeholders are joined here; the values are parameters.
        parts.append(
            "(SELECT p.tree_id FROM trees_treemappoint p WHERE p.geom && ST_Expand(ST_Transform("  # noqa: S608
            f"ST_MakeEnvelope(%s, %s, %s, %s, 4326), 3857), 0.01){after}{where} "
            "ORDER BY p.tree_id <-> %s::bigint LIMIT %s)"
        )
        values += [west, south, east, north, *([] if start is None else [start]), *params]
        values += [start or 0, count]
    order = "DESC" if descending else "ASC"
    sql = f"SELECT tree_id FROM ({' UNION ALL '.join(parts)}) AS inside ORDER BY 1 {order} LIMIT %s"  # noqa: S608, E501
    with connection.cursor() as cursor:
        cursor.execute(sql, [*values, count])
        return [row[0] for row in cursor.fetchall()]


def _declared(name: str, schema: dict) -> Queryable:
    """A tree filter as a queryable, described in the words of its declaration."""
    return Queryable(name, gettext_lazy(TreeFilterSchema.model_fields[name].description), schema)


class Trees(Collection):
    id = "trees"
    page = "trees:home"
    title = gettext_lazy("Trees")
    description = gettext_lazy(
        "The public tree inventory of the metropolitan area: species, size, condition and "
        "validation of every tree, as the map and the CSV export publish it (no personal data)."
    )
    geometry_field = "site__location"
    temporal_field = "recorded_at"
    # The tree filters' declaration (trees/filters.py) gives the words; bbox and the dates
    # are OGC's own parameters, the recorder is not published.
    queryables = (
        _declared("species", STRING),
        MUNICIPALITY,
        _declared("condition", STRING),
        _declared("validation_state", STRING),
        _declared("dbh_min", {"type": "number"}),
        _declared("dbh_max", {"type": "number"}),
    )
    properties_schema = {
        "id": INTEGER,
        "municipality": STRING,
        "municipality_name": STRING,
        "species": NULLABLE_STRING,
        "scientific_name": NULLABLE_STRING,
        "common_name": NULLABLE_STRING,
        "dbh_cm": NUMBER,
        "height_m": NUMBER,
        "crown_width_m": NUMBER,
        "condition": STRING,
        "phenology": STRING,
        "validation_state": STRING,
        "site_type": STRING,
        "address": STRING,
        "colonia": STRING,
        "notes": STRING,
        "external_id": STRING,
        "source": STRING,
        "recorded_at": DATETIME,
    }

    def public(self) -> QuerySet:
        # The selector of the API, the map and the exports, without the recorder (not published).
        # Rows are plain values, the coordinates read by PostGIS: at 10,000 features a page, four
        # model instances and a GEOS point per tree would cost more than the query.
        return tree_selectors.filter_trees(tree_selectors.TreeFilters()).values(
            "id",
            *TREE_COLUMNS,
            lon=_coordinate("ST_X", "site__location"),
            lat=_coordinate("ST_Y", "site__location"),
            municipality=F("site__municipality__inegi_code"),
            municipality_name=F("site__municipality__name"),
            species_code=F("species__code"),
            scientific_name=F("species__scientific_name"),
            common_name=F("species__common_name_es"),
            site_type=F("site__site_type"),
            address=F("site__address"),
            colonia=F("site__colonia"),
        )

    def filter(self, qs, values):
        try:
            return TreeFilterSchema.from_params(values).filter(qs)
        except ValidationError as error:
            raise invalid("invalid_filter", " ".join(error.messages)) from error

    def key_of(self, row):
        return row["id"]

    def keys_in_order(self, values, boxes):
        # The map points (trees/mappoints.py) hold every tree's point and the columns of the
        # property filters; the (geom, tree) index gives a box's trees in id order. The filters'
        # codes are looked up only if a page needs the index (a dense box), and then once.
        @cache
        def conditions() -> tuple[str, list]:
            filters = replace(TreeFilterSchema.from_params(values).resolve(), bbox=None)
            return filter_sql(filters, tree="p", site="p")

        def keys(start: int | None, descending: bool, count: int) -> list[int]:
            return _tree_ids_in_boxes(boxes, *conditions(), start, descending, count)

        return keys

    def geometry(self, row):
        return {"type": "Point", "coordinates": [row["lon"], row["lat"]]}

    def properties(self, row) -> dict:
        return {
            "id": row["id"],
            "municipality": row["municipality"],
            "municipality_name": row["municipality_name"],
            "species": row["species_code"],
            "scientific_name": row["scientific_name"],
            "common_name": row["common_name"],
            "dbh_cm": _number(row["dbh_cm"]),
            "height_m": _number(row["height_m"]),
            "crown_width_m": _number(row["crown_width_m"]),
            "condition": row["condition"],
            "phenology": row["phenology"],
            "validation_state": row["validation_state"],
            "site_type": row["site_type"],
            "address": row["address"],
            "colonia": row["colonia"],
            "notes": row["notes"],
            "external_id": row["external_id"],
            "source": row["source"],
            "recorded_at": row["recorded_at"],
        }

    def html_url(self, row):
        return reverse("trees:tree", args=[row["id"]])

    def spatial_extent(self):
        return _estimated_extent("trees_plantingsite", "location") or super().spatial_extent()


# --- planting sites --------------------------------------------------------------------------


class PlantingSites(Collection):
    id = "planting-sites"
    title = gettext_lazy("Planting sites")
    description = gettext_lazy(
        "Places where a tree stands or can stand: kind of site, address and the tree on it "
        "(tree_id, empty when the site has no tree)."
    )
    queryables = (
        MUNICIPALITY,
        Queryable(
            "site_type",
            gettext_lazy(
                "Kinds of site, comma-separated: sidewalk, park, median, garden, school, "
                "riverbank, other."
            ),
            STRING,
        ),
        Queryable(
            "has_tree",
            gettext_lazy("true: only sites with a tree; false: only empty sites."),
            BOOLEAN,
        ),
    )
    properties_schema = {
        "id": INTEGER,
        "municipality": STRING,
        "municipality_name": STRING,
        "site_type": STRING,
        "address": STRING,
        "colonia": STRING,
        "tree_id": {"type": "integer", "nullable": True},
    }

    def public(self):
        return PlantingSite.objects.values(
            "id",
            "site_type",
            "address",
            "colonia",
            lon=_coordinate("ST_X", "location"),
            lat=_coordinate("ST_Y", "location"),
            municipality_code=F("municipality__inegi_code"),
            municipality_name=F("municipality__name"),
            standing_tree=F("tree__id"),
        )

    def filter(self, qs, values):
        if "municipality" in values:
            qs = qs.filter(municipality_id__in=_municipality_ids(values["municipality"]))
        if "site_type" in values:
            qs = qs.filter(site_type__in=_choice(values["site_type"], SiteType.values, "site_type"))
        if "has_tree" in values:
            qs = qs.filter(tree__isnull=not _boolean(values["has_tree"], "has_tree"))
        return qs

    def key_of(self, row):
        return row["id"]

    def geometry(self, row):
        return {"type": "Point", "coordinates": [row["lon"], row["lat"]]}

    def properties(self, row):
        return {
            "id": row["id"],
            "municipality": row["municipality_code"],
            "municipality_name": row["municipality_name"],
            "site_type": row["site_type"],
            "address": row["address"],
            "colonia": row["colonia"],
            "tree_id": row["standing_tree"],
        }

    def spatial_extent(self):
        return _estimated_extent("trees_plantingsite", "location") or super().spatial_extent()


# --- sensors ---------------------------------------------------------------------------------


class Sensors(Collection):
    id = "sensors"
    page = "sensors:map"
    title = gettext_lazy("Air-quality sensors")
    description = gettext_lazy(
        "Citizen air-quality sensors with the Índice AIRE Y SALUD (NOM-172) of the last "
        "complete hour; index_category is empty when there is no valid value. No owner data."
    )
    key = "sensor_id"
    key_is_int = False
    queryables = (
        MUNICIPALITY,
        Queryable("placement", gettext_lazy("outdoor or indoor, comma-separated."), STRING),
    )
    properties_schema = {
        "sensor_id": STRING,
        "name": STRING,
        "model": STRING,
        "municipality": STRING,
        "municipality_name": STRING,
        "placement": STRING,
        "online": BOOLEAN,
        "last_post_at": {"type": "string", "format": "date-time", "nullable": True},
        "index_category": NULLABLE_STRING,
        "index_label": NULLABLE_STRING,
        "index_hour": {"type": "string", "format": "date-time", "nullable": True},
        "index_pollutants": STRING,
    }

    def public(self):
        return sensor_selectors.registry().defer("municipality__boundary", "municipality__seat")

    def filter(self, qs, values):
        if "municipality" in values:
            qs = qs.filter(municipality_id__in=_municipality_ids(values["municipality"]))
        if "placement" in values:
            qs = qs.filter(
                placement__in=_choice(values["placement"], Placement.values, "placement")
            )
        return qs

    def properties(self, row):
        now = timezone.now()
        category = sensor_selectors.current_category(row, now)
        return {
            "sensor_id": row.sensor_id,
            "name": row.name,
            "model": row.model,
            "municipality": row.municipality.inegi_code,
            "municipality_name": row.municipality.name,
            "placement": row.placement,
            "online": sensor_selectors.is_online(row, now),
            "last_post_at": row.last_post_at,
            "index_category": category.code if category else None,
            "index_label": category_label(category) if category else None,
            "index_hour": row.index_hour if category else None,
            "index_pollutants": row.index_pollutants if category else "",
        }

    def html_url(self, row):
        return reverse("sensors:detail", args=[row.sensor_id])


# --- markets ---------------------------------------------------------------------------------


class Markets(Collection):
    id = "markets"
    page = "markets:home"
    title = gettext_lazy("Municipal markets")
    description = gettext_lazy(
        "Municipal markets that sell online through Mi Mercado: address, opening hours, "
        "delivery and pickup."
    )
    key = "slug"
    key_is_int = False
    queryables = (MUNICIPALITY,)
    properties_schema = {
        "slug": STRING,
        "name": STRING,
        "municipality": STRING,
        "municipality_name": STRING,
        "address": STRING,
        "opening_hours": STRING,
        "delivers": BOOLEAN,
        "pickup_slots": STRING,
        "stalls": INTEGER,
    }

    def public(self):
        return market_selectors.active_markets().defer(
            "municipality__boundary", "municipality__seat"
        )

    def filter(self, qs, values):
        if "municipality" in values:
            qs = qs.filter(municipality_id__in=_municipality_ids(values["municipality"]))
        return qs

    def properties(self, row):
        return {
            "slug": row.slug,
            "name": row.name,
            "municipality": row.municipality.inegi_code,
            "municipality_name": row.municipality.name,
            "address": row.address,
            "opening_hours": row.opening_hours,
            "delivers": bool(row.delivery_fee_bands),
            "pickup_slots": ", ".join(row.pickup_slots or ()),
            "stalls": row.stall_count,
        }

    def html_url(self, row):
        return reverse("markets:market", kwargs={"slug": row.slug})


COLLECTIONS: dict[str, Collection] = {
    c.id: c
    for c in (Trees(), PlantingSites(), Sensors(), Markets(), Contributions(), Municipalities())
}


def html_url_or_none(collection: Collection, row) -> str | None:
    try:
        return collection.html_url(row)
    except NoReverseMatch:
        return None
