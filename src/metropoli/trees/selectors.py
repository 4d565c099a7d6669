"""Reads of the tree inventory: filtered sets (API, map, tiles, export), nearby trees, species."""

import math
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.contrib.gis.geos import Polygon
from django.db.models import Count, F, Func, Q, QuerySet, Value
from django.db.models.functions import Concat, Lower
from django.http import QueryDict

from metropoli.common.geo import haversine_m
from metropoli.common.history import ChangeAction, HistoryLine, history_of, lines
from metropoli.common.params import whole_number
from metropoli.maps import versions
from metropoli.territory.models import Municipality

from .history import SUBJECTS
from .models import PlantingSite, Species, Tree


@dataclass(frozen=True)
class TreeFilters:
    """The tree filters with their codes looked up, as `trees/filters.py` reads them from a
    query string: what the selectors, the tile SQL and the eco-benefit sums filter by."""

    bbox: tuple[float, float, float, float] | None = None
    municipality_ids: tuple[int, ...] = ()
    species_ids: tuple[int, ...] = ()
    unknown_species: bool = False
    conditions: tuple[str, ...] = ()
    dbh_min: Decimal | None = None
    dbh_max: Decimal | None = None
    validation_states: tuple[str, ...] = ()
    recorded_by_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None
    codes: dict = field(default_factory=dict, compare=False)

    @property
    def only_municipality(self) -> bool:
        """True when no filter other than bbox/municipality is set (aggregates are stored)."""
        return not (
            self.species_ids
            or self.unknown_species
            or self.conditions
            or self.dbh_min is not None
            or self.dbh_max is not None
            or self.validation_states
            or self.recorded_by_id is not None
            or self.since
            or self.until
        )

    def query_string(self) -> str:
        params = QueryDict(mutable=True)
        for key, value in self.codes.items():
            params[key] = value
        return params.urlencode()


def filter_trees(filters: TreeFilters, queryset: QuerySet[Tree] | None = None) -> QuerySet[Tree]:
    qs = Tree.objects.all() if queryset is None else queryset
    if filters.bbox:
        box = Polygon.from_bbox(filters.bbox)
        box.srid = 4326
        # For points, the bounding-box operator is exact and needs no per-row geometry test.
        qs = qs.filter(site__location__bboverlaps=box)
    if filters.municipality_ids:
        qs = qs.filter(site__municipality_id__in=filters.municipality_ids)
    if filters.species_ids or filters.unknown_species:
        condition = Q(species_id__in=filters.species_ids)
        if filters.unknown_species:
            condition |= Q(species__isnull=True)
        qs = qs.filter(condition)
    if filters.conditions:
        qs = qs.filter(condition__in=filters.conditions)
    if filters.dbh_min is not None:
        qs = qs.filter(dbh_cm__gte=filters.dbh_min)
    if filters.dbh_max is not None:
        qs = qs.filter(dbh_cm__lte=filters.dbh_max)
    return filter_by_record(qs, filters)


def filter_by_record(qs: QuerySet, filters: TreeFilters, *, prefix: str = "") -> QuerySet:
    """The filters on the record itself (validation state, who recorded it, when), on trees or,
    with ``prefix="tree__"``, on rows that point to a tree."""
    if filters.validation_states:
        qs = qs.filter(**{f"{prefix}validation_state__in": filters.validation_states})
    if filters.recorded_by_id is not None:
        qs = qs.filter(**{f"{prefix}recorded_by_id": filters.recorded_by_id})
    if filters.since:
        qs = qs.filter(**{f"{prefix}recorded_at__gte": filters.since})
    if filters.until:
        qs = qs.filter(**{f"{prefix}recorded_at__lte": filters.until})
    return qs


def trees_for_listing(filters: TreeFilters) -> QuerySet[Tree]:
    return (
        filter_trees(filters)
        .select_related("site", "site__municipality", "species", "recorded_by")
        .order_by("-pk")
    )


def tree_detail(tree_id: int) -> Tree | None:
    return (
        Tree.objects.select_related("site", "site__municipality", "species", "recorded_by")
        .prefetch_related("photos")
        .filter(pk=tree_id)
        .first()
    )


@dataclass(frozen=True)
class NearbyTree:
    tree: Tree
    distance_m: float


