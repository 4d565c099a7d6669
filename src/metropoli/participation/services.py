"""Every write of Participa: one keyword-only function per action, each in one transaction."""

import hashlib
import json
import re
import uuid
from datetime import timedelta

from django.contrib.auth.hashers import check_password, make_password
from django.contrib.gis.gdal import GDALException
from django.contrib.gis.geos import GEOSException, GEOSGeometry, MultiPolygon, Polygon
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from metropoli.common.api import require
from metropoli.common.errors import DomainError
from metropoli.common.i18n import gettext_noop
from metropoli.common.idempotency import Idempotency, run_once

from . import notices
from .errors import ParticipationErrorCode
from .models import (
    RESERVED_SLUGS,
    Category,
    Comment,
    Contribution,
    ContributionType,
    FeedbackStatus,
    ModerationAction,
    Phase,
    PhaseKind,
    Proceeding,
    ProceedingTemplate,
    Rating,
    Report,
    Source,
    Visibility,
)
from .photos import PhotoError, clean_photo, decode_data_url

GEOMETRY_TYPES = {"Point", "LineString", "Polygon"}
MAX_VERTICES = 500
MAX_TEXT = 2000
MAX_LINKS = 2
DUPLICATE_WINDOW = timedelta(days=1)
HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
LINK = re.compile(r"https?://|www\.", re.IGNORECASE)
PIN = re.compile(r"^[0-9]{4,8}$")


def device_hash(token: str | None) -> str:
    """The stored form of an anonymous browser's random token ('' when none or malformed)."""
    token = (token or "").strip()
    if not 16 <= len(token) <= 128:
        return ""
    return hashlib.sha256(token.encode()).hexdigest()


def _normalised(text: str) -> str:
    return " ".join(text.lower().split())


# --- proceedings ---------------------------------------------------------------------------


def _as_multipolygon(area: GEOSGeometry) -> MultiPolygon:
    if area.srid is None:
        area.srid = 4326
    if area.srid != 4326:
        area = area.transform(4326, clone=True)
    if isinstance(area, Polygon):
        area = MultiPolygon(area, srid=4326)
    if not isinstance(area, MultiPolygon) or area.empty or not area.valid:
        raise DomainError(ParticipationErrorCode.INVALID_AREA)
    return area


@transaction.atomic
def create_proceeding(
    *,
    title: str,
    description: str,
    area: GEOSGeometry,
    municipality=None,
    slug: str = "",
    template: ProceedingTemplate | None = None,
    start=None,
    area_note: str = "",
    is_demo: bool = False,
) -> Proceeding:
    """Create a proceeding; with a template, also its phases (from `start`) and categories."""
    slug = slug or slugify(title)[:80]
    if not slug or slug in RESERVED_SLUGS:
        raise DomainError(ParticipationErrorCode.INVALID_SLUG)
    if Proceeding.objects.filter(slug=slug).exists():
        raise DomainError(ParticipationErrorCode.SLUG_TAKEN)
    proceeding = Proceeding.objects.create(
        title=title,
        slug=slug,
        description=description,
        area=_as_multipolygon(area),
        municipality=municipality,
        template=template,
        area_note=area_note,
        is_demo=is_demo,
    )
    if template is not None:
        _apply_template(proceeding, template, start or timezone.now())
    return proceeding


def _apply_template(proceeding: Proceeding, template: ProceedingTemplate, start) -> None:
    kinds = set(PhaseKind.values)
    for spec in template.phases:
        if spec.get("kind") not in kinds or int(spec.get("days", 0)) < 1:
            raise DomainError(ParticipationErrorCode.INVALID_TEMPLATE)
        end = start + timedelta(days=int(spec["days"]))
        Phase.objects.create(
            proceeding=proceeding,
            kind=spec["kind"],
            start=start,
            end=end,
            allows_anonymous=bool(spec.get("allows_anonymous", False)),
        )
        start = end
    for order, spec in enumerate(template.categories):
        add_category(
            proceeding=proceeding,
            name=spec["name"],
            icon=spec.get("icon", "idea"),
            colour=spec.get("colour", "#2e7d32"),
            description=spec.get("description", ""),
            order=order,
        )


