"""The `contributions` collection: public contributions of open Participa consultations."""

from __future__ import annotations

from django.contrib.gis.db.models import Extent
from django.db.models import Count, Max, Min, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from metropoli.common.params import whole_number
from metropoli.participation.models import (
    Contribution,
    ContributionType,
    FeedbackStatus,
    Proceeding,
    Visibility,
)
from metropoli.participation.selectors import feature as contribution_feature
from metropoli.territory.amg import METRO_BBOX

from .base import (
    BOOLEAN,
    INTEGER,
    STRING,
    Collection,
    Queryable,
    _choice,
    _geojson,
)
from .params import invalid

# --- contributions ---------------------------------------------------------------------------


class Contributions(Collection):
    id = "contributions"
    page = "participation:home"
    title = gettext_lazy("Consultation contributions")
    description = gettext_lazy(
        "What people placed on the maps of Participa's consultations (points, lines and "
        "areas), with the planners' answer. Only contributions visible to the public; no "
        "author, no photo."
    )
    geometry_field = "geometry"
    points = False
    temporal_field = "created_at"
    queryables = (
        Queryable(
            "proceeding",
            gettext_lazy("Short names of consultations, comma-separated."),
            STRING,
        ),
        Queryable("category", gettext_lazy("Number of a category."), INTEGER),
        Queryable(
            "type",
            gettext_lazy("Types, comma-separated: proposal, problem, question, praise."),
            STRING,
        ),
        Queryable(
            "feedback_status",
            gettext_lazy(
                "Answer states, comma-separated: received, under_review, taken_into_account, "
                "not_taken_into_account."
            ),
            STRING,
        ),
    )
    properties_schema = {
        "id": INTEGER,
        "proceeding": STRING,
        "proceeding_title": STRING,
        "text": STRING,
        "type": STRING,
        "category_id": INTEGER,
        "category": STRING,
        "icon": STRING,
        "colour": STRING,
        "phase": STRING,
        "kind": STRING,
        "feedback_status": STRING,
        "feedback_answer": STRING,
        "ups": INTEGER,
        "downs": INTEGER,
        "comments": INTEGER,
        "created": {"type": "string", "format": "date"},
        "demo": BOOLEAN,
    }

    def public(self):
        # participation.selectors.contributions(), for every consultation at once: visible
        # contributions only, with their public counts.
        return (
            Contribution.objects.filter(status=Visibility.VISIBLE)
            .select_related("category", "phase", "proceeding")
            .defer("proceeding__area")  # the consultation's area is no contribution's business
            .annotate(
                ups=Count("ratings", filter=Q(ratings__value=1), distinct=True),
                downs=Count("ratings", filter=Q(ratings__value=-1), distinct=True),
                comment_count=Count(
                    "comments", filter=Q(comments__status=Visibility.VISIBLE), distinct=True
                ),
            )
        )

    def filter(self, qs, values):
        if "proceeding" in values:
            wanted = [s.strip() for s in values["proceeding"].split(",") if s.strip()]
            found = set(Proceeding.objects.filter(slug__in=wanted).values_list("slug", flat=True))
            missing = [slug[:80] for slug in wanted if slug not in found]
            if missing:
                raise invalid(
                    "invalid_filter",
                    _("Unknown consultation: %(slugs)s.") % {"slugs": ", ".join(missing)},
                )
            qs = qs.filter(proceeding__slug__in=wanted)
        if "category" in values:
            value = values["category"]
            category = whole_number(value)
            if category is None or category > 999_999_999:
                raise invalid("invalid_filter", _("category must be the number of a category."))
            qs = qs.filter(category_id=category)
        if "type" in values:
            qs = qs.filter(type__in=_choice(values["type"], ContributionType.values, "type"))
        if "feedback_status" in values:
            qs = qs.filter(
                feedback_status__in=_choice(
                    values["feedback_status"], FeedbackStatus.values, "feedback_status"
                )
            )
        return qs

    def geometry(self, row):
        return _geojson(row.geometry)

    def properties(self, row):
        properties = contribution_feature(row)["properties"]
        return {
            "id": properties.pop("id"),
            "proceeding": row.proceeding.slug,
            "proceeding_title": row.proceeding.title,
            **properties,
        }

    def html_url(self, row):
        return reverse(
            "participation:contribution", kwargs={"slug": row.proceeding.slug, "pk": row.pk}
        )

    def spatial_extent(self):
        box = Contribution.objects.filter(status=Visibility.VISIBLE).aggregate(
            box=Extent("geometry")
        )["box"]
        return list(box) if box else list(METRO_BBOX)

    def temporal_extent(self):
        found = Contribution.objects.filter(status=Visibility.VISIBLE).aggregate(
            first=Min("created_at"), last=Max("created_at")
        )
        return [found["first"], found["last"]]
