"""Setting a consultation up in the browser: the proceeding and its area, phases, categories
with icons, and the named moderators of a metropolitan one. Each write checks a named
permission and runs in one transaction (docs/decisions/0076-consultation-setup-in-the-browser.md).
"""

import json
import re
import uuid
from urllib.parse import urlsplit

from django.contrib.auth import get_user_model
from django.contrib.gis.gdal import GDALException
from django.contrib.gis.geos import GEOSException, GEOSGeometry
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.timezone import is_naive, make_aware

from metropoli.common.api import require
from metropoli.common.errors import DomainError
from metropoli.common.i18n import gettext_noop

from . import services
from .errors import ParticipationErrorCode
from .icons import MAX_BYTES as ICON_MAX_BYTES
from .icons import MAX_SIDE as ICON_MAX_SIDE
from .icons import IconRefused, clean_icon
from .models import (
    ICON_CHOICES,
    Category,
    ExternalLayer,
    Phase,
    PhaseKind,
    Proceeding,
    ProceedingTemplate,
)

# The stages in the order a consultation goes through them.
STAGES = [PhaseKind.INFORMATION, PhaseKind.CONTRIBUTIONS, PhaseKind.EVALUATION, PhaseKind.RESULTS]
MAX_AREA_VERTICES = 2000
ICON_NAMES = {name for name, _label in ICON_CHOICES}


DENIED = ParticipationErrorCode.PERMISSION_DENIED
STAFF_ONLY = gettext_noop("Only the staff and moderators of this consultation can do this.")


def parse_area(value: str) -> GEOSGeometry:
    """The area drawn on the map (GeoJSON Polygon or MultiPolygon in lon/lat) as a valid
    MultiPolygon, or DomainError."""
    try:
        area = GEOSGeometry(value if isinstance(value, str) else json.dumps(value))
    except (GEOSException, GDALException, ValueError, TypeError) as error:
        raise DomainError(
            ParticipationErrorCode.INVALID_AREA,
            gettext_noop("Draw the area on the map: tap at least three corners."),
        ) from error
    area.srid = 4326
    if area.geom_type not in ("Polygon", "MultiPolygon") or area.hasz:
        raise DomainError(ParticipationErrorCode.INVALID_AREA)
    if area.num_coords > MAX_AREA_VERTICES:
        raise DomainError(
            ParticipationErrorCode.INVALID_AREA, gettext_noop("The drawing has too many points.")
        )
    xmin, ymin, xmax, ymax = area.extent
    if xmin < -180 or xmax > 180 or ymin < -90 or ymax > 90:
        raise DomainError(ParticipationErrorCode.INVALID_AREA)
    if area.empty or not area.valid:
        raise DomainError(
            ParticipationErrorCode.INVALID_AREA,
            gettext_noop("The area crosses itself. Draw its corners in order around it."),
        )
    return services._as_multipolygon(area)


def _text(title: str, description: str) -> tuple[str, str]:
    title, description = (title or "").strip(), (description or "").strip()
    if not title or not description:
        raise DomainError(ParticipationErrorCode.TITLE_REQUIRED)
    return title[:200], description


def open_proceeding(
    *,
    actor,
    municipality,
    title: str,
    description: str,
    area: str,
    slug: str = "",
    area_note: str = "",
    template: ProceedingTemplate | None = None,
) -> Proceeding:
    """A new consultation of `municipality` (None: metropolitan, administrators only); with a
    template, its phases (starting now) and categories too."""
    require(actor, "participation.add_proceeding", municipality, code=DENIED, message=STAFF_ONLY)
    title, description = _text(title, description)
    with transaction.atomic():
        return services.create_proceeding(
            title=title,
            description=description,
            area=parse_area(area),
            municipality=municipality,
            slug=(slug or "").strip().lower(),
            area_note=(area_note or "").strip()[:255],
            template=template,
        )