def trees_near(*, lon: float, lat: float, radius_m: float = 2.0) -> list[NearbyTree]:
    """Trees within radius_m metres of a point, nearest first (likely duplicates)."""
    dlat = radius_m / 111_320 * 1.5
    dlon = dlat / max(math.cos(math.radians(lat)), 0.01)
    box = Polygon.from_bbox((lon - dlon, lat - dlat, lon + dlon, lat + dlat))
    box.srid = 4326
    found = []
    for tree in Tree.objects.select_related("site", "species").filter(
        site__location__intersects=box
    ):
        distance = haversine_m(lon, lat, tree.site.location.x, tree.site.location.y)
        if distance <= radius_m:
            found.append(NearbyTree(tree, round(distance, 2)))
    return sorted(found, key=lambda n: n.distance_m)


def species_catalogue() -> QuerySet[Species]:
    return Species.objects.order_by("-is_local", "common_name_es", "scientific_name")


def search_species(query: str, limit: int = 20) -> list[Species]:
    query = query.strip()
    if not query:
        return list(species_catalogue().filter(is_local=True)[:limit])
    return list(
        species_catalogue().filter(
            Q(common_name_es__icontains=query)
            | Q(other_names_es__icontains=query)
            | Q(scientific_name__icontains=query)
            | Q(common_name_en__icontains=query)
            | Q(code__iexact=query)
        )[:limit]
    )


def _unaccented(expression) -> Func:
    return Func(Lower(expression), function="unaccent")


def species_with_tree_counts(query: str = "") -> QuerySet[Species]:
    """The catalogue page: every species with its number of trees (`tree_count`), local ones
    first; with a query, those whose scientific name, any common name or code contains each of
    its words, case and accents ignored (migration 0013)."""
    found = Species.objects.annotate(tree_count=Count("trees")).order_by(
        "-is_local", "scientific_name", "pk"
    )
    words = query.split()
    if not words:
        return found
    names = ("scientific_name", "common_name_es", "other_names_es", "common_name_en", "code")
    parts: list = []
    for name in names:
        parts += [F(name), Value(" ")]
    found = found.annotate(haystack=_unaccented(Concat(*parts[:-1])))
    for word in words:
        found = found.filter(haystack__contains=_unaccented(Value(word)))
    return found


def species_history(species_id: int) -> list[HistoryLine]:
    """The changes of a species of the catalogue, oldest first, one line per field."""
    return lines(history_of(Species, species_id, with_children=False))


def tree_history(tree_id: int) -> list[HistoryLine]:
    """Every change of a tree and of its site while it stood there, one line per field."""
    return lines(history_of(Tree, tree_id), subjects=SUBJECTS)


def removed_tree_municipality(tree_id: int) -> Municipality | None:
    """Where a removed tree stood: the municipality of its planting site (the site stays when
    the tree goes), found through its history; None when the history names no site."""
    records = history_of(Tree, tree_id)
    site_kind = ContentType.objects.get_for_model(PlantingSite)
    site_id = records.filter(content_type=site_kind).values_list("object_id", flat=True).first()
    if site_id is None:
        left = (
            line.old_value
            for line in lines(records.filter(action=ChangeAction.DELETE))
            if line.field == "site"
        )
        site_id = next((n for v in left if (n := whole_number(v)) is not None), None)
    if site_id is None:
        return None
    return Municipality.objects.filter(planting_sites__pk=site_id).first()


def visible_tree_history(user, tree_id: int) -> list[HistoryLine] | None:
    """The history of a tree as this person may read it, or None (answer "no such tree").

    A live tree's history is public, like the tree. A removed tree's history, free-text notes
    included, is kept for those who look after the trees of its municipality, and for no one
    else: the public no longer sees the tree, so it does not see what was written about it.
    """
    if Tree.objects.filter(pk=tree_id).exists():
        return tree_history(tree_id)
    if not history_of(Tree, tree_id).exists():
        return None
    # No site named (an imported tree): only platform administrators pass the rule.
    if not user.has_perm("trees.look_after_trees", removed_tree_municipality(tree_id)):
        return None
    return tree_history(tree_id)


def tiles_version() -> int:
    """Changes with every write to the inventory: map pages put it in their tile URLs, so a
    browser never shows a tile it cached before the latest change (see trees/signals.py)."""
    return versions.current("trees")
