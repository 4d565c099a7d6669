"""Tree API (/api/trees/): create, read, change, remove, list and export trees; photos."""

from datetime import datetime

from django.conf import settings
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, File, Header, Query, Router, Schema
from ninja.files import UploadedFile

from metropoli.common.api import require, session
from metropoli.common.error_schema import ErrorOut
from metropoli.common.errors import ApiError
from metropoli.common.i18n import gettext_noop
from metropoli.common.idempotency import Idempotency, caller_scope, clean_key, from_request
from metropoli.common.ratelimit import enforce, limit_photo_uploads

from . import duplicates, editing, exports, photo_uploads, selectors, services
from .filters import TreeFilterSchema
from .models import Tree

router = Router(tags=["trees"])


ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut}


# --- schemas ---------------------------------------------------------------------------------


class PointGeometry(Schema):
    type: str = "Point"
    coordinates: list[float] = Field(description="[longitude, latitude] in WGS 84.")


class TreePhotoOut(Schema):
    id: int
    url: str
    thumbnail_url: str
    width: int
    height: int


class DuplicateOut(Schema):
    near_id: int = Field(description="The tree within 2 m that this one may repeat.")
    near_name: str
    distance_m: float
    answer: str = Field(description='"" while unanswered; "distinct": another tree.')


class TreeProperties(Schema):
    species: str | None = Field(None, description='Species code; null when unknown ("no sé").')
    species_name: str
    scientific_name: str | None
    dbh_cm: float | None
    height_m: float | None
    crown_width_m: float | None
    condition: str
    condition_label: str
    phenology: str
    notes: str
    validation_state: str
    validation_label: str
    site_type: str
    address: str
    colonia: str
    municipality: str = Field(description="INEGI code of the municipality.")
    municipality_name: str
    recorded_by: str | None = Field(None, description="Public name of who recorded it.")
    recorded_by_id: int | None
    recorded_at: datetime
    source: str
    photos: list[TreePhotoOut] = []
    url: str
    duplicate: DuplicateOut | None = Field(
        None, description="On one tree's answer: the tree within 2 m it may repeat."
    )


class TreeFeature(Schema):
    type: str = "Feature"
    id: int
    geometry: PointGeometry
    properties: TreeProperties


class TreeCollection(Schema):
    type: str = "FeatureCollection"
    features: list[TreeFeature]
    count: int = Field(description="Trees matching the filters, on every page.")
    page: int
    pages: int


class TreeIn(Schema):
    lon: float = Field(..., ge=-180, le=180, description="Longitude (WGS 84).")
    lat: float = Field(..., ge=-90, le=90, description="Latitude (WGS 84).")
    accuracy_m: float | None = Field(None, ge=0, description="GPS accuracy in metres.")
    species: str | None = Field(None, description="Species code; null or omitted = unknown.")
    dbh_cm: float = Field(..., description="Trunk diameter at 1.3 m, in cm (0 < dbh ≤ 1000).")
    height_m: float | None = None
    crown_width_m: float | None = None
    condition: str = "unknown"
    phenology: str = "unknown"
    notes: str = Field("", max_length=2000)
    site_type: str = "sidewalk"
    address: str = Field("", max_length=255)
    colonia: str = Field("", max_length=120)
    nearby_confirmed: bool = Field(
        False,
        description="The person already saw the tree within 2 m and said it is another one.",
    )


class DuplicateAnswerIn(Schema):
    same: bool = Field(description="true: the same tree (the capture is removed).")


class TreePatch(Schema):
    lon: float | None = Field(None, ge=-180, le=180)
    lat: float | None = Field(None, ge=-90, le=90)
    accuracy_m: float | None = Field(None, ge=0)
    species: str | None = None
    dbh_cm: float | None = None
    height_m: float | None = None
    crown_width_m: float | None = None
    condition: str | None = None
    phenology: str | None = None
    notes: str | None = Field(None, max_length=2000)
    site_type: str | None = None
    address: str | None = Field(None, max_length=255)
    colonia: str | None = Field(None, max_length=120)


