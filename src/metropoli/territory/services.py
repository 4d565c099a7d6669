"""Every write to the territory: municipalities, boundaries and roles. One transaction each."""

from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from django.contrib.gis.gdal import (
    CoordTransform,
    DataSource,
    GDALException,
    SpatialReference,
    SRSException,
)
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Point, Polygon
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from metropoli.common.api import require
from metropoli.common.errors import DomainError
from metropoli.common.history import ChangeAction, record_change
from metropoli.common.i18n import gettext_noop

from .amg import AMG_MUNICIPALITIES
from .errors import TerritoryErrorCode
from .models import Municipality, Role, RoleAssignment
from .selectors import platform_administrators

CODE_FIELD_CANDIDATES = ("CVEGEO", "cvegeo", "inegi_code", "INEGI_CODE", "clave", "CLAVE")
NAME_FIELD_CANDIDATES = ("NOMGEO", "nomgeo", "NOM_MUN", "name", "nombre", "NOMBRE")
# How far (degrees) a boundary may lie from its municipality's seat, and a seat from its
# boundary: farther means coordinates read in the wrong system, or a seat placed by mistake.
SEAT_TOLERANCE_DEGREES = 0.5


class BoundaryImportError(Exception):
    """A boundary file that cannot be imported; the message says why, in the user's language."""


class ImportOptions(NamedTuple):
    """How the caller's interface lets a person choose a layer, a code field and a coordinate
    system: the refusals name them (the command's options, or the upload page's fields)."""

    layer: str = "--layer"
    code_field: str = "--code-field"
    srid: str = "--srid"


@dataclass
class BoundaryImportReport:
    layer: str
    source_srs: str
    updated: list[str] = field(default_factory=list)
    ignored_codes: list[str] = field(default_factory=list)
    missing_codes: list[str] = field(default_factory=list)


@transaction.atomic
def ensure_amg_municipalities() -> int:
    """Create the nine AMG municipalities if absent; return how many were created."""
    created = 0
    for fact in AMG_MUNICIPALITIES:
        _obj, was_created = Municipality.objects.get_or_create(
            inegi_code=fact.inegi_code,
            defaults={
                "name": fact.name,
                "slug": fact.slug,
                "seat": Point(fact.seat_lon, fact.seat_lat, srid=4326),
            },
        )
        created += was_created
    return created


def _pick_layer(source: DataSource, layer_name: str | None, options: ImportOptions):
    names = [layer.name for layer in source]
    if layer_name:
        if layer_name not in names:
            raise BoundaryImportError(
                _("The file has no layer named “%(layer)s”. Layers in the file: %(names)s.")
                % {"layer": layer_name, "names": ", ".join(names)}
            )
        return source[names.index(layer_name)]
    if len(names) != 1:
        raise BoundaryImportError(
            _("The file has %(count)d layers; choose one with %(option)s: %(names)s.")
            % {"count": len(names), "option": options.layer, "names": ", ".join(names)}
        )
    return source[0]


def _pick_field(available: list[str], wanted: str | None, candidates: tuple[str, ...], what: str):
    if wanted:
        if wanted not in available:
            raise BoundaryImportError(
                _("The layer has no field “%(field)s” for the %(what)s. Fields: %(fields)s.")
                % {"field": wanted, "what": what, "fields": ", ".join(available)}
            )
        return wanted
    return next((name for name in candidates if name in available), None)


def _feature_code(feature, code_field: str | None, available: list[str]) -> str:
    if code_field:
        return str(feature.get(code_field)).strip()
    # INEGI's older layers split the code into state and municipality fields.
    return f"{int(feature.get('CVE_ENT')):02d}{int(feature.get('CVE_MUN')):03d}"


