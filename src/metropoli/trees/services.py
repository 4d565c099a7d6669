"""Every write to the tree inventory: one transaction each, history and map cells included."""

import contextlib
import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.gis.geos import Point
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from metropoli.common.api import require
from metropoli.common.errors import DomainError
from metropoli.common.history import (
    ChangeAction,
    ChangeRecord,
    change_record,
    record_change,
    save_records,
)
from metropoli.common.i18n import gettext_noop
from metropoli.common.idempotency import Idempotency, run_once
from metropoli.common.photos import process_photo
from metropoli.maps import versions
from metropoli.territory.models import Municipality
from metropoli.territory.selectors import municipality_at

from . import cells, mappoints, signals
from .errors import TreeErrorCode
from .models import (
    Condition,
    Phenology,
    PlantingSite,
    SiteType,
    Source,
    Species,
    Tree,
    TreeCell,
    TreePhoto,
    ValidationState,
)
from .rules import is_recent_recorder

SITE_FIELDS = ("location", "municipality", "address", "colonia", "site_type", "location_accuracy_m")
TREE_FIELDS = (
    "species",
    "dbh_cm",
    "height_m",
    "crown_width_m",
    "condition",
    "phenology",
    "notes",
    "validation_state",
)
EDITABLE = {
    "lon",
    "lat",
    "location_accuracy_m",
    "address",
    "colonia",
    "site_type",
    "species_code",
    "dbh_cm",
    "height_m",
    "crown_width_m",
    "condition",
    "phenology",
    "notes",
}


# --- checking values (shared by the API, the capture and the importer) ---------------------


def _decimal(value, field: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError) as error:
        raise DomainError(TreeErrorCode.INVALID_NUMBER, field=field) from error
    if not number.is_finite():
        raise DomainError(TreeErrorCode.INVALID_NUMBER, field=field)
    return number


def check_dbh(value) -> Decimal | None:
    dbh = _decimal(value, gettext_lazy("The trunk diameter"))
    if dbh is not None and not (Decimal(0) < dbh <= Decimal(1000)):
        raise DomainError(TreeErrorCode.INVALID_DBH, value=value)
    return dbh


def _check_size(value, field_label: str, code: TreeErrorCode, maximum: int) -> Decimal | None:
    number = _decimal(value, field_label)
    if number is not None and not (Decimal(0) < number <= maximum):
        raise DomainError(code, field=field_label, max=maximum)
    return number


def check_height(value) -> Decimal | None:
    return _check_size(value, gettext_lazy("The height"), TreeErrorCode.INVALID_HEIGHT, 150)


def check_crown_width(value) -> Decimal | None:
    return _check_size(
        value, gettext_lazy("The crown width"), TreeErrorCode.INVALID_CROWN_WIDTH, 100
    )


def _check_choice(value, choices, field_label: str) -> str:
    if value not in choices.values:
        raise DomainError(TreeErrorCode.INVALID_CHOICE, value=value, field=field_label)
    return value


def species_for_code(code: str | None) -> Species | None:
    """None for "unknown" (no code); DomainError for a code the catalogue does not have."""
    if code is None or code == "":
        return None
    species = Species.objects.filter(code=code).first()
    if species is None:
        raise DomainError(TreeErrorCode.UNKNOWN_SPECIES, code=code)
    return species


def locate(*, lon: float, lat: float) -> Municipality:
    """The municipality of a point, or DomainError when the point is outside the platform."""
    try:
        lon, lat = float(lon), float(lat)
    except (TypeError, ValueError) as error:
        raise DomainError(
            TreeErrorCode.INVALID_LOCATION,
            gettext_noop("The location needs a longitude and a latitude."),
        ) from error
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise DomainError(TreeErrorCode.INVALID_LOCATION)
    match = municipality_at(lon=lon, lat=lat)
    if match is None:
        raise DomainError(TreeErrorCode.OUTSIDE_AREA, lat=lat, lon=lon)
    return match.municipality


# --- history ---------------------------------------------------------------------------------


