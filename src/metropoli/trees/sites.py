"""Planting sites on their own: an empty site (a pit, a spot marked for planting, the place a
removed tree left), its changes, and planting a tree in it.

The site is where (location, address, kind of site); the tree is what stands there. A site
with a tree is edited with its tree (`services.update_tree`); these functions are for sites
whose history is not yet a tree's, so their records are filed under no tree (no parent) until
a tree is planted, which writes a "tree planted" record on the site linking the two histories.
Decision: docs/decisions/0063-planting-sites-and-staff-editing.md.
"""

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.contrib.gis.geos import Point
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from metropoli.common import stale
from metropoli.common.api import require
from metropoli.common.errors import DomainError, ErrorCode, Kind
from metropoli.common.history import ChangeAction, ChangeRecord, HistoryLine, lines, save_records
from metropoli.common.i18n import gettext_noop
from metropoli.territory.models import Role
from metropoli.territory.selectors import is_platform_admin, municipalities_where

from . import services, signals
from .errors import TreeErrorCode
from .history import SUBJECTS
from .models import (
    Condition,
    Phenology,
    PlantingSite,
    SiteType,
    Source,
    Tree,
)
from .rules import looks_after_trees_somewhere

SITE_EDITABLE = {"lon", "lat", "address", "colonia", "site_type", "location_accuracy_m"}


class SiteErrorCode(ErrorCode):
    """Refusals about planting sites."""

    SITE_TAKEN = (
        "site_taken",
        Kind.CONFLICT,
        gettext_noop("A tree already stands on this planting site (tree %(tree)s)."),
    )
    UNKNOWN_SITE = (
        "unknown_site",
        Kind.NOT_FOUND,
        gettext_noop("There is no planting site number %(id)s."),
    )
    NOT_YOURS = (
        "site_not_yours",
        Kind.FORBIDDEN,
        gettext_noop("You cannot look after planting sites in %(municipality)s."),
    )


def _user(user):
    return user if getattr(user, "is_authenticated", False) else None


def _require_site_rights(user, municipality) -> None:
    """trees.change_site in `municipality` (no user: the platform itself, scripts)."""
    if user is not None:
        require(
            user,
            "trees.change_site",
            municipality,
            code=SiteErrorCode.NOT_YOURS,
            municipality=municipality.name,
        )


def _site_rows(site: PlantingSite, action: str, before, after, user, when, tree_id=None):
    return services._record(
        subject="site",
        subject_id=site.pk,
        tree_id=tree_id,
        action=action,
        before=before,
        after=after,
        user=user,
        when=when,
    )


@transaction.atomic
def create_site(
    *,
    lon: float,
    lat: float,
    created_by,
    address: str = "",
    colonia: str = "",
    site_type: str = SiteType.SIDEWALK,
    location_accuracy_m: float | None = None,
) -> PlantingSite:
    """An empty planting site, in the municipality its point falls in."""
    municipality = services.locate(lon=lon, lat=lat)
    user = _user(created_by)
    _require_site_rights(user, municipality)
    site = PlantingSite.objects.create(
        location=Point(float(lon), float(lat), srid=4326),
        municipality=municipality,
        address=address or "",
        colonia=colonia or "",
        site_type=services._check_choice(site_type, SiteType, gettext_lazy("kind of site")),
        location_accuracy_m=location_accuracy_m,
    )
    after = services._snapshot(site, services.SITE_FIELDS)
    save_records(_site_rows(site, ChangeAction.CREATE, {}, after, user, timezone.now()))
    return site


def _locked_site(site_id: int) -> PlantingSite:
    site = PlantingSite.objects.select_for_update().filter(pk=site_id).first()
    if site is None:
        raise DomainError(SiteErrorCode.UNKNOWN_SITE, id=site_id)
    return site


def standing_tree(site: PlantingSite) -> Tree | None:
    return Tree.objects.filter(site=site).first()


