"""Setting up the municipalities in the product, not in the Django admin: adding one, correcting
it, and importing official boundaries from a file uploaded on the page. Platform administrators
only (`territory.change_municipality`, `territory.import_boundaries`); every write is one
transaction and a record in the change history. Decision
docs/decisions/0112-municipalities-without-the-admin.md.
"""

from __future__ import annotations

import math
import re
import tempfile
from pathlib import Path
from typing import Any

from django.contrib.gis.geos import Point
from django.db import connection, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from metropoli.common.api import require
from metropoli.common.errors import DomainError
from metropoli.common.history import ChangeAction, record_change

from . import boundary_files
from .errors import TerritoryErrorCode
from .models import Municipality
from .selectors import data_held_for
from .services import SEAT_TOLERANCE_DEGREES, BoundaryImportReport, ImportOptions, import_boundaries

# Five letters or digits: INEGI's two for the state and three for the municipality (14039), or
# another country's own five-character codes (the model's max_length; the transfer manual).
CODE = re.compile(r"^[0-9A-Za-z]{5}$")
FIELDS = ("inegi_code", "name", "slug", "seat")


def _max_length(name: str) -> int:
    return Municipality._meta.get_field(name).max_length or 0


def _require_rights(user) -> None:
    require(user, "territory.change_municipality", None, code=TerritoryErrorCode.NOT_ALLOWED)