def _as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Point):
        return f"{value.x:.7f},{value.y:.7f}"
    if isinstance(value, Municipality):
        return value.inegi_code
    if isinstance(value, Species):
        return value.code
    return str(value)


def _snapshot(obj, fields: Iterable[str]) -> dict[str, str]:
    return {field: _as_text(getattr(obj, field)) for field in fields}


def _record(
    *,
    subject: str,
    subject_id: int,
    tree_id: int | None,
    action: str,
    before: Mapping[str, str],
    after: Mapping[str, str],
    user,
    when: datetime,
    reason: str = "",
) -> list[ChangeRecord]:
    """The history record of one change of a site or tree (none when nothing changed): a
    site's change is filed under the tree standing on it too (common/history.py)."""
    fields = [*after, *(name for name in before if name not in after)]
    record = change_record(
        (PlantingSite, subject_id) if subject == "site" else (Tree, subject_id),
        user,
        action,
        {field: (before.get(field, ""), after.get(field, "")) for field in fields},
        reason=reason,
        parent=(Tree, tree_id) if subject == "site" and tree_id else None,
        at=when,
    )
    return [record] if record is not None else []


# --- map cells -------------------------------------------------------------------------------


def apply_cell_deltas(deltas: Mapping[tuple[int, int, int, int], int]) -> None:
    """Add counts to cells (level, x, y, municipality id), in the caller's transaction."""
    rows = [(*key, delta) for key, delta in deltas.items() if delta]
    if not rows:
        return
    table = TreeCell._meta.db_table
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 500):
            chunk = rows[start : start + 500]
            values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(chunk))
            cursor.execute(
                f"INSERT INTO {table} (level, x, y, municipality_id, count) VALUES {values} "  # noqa: S608
                f"ON CONFLICT (level, x, y, municipality_id) "
                f"DO UPDATE SET count = {table}.count + excluded.count",
                [item for row in chunk for item in row],
            )
        if any(delta < 0 for *_key, delta in rows):
            cursor.execute(f"DELETE FROM {table} WHERE count <= 0")  # noqa: S608


def _cell_deltas(municipality_id: int, lon: float, lat: float, sign: int) -> Counter:
    return Counter(
        {(level, x, y, municipality_id): sign for level, x, y in cells.cells_of(lon, lat)}
    )


@transaction.atomic
def rebuild_cells() -> int:
    """Recount every cell from the trees (after bulk loads); returns the number of cells."""
    TreeCell.objects.all().delete()
    table = TreeCell._meta.db_table
    # One pass over the trees at the finest level; coarser cells are its parents (x >> k).
    finest = cells.LEVELS[-1]
    side = 1 << finest
    with connection.cursor() as cursor:
        cursor.execute(
            """
            CREATE TEMPORARY TABLE trees_finest_cells ON COMMIT DROP AS
            SELECT LEAST(GREATEST(FLOOR((ST_X(s.location) + 180.0) / 360.0 * %s), 0),
                         %s - 1)::int AS x,
                   LEAST(GREATEST(FLOOR((1.0 - ASINH(TAN(RADIANS(ST_Y(s.location))))
                                        / PI()) / 2.0 * %s), 0), %s - 1)::int AS y,
                   s.municipality_id, COUNT(*)::int AS count
            FROM trees_tree t JOIN trees_plantingsite s ON s.id = t.site_id
            GROUP BY 1, 2, 3
            """,
            [side, side, side, side],
        )
        for level in cells.LEVELS:
            shift = finest - level
            cursor.execute(
                f"""
                INSERT INTO {table} (level, x, y, municipality_id, count)
                SELECT %s, x >> %s, y >> %s, municipality_id, SUM(count)
                FROM trees_finest_cells GROUP BY 2, 3, 4
                """,  # noqa: S608 - the table name is ours; values are parameters
                [level, shift, shift],
            )
        cursor.execute("DROP TABLE trees_finest_cells")
    # Bulk loads end here and send no signals: the map points and the layer's version follow.
    mappoints.rebuild()
    versions.changed("trees")
    return TreeCell.objects.count()


# --- creating --------------------------------------------------------------------------------


@dataclass
class Registered:
    tree: Tree
    created: bool