@transaction.atomic
def import_boundaries(
    *,
    path: Path,
    layer_name: str | None = None,
    code_field: str | None = None,
    source_srid: int | None = None,
    imported_by=None,
    source_name: str | None = None,
    options: ImportOptions = ImportOptions(),  # noqa: B008 - an immutable tuple
) -> BoundaryImportReport:
    """Import official municipal boundaries (INEGI Marco Geoestadístico or similar).

    Features are matched to municipalities by their five-digit INEGI code. Nothing is written
    unless every matched feature is a valid polygon in a known coordinate system. Each boundary
    written is recorded in the change history (by `imported_by`; none: the command).
    `source_name` is the file's name as the person knows it (an upload's, not the temporary
    file's), shown in refusals and kept as the boundary's source; `options` names the command's
    options or the page's fields in the refusals.
    """
    shown = source_name or str(path)
    if not Path(path).exists():
        raise BoundaryImportError(_("The file %(path)s does not exist.") % {"path": shown})
    try:
        source = DataSource(str(path))
    except GDALException as error:
        raise BoundaryImportError(
            _("The file %(path)s cannot be read as a shapefile or GeoJSON (%(error)s).")
            % {"path": shown, "error": str(error).replace(str(path), shown)}
        ) from error
    layer = _pick_layer(source, layer_name, options)
    if "Polygon" not in layer.geom_type.name:
        raise BoundaryImportError(
            _("The layer “%(layer)s” holds %(type)s geometries; boundaries must be polygons.")
            % {"layer": layer.name, "type": layer.geom_type.name}
        )
    srs = _source_srs(layer, source_srid, options)
    available = list(layer.fields)
    code = _pick_field(available, code_field, CODE_FIELD_CANDIDATES, _("municipality code"))
    if code is None and not {"CVE_ENT", "CVE_MUN"} <= set(available):
        raise BoundaryImportError(
            _(
                "No field with the INEGI municipality code was found (CVEGEO, or CVE_ENT and "
                "CVE_MUN). Name it with %(option)s. Fields: %(fields)s."
            )
            % {"option": options.code_field, "fields": ", ".join(available)}
        )
    to_wgs84 = CoordTransform(srs, SpatialReference(4326))
    report = BoundaryImportReport(layer=layer.name, source_srs=srs.name or str(srs.srid))
    known = {m.inegi_code: m for m in Municipality.objects.select_for_update()}
    for number, feature in enumerate(layer, start=1):
        try:
            inegi_code = _feature_code(feature, code, available)
        except (TypeError, ValueError) as error:
            raise BoundaryImportError(
                _("Feature %(number)d has no valid municipality code.") % {"number": number}
            ) from error
        municipality = known.get(inegi_code)
        if municipality is None:
            report.ignored_codes.append(inegi_code)
            continue
        try:
            geometry = feature.geom
            geometry.set_3d(False)  # heights (PolygonZ) are not kept
            geometry.transform(to_wgs84)
        except GDALException as error:
            raise BoundaryImportError(
                _("Feature %(number)d (%(code)s) has no geometry that can be read.")
                % {"number": number, "code": inegi_code}
            ) from error
        lon_min, lat_min, lon_max, lat_max = geometry.extent
        if not (-180 <= lon_min <= lon_max <= 180 and -90 <= lat_min <= lat_max <= 90):
            raise BoundaryImportError(
                _(
                    "Feature %(number)d (%(code)s) falls outside the Earth after converting "
                    "from %(srs)s: the declared coordinate system is probably wrong."
                )
                % {"number": number, "code": inegi_code, "srs": report.source_srs}
            )
        geos = geometry.geos
        # A boundary far from its own municipal seat means the coordinates were read in the
        # wrong system (a common mistake with INEGI's Lambert files): refuse the whole import.
        if (
            municipality.seat is not None
            and geos.distance(municipality.seat) > SEAT_TOLERANCE_DEGREES
        ):
            raise BoundaryImportError(
                _(
                    "The boundary of %(code)s lies far from its municipal seat after converting "
                    "from %(srs)s: the declared coordinate system is probably wrong."
                )
                % {"code": inegi_code, "srs": report.source_srs}
            )
        geos = _valid_multipolygon(geos)
        if geos.empty:
            raise BoundaryImportError(
                _("Feature %(number)d (%(code)s) encloses no area.")
                % {"number": number, "code": inegi_code}
            )
        before = (municipality.boundary_source, municipality.boundary_imported_at)
        municipality.boundary = geos
        municipality.boundary_source = f"{source_name or Path(path).name}:{layer.name}"[:255]
        municipality.boundary_imported_at = timezone.now()
        municipality.save(update_fields=["boundary", "boundary_source", "boundary_imported_at"])
        # The history keeps where each boundary came from and when, not the geometry itself.
        record_change(
            municipality,
            imported_by,
            ChangeAction.UPDATE,
            {
                "boundary_source": (before[0], municipality.boundary_source),
                "boundary_imported_at": (before[1], municipality.boundary_imported_at),
            },
        )
        report.updated.append(inegi_code)
    if not report.updated:
        raise BoundaryImportError(
            _(
                "No feature in the layer matches a municipality of the platform "
                "(codes found: %(codes)s)."
            )
            % {"codes": ", ".join(sorted(set(report.ignored_codes))[:12]) or "—"}
        )
    report.missing_codes = sorted(set(known) - set(report.updated))
    return report