class NearbyOut(Schema):
    distance_m: float
    tree: TreeFeature


class SpeciesOut(Schema):
    code: str
    scientific_name: str
    common_name: str
    other_names: str
    is_local: bool


class ChangeOut(Schema):
    subject: str
    action: str
    field: str
    old_value: str
    new_value: str
    changed_by: str | None
    changed_at: datetime


# --- shaping ---------------------------------------------------------------------------------


def _number(value) -> float | None:
    return float(value) if value is not None else None


def feature(tree: Tree, request=None) -> TreeFeature:
    site = tree.site
    photos = [
        TreePhotoOut(
            id=p.pk,
            url=p.image.url,
            thumbnail_url=p.thumbnail.url,
            width=p.width,
            height=p.height,
        )
        for p in tree.photos.all()
    ]
    return TreeFeature(
        id=tree.pk,
        geometry=PointGeometry(coordinates=[site.location.x, site.location.y]),
        properties=TreeProperties(
            species=tree.species.code if tree.species_id else None,
            species_name=(
                tree.species.common_name_es or tree.species.scientific_name
                if tree.species_id
                else _("Unknown species")
            ),
            scientific_name=tree.species.scientific_name if tree.species_id else None,
            dbh_cm=_number(tree.dbh_cm),
            height_m=_number(tree.height_m),
            crown_width_m=_number(tree.crown_width_m),
            condition=tree.condition,
            condition_label=str(tree.get_condition_display()),
            phenology=tree.phenology,
            notes=tree.notes,
            validation_state=tree.validation_state,
            validation_label=str(tree.get_validation_state_display()),
            site_type=site.site_type,
            address=site.address,
            colonia=site.colonia,
            municipality=site.municipality.inegi_code,
            municipality_name=site.municipality.name,
            recorded_by=str(tree.recorded_by) if tree.recorded_by_id else None,
            recorded_by_id=tree.recorded_by_id,
            recorded_at=tree.recorded_at,
            source=tree.source,
            photos=photos,
            url=reverse("trees:tree", args=[tree.pk]),
        ),
    )


def _get_tree(tree_id: int) -> Tree:
    tree = selectors.tree_detail(tree_id)
    if tree is None:
        raise ApiError(404, "unknown_tree", _("There is no tree number %(id)s.") % {"id": tree_id})
    return tree


# --- endpoints -------------------------------------------------------------------------------


@router.post(
    "/",
    auth=session,
    response={
        200: TreeFeature,
        201: TreeFeature,
        409: ErrorOut,
        410: ErrorOut,
        422: ErrorOut,
        429: ErrorOut,
        503: ErrorOut,
    }
    | ERRORS,
    summary="Record a tree",
    description="Send an `Idempotency-Key` header (for instance a UUID made on the device): "
    "a retry of the same request by the same person answers 200 with the tree created the "
    "first time. The same key with a different request answers 422 `idempotency_key_reused`.",
)
def create_tree(
    request,
    payload: TreeIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),
):
    key = clean_key(idempotency_key)
    limit, window = settings.TREES_CREATE_RATE
    enforce("trees-create", str(request.user.pk), limit=limit, window=window)
    result = duplicates.register_capture(
        nearby_confirmed=payload.nearby_confirmed,
        lon=payload.lon,
        lat=payload.lat,
        location_accuracy_m=payload.accuracy_m,
        recorded_by=request.user,
        species_code=payload.species,
        dbh_cm=payload.dbh_cm,
        height_m=payload.height_m,
        crown_width_m=payload.crown_width_m,
        condition=payload.condition,
        phenology=payload.phenology,
        notes=payload.notes,
        site_type=payload.site_type,
        address=payload.address,
        colonia=payload.colonia,
        idempotency=Idempotency(caller_scope(request), key) if key else None,
    )
    return (201 if result.created else 200), _with_duplicate(_get_tree(result.tree.pk))