@transaction.atomic
def add_category(
    *,
    proceeding: Proceeding,
    name: str,
    icon: str = "idea",
    colour: str = "#2e7d32",
    description: str = "",
    order: int = 0,
) -> Category:
    if not HEX_COLOUR.match(colour):
        raise DomainError(ParticipationErrorCode.INVALID_COLOUR)
    return Category.objects.create(
        proceeding=proceeding,
        name=name,
        icon=icon,
        colour=colour.lower(),
        description=description,
        order=order,
    )


@transaction.atomic
def set_table_pin(*, proceeding: Proceeding, pin: str, actor) -> None:
    """The touch table's PIN, set by who may change the consultation (`actor=None`: the
    platform itself, a script)."""
    if actor is not None:
        require(
            actor,
            "participation.change_proceeding",
            proceeding,
            code=ParticipationErrorCode.PERMISSION_DENIED,
            message=gettext_noop("Only the staff and moderators of this consultation can do this."),
        )
    if not PIN.match(pin or ""):
        raise DomainError(ParticipationErrorCode.INVALID_PIN)
    proceeding.table_pin_hash = make_password(pin)
    proceeding.save(update_fields=["table_pin_hash"])


def pin_matches(proceeding: Proceeding, pin: str) -> bool:
    return bool(proceeding.table_pin_hash) and check_password(pin or "", proceeding.table_pin_hash)


# --- contributions -------------------------------------------------------------------------


def parse_geometry(value: dict | str, proceeding: Proceeding) -> GEOSGeometry:
    """A GeoJSON point, line or polygon in lon/lat that lies inside the proceeding's area."""
    try:
        text = value if isinstance(value, str) else json.dumps(value)
        geometry = GEOSGeometry(text)
    except (GEOSException, GDALException, ValueError, TypeError) as error:
        raise DomainError(
            ParticipationErrorCode.INVALID_GEOMETRY,
            gettext_noop("The location is not a valid GeoJSON geometry."),
        ) from error
    geometry.srid = 4326
    if geometry.hasz:  # the column is 2-D: a third coordinate would fail in the database
        raise DomainError(ParticipationErrorCode.INVALID_GEOMETRY)
    if geometry.geom_type not in GEOMETRY_TYPES:
        raise DomainError(
            ParticipationErrorCode.INVALID_GEOMETRY,
            gettext_noop("Place a point, draw a line or draw an area on the map."),
        )
    if geometry.num_coords > MAX_VERTICES:
        raise DomainError(
            ParticipationErrorCode.INVALID_GEOMETRY,
            gettext_noop("The drawing has too many points."),
        )
    if geometry.empty or not geometry.valid:
        raise DomainError(
            ParticipationErrorCode.INVALID_GEOMETRY,
            gettext_noop("The drawing is not valid (for example, an area that crosses itself)."),
        )
    if not proceeding.area.covers(geometry):
        raise DomainError(ParticipationErrorCode.OUTSIDE_AREA)
    return geometry


def _check_phase(actor, proceeding: Proceeding, *, contributions: bool) -> Phase:
    phase = proceeding.active_phase()
    allowed = phase is not None and (
        phase.accepts_contributions if contributions else phase.accepts_reactions
    )
    if not allowed:
        if contributions:
            raise DomainError(ParticipationErrorCode.PHASE_CLOSED)
        raise DomainError(
            ParticipationErrorCode.PHASE_CLOSED,
            gettext_noop(
                "This consultation does not accept comments or ratings in its current phase."
            ),
        )
    if not actor.is_authenticated and not phase.allows_anonymous:
        raise DomainError(ParticipationErrorCode.LOGIN_REQUIRED)
    # The checks above name what is missing; the named permission stays the one authority (the
    # same rule the pages use to decide whether to offer the form).
    rule = (
        "participation.add_contribution" if contributions else "participation.react_to_contribution"
    )
    require(actor, rule, proceeding, code=ParticipationErrorCode.PERMISSION_DENIED)
    return phase