def _source_srs(layer, source_srid: int | None, options: ImportOptions) -> SpatialReference:
    """The layer's coordinate system: the one given, else the one it declares."""
    if source_srid:
        try:
            return SpatialReference(source_srid)
        except (GDALException, SRSException) as error:
            raise BoundaryImportError(
                _("%(srid)s is not a coordinate system (EPSG code) this server knows.")
                % {"srid": source_srid}
            ) from error
    if layer.srs is not None:
        return layer.srs
    raise BoundaryImportError(
        _(
            "The layer “%(layer)s” does not say its coordinate system (no .prj file?). "
            "Give it with %(option)s, for example 6372 for INEGI's Lambert projection."
        )
        % {"layer": layer.name, "option": options.srid}
    )


def _valid_multipolygon(geometry: GEOSGeometry) -> MultiPolygon:
    """The boundary as a valid MultiPolygon (EPSG:4326).

    An invalid ring (a self-intersecting "bow-tie", a spike) is repaired with GEOS MakeValid,
    which keeps all of the area it encloses; ``buffer(0)`` keeps only the lobes on one side of a
    crossing. MakeValid may return a GeometryCollection holding the lines or points where a ring
    touched itself: only its polygons make the boundary.
    """
    if geometry.valid and geometry.geom_type == "MultiPolygon":
        return geometry
    repaired = geometry if geometry.valid else geometry.make_valid()
    return MultiPolygon(*_polygons(repaired), srid=4326)


def _polygons(geometry: GEOSGeometry) -> list[Polygon]:
    if geometry.empty:
        return []
    if geometry.geom_type == "Polygon":
        return [geometry]
    if geometry.geom_type in ("MultiPolygon", "GeometryCollection"):
        return [polygon for part in geometry for polygon in _polygons(part)]
    return []


# --- roles -----------------------------------------------------------------------------------
# Every RoleAssignment is written here (docs/decisions/0089-roles-written-by-territory-only.md):
# `grant_role`/`revoke_role` when a person (staff on /cuentas/roles, a platform administrator
# there, on /cuentas/roles/plataforma or in /admin/) gives or takes a role, checked here;
# `assign_role`/`unassign_role` when the platform applies a rule of its own whose check its
# caller made (the citizen role of one's home municipality, a certification earned or granted
# in learning, the demo).


def _forget_cached_roles(user) -> None:
    user.__dict__.pop("_metropoli_roles", None)  # territory.selectors.roles_of's cache


def assign_role(
    *, user, role: str, municipality: Municipality | None, granted_by=None
) -> tuple[RoleAssignment, bool]:
    """Give `user` the role (once): (assignment, created). The caller has checked who may."""
    if role not in Role.values:
        raise DomainError(TerritoryErrorCode.UNKNOWN_ROLE, on_field="role", role=role)
    with transaction.atomic():
        assignment, created = RoleAssignment.objects.get_or_create(
            user=user, role=role, municipality=municipality, defaults={"granted_by": granted_by}
        )
    _forget_cached_roles(user)
    return assignment, created