@transaction.atomic
def update_proceeding(
    *, actor, proceeding: Proceeding, title: str, description: str, area: str, area_note: str = ""
) -> Proceeding:
    require(actor, "participation.change_proceeding", proceeding, code=DENIED, message=STAFF_ONLY)
    proceeding.title, proceeding.description = _text(title, description)
    new_area = parse_area(area)
    outside = proceeding.contributions.exclude(geometry__coveredby=new_area)
    if outside.exists():
        raise DomainError(
            ParticipationErrorCode.INVALID_AREA,
            gettext_noop("Some contributions lie outside the new area. Draw it around them."),
        )
    proceeding.area = new_area
    proceeding.area_note = (area_note or "").strip()[:255]
    proceeding.save(update_fields=["title", "description", "area", "area_note"])
    return proceeding


# --- phases --------------------------------------------------------------------------------


def _moment(value):
    if hasattr(value, "tzinfo"):
        moment = value
    else:
        moment = parse_datetime(value or "") if isinstance(value, str) else None
    if moment is None:
        raise DomainError(ParticipationErrorCode.INVALID_PHASE_DATES)
    return make_aware(moment) if is_naive(moment) else moment


def _label(phase: Phase) -> str:
    return f"{phase.get_kind_display()} ({date_format(phase.start, 'SHORT_DATE_FORMAT')})"


@transaction.atomic
def add_phase(
    *, actor, proceeding: Proceeding, kind: str, start, end, allows_anonymous: bool = False
) -> Phase:
    """A phase that overlaps no other and keeps the stages in order."""
    require(actor, "participation.change_proceeding", proceeding, code=DENIED, message=STAFF_ONLY)
    Proceeding.objects.select_for_update().filter(pk=proceeding.pk).first()
    if kind not in PhaseKind.values:
        raise DomainError(ParticipationErrorCode.INVALID_PHASE_KIND)
    start, end = _moment(start), _moment(end)
    if end <= start:
        raise DomainError(ParticipationErrorCode.INVALID_PHASE_DATES)
    stage = STAGES.index(PhaseKind(kind))
    for other in proceeding.phases.all():
        if other.start < end and start < other.end:
            raise DomainError(ParticipationErrorCode.PHASE_OVERLAP, other=_label(other))
        other_stage = STAGES.index(PhaseKind(other.kind))
        if (other.start < start and other_stage > stage) or (
            other.start > start and other_stage < stage
        ):
            raise DomainError(ParticipationErrorCode.PHASE_ORDER, other=_label(other))
    return Phase.objects.create(
        proceeding=proceeding,
        kind=kind,
        start=start,
        end=end,
        allows_anonymous=bool(allows_anonymous),
    )


@transaction.atomic
def remove_phase(*, actor, phase: Phase) -> None:
    require(
        actor, "participation.change_proceeding", phase.proceeding, code=DENIED, message=STAFF_ONLY
    )
    if phase.contributions.exists():
        raise DomainError(ParticipationErrorCode.IN_USE)
    phase.delete()


# --- categories ----------------------------------------------------------------------------


def icon_refusal() -> DomainError:
    return DomainError(
        ParticipationErrorCode.INVALID_ICON, kb=ICON_MAX_BYTES // 1024, px=ICON_MAX_SIDE
    )


@transaction.atomic
def add_category(
    *,
    actor,
    proceeding: Proceeding,
    name: str,
    icon: str = "idea",
    colour: str = "#2e7d32",
    description: str = "",
    icon_upload: bytes | None = None,
) -> Category:
    """A category with an icon of the vendored set, or an uploaded SVG / PNG (checked)."""
    require(actor, "participation.change_proceeding", proceeding, code=DENIED, message=STAFF_ONLY)
    name = (name or "").strip()[:80]
    if not name:
        raise DomainError(ParticipationErrorCode.TEXT_REQUIRED)
    if icon not in ICON_NAMES:
        icon = "idea"
    clean = None
    if icon_upload:
        try:
            clean = clean_icon(icon_upload)
        except IconRefused as error:
            raise icon_refusal() from error
    if proceeding.categories.filter(name__iexact=name).exists():
        raise DomainError(ParticipationErrorCode.CATEGORY_NAME_TAKEN)
    order = proceeding.categories.count()
    try:
        with transaction.atomic():
            category = services.add_category(
                proceeding=proceeding,
                name=name,
                icon=icon,
                colour=(colour or "").strip() or "#2e7d32",
                description=(description or "").strip()[:255],
                order=order,
            )
    except IntegrityError as error:
        raise DomainError(ParticipationErrorCode.CATEGORY_NAME_TAKEN) from error
    if clean is not None:
        category.icon_file.save(
            f"{uuid.uuid4().hex}.{clean.extension}", ContentFile(clean.content), save=True
        )
    return category


