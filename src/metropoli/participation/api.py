"""Participa API: proceedings, contributions (GeoJSON), reactions, moderation, exports, stats."""

from datetime import datetime
from typing import Literal

from django.conf import settings
from django.core import signing
from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Header, Query, Router, Schema

from metropoli.common.api import require, session_user
from metropoli.common.error_schema import ErrorOut
from metropoli.common.errors import ApiError
from metropoli.common.i18n import gettext_noop
from metropoli.common.idempotency import from_request
from metropoli.common.openapi import CSV, XLSX, file_answer
from metropoli.common.ratelimit import Attempts, limit_guests, limit_photo_uploads

from . import exports, notices, selectors, services
from .models import Contribution, Proceeding, Source

router = Router(tags=["participation"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 429: ErrorOut}
TABLE_SALT = "participation.table"
TABLE_TOKEN_MAX_AGE = 7 * 24 * 3600
# Anonymous writes per address and 10 minutes; a touch table (valid table token) gets more,
# since a whole workshop shares its one address.
ANONYMOUS_LIMIT = 20
TABLE_LIMIT = 400
WINDOW = 600


def table_token(proceeding: Proceeding) -> str:
    return signing.dumps({"p": proceeding.pk}, salt=TABLE_SALT)


def _is_table(request, proceeding: Proceeding) -> bool:
    token = request.headers.get("X-Table-Token", "")
    if not token:
        return False
    try:
        data = signing.loads(token, salt=TABLE_SALT, max_age=TABLE_TOKEN_MAX_AGE)
    except signing.BadSignature:
        return False
    return data.get("p") == proceeding.pk


def _write_guard(request, proceeding: Proceeding, scope: str) -> None:
    """CSRF for signed-in people (the session cookie authenticates them); rate limit otherwise."""
    if session_user(request) is not None:
        return
    limit = TABLE_LIMIT if _is_table(request, proceeding) else ANONYMOUS_LIMIT
    limit_guests(request, f"participation-{scope}", limit=limit, window=WINDOW)


# --- proceedings ---------------------------------------------------------------------------


class PhaseOut(Schema):
    id: int
    kind: str
    label: str
    start: datetime
    end: datetime
    allows_anonymous: bool


class CategoryOut(Schema):
    id: int
    name: str
    icon: str
    colour: str
    description: str


class ExternalLayerOut(Schema):
    id: int
    name: str
    kind: str
    url: str = Field(
        description="Ready-to-load URL: WMS GetMap template, WFS GetFeature, or GeoJSON."
    )
    attribution: str


class ProceedingOut(Schema):
    slug: str
    title: str
    owner: str
    municipality: str | None = Field(description="INEGI code; null for the metropolitan area.")
    active_phase: PhaseOut | None

    @staticmethod
    def phase(phase) -> PhaseOut | None:
        if phase is None:
            return None
        return PhaseOut(
            id=phase.pk,
            kind=phase.kind,
            label=phase.get_kind_display(),
            start=phase.start,
            end=phase.end,
            allows_anonymous=phase.allows_anonymous,
        )

    @classmethod
    def of(cls, proceeding: Proceeding, **extra):
        return cls(
            slug=proceeding.slug,
            title=proceeding.title,
            owner=proceeding.owner_name,
            municipality=proceeding.municipality.inegi_code if proceeding.municipality_id else None,
            active_phase=ProceedingOut.phase(proceeding.active_phase()),
            **extra,
        )


class ProceedingDetailOut(ProceedingOut):
    description: str
    area: dict = Field(description="GeoJSON MultiPolygon in EPSG:4326.")
    area_note: str
    phases: list[PhaseOut]
    categories: list[CategoryOut]
    external_layers: list[ExternalLayerOut]


@router.get("/proceedings", response=list[ProceedingOut], summary="List proceedings")
def list_proceedings(request):
    return [ProceedingOut.of(p) for p in selectors.proceedings()]


def detail_of(proceeding: Proceeding) -> ProceedingDetailOut:
    return ProceedingDetailOut.of(
        proceeding,
        description=proceeding.description,
        area={"type": "MultiPolygon", "coordinates": proceeding.area.coords},
        area_note=proceeding.area_note,
        phases=[ProceedingOut.phase(p) for p in proceeding.phases.all()],
        categories=[
            CategoryOut(
                id=c.pk, name=c.name, icon=c.icon, colour=c.colour, description=c.description
            )
            for c in proceeding.categories.all()
        ],
        external_layers=[
            ExternalLayerOut(
                id=layer.pk,
                name=layer.name,
                kind=layer.kind,
                url=layer.tile_or_data_url(),
                attribution=layer.attribution,
            )
            for layer in proceeding.external_layers.all()
        ],
    )


@router.get(
    "/proceedings/{slug}",
    response={200: ProceedingDetailOut, 404: ErrorOut},
    summary="One proceeding with phases, categories and layers",
)
def get_proceeding(request, slug: str):
    return detail_of(selectors.proceeding(slug))


# --- contributions -------------------------------------------------------------------------


class ContributionFilters(Schema):
    category: int | None = None
    phase: int | None = None
    bbox: str | None = Field(None, description="west,south,east,north in degrees")


@router.get(
    "/proceedings/{slug}/contributions",
    response={200: dict, 400: ErrorOut, 404: ErrorOut},
    summary="Visible contributions as a GeoJSON FeatureCollection",
)
def list_contributions(request, slug: str, filters: Query[ContributionFilters]):
    proceeding = selectors.proceeding(slug)
    queryset = selectors.contributions(
        proceeding,
        category=filters.category,
        phase=filters.phase,
        bbox=selectors.parse_bbox(filters.bbox),
    )
    return selectors.feature_collection(queryset)


class ContributionIn(Schema):
    category: int
    type: Literal["", "proposal", "problem", "question", "praise"] = ""
    text: str = Field(max_length=4000)
    geometry: dict = Field(description="GeoJSON Point, LineString or Polygon in lon/lat.")
    photo: str | None = Field(None, description="data:image/...;base64,... (JPEG, PNG, WebP)")
    website: str = Field("", description="Leave empty (spam guard).")
    notify_me: bool | None = Field(
        None,
        description="Signed-in author: tell me (e-mail and in the app) when my contributions "
        "are answered or commented on (sets the person's preference; omitted: unchanged).",
    )


class CreatedOut(Schema):
    id: int
    created: bool
    feature: dict


@router.post(
    "/proceedings/{slug}/contributions",
    response={200: CreatedOut, 201: CreatedOut, 410: ErrorOut, 422: ErrorOut, 503: ErrorOut}
    | ERRORS,
    summary="Add a contribution (Idempotency-Key: a repeat returns the first result)",
    description="Send an `Idempotency-Key` header (8 to 80 characters, e.g. a UUID): a retry "
    "of the same request by the same caller (signed-in person, else the `X-Device-Token` or "
    "touch-table token, else the browser session) answers 200 with the first result. The same "
    "key with a different request answers 422 `idempotency_key_reused`.",
)
def create_contribution(
    request,
    slug: str,
    payload: ContributionIn,
    idempotency_key: str = Header("", alias="Idempotency-Key"),
    device_token: str = Header("", alias="X-Device-Token"),
):
    proceeding = selectors.proceeding(slug)
    _write_guard(request, proceeding, "contribute")
    if payload.photo:
        limit_photo_uploads(request)
    table = _is_table(request, proceeding)
    # The caller's scope: a signed-in person, else the table's or the browser's secret token.
    token = request.headers.get("X-Table-Token", "") if table else device_token
    idempotency = from_request(request, idempotency_key, token=token)
    contribution, created = services.submit_contribution(
        proceeding=proceeding,
        actor=request.user,
        category_id=payload.category,
        type=payload.type,
        text=payload.text,
        geometry=payload.geometry,
        photo=payload.photo,
        device_token=device_token,
        idempotency=idempotency,
        source=Source.TABLE if table else Source.WEB,
        website=payload.website,
    )
    if payload.notify_me is not None and request.user.is_authenticated and not table:
        notices.set_preference(user=request.user, notify_replies=payload.notify_me)
    item = selectors.contribution(proceeding, contribution.pk, include_hidden=True)
    body = CreatedOut(id=contribution.pk, created=created, feature=selectors.feature(item))
    return (201 if created else 200), body


class CommentOut(Schema):
    id: int
    author: str
    text: str
    created: datetime
    replies: list["CommentOut"]


class ContributionDetailOut(Schema):
    feature: dict
    hidden_reason: str
    comments: list[CommentOut]


def _comments(nodes) -> list[CommentOut]:
    return [
        CommentOut(
            id=node["comment"].pk,
            author=str(node["comment"].author or _("Anonymous")),
            text=node["comment"].text,
            created=node["comment"].created_at,
            replies=_comments(node["replies"]),
        )
        for node in nodes
    ]


def _contribution(slug: str, pk: int) -> Contribution:
    return selectors.contribution(selectors.proceeding(slug), pk)


@router.get(
    "/proceedings/{slug}/contributions/{pk}",
    response={200: ContributionDetailOut, 404: ErrorOut},
    summary="One contribution with its threaded comments",
)
def get_contribution(request, slug: str, pk: int):
    item = _contribution(slug, pk)
    return ContributionDetailOut(
        feature=selectors.feature(item),
        hidden_reason=item.hidden_reason,
        comments=_comments(selectors.comment_tree(item)),
    )


@router.delete(
    "/proceedings/{slug}/contributions/{pk}",
    response={204: None, **ERRORS},
    summary="Delete one's own contribution",
)
def delete_contribution(
    request, slug: str, pk: int, device_token: str = Header("", alias="X-Device-Token")
):
    proceeding = selectors.proceeding(slug)
    _write_guard(request, proceeding, "delete")
    item = selectors.contribution(proceeding, pk, include_hidden=True)
    services.delete_contribution(contribution=item, actor=request.user, device_token=device_token)
    return 204, None


class CommentIn(Schema):
    text: str = Field(max_length=4000)
    parent: int | None = None
    website: str = ""


@router.post(
    "/proceedings/{slug}/contributions/{pk}/comments",
    response={201: CommentOut, **ERRORS},
    summary="Comment on a contribution or reply to a comment",
)
def create_comment(
    request,
    slug: str,
    pk: int,
    payload: CommentIn,
    device_token: str = Header("", alias="X-Device-Token"),
):
    item = _contribution(slug, pk)
    _write_guard(request, item.proceeding, "comment")
    comment = services.add_comment(
        contribution=item,
        actor=request.user,
        text=payload.text,
        parent_id=payload.parent,
        device_token=device_token,
        website=payload.website,
    )
    return 201, CommentOut(
        id=comment.pk,
        author=str(comment.author or _("Anonymous")),
        text=comment.text,
        created=comment.created_at,
        replies=[],
    )


class RatingIn(Schema):
    value: Literal[1, -1]


class RatingOut(Schema):
    value: int
    ups: int
    downs: int


@router.post(
    "/proceedings/{slug}/contributions/{pk}/ratings",
    response={200: RatingOut, **ERRORS},
    summary="Rate a contribution up (+1) or down (-1); one rating per person or browser",
)
def create_rating(
    request,
    slug: str,
    pk: int,
    payload: RatingIn,
    device_token: str = Header("", alias="X-Device-Token"),
):
    item = _contribution(slug, pk)
    _write_guard(request, item.proceeding, "rate")
    rating = services.rate(
        contribution=item, actor=request.user, value=payload.value, device_token=device_token
    )
    item = _contribution(slug, pk)
    return RatingOut(value=rating.value, ups=item.ups, downs=item.downs)


class ReportIn(Schema):
    reason: str = Field(max_length=500)
    comment: int | None = None


class ReportOut(Schema):
    id: int


@router.post(
    "/proceedings/{slug}/contributions/{pk}/reports",
    response={201: ReportOut, **ERRORS},
    summary="Report a contribution or one of its comments to the moderators",
)
def create_report(request, slug: str, pk: int, payload: ReportIn):
    item = _contribution(slug, pk)
    _write_guard(request, item.proceeding, "report")
    made = services.report(
        contribution=item, actor=request.user, reason=payload.reason, comment_id=payload.comment
    )
    return 201, ReportOut(id=made.pk)


# --- moderation ----------------------------------------------------------------------------


class VisibilityIn(Schema):
    visible: bool
    reason: str = ""
    comment: int | None = None


class ModeratedOut(Schema):
    id: int
    status: str
    hidden_reason: str
    feedback_status: str
    feedback_answer: str


def _moderated(item: Contribution) -> ModeratedOut:
    item.refresh_from_db()
    return ModeratedOut(
        id=item.pk,
        status=item.status,
        hidden_reason=item.hidden_reason,
        feedback_status=item.feedback_status,
        feedback_answer=item.feedback_answer,
    )


@router.post(
    "/proceedings/{slug}/contributions/{pk}/visibility",
    response={200: ModeratedOut, **ERRORS},
    summary="Moderators: hide (with a reason) or show a contribution or comment",
)
def set_visibility(request, slug: str, pk: int, payload: VisibilityIn):
    proceeding = selectors.proceeding(slug)
    _write_guard(request, proceeding, "moderate")
    item = selectors.contribution(proceeding, pk, include_hidden=True)
    comment = None
    if payload.comment is not None:
        comment = item.comments.filter(pk=payload.comment).first()
        if comment is None:
            raise ApiError(404, "not_found", _("Not found."))
    services.set_visibility(
        contribution=item,
        moderator=request.user,
        visible=payload.visible,
        reason=payload.reason,
        comment=comment,
    )
    return _moderated(item)


class FeedbackIn(Schema):
    status: Literal["received", "under_review", "taken_into_account", "not_taken_into_account"]
    answer: str = ""


@router.post(
    "/proceedings/{slug}/contributions/{pk}/feedback",
    response={200: ModeratedOut, **ERRORS},
    summary="Moderators: set the feedback status and the public answer",
)
def set_feedback(request, slug: str, pk: int, payload: FeedbackIn):
    proceeding = selectors.proceeding(slug)
    _write_guard(request, proceeding, "moderate")
    item = selectors.contribution(proceeding, pk, include_hidden=True)
    services.give_feedback(
        contribution=item, moderator=request.user, status=payload.status, answer=payload.answer
    )
    return _moderated(item)


# --- analysis and exports ------------------------------------------------------------------


@router.get(
    "/proceedings/{slug}/statistics",
    response={200: dict, 404: ErrorOut},
    summary="Public statistics: per category and day, hexagon hotspots, word frequencies",
)
def statistics(request, slug: str, hex_size_m: float = Query(250.0, gt=20, le=20000)):
    return selectors.statistics(selectors.proceeding(slug), hex_size_m=hex_size_m)


EXPORTS = {
    "csv": (exports.as_csv, f"{CSV}; charset=utf-8"),
    "xlsx": (exports.as_xlsx, XLSX),
    "geojson": (exports.as_geojson, "application/geo+json"),
}


@router.get(
    "/proceedings/{slug}/export.{fmt}",
    response={200: None, 403: ErrorOut, 404: ErrorOut},
    summary="Planners: visible contributions as CSV, XLSX or GeoJSON, without personal data",
    openapi_extra=file_answer(
        "The file, in the format of the path's extension.", CSV, XLSX, "application/geo+json"
    ),
)
def export(request, slug: str, fmt: Literal["csv", "xlsx", "geojson"]):
    proceeding = selectors.proceeding(slug)
    require(
        request,
        "participation.export_contributions",
        proceeding,
        message=gettext_noop("Only the planners of this consultation can export."),
    )
    render, content_type = EXPORTS[fmt]
    response = HttpResponse(render(selectors.contributions(proceeding)), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{proceeding.slug}.{fmt}"'
    return response


# --- touch table ---------------------------------------------------------------------------


class PinIn(Schema):
    pin: str = Field(max_length=16)


class PinOut(Schema):
    unlocked: bool
    table_token: str = Field(
        description="Send it as X-Table-Token with the table's contributions (a workshop's "
        "higher limit); valid for a week. Only the right PIN gets it."
    )


@router.post(
    "/proceedings/{slug}/table/unlock",
    response={200: PinOut, **ERRORS},
    summary="Touch table: check the facilitator PIN that unlocks the table's settings",
)
def unlock_table(request, slug: str, payload: PinIn):
    proceeding = selectors.proceeding(slug)
    # Few wrong tries per table and per address, also for signed-in people: a PIN is short.
    attempts = Attempts(
        request,
        "participation-pin",
        target=str(proceeding.pk),
        per_target=settings.PARTICIPATION_PIN_FAILURES_PER_TABLE,
        per_address=settings.PARTICIPATION_PIN_FAILURES_PER_ADDRESS,
        window=WINDOW,
    )
    if not services.pin_matches(proceeding, payload.pin):
        raise ApiError(403, "wrong_pin", _("The facilitator PIN is not correct."))
    attempts.right()
    return PinOut(unlocked=True, table_token=table_token(proceeding))