def _spam_check(text: str, website: str) -> None:
    if website:
        # The honeypot field is hidden from people; only robots fill it in.
        raise DomainError(ParticipationErrorCode.SPAM_DETECTED)
    if len(LINK.findall(text)) > MAX_LINKS:
        raise DomainError(ParticipationErrorCode.TOO_MANY_LINKS, n=MAX_LINKS)


def submit_contribution(
    *,
    proceeding: Proceeding,
    actor,
    category_id: int,
    text: str,
    geometry: dict | str,
    type: str = "",
    photo: str | bytes | None = None,
    device_token: str = "",
    idempotency: Idempotency | None = None,
    source: str = Source.WEB,
    website: str = "",
    is_demo: bool = False,
) -> tuple[Contribution, bool]:
    """Save a contribution; returns (contribution, created). With an idempotency key, the
    same request by the same caller returns the contribution saved the first time and saves
    nothing new (common/idempotency.py)."""
    text = (text or "").strip()
    request = {
        "proceeding": proceeding.pk,
        "category": category_id,
        "text": text,
        "geometry": geometry,
        "type": type,
        "photo": hashlib.sha256(photo.encode() if isinstance(photo, str) else photo).hexdigest()
        if photo
        else "",
        "source": source,
    }

    def create() -> Contribution:
        return _save_contribution(
            proceeding=proceeding,
            actor=actor,
            category_id=category_id,
            text=text,
            geometry=geometry,
            type=type,
            photo=photo,
            device_token=device_token,
            source=source,
            website=website,
            is_demo=is_demo,
        )

    return run_once(
        action="participation.contribution",
        idempotency=idempotency,
        request=request,
        create=create,
        result_id=lambda contribution: contribution.pk,
        replay=_replayed_contribution,
    )


def _replayed_contribution(contribution_id: int) -> Contribution:
    contribution = Contribution.objects.filter(pk=contribution_id).first()
    if contribution is None:
        raise DomainError(ParticipationErrorCode.CONTRIBUTION_DELETED)
    return contribution


def _save_contribution(
    *,
    proceeding,
    actor,
    category_id,
    text,
    geometry,
    type,
    photo,
    device_token,
    source,
    website,
    is_demo,
) -> Contribution:
    """Check and save one contribution (in the caller's transaction)."""
    phase = _check_phase(actor, proceeding, contributions=True)
    if not text:
        raise DomainError(ParticipationErrorCode.TEXT_REQUIRED)
    if len(text) > MAX_TEXT:
        raise DomainError(ParticipationErrorCode.TEXT_TOO_LONG, n=MAX_TEXT)
    _spam_check(text, website)
    category = Category.objects.filter(proceeding=proceeding, pk=category_id).first()
    if category is None:
        raise DomainError(ParticipationErrorCode.INVALID_CATEGORY)
    if type and type not in ContributionType.values:
        raise DomainError(ParticipationErrorCode.INVALID_TYPE)
    if source not in Source.values:
        raise DomainError(ParticipationErrorCode.INVALID_SOURCE)
    location = parse_geometry(geometry, proceeding)
    since = timezone.now() - DUPLICATE_WINDOW
    recent_texts = Contribution.objects.filter(proceeding=proceeding, created_at__gte=since)
    wanted = _normalised(text)
    if any(_normalised(t) == wanted for t in recent_texts.values_list("text", flat=True)):
        raise DomainError(ParticipationErrorCode.DUPLICATE)
    clean = None
    if photo:
        try:
            raw = decode_data_url(photo) if isinstance(photo, str) else photo
            clean = clean_photo(raw)
        except PhotoError as error:
            raise DomainError(PHOTO_REFUSALS[error.code]) from error
    contribution = Contribution(
        proceeding=proceeding,
        phase=phase,
        category=category,
        type=type,
        text=text,
        geometry=location,
        author=actor if actor.is_authenticated else None,
        device_hash=device_hash(device_token),
        source=source,
        is_demo=is_demo,
    )
    if clean is not None:
        name = f"{uuid.uuid4().hex}.{clean.extension}"
        contribution.photo.save(name, ContentFile(clean.content), save=False)
    contribution.save()
    return contribution