def _replayed_tree(tree_id: int) -> Registered:
    tree = Tree.objects.select_related("site", "species").filter(pk=tree_id).first()
    if tree is None:
        raise DomainError(TreeErrorCode.TREE_DELETED)
    return Registered(tree, created=False)


def register_tree(
    *,
    lon: float,
    lat: float,
    recorded_by,
    species_code: str | None = None,
    dbh_cm: Decimal | float | str | None = None,
    height_m: Decimal | float | str | None = None,
    crown_width_m: Decimal | float | str | None = None,
    condition: str = Condition.UNKNOWN,
    phenology: str = Phenology.UNKNOWN,
    notes: str = "",
    site_type: str = SiteType.SIDEWALK,
    address: str = "",
    colonia: str = "",
    location_accuracy_m: float | None = None,
    idempotency: Idempotency | None = None,
    source: str = Source.CAPTURE,
) -> Registered:
    """Record a tree on a new planting site. With an idempotency key, a retry of the same
    request by the same person returns the tree created the first time instead of a second
    one (common/idempotency.py)."""
    request_values = {
        "lon": round(float(lon), 7),
        "lat": round(float(lat), 7),
        "species_code": species_code,
        "dbh_cm": dbh_cm,
        "height_m": height_m,
        "crown_width_m": crown_width_m,
        "condition": condition,
        "phenology": phenology,
        "notes": notes,
        "site_type": site_type,
        "address": address,
        "colonia": colonia,
    }

    def create() -> Registered:
        tree = _create_tree(
            lon=float(lon),
            lat=float(lat),
            recorded_by=recorded_by,
            species=species_for_code(species_code),
            dbh_cm=check_dbh(dbh_cm),
            height_m=check_height(height_m),
            crown_width_m=check_crown_width(crown_width_m),
            condition=_check_choice(condition, Condition, gettext_lazy("condition")),
            phenology=_check_choice(phenology, Phenology, gettext_lazy("phenology")),
            notes=notes or "",
            site_type=_check_choice(site_type, SiteType, gettext_lazy("kind of site")),
            address=address or "",
            colonia=colonia or "",
            location_accuracy_m=location_accuracy_m,
            source=source,
        )
        signals.announce([tree.pk])
        return Registered(tree, created=True)

    registered, _created = run_once(
        action="trees.tree",
        idempotency=idempotency,
        request={name: _as_text(value) for name, value in request_values.items()},
        create=create,
        result_id=lambda registered: registered.tree.pk,
        replay=_replayed_tree,
    )
    return registered


def _create_tree(*, lon, lat, recorded_by, source, location_accuracy_m, **values) -> Tree:
    municipality = locate(lon=lon, lat=lat)
    now = timezone.now()
    site = PlantingSite.objects.create(
        location=Point(lon, lat, srid=4326),
        municipality=municipality,
        address=values.pop("address"),
        colonia=values.pop("colonia"),
        site_type=values.pop("site_type"),
        location_accuracy_m=location_accuracy_m,
    )
    user = recorded_by if getattr(recorded_by, "is_authenticated", False) else None
    tree = Tree.objects.create(
        site=site, recorded_by=user, recorded_at=now, source=source, **values
    )
    history = _record(
        subject="site",
        subject_id=site.pk,
        tree_id=tree.pk,
        action=ChangeAction.CREATE,
        before={},
        after=_snapshot(site, SITE_FIELDS),
        user=user,
        when=now,
    ) + _record(
        subject="tree",
        subject_id=tree.pk,
        tree_id=tree.pk,
        action=ChangeAction.CREATE,
        before={},
        after=_snapshot(tree, TREE_FIELDS),
        user=user,
        when=now,
    )
    save_records(history)
    apply_cell_deltas(_cell_deltas(municipality.pk, lon, lat, 1))
    return tree


# --- changing and removing -------------------------------------------------------------------


def _locked_or_gone(queryset, tree_id: int) -> Tree:
    """The tree's row, locked; a 404 when another request removed it in the meantime."""
    tree = queryset.filter(pk=tree_id).first()
    if tree is None:
        raise DomainError(TreeErrorCode.UNKNOWN_TREE, id=tree_id)
    return tree


