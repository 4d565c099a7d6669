"""Reads of Participa: lists, GeoJSON, the comment tree, the moderation queue and statistics."""

from collections import Counter, defaultdict

from django.contrib.gis.geos import Polygon
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from metropoli.common.errors import DomainError
from metropoli.territory.models import Role
from metropoli.territory.selectors import is_platform_admin, municipalities_where, municipality_at

from .analysis.hexbins import hexbin
from .analysis.words import word_frequencies
from .errors import ParticipationErrorCode
from .models import (
    Category,
    Comment,
    Contribution,
    Phase,
    Proceeding,
    ProceedingTemplate,
    Visibility,
)


def proceedings() -> QuerySet[Proceeding]:
    return Proceeding.objects.select_related("municipality").prefetch_related("phases")


def proceedings_to_set_up(user) -> QuerySet[Proceeding]:
    """Those the person sets up: their municipalities' and the metropolitan ones they moderate
    (all, for a platform administrator)."""
    if is_platform_admin(user):
        return proceedings()
    staff_of = municipalities_where(user, Role.MUNICIPAL_STAFF)
    return (
        proceedings()
        .filter(Q(municipality__in=staff_of) | Q(municipality__isnull=True, moderators=user))
        .distinct()
    )


def proceeding(slug: str) -> Proceeding:
    found = proceedings().filter(slug=slug).first()
    if found is None:
        raise DomainError(ParticipationErrorCode.NOT_FOUND)
    return found


def proceeding_templates() -> QuerySet[ProceedingTemplate]:
    """Every template (they are shared by all municipalities), with whose it is and how many
    consultations started from it."""
    return ProceedingTemplate.objects.select_related("municipality").annotate(
        started=Count("proceedings")
    )


def proceeding_template(pk: int) -> ProceedingTemplate | None:
    return proceeding_templates().filter(pk=pk).first()


def parse_bbox(value: str | None) -> Polygon | None:
    """'west,south,east,north' in degrees → polygon; raises DomainError on nonsense."""
    if not value:
        return None
    try:
        west, south, east, north = (float(part) for part in value.split(","))
    except ValueError as error:
        raise DomainError(ParticipationErrorCode.INVALID_BBOX) from error
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        raise DomainError(ParticipationErrorCode.INVALID_BBOX)
    return Polygon.from_bbox((west, south, east, north))


def contributions(
    proceeding: Proceeding,
    *,
    category: int | None = None,
    phase: int | None = None,
    bbox: Polygon | None = None,
    include_hidden: bool = False,
) -> QuerySet[Contribution]:
    queryset = (
        Contribution.objects.filter(proceeding=proceeding)
        .select_related("category", "phase", "author")
        .annotate(
            ups=Count("ratings", filter=Q(ratings__value=1), distinct=True),
            downs=Count("ratings", filter=Q(ratings__value=-1), distinct=True),
            comment_count=Count(
                "comments", filter=Q(comments__status=Visibility.VISIBLE), distinct=True
            ),
        )
    )
    if not include_hidden:
        queryset = queryset.filter(status=Visibility.VISIBLE)
    if category is not None:
        queryset = queryset.filter(category_id=category)
    if phase is not None:
        queryset = queryset.filter(phase_id=phase)
    if bbox is not None:
        bbox.srid = 4326
        queryset = queryset.filter(geometry__intersects=bbox)
    return queryset


def contribution(proceeding: Proceeding, pk: int, *, include_hidden: bool = False) -> Contribution:
    found = contributions(proceeding, include_hidden=include_hidden).filter(pk=pk).first()
    if found is None:
        raise DomainError(ParticipationErrorCode.NOT_FOUND)
    return found


def feature(item: Contribution) -> dict:
    """One contribution as a GeoJSON feature, without personal data."""
    return {
        "type": "Feature",
        "id": item.pk,
        "geometry": {
            "type": item.geometry.geom_type,
            "coordinates": item.geometry.coords,
        },
        "properties": {
            "id": item.pk,
            "text": item.text,
            "type": item.type,
            "category_id": item.category_id,
            "category": item.category.name,
            "icon": item.category.icon,
            "colour": item.category.colour,
            "phase": item.phase.kind,
            "kind": item.geometry_kind,
            "feedback_status": item.feedback_status,
            "feedback_answer": item.feedback_answer,
            "ups": getattr(item, "ups", 0),
            "downs": getattr(item, "downs", 0),
            "comments": getattr(item, "comment_count", 0),
            "created": item.created_at.date().isoformat(),
            "demo": item.is_demo,
        },
    }