# What common.images refused (ImageErrorCode), in Participa's words and limits.
PHOTO_REFUSALS = {
    "too_large": ParticipationErrorCode.PHOTO_TOO_LARGE,
    "too_many_pixels": ParticipationErrorCode.PHOTO_TOO_MANY_PIXELS,
    "unsupported": ParticipationErrorCode.PHOTO_UNSUPPORTED,
    "not_an_image": ParticipationErrorCode.PHOTO_NOT_AN_IMAGE,
}


@transaction.atomic
def delete_contribution(*, contribution: Contribution, actor, device_token: str = "") -> None:
    """People delete their own contributions (with their comments, ratings and photo)."""
    own_device = (
        bool(contribution.device_hash) and device_hash(device_token) == contribution.device_hash
    )
    if not (actor.has_perm("participation.delete_contribution", contribution) or own_device):
        raise DomainError(ParticipationErrorCode.PERMISSION_DENIED)
    if contribution.photo:
        contribution.photo.delete(save=False)
    contribution.delete()


# --- comments, ratings, reports ------------------------------------------------------------


@transaction.atomic
def add_comment(
    *,
    contribution: Contribution,
    actor,
    text: str,
    parent_id: int | None = None,
    device_token: str = "",
    website: str = "",
) -> Comment:
    _check_phase(actor, contribution.proceeding, contributions=False)
    if contribution.status != Visibility.VISIBLE:
        raise DomainError(ParticipationErrorCode.NOT_FOUND)
    text = (text or "").strip()
    if not text:
        raise DomainError(ParticipationErrorCode.TEXT_REQUIRED)
    if len(text) > MAX_TEXT:
        raise DomainError(ParticipationErrorCode.TEXT_TOO_LONG, n=MAX_TEXT)
    _spam_check(text, website)
    parent = None
    if parent_id is not None:
        parent = Comment.objects.filter(pk=parent_id, contribution=contribution).first()
        if parent is None:
            raise DomainError(ParticipationErrorCode.INVALID_PARENT)
    comment = Comment.objects.create(
        contribution=contribution,
        parent=parent,
        text=text,
        author=actor if actor.is_authenticated else None,
        device_hash=device_hash(device_token),
    )
    notices.commented(comment)
    return comment


@transaction.atomic
def rate(*, contribution: Contribution, actor, value: int, device_token: str = "") -> Rating:
    """Up (+1) or down (-1); rating again replaces the earlier rating of the same person."""
    _check_phase(actor, contribution.proceeding, contributions=False)
    if value not in (1, -1):
        raise DomainError(ParticipationErrorCode.INVALID_RATING)
    if actor.is_authenticated:
        lookup = {"contribution": contribution, "user": actor}
    else:
        token = device_hash(device_token)
        if not token:
            raise DomainError(ParticipationErrorCode.DEVICE_TOKEN_REQUIRED)
        lookup = {"contribution": contribution, "user": None, "device_hash": token}
    rating, _created = Rating.objects.update_or_create(**lookup, defaults={"value": value})
    return rating