def unassign_role(*, user, role: str, municipality: Municipality | None) -> bool:
    """Take the role from `user`; False when they did not hold it. The caller has checked who
    may."""
    deleted, _details = RoleAssignment.objects.filter(
        user=user, role=role, municipality=municipality
    ).delete()
    _forget_cached_roles(user)
    return deleted > 0


def _check_role_manager(by, role: str, municipality: Municipality | None, verb: str) -> None:
    if role == Role.PLATFORM_ADMIN:
        require(
            by,
            "territory.manage_platform_administrators",
            message=gettext_noop("Only a platform administrator can grant that role.")
            if verb == "grant"
            else gettext_noop("Only a platform administrator can revoke that role."),
        )
        return
    require(
        by,
        "territory.manage_roles",
        municipality,
        message=gettext_noop("You cannot manage roles in %(municipality)s."),
        municipality=str(municipality),
    )


def check_grant(*, granted_by, role: str, municipality: Municipality | None) -> Municipality | None:
    """What `grant_role` checks before it writes: the role exists, has its municipality, and
    `granted_by` may give it there (Forbidden otherwise). Returns the municipality the role is
    held in (none for a platform administrator). Callers that write something else first (an
    invitation opens the account the role goes to) call it before that write."""
    if role not in Role.values:
        raise DomainError(TerritoryErrorCode.UNKNOWN_ROLE, on_field="role", role=role)
    if role == Role.PLATFORM_ADMIN:
        municipality = None
    elif municipality is None:
        raise DomainError(TerritoryErrorCode.MUNICIPALITY_REQUIRED, on_field="municipality")
    _check_role_manager(granted_by, role, municipality, "grant")
    return municipality


@transaction.atomic
def grant_role(*, granted_by, user, role: str, municipality: Municipality | None) -> RoleAssignment:
    """A person (municipal staff, a platform administrator) gives `user` a role."""
    municipality = check_grant(granted_by=granted_by, role=role, municipality=municipality)
    assignment, _created = assign_role(
        user=user, role=role, municipality=municipality, granted_by=granted_by
    )
    return assignment


@transaction.atomic
def revoke_role(*, revoked_by, user, role: str, municipality: Municipality | None) -> bool:
    """A person (municipal staff, a platform administrator) takes a role from `user`.

    The platform-admin role is never taken from oneself, nor from the last active platform
    administrator (decision 0117): checked under the lock of `keep_a_platform_administrator`,
    with `revoked_by`'s right read again there (a removal that committed meanwhile may have
    taken it)."""
    _check_role_manager(revoked_by, role, municipality, "revoke")
    if role != Role.PLATFORM_ADMIN:
        return unassign_role(user=user, role=role, municipality=municipality)
    _lock_platform_administrators()
    _forget_cached_roles(revoked_by)
    _check_role_manager(revoked_by, role, None, "revoke")
    if revoked_by.pk == user.pk:
        raise DomainError(TerritoryErrorCode.NOT_YOURSELF)
    keep_a_platform_administrator(leaving=user)
    return unassign_role(user=user, role=role, municipality=None)


# --- never without a platform administrator (decision 0117) ----------------------------------
# Who administers the platform changes one transaction at a time: whoever takes a platform
# administrator away (the role, the account) takes this lock first and holds it to its commit,
# then counts those who remain. Two removals at once cannot both count the other one still there.
PLATFORM_ADMINISTRATORS_LOCK = "territory.platform_administrators"


def _lock_platform_administrators() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [PLATFORM_ADMINISTRATORS_LOCK])


def keep_a_platform_administrator(*, leaving) -> None:
    """Refuse (409) to let `leaving` go when they are the last active platform administrator
    (superusers count); nothing to check when they are not one. Call it inside the transaction
    that takes their role or their account away: it takes the lock that transaction keeps."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("keep_a_platform_administrator needs the caller's transaction")
    _lock_platform_administrators()
    active = platform_administrators().filter(is_active=True)
    if active.filter(pk=leaving.pk).exists() and not active.exclude(pk=leaving.pk).exists():
        raise DomainError(TerritoryErrorCode.LAST_PLATFORM_ADMIN)
