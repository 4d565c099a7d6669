"""The collections of /ogc/: what each one publishes, read through the module's own selectors.

Each collection starts from the set the JSON API publishes (the same selector, so the same
privacy rules) and shapes each row as flat GeoJSON properties, which GIS tools turn into
attribute columns. No collection reads the signed-in person: /ogc/ is open data, the same for
everyone. Decision: docs/decisions/0050-ogc-api-features-own-views.md.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from django.contrib.gis.db.models import Extent
from django.contrib.gis.geos import Polygon
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Count, F, FloatField, Func, Max, Min, Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from metropoli.markets import selectors as market_selectors
from metropoli.participation.models import (
    Contribution,
    ContributionType,
    FeedbackStatus,
    Proceeding,
    Visibility,
)
from metropoli.participation.selectors import feature as contribution_feature
from metropoli.sensors import selectors as sensor_selectors
from metropoli.sensors.models import Placement
from metropoli.territory.amg import METRO_BBOX
from metropoli.territory.selectors import active_municipalities
from metropoli.trees import selectors as tree_selectors
from metropoli.trees.models import PlantingSite, SiteType

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
        return tree_selectors.parse_filters({"municipality": code_list}).municipality_ids
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


class Collection:
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

    def public(self) -> QuerySet:
        raise NotImplementedError

    def filter(self, qs: QuerySet, values: dict[str, str]) -> QuerySet:
        """Apply the property filters given (name → non-empty text); OgcError for bad ones."""
        return qs

    def filter_bbox(self, qs: QuerySet, boxes: list[Box]) -> QuerySet:
        lookup = "bboverlaps" if self.points else "intersects"
        condition = Q()
        for box in boxes:
            condition |= Q(**{f"{self.geometry_field}__{lookup}": _polygon(box)})
        return qs.filter(condition)

    def filter_time(self, qs: QuerySet, start: datetime | None, end: datetime | None):
        if start is not None:
            qs = qs.filter(**{f"{self.temporal_field}__gte": start})
        if end is not None:
            qs = qs.filter(**{f"{self.temporal_field}__lte": end})
        return qs

    def parse_key(self, value: str):
        """The feature id from a URL, or None when it cannot name a feature here."""
        if self.key_is_int:
            return int(value) if value.isdigit() and len(value) < 19 else None
        return value if len(value) <= 80 else None

    def key_of(self, row):
        return getattr(row, self.key)

    # --- shape ---

    def geometry(self, row) -> dict | None:
        return _point(getattr(row, self.geometry_field))

    def properties(self, row) -> dict:
        raise NotImplementedError

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
    queryables = (
        Queryable(
            "species",
            gettext_lazy('Species codes, comma-separated; "unknown" for trees of unknown species.'),
            STRING,
        ),
        MUNICIPALITY,
        Queryable(
            "condition",
            gettext_lazy("Conditions, comma-separated: good, fair, poor, dead, unknown."),
            STRING,
        ),
        Queryable(
            "validation_state",
            gettext_lazy(
                "Validation states, comma-separated: submitted, validated, needs_correction, "
                "rejected."
            ),
            STRING,
        ),
        Queryable("dbh_min", gettext_lazy("Smallest trunk diameter, in cm."), {"type": "number"}),
        Queryable("dbh_max", gettext_lazy("Largest trunk diameter, in cm."), {"type": "number"}),
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
            filters = tree_selectors.parse_filters(values)
        except ValidationError as error:
            raise invalid("invalid_filter", " ".join(error.messages)) from error
        return tree_selectors.filter_trees(filters, qs)

    def key_of(self, row):
        return row["id"]

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
            "index_label": _(category.label) if category else None,
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


# --- contributions ---------------------------------------------------------------------------


class Contributions(Collection):
    id = "contributions"
    page = "participation:home"
    title = gettext_lazy("Consultation contributions")
    description = gettext_lazy(
        "What people placed on the maps of Participa's consultations (points, lines and "
        "areas), with the planners' answer. Only contributions visible to the public; no "
        "author, no photo."
    )
    geometry_field = "geometry"
    points = False
    temporal_field = "created_at"
    queryables = (
        Queryable(
            "proceeding",
            gettext_lazy("Short names of consultations, comma-separated."),
            STRING,
        ),
        Queryable("category", gettext_lazy("Number of a category."), INTEGER),
        Queryable(
            "type",
            gettext_lazy("Types, comma-separated: proposal, problem, question, praise."),
            STRING,
        ),
        Queryable(
            "feedback_status",
            gettext_lazy(
                "Answer states, comma-separated: received, under_review, taken_into_account, "
                "not_taken_into_account."
            ),
            STRING,
        ),
    )
    properties_schema = {
        "id": INTEGER,
        "proceeding": STRING,
        "proceeding_title": STRING,
        "text": STRING,
        "type": STRING,
        "category_id": INTEGER,
        "category": STRING,
        "icon": STRING,
        "colour": STRING,
        "phase": STRING,
        "kind": STRING,
        "feedback_status": STRING,
        "feedback_answer": STRING,
        "ups": INTEGER,
        "downs": INTEGER,
        "comments": INTEGER,
        "created": {"type": "string", "format": "date"},
        "demo": BOOLEAN,
    }

    def public(self):
        # participation.selectors.contributions(), for every consultation at once: visible
        # contributions only, with their public counts.
        return (
            Contribution.objects.filter(status=Visibility.VISIBLE)
            .select_related("category", "phase", "proceeding")
            .defer("proceeding__area")  # the consultation's area is no contribution's business
            .annotate(
                ups=Count("ratings", filter=Q(ratings__value=1), distinct=True),
                downs=Count("ratings", filter=Q(ratings__value=-1), distinct=True),
                comment_count=Count(
                    "comments", filter=Q(comments__status=Visibility.VISIBLE), distinct=True
                ),
            )
        )

    def filter(self, qs, values):
        if "proceeding" in values:
            wanted = [s.strip() for s in values["proceeding"].split(",") if s.strip()]
            found = set(Proceeding.objects.filter(slug__in=wanted).values_list("slug", flat=True))
            missing = [slug[:80] for slug in wanted if slug not in found]
            if missing:
                raise invalid(
                    "invalid_filter",
                    _("Unknown consultation: %(slugs)s.") % {"slugs": ", ".join(missing)},
                )
            qs = qs.filter(proceeding__slug__in=wanted)
        if "category" in values:
            value = values["category"]
            if not value.isdigit() or len(value) > 9:
                raise invalid("invalid_filter", _("category must be the number of a category."))
            qs = qs.filter(category_id=int(value))
        if "type" in values:
            qs = qs.filter(type__in=_choice(values["type"], ContributionType.values, "type"))
        if "feedback_status" in values:
            qs = qs.filter(
                feedback_status__in=_choice(
                    values["feedback_status"], FeedbackStatus.values, "feedback_status"
                )
            )
        return qs

    def geometry(self, row):
        return _geojson(row.geometry)

    def properties(self, row):
        properties = contribution_feature(row)["properties"]
        return {
            "id": properties.pop("id"),
            "proceeding": row.proceeding.slug,
            "proceeding_title": row.proceeding.title,
            **properties,
        }

    def html_url(self, row):
        return reverse(
            "participation:contribution", kwargs={"slug": row.proceeding.slug, "pk": row.pk}
        )

    def spatial_extent(self):
        box = Contribution.objects.filter(status=Visibility.VISIBLE).aggregate(
            box=Extent("geometry")
        )["box"]
        return list(box) if box else list(METRO_BBOX)

    def temporal_extent(self):
        found = Contribution.objects.filter(status=Visibility.VISIBLE).aggregate(
            first=Min("created_at"), last=Max("created_at")
        )
        return [found["first"], found["last"]]


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


COLLECTIONS: dict[str, Collection] = {
    c.id: c
    for c in (Trees(), PlantingSites(), Sensors(), Markets(), Contributions(), Municipalities())
}


def html_url_or_none(collection: Collection, row) -> str | None:
    try:
        return collection.html_url(row)
    except NoReverseMatch:
        return None