@transaction.atomic
def report(
    *, contribution: Contribution, actor, reason: str, comment_id: int | None = None
) -> Report:
    require(actor, "participation.report_contribution", contribution)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(ParticipationErrorCode.REASON_REQUIRED)
    comment = None
    if comment_id is not None:
        comment = Comment.objects.filter(pk=comment_id, contribution=contribution).first()
        if comment is None:
            raise DomainError(ParticipationErrorCode.INVALID_COMMENT)
    return Report.objects.create(
        contribution=contribution,
        comment=comment,
        reason=reason[:500],
        reporter=actor if actor.is_authenticated else None,
    )


# --- moderation ----------------------------------------------------------------------------


MODERATORS_ONLY = gettext_noop("Only the moderators of this consultation can do this.")


@transaction.atomic
def set_visibility(
    *,
    contribution: Contribution,
    moderator,
    visible: bool,
    reason: str = "",
    comment: Comment | None = None,
) -> None:
    """Hide (with a reason, which the author can read) or show again a contribution or comment."""
    require(
        moderator,
        "participation.moderate_proceeding",
        contribution.proceeding,
        code=ParticipationErrorCode.PERMISSION_DENIED,
        message=MODERATORS_ONLY,
    )
    reason = (reason or "").strip()
    if not visible and not reason:
        raise DomainError(
            ParticipationErrorCode.REASON_REQUIRED, gettext_noop("Give the reason for hiding it.")
        )
    target = comment or contribution
    target.status = Visibility.VISIBLE if visible else Visibility.HIDDEN
    target.hidden_reason = "" if visible else reason[:255]
    target.save(update_fields=["status", "hidden_reason"])
    reports = Report.objects.filter(contribution=contribution, resolved_at__isnull=True)
    reports.filter(comment=comment).update(resolved_at=timezone.now())
    ModerationAction.objects.create(
        proceeding=contribution.proceeding,
        contribution=contribution,
        comment=comment,
        moderator=moderator,
        kind=ModerationAction.Kind.SHOW if visible else ModerationAction.Kind.HIDE,
        reason=reason,
    )


@transaction.atomic
def dismiss_reports(*, contribution: Contribution, moderator, reason: str = "") -> int:
    require(
        moderator,
        "participation.moderate_proceeding",
        contribution.proceeding,
        code=ParticipationErrorCode.PERMISSION_DENIED,
        message=MODERATORS_ONLY,
    )
    count = Report.objects.filter(contribution=contribution, resolved_at__isnull=True).update(
        resolved_at=timezone.now()
    )
    ModerationAction.objects.create(
        proceeding=contribution.proceeding,
        contribution=contribution,
        moderator=moderator,
        kind=ModerationAction.Kind.DISMISS,
        reason=reason,
    )
    return count


@transaction.atomic
def give_feedback(*, contribution: Contribution, moderator, status: str, answer: str = "") -> None:
    """Move a contribution along received → under review → taken into account / not, with a
    public answer required for the two final states."""
    require(
        moderator,
        "participation.moderate_proceeding",
        contribution.proceeding,
        code=ParticipationErrorCode.PERMISSION_DENIED,
        message=MODERATORS_ONLY,
    )
    if status not in FeedbackStatus.values:
        raise DomainError(ParticipationErrorCode.INVALID_STATUS)
    answer = (answer or "").strip()
    final = {FeedbackStatus.TAKEN_INTO_ACCOUNT, FeedbackStatus.NOT_TAKEN_INTO_ACCOUNT}
    if status in final and not answer:
        raise DomainError(ParticipationErrorCode.ANSWER_REQUIRED)
    changed = (status, answer) != (contribution.feedback_status, contribution.feedback_answer)
    contribution.feedback_status = status
    contribution.feedback_answer = answer
    contribution.feedback_at = timezone.now()
    contribution.save(update_fields=["feedback_status", "feedback_answer", "feedback_at"])
    ModerationAction.objects.create(
        proceeding=contribution.proceeding,
        contribution=contribution,
        moderator=moderator,
        kind=ModerationAction.Kind.FEEDBACK,
        reason=f"{status}: {answer}",
    )
    if changed:
        notices.answered(contribution)