@transaction.atomic
def remove_category(*, actor, category: Category) -> None:
    require(
        actor,
        "participation.change_proceeding",
        category.proceeding,
        code=DENIED,
        message=STAFF_ONLY,
    )
    if category.contributions.exists():
        raise DomainError(ParticipationErrorCode.IN_USE)
    if category.icon_file:
        category.icon_file.delete(save=False)
    category.delete()


# --- map layers of other servers (WMS, WFS, GeoJSON) -------------------------------------------

MAX_EXTERNAL_LAYERS = 10
LAYER_NAME = re.compile(r"^[A-Za-z0-9_.:,-]{1,120}$")


@transaction.atomic
def add_external_layer(
    *, actor, proceeding: Proceeding, name: str, kind: str, url: str, layer_name: str = "",
    attribution: str = "",
) -> ExternalLayer:  # fmt: skip
    """A layer the consultation's map loads from another server, in the citizen's browser (the
    page's Content-Security-Policy admits its origin). Only https:// addresses with no
    credentials: the address is shown to everyone."""
    require(actor, "participation.change_proceeding", proceeding, code=DENIED, message=STAFF_ONLY)
    name, url, layer_name = (
        (name or "").strip()[:120],
        (url or "").strip(),
        (layer_name or "").strip(),
    )
    if not name:
        raise DomainError(ParticipationErrorCode.TEXT_REQUIRED, on_field="name")
    if kind not in ExternalLayer.Kind.values:
        raise DomainError(ParticipationErrorCode.INVALID_TYPE, on_field="kind")
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname or "@" in parts.netloc or len(url) > 500:
        raise DomainError(ParticipationErrorCode.INVALID_LAYER_URL, on_field="url")
    if kind != ExternalLayer.Kind.GEOJSON and not LAYER_NAME.match(layer_name):
        raise DomainError(ParticipationErrorCode.LAYER_NAME_REQUIRED, on_field="layer_name")
    layers = ExternalLayer.objects.select_for_update().filter(proceeding=proceeding)
    count = len(layers)
    if count >= MAX_EXTERNAL_LAYERS:
        raise DomainError(ParticipationErrorCode.TOO_MANY_LAYERS, n=MAX_EXTERNAL_LAYERS)
    return ExternalLayer.objects.create(
        proceeding=proceeding,
        name=name,
        kind=kind,
        url=url,
        layer_name=layer_name if kind != ExternalLayer.Kind.GEOJSON else "",
        attribution=(attribution or "").strip()[:255],
        order=count,
    )


@transaction.atomic
def remove_external_layer(*, actor, layer: ExternalLayer) -> None:
    require(actor, "participation.change_proceeding", layer.proceeding, code=DENIED,
            message=STAFF_ONLY)  # fmt: skip
    layer.delete()


# --- named moderators of a metropolitan proceeding -----------------------------------------


@transaction.atomic
def name_moderator(*, actor, proceeding: Proceeding, email: str):
    require(actor, "participation.name_moderators", proceeding, code=DENIED, message=STAFF_ONLY)
    if proceeding.municipality_id is not None:
        raise DomainError(ParticipationErrorCode.INVALID_ACTION)
    person = get_user_model().objects.filter(email__iexact=(email or "").strip()).first()
    if person is None:
        raise DomainError(ParticipationErrorCode.UNKNOWN_PERSON)
    proceeding.moderators.add(person)
    return person


@transaction.atomic
def remove_moderator(*, actor, proceeding: Proceeding, user_id: int) -> None:
    require(actor, "participation.name_moderators", proceeding, code=DENIED, message=STAFF_ONLY)
    proceeding.moderators.remove(user_id)