def _check_move(tree: Tree, municipality: Municipality, old_municipality_id: int, user) -> None:
    """Moving a tree to another municipality is for who looks after trees there (or for who
    recorded it, correcting their own recent capture); trees.change_tree, checked by the
    caller, already covers the municipality it leaves. No user: the platform itself (scripts)."""
    if user is None or municipality.pk == old_municipality_id or is_recent_recorder(user, tree):
        return
    if not user.has_perm("trees.look_after_trees", municipality):
        raise DomainError(TreeErrorCode.PERMISSION_DENIED, municipality=municipality.name)


@transaction.atomic
def update_tree(*, tree: Tree, changed_by, changes: Mapping[str, Any]) -> Tree:
    """Change a tree and its site; every changed field goes to the history."""
    unknown = set(changes) - EDITABLE
    if unknown:
        raise DomainError(TreeErrorCode.INVALID_FIELD, fields=", ".join(sorted(unknown)))
    tree = _locked_or_gone(
        Tree.objects.select_for_update(of=("self", "site")).select_related("site", "species"),
        tree.pk,
    )
    site = tree.site
    site_before, tree_before = _snapshot(site, SITE_FIELDS), _snapshot(tree, TREE_FIELDS)
    old_location, old_municipality_id = site.location.clone(), site.municipality_id

    if "lon" in changes or "lat" in changes:
        lon = changes.get("lon", site.location.x)
        lat = changes.get("lat", site.location.y)
        site.municipality = locate(lon=lon, lat=lat)
        site.location = Point(float(lon), float(lat), srid=4326)
        _check_move(tree, site.municipality, old_municipality_id, changed_by)
    if "location_accuracy_m" in changes:
        site.location_accuracy_m = changes["location_accuracy_m"]
    for field in ("address", "colonia", "notes"):
        if field in changes:
            setattr(site if field != "notes" else tree, field, changes[field] or "")
    if "site_type" in changes:
        site.site_type = _check_choice(changes["site_type"], SiteType, gettext_lazy("kind of site"))
    if "species_code" in changes:
        tree.species = species_for_code(changes["species_code"])
    if "dbh_cm" in changes:
        tree.dbh_cm = check_dbh(changes["dbh_cm"])
    if "height_m" in changes:
        tree.height_m = check_height(changes["height_m"])
    if "crown_width_m" in changes:
        tree.crown_width_m = check_crown_width(changes["crown_width_m"])
    if "condition" in changes:
        tree.condition = _check_choice(changes["condition"], Condition, gettext_lazy("condition"))
    if "phenology" in changes:
        tree.phenology = _check_choice(changes["phenology"], Phenology, gettext_lazy("phenology"))

    now = timezone.now()
    user = changed_by if getattr(changed_by, "is_authenticated", False) else None
    site_rows = _record(
        subject="site",
        subject_id=site.pk,
        tree_id=tree.pk,
        action=ChangeAction.UPDATE,
        before=site_before,
        after=_snapshot(site, SITE_FIELDS),
        user=user,
        when=now,
    )
    tree_rows = _record(
        subject="tree",
        subject_id=tree.pk,
        tree_id=tree.pk,
        action=ChangeAction.UPDATE,
        before=tree_before,
        after=_snapshot(tree, TREE_FIELDS),
        user=user,
        when=now,
    )
    if site_rows:
        site.save()
    if tree_rows:
        tree.save()
    save_records(site_rows + tree_rows)
    if (
        site.location.x != old_location.x
        or site.location.y != old_location.y
        or site.municipality_id != old_municipality_id
    ):
        deltas = _cell_deltas(old_municipality_id, old_location.x, old_location.y, -1)
        deltas.update(_cell_deltas(site.municipality_id, site.location.x, site.location.y, 1))
        apply_cell_deltas(deltas)
    if {"species_code", "dbh_cm", "lon", "lat"} & set(changes):
        signals.announce([tree.pk])
    return tree