def _lock_municipalities() -> None:
    """One writer of municipalities at a time (until its commit), so that two administrators
    adding the same code or short name at once cannot both pass the checks."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", ["territory.municipality"])


def _seat_text(seat: Point | None) -> str:
    return f"{seat.x:.6f},{seat.y:.6f}" if seat is not None else ""


def _snapshot(municipality: Municipality) -> dict[str, str]:
    return {
        "inegi_code": municipality.inegi_code,
        "name": municipality.name,
        "slug": municipality.slug,
        "seat": _seat_text(municipality.seat),
    }


def _checked_values(
    *,
    inegi_code: str,
    name: str,
    slug: str,
    seat: tuple[float, float] | None,
    other_than: int | None = None,
) -> dict[str, Any]:
    """The values of a municipality, tidied and checked: the code's shape, a name, a short name
    (made from the name when empty), a seat on Earth; code and short name not taken."""
    code = str(inegi_code or "").strip()
    if not CODE.match(code):
        raise DomainError(TerritoryErrorCode.INVALID_CODE, on_field="inegi_code")
    name = " ".join(str(name or "").split())
    if not name:
        raise DomainError(TerritoryErrorCode.NAME_REQUIRED, on_field="name")
    if len(name) > _max_length("name"):
        raise DomainError(TerritoryErrorCode.TOO_LONG, max=_max_length("name"), on_field="name")
    limit = _max_length("slug")
    slug = str(slug or "").strip() or slugify(name)[:limit].strip("-")
    if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", slug) or len(slug) > limit:
        raise DomainError(TerritoryErrorCode.INVALID_SLUG, max=limit, on_field="slug")
    point = None
    if seat is not None:
        try:
            lon, lat = (float(value) for value in seat)
        except (TypeError, ValueError) as error:
            raise DomainError(TerritoryErrorCode.SEAT_NOT_ON_EARTH, on_field="lon") from error
        if not (math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180):
            raise DomainError(TerritoryErrorCode.SEAT_NOT_ON_EARTH, on_field="lon")
        if not -90 <= lat <= 90:
            raise DomainError(TerritoryErrorCode.SEAT_NOT_ON_EARTH, on_field="lat")
        point = Point(lon, lat, srid=4326)
    others = Municipality.objects.exclude(pk=other_than)
    taken = others.filter(inegi_code__iexact=code).first()
    if taken is not None:
        raise DomainError(
            TerritoryErrorCode.CODE_TAKEN,
            code=taken.inegi_code,
            existing=taken.name,
            on_field="inegi_code",
        )
    taken = others.filter(slug=slug).first()
    if taken is not None:
        raise DomainError(
            TerritoryErrorCode.SLUG_TAKEN, slug=slug, existing=taken.name, on_field="slug"
        )
    return {"inegi_code": code, "name": name, "slug": slug, "seat": point}


@transaction.atomic
def create_municipality(
    *,
    created_by,
    inegi_code: str,
    name: str,
    slug: str = "",
    seat: tuple[float, float] | None = None,
) -> Municipality:
    """Add a municipality to the platform: (longitude, latitude) of its seat, or none yet."""
    _require_rights(created_by)
    _lock_municipalities()
    values = _checked_values(inegi_code=inegi_code, name=name, slug=slug, seat=seat)
    municipality = Municipality.objects.create(**values)
    after = _snapshot(municipality)
    record_change(
        municipality, created_by, ChangeAction.CREATE, {f: (None, after[f]) for f in FIELDS}
    )
    return municipality


@transaction.atomic
def update_municipality(
    *,
    municipality: Municipality,
    changed_by,
    inegi_code: str,
    name: str,
    slug: str = "",
    seat: tuple[float, float] | None = None,
) -> Municipality:
    """Correct a municipality. Its code stays once the platform holds anything of it (trees,
    roles, markets, …): histories, exports and the IATI publication name it by its code. With
    an official boundary, the seat must lie near it (as the import asks of a boundary)."""
    _require_rights(changed_by)
    _lock_municipalities()
    # FOR UPDATE: a record about to point at the municipality (its foreign key's KEY SHARE lock)
    # waits for this commit, so none appears between the check below and the code's change.
    current = Municipality.objects.select_for_update().get(pk=municipality.pk)
    values = _checked_values(
        inegi_code=inegi_code, name=name, slug=slug, seat=seat, other_than=current.pk
    )
    if values["inegi_code"] != current.inegi_code:
        held = data_held_for(current)
        if held:
            raise DomainError(
                TerritoryErrorCode.CODE_IS_STABLE,
                name=current.name,
                what=", ".join(held),
                on_field="inegi_code",
            )
    point = values["seat"]
    if (
        point is not None
        and current.boundary is not None
        and current.boundary.distance(point) > SEAT_TOLERANCE_DEGREES
    ):
        raise DomainError(
            TerritoryErrorCode.SEAT_FAR_FROM_BOUNDARY, name=current.name, on_field="lon"
        )
    before = _snapshot(current)
    for field, value in values.items():
        setattr(current, field, value)
    after = _snapshot(current)
    changed = [field for field in FIELDS if before[field] != after[field]]
    if changed:
        current.save(update_fields=changed)
        record_change(
            current, changed_by, ChangeAction.UPDATE, {f: (before[f], after[f]) for f in changed}
        )
    return current


def _upload_options() -> ImportOptions:
    """How the upload form lets a person choose: named in the import's refusals."""
    return ImportOptions(
        layer=_("a .zip file with a single shapefile"),
        code_field=_("the field «Field with the municipality code»"),
        srid=_("the field «Coordinate system (EPSG code)»"),
    )


@transaction.atomic
def import_uploaded_boundaries(
    *,
    upload,
    imported_by,
    code_field: str | None = None,
    source_srid: int | None = None,
) -> BoundaryImportReport:
    """Import official boundaries from a file uploaded on the municipalities page: the same
    import as the command (`services.import_boundaries`), once the file is made safe to read
    (`boundary_files`). DomainError for a file refused before the import,
    `services.BoundaryImportError` for one the import refuses; nothing is stored then."""
    require(imported_by, "territory.import_boundaries", None, code=TerritoryErrorCode.NOT_ALLOWED)
    with tempfile.TemporaryDirectory(prefix="metropoli-boundaries-") as directory:
        path, name = boundary_files.unpack(upload, Path(directory))
        return import_boundaries(
            path=path,
            code_field=code_field or None,
            source_srid=source_srid or None,
            imported_by=imported_by,
            source_name=name,
            options=_upload_options(),
        )