def feature_collection(queryset) -> dict:
    return {"type": "FeatureCollection", "features": [feature(item) for item in queryset]}


def comment_tree(contribution: Contribution) -> list[dict]:
    """Visible comments as nested {comment, replies} (a hidden comment hides its thread)."""
    children: dict[int | None, list[Comment]] = defaultdict(list)
    for comment in contribution.comments.select_related("author").filter(status=Visibility.VISIBLE):
        children[comment.parent_id].append(comment)

    def build(parent_id, depth):
        return [
            {"comment": c, "depth": depth, "replies": build(c.pk, depth + 1)}
            for c in children.get(parent_id, [])
        ]

    return build(None, 0)


def moderation_queue(proceeding: Proceeding) -> QuerySet[Contribution]:
    """Contributions with open reports first, then hidden ones, then those without an answer."""
    return (
        contributions(proceeding, include_hidden=True)
        .annotate(
            open_reports=Count(
                "reports", filter=Q(reports__resolved_at__isnull=True), distinct=True
            )
        )
        .order_by("-open_reports", "status", "feedback_status", "-created_at")
    )


def my_contributions(user, device: str = "") -> QuerySet[Contribution]:
    condition = Q(pk__in=[])
    if user.is_authenticated:
        condition |= Q(author=user)
    if device:
        condition |= Q(device_hash=device)
    return (
        Contribution.objects.filter(condition)
        .select_related("proceeding", "category")
        .order_by("-created_at")
    )


def statistics(proceeding: Proceeding, *, hex_size_m: float = 250.0) -> dict:
    """Public statistics of the visible contributions."""
    items = list(contributions(proceeding).order_by("created_at"))
    categories = list(Category.objects.filter(proceeding=proceeding))
    per_category = Counter(item.category_id for item in items)
    days = sorted(
        {item.created_at.astimezone(timezone.get_current_timezone()).date() for item in items}
    )
    per_day: dict = {day: Counter() for day in days}
    for item in items:
        per_day[item.created_at.astimezone(timezone.get_current_timezone()).date()][
            item.category_id
        ] += 1
    points = []
    for item in items:
        centre = (
            item.geometry if item.geometry.geom_type == "Point" else item.geometry.point_on_surface
        )
        points.append((centre.x, centre.y))
    bins = hexbin(points, size_m=hex_size_m)
    per_municipality: Counter[str] = Counter()
    exact = True
    for lon, lat in points:
        match = municipality_at(lon=lon, lat=lat)
        if match is None:
            per_municipality[""] += 1
            continue
        per_municipality[match.municipality.name] += 1
        exact = exact and match.exact
    phases = list(Phase.objects.filter(proceeding=proceeding))
    return {
        "total": len(items),
        "categories": [
            {
                "id": c.pk,
                "name": c.name,
                "icon": c.icon,
                "colour": c.colour,
                "count": per_category.get(c.pk, 0),
            }
            for c in categories
        ],
        "per_day": [
            {
                "date": day.isoformat(),
                "counts": {str(c.pk): per_day[day].get(c.pk, 0) for c in categories},
            }
            for day in days
        ],
        "per_phase": [
            {"id": p.pk, "kind": p.kind, "count": sum(1 for i in items if i.phase_id == p.pk)}
            for p in phases
        ],
        "per_kind": dict(Counter(item.geometry_kind for item in items)),
        "hex_size_m": hex_size_m,
        # Colonias are not in the platform yet; municipalities are the finest named area.
        "per_municipality": [
            {"name": name, "count": n}
            for name, n in sorted(per_municipality.items(), key=lambda item: (-item[1], item[0]))
        ],
        "per_municipality_exact": exact,
        "hotspots": [
            {"count": b.count, "outline": [[round(x, 6), round(y, 6)] for x, y in b.outline]}
            for b in bins
        ],
        "words": [{"word": w, "count": n} for w, n in word_frequencies(i.text for i in items)],
    }