@transaction.atomic
def update_site(
    *, site: PlantingSite, changed_by, changes: Mapping[str, Any], seen_version: str | None = None
) -> PlantingSite:
    """Change a site. With a tree on it, the tree's own service does it (one history). With
    `seen_version` (a form's, common/stale.py), a change made from a version someone else saved
    over is refused under the site's lock."""
    unknown = set(changes) - SITE_EDITABLE
    if unknown:
        raise DomainError(TreeErrorCode.INVALID_FIELD, fields=", ".join(sorted(unknown)))
    site = _locked_site(site.pk)
    if seen_version is not None:
        stale.refuse_stale(seen_version, site)
    tree = standing_tree(site)
    if tree is not None:
        services.update_tree(tree=tree, changed_by=changed_by, changes=changes)
        return PlantingSite.objects.get(pk=site.pk)
    user = _user(changed_by)
    _require_site_rights(user, site.municipality)
    before = services._snapshot(site, services.SITE_FIELDS)
    if "lon" in changes or "lat" in changes:
        lon = changes.get("lon", site.location.x)
        lat = changes.get("lat", site.location.y)
        municipality = services.locate(lon=lon, lat=lat)
        if municipality.pk != site.municipality_id:
            _require_site_rights(user, municipality)
        site.municipality = municipality
        site.location = Point(float(lon), float(lat), srid=4326)
    for name in ("address", "colonia"):
        if name in changes:
            setattr(site, name, changes[name] or "")
    if "location_accuracy_m" in changes:
        site.location_accuracy_m = changes["location_accuracy_m"]
    if "site_type" in changes:
        site.site_type = services._check_choice(
            changes["site_type"], SiteType, gettext_lazy("kind of site")
        )
    rows = _site_rows(
        site,
        ChangeAction.UPDATE,
        before,
        services._snapshot(site, services.SITE_FIELDS),
        user,
        timezone.now(),
    )
    if rows:
        site.save()
        save_records(rows)
    return site


@transaction.atomic
def plant_tree(
    *,
    site: PlantingSite,
    planted_by,
    species_code: str | None = None,
    dbh_cm: Decimal | float | str | None = None,
    height_m: Decimal | float | str | None = None,
    crown_width_m: Decimal | float | str | None = None,
    condition: str = Condition.UNKNOWN,
    phenology: str = Phenology.UNKNOWN,
    notes: str = "",
) -> Tree:
    """A tree on an empty site: its history starts with a "tree planted" row on the site."""
    site = _locked_site(site.pk)
    existing = standing_tree(site)
    if existing is not None:
        raise DomainError(SiteErrorCode.SITE_TAKEN, tree=existing.pk)
    user = _user(planted_by)
    _require_site_rights(user, site.municipality)
    now = timezone.now()
    tree = Tree.objects.create(
        site=site,
        recorded_by=user,
        recorded_at=now,
        source=Source.CAPTURE,
        species=services.species_for_code(species_code),
        dbh_cm=services.check_dbh(dbh_cm),
        height_m=services.check_height(height_m),
        crown_width_m=services.check_crown_width(crown_width_m),
        condition=services._check_choice(condition, Condition, gettext_lazy("condition")),
        phenology=services._check_choice(phenology, Phenology, gettext_lazy("phenology")),
        notes=notes or "",
    )
    # The site row names the tree: the site's history shows the planting, and a removed
    # tree's history still says where it stood (selectors.removed_tree_municipality).
    rows = _site_rows(
        site, ChangeAction.UPDATE, {}, {"tree": str(tree.pk)}, user, now, tree_id=tree.pk
    )
    rows += services._record(
        subject="tree",
        subject_id=tree.pk,
        tree_id=tree.pk,
        action=ChangeAction.CREATE,
        before={},
        after=services._snapshot(tree, services.TREE_FIELDS),
        user=user,
        when=now,
    )
    save_records(rows)
    services.apply_cell_deltas(
        services._cell_deltas(site.municipality_id, site.location.x, site.location.y, 1)
    )
    signals.announce([tree.pk])
    return tree


# --- reading -----------------------------------------------------------------------------------


def site_history(site_id: int) -> list[HistoryLine]:
    """The site's own changes, and the removal (with its reason) of every tree that stood on
    it, one line per field (common/history.py)."""
    own = ChangeRecord.objects.filter(
        content_type=ContentType.objects.get_for_model(PlantingSite), object_id=site_id
    )
    trees_here = own.exclude(parent_id=None).values("parent_id")
    removals = ChangeRecord.objects.filter(
        content_type=ContentType.objects.get_for_model(Tree),
        object_id__in=trees_here,
        action=ChangeAction.DELETE,
    )
    records = (own | removals).select_related("changed_by").order_by("changed_at", "pk")
    return [
        line
        for line in lines(records, subjects=SUBJECTS)
        if line.subject == "site" or line.field in ("site", "reason")
    ]


def sites_looked_after(user) -> QuerySet[PlantingSite]:
    """The sites in the municipalities where this person looks after trees."""
    sites = PlantingSite.objects.select_related("municipality").order_by("-updated_at", "-pk")
    if is_platform_admin(user):
        return sites
    return sites.filter(
        municipality__in=municipalities_where(user, Role.MUNICIPAL_STAFF, Role.ARBORIST)
    )


def looks_after_any(user) -> bool:
    """Whether this person looks after the trees of some municipality (staff pages)."""
    return is_platform_admin(user) or looks_after_trees_somewhere(user)


def empty_sites(user) -> QuerySet[PlantingSite]:
    return sites_looked_after(user).filter(tree__isnull=True)