@router.get(
    "/",
    response={200: TreeCollection, 400: ErrorOut, 404: ErrorOut},
    summary="List trees (GeoJSON)",
)
def list_trees(
    request,
    filters: Query[TreeFilterSchema],
    page: int = Query(1, ge=1, description="From 1 to `pages`; a later page answers 404."),
    page_size: int = Query(100, ge=1, le=1000),
):
    qs = selectors.trees_for_listing(filters.resolve()).prefetch_related("photos")
    count = qs.count()
    pages = max(1, -(-count // page_size))
    if page > pages:  # also keeps an offset like 10**20 away from the database's integers
        raise ApiError(
            404,
            "no_such_page",
            _("There is no page %(page)s: the last one is %(pages)s.")
            % {"page": page, "pages": pages},
        )
    start = (page - 1) * page_size
    return TreeCollection(
        features=[feature(t) for t in qs[start : start + page_size]],
        count=count,
        page=page,
        pages=pages,
    )


@router.get(
    "/export",
    response={200: None, 400: ErrorOut},
    summary="Export the filtered trees as CSV or GeoJSON",
    description="Takes the same filters as the list; answers the whole set, streamed.",
)
def export_trees(
    request,
    filters: Query[TreeFilterSchema],
    format: str = Query("csv", pattern="^(csv|geojson)$"),  # noqa: A002 - the public name
):
    qs = selectors.trees_for_listing(filters.resolve())
    if format == "geojson":
        response = StreamingHttpResponse(
            exports.geojson_chunks(qs), content_type="application/geo+json"
        )
        response["Content-Disposition"] = 'attachment; filename="arboles.geojson"'
    else:
        response = StreamingHttpResponse(exports.csv_chunks(qs), content_type="text/csv")
        response["Content-Disposition"] = 'attachment; filename="arboles.csv"'
    return response


@router.get(
    "/nearby",
    response={200: list[NearbyOut], 400: ErrorOut},
    summary="Trees within a few metres of a point (likely duplicates)",
)
def nearby(
    request,
    lon: float = Query(..., ge=-180, le=180),
    lat: float = Query(..., ge=-90, le=90),
    radius_m: float = Query(2.0, gt=0, le=50),
):
    return [
        NearbyOut(distance_m=n.distance_m, tree=feature(n.tree))
        for n in selectors.trees_near(lon=lon, lat=lat, radius_m=radius_m)
    ]


@router.get("/species", response=list[SpeciesOut], summary="Search the species catalogue")
def species(request, q: str = Query("", max_length=80), limit: int = Query(20, ge=1, le=100)):
    return [
        SpeciesOut(
            code=s.code,
            scientific_name=s.scientific_name,
            common_name=s.common_name_es or s.common_name_en,
            other_names=s.other_names_es,
            is_local=s.is_local,
        )
        for s in selectors.search_species(q, limit)
    ]


class PendingDuplicateOut(Schema):
    tree_id: int
    tree_name: str
    near_id: int
    near_name: str
    distance_m: float


@router.get(
    "/duplicates",
    auth=session,
    response={200: list[PendingDuplicateOut], 401: ErrorOut},
    summary="My captures that may repeat a tree within 2 m, still to be answered",
)
def pending_duplicates(request):
    return [
        PendingDuplicateOut(**{k: v for k, v in row.items() if k != "answer"})
        for row in duplicates.pending_for(request.user)
    ]


@router.get("/{int:tree_id}", response={200: TreeFeature, 404: ErrorOut}, summary="One tree")
def get_tree(request, tree_id: int):
    return _with_duplicate(_get_tree(tree_id))


def _with_duplicate(tree: Tree) -> TreeFeature:
    shaped = feature(tree)
    suspicion = duplicates.suspicion_of(tree)
    if suspicion is not None:
        described = duplicates.describe(suspicion)
        shaped.properties.duplicate = DuplicateOut(
            near_id=described["near_id"],
            near_name=described["near_name"],
            distance_m=described["distance_m"],
            answer=described["answer"],
        )
    return shaped


@router.post(
    "/{int:tree_id}/duplicate",
    auth=session,
    response={200: TreeFeature, 204: None} | ERRORS,
    summary="Answer whether a capture repeats the tree within 2 m",
    description="`same: false` keeps it as another tree (200); `same: true` removes the "
    "capture (204).",
)
def answer_duplicate(request, tree_id: int, payload: DuplicateAnswerIn):
    tree = _get_tree(tree_id)
    duplicates.answer(tree=tree, same=payload.same, user=request.user)
    if payload.same:
        return 204, None
    return _with_duplicate(_get_tree(tree_id))


@router.patch(
    "/{int:tree_id}", auth=session, response={200: TreeFeature} | ERRORS, summary="Change a tree"
)
def change_tree(request, tree_id: int, payload: TreePatch):
    tree = _get_tree(tree_id)
    changes = payload.dict(exclude_unset=True)
    if "species" in changes:
        changes["species_code"] = changes.pop("species")
    if "accuracy_m" in changes:
        changes["location_accuracy_m"] = changes.pop("accuracy_m")
    editing.change_tree(tree=tree, changed_by=request.user, changes=changes)
    return feature(_get_tree(tree_id))


@router.delete(
    "/{int:tree_id}", auth=session, response={204: None} | ERRORS, summary="Remove a tree"
)
def remove_tree(request, tree_id: int):
    tree = _get_tree(tree_id)
    services.delete_tree(tree=tree, deleted_by=request.user)
    return 204, None


@router.post(
    "/{int:tree_id}/photos",
    auth=session,
    response={
        200: TreePhotoOut,
        201: TreePhotoOut,
        410: ErrorOut,
        413: ErrorOut,
        415: ErrorOut,
        422: ErrorOut,
        429: ErrorOut,
    }
    | ERRORS,
    summary="Add a photo (JPEG, PNG or HEIC)",
    description="The public copy is re-encoded without EXIF (no GPS); a thumbnail is made. "
    "With an `Idempotency-Key` header a retry of the same photo by the same person answers 200 "
    "with the photo stored the first time (410 `photo_deleted` if it was removed since); the "
    "same key with another photo answers 422 `idempotency_key_reused`.",
)
def upload_photo(
    request,
    tree_id: int,
    photo: File[UploadedFile],
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),
):
    idempotency = from_request(request, idempotency_key)
    tree = _get_tree(tree_id)
    # Refused before the upload is read; the service checks the same (decision 0088).
    require(
        request,
        "trees.add_photo",
        tree,
        message=gettext_noop("You cannot add photos to this tree."),
    )
    limit_photo_uploads(request)
    limit = settings.TREES_PHOTO_MAX_BYTES
    data = photo.read(limit + 1)
    stored, created = photo_uploads.add_photo_once(
        tree=tree, data=data, uploaded_by=request.user, idempotency=idempotency
    )
    return (201 if created else 200), TreePhotoOut(
        id=stored.pk,
        url=stored.image.url,
        thumbnail_url=stored.thumbnail.url,
        width=stored.width,
        height=stored.height,
    )


@router.get(
    "/{int:tree_id}/history",
    response={200: list[ChangeOut], 404: ErrorOut},
    summary="Every change of a tree and its site",
    description="Once a tree is removed, its history is shown only to the staff and arborists "
    "of its municipality and to platform administrators (404 for everyone else).",
)
def history(request, tree_id: int):
    rows = selectors.visible_tree_history(request.user, tree_id)
    if rows is None:
        raise ApiError(404, "unknown_tree", _("There is no tree number %(id)s.") % {"id": tree_id})
    return [
        ChangeOut(
            subject=r.subject,
            action=r.action,
            field=r.field,
            old_value=r.old_value,
            new_value=r.new_value,
            changed_by=str(r.changed_by) if r.changed_by_id else None,
            changed_at=r.changed_at,
        )
        for r in rows
    ]