@transaction.atomic
def set_validation_state(*, tree: Tree, state: str, changed_by) -> Tree:
    """Move a record between validation states (used by the validation issue's services)."""
    tree = Tree.objects.select_for_update().get(pk=tree.pk)
    before = _snapshot(tree, TREE_FIELDS)
    tree.validation_state = _check_choice(state, ValidationState, gettext_lazy("validation"))
    tree.save(update_fields=["validation_state", "updated_at"])
    save_records(
        _record(
            subject="tree",
            subject_id=tree.pk,
            tree_id=tree.pk,
            action=ChangeAction.UPDATE,
            before=before,
            after=_snapshot(tree, TREE_FIELDS),
            user=changed_by,
            when=timezone.now(),
        )
    )
    return tree


@transaction.atomic
def delete_tree(*, tree: Tree, deleted_by, reason: str = "") -> None:
    """Remove a tree; its planting site stays as an empty site; its photos go. A reason (the
    staff's removal page) is kept with the removal in the history. `deleted_by=None`: the
    platform itself (scripts)."""
    if deleted_by is not None:
        require(
            deleted_by,
            "trees.delete_tree",
            tree,
            message=gettext_noop("You cannot remove this tree."),
        )
    tree = _locked_or_gone(Tree.objects.select_for_update().select_related("site"), tree.pk)
    site = tree.site
    now = timezone.now()
    user = deleted_by if getattr(deleted_by, "is_authenticated", False) else None
    save_records(
        _record(
            subject="tree",
            subject_id=tree.pk,
            tree_id=tree.pk,
            action=ChangeAction.DELETE,
            # The site it leaves says, later, whose staff may read this history.
            before=_snapshot(tree, TREE_FIELDS) | {"site": str(site.pk)},
            after={},
            user=user,
            when=now,
            reason=reason,
        )
    )
    files = [name for photo in tree.photos.all() for name in (photo.image, photo.thumbnail)]
    apply_cell_deltas(_cell_deltas(site.municipality_id, site.location.x, site.location.y, -1))
    signals.announce([tree.pk])
    tree.delete()
    storage_files = [(f.storage, f.name) for f in files if f]
    transaction.on_commit(lambda: [storage.delete(name) for storage, name in storage_files])


# --- photos ----------------------------------------------------------------------------------


def add_photo(*, tree: Tree, data: bytes, uploaded_by) -> tuple[TreePhoto, bool]:
    """Check a photo, store its public copy (no metadata) and a thumbnail: (photo, True).

    A photo sent with an Idempotency-Key goes through `photo_uploads.add_photo_once`.
    """
    processed = process_photo(data)  # raises DomainError before anything is written
    stem = hashlib.sha256(processed.public_jpeg).hexdigest()[:16]
    photo = TreePhoto(
        tree=tree,
        original_format=processed.original_format,
        width=processed.size[0],
        height=processed.size[1],
        camera_location=(
            Point(processed.camera_lon, processed.camera_lat, srid=4326)
            if processed.camera_lon is not None
            else None
        ),
        taken_at=(
            timezone.make_aware(processed.taken_at) if processed.taken_at is not None else None
        ),
        uploaded_by=uploaded_by if getattr(uploaded_by, "is_authenticated", False) else None,
    )
    try:
        with transaction.atomic():
            # Locked so that a removal racing this upload waits, or has already answered 404.
            _locked_or_gone(Tree.objects.select_for_update(), tree.pk)
            photo.image.save(f"{stem}.jpg", ContentFile(processed.public_jpeg), save=False)
            photo.thumbnail.save(
                f"{stem}-thumb.jpg", ContentFile(processed.thumbnail_jpeg), save=False
            )
            photo.save()
            record_change(
                (Tree, tree.pk),
                photo.uploaded_by,
                ChangeAction.UPDATE,
                {"photo": ("", photo.image.name)},
            )
    except Exception:
        # The files went to storage before the row failed: do not leave them behind.
        for stored in (photo.image, photo.thumbnail):
            if stored:
                with contextlib.suppress(OSError):  # a read-only folder: nothing to undo
                    stored.storage.delete(stored.name)
        raise
    return photo, True
