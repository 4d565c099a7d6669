"""Reads about the territory that every module uses."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.gis.db.models.functions import Distance
from django.contrib.gis.geos import Point, Polygon
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet

from .amg import METRO_BBOX
from .models import Municipality, Role, RoleAssignment


@dataclass(frozen=True)
class MunicipalityMatch:
    municipality: Municipality
    # True when the point lies inside an imported official boundary; False when the
    # municipality was inferred from the nearest municipal seat (no boundaries yet).
    exact: bool


def active_municipalities() -> QuerySet[Municipality]:
    return Municipality.objects.filter(active=True).order_by("name")


def municipality_by_code(code: str) -> Municipality | None:
    return Municipality.objects.filter(inegi_code=code).first()


def municipality_at(*, lon: float, lat: float) -> MunicipalityMatch | None:
    """The municipality that contains a point, or None when the point is outside them all.

    With official boundaries imported, the answer is exact. Without them, a point inside the
    metropolitan box is given to the municipality with the nearest seat, marked inexact.
    """
    point = Point(lon, lat, srid=4326)
    with_boundary = active_municipalities().filter(boundary__isnull=False)
    if with_boundary.exists():
        found = with_boundary.filter(boundary__intersects=point).first()
        return MunicipalityMatch(found, exact=True) if found else None
    if not Polygon.from_bbox(METRO_BBOX).contains(point):
        return None
    nearest = (
        active_municipalities()
        .filter(seat__isnull=False)
        .annotate(distance=Distance("seat", point))
        .order_by("distance")
        .first()
    )
    return MunicipalityMatch(nearest, exact=False) if nearest else None


def roles_of(user, municipality: Municipality | None = None) -> set[str]:
    """Roles the person holds in a municipality, platform-wide roles included."""
    if not getattr(user, "is_authenticated", False):
        return set()
    cache = getattr(user, "_metropoli_roles", None)
    if cache is None:
        cache = {}
        for role, municipality_id in RoleAssignment.objects.filter(user=user).values_list(
            "role", "municipality_id"
        ):
            cache.setdefault(municipality_id, set()).add(role)
        user._metropoli_roles = cache
    held = set(cache.get(None, set()))
    if municipality is not None:
        held |= cache.get(municipality.pk, set())
    return held


def is_platform_admin(user) -> bool:
    return bool(getattr(user, "is_superuser", False)) or Role.PLATFORM_ADMIN in roles_of(user)


def platform_administrators() -> QuerySet:
    """Who administers the platform, as `is_platform_admin` counts them: Django superusers
    (`metropoli createsuperuser`) and holders of the platform-admin role, active or invited and
    not active yet (closed accounts: no). `holds_role` tells the role holders (decision 0117)."""
    holds_role = RoleAssignment.objects.filter(
        user=OuterRef("pk"), role=Role.PLATFORM_ADMIN, municipality__isnull=True
    )
    return (
        get_user_model()
        .objects.annotate(holds_role=Exists(holds_role))
        .filter(Q(is_superuser=True) | Q(holds_role=True))
        .filter(Q(is_active=True) | Q(activation_pending=True))
    )


def municipalities_where(user, *roles: str) -> QuerySet[Municipality]:
    """Municipalities where the person holds any of the roles (all, for a platform admin)."""
    if is_platform_admin(user):
        return active_municipalities()
    return (
        active_municipalities()
        .filter(role_assignments__user=user, role_assignments__role__in=roles)
        .distinct()
    )


def municipalities_to_set_up() -> QuerySet[Municipality]:
    """Every municipality (inactive ones too) by code, without its boundary's geometry: the
    platform administrators' list (decision 0112)."""
    return (
        Municipality.objects.defer("boundary")
        .annotate(
            has_boundary=ExpressionWrapper(Q(boundary__isnull=False), output_field=BooleanField())
        )
        .order_by("inegi_code")
    )


def data_held_for(municipality: Municipality) -> list[str]:
    """What the platform holds that points at the municipality: the plural name of each kind of
    record that does (none: an empty list). Found through the relations every module's models
    declare to Municipality, so territory imports none of them."""
    found = set()
    for relation in Municipality._meta.get_fields(include_hidden=True):
        if not (relation.auto_created and not relation.concrete and relation.is_relation):
            continue
        model = relation.related_model
        if model._meta.auto_created:  # a many-to-many's own table: its model is counted
            continue
        if model._base_manager.filter(**{relation.field.name: municipality}).exists():
            found.add(str(model._meta.verbose_name_plural))
    return sorted(found)
