"""Participa: consultations (proceedings) with phases, and what people place on the map."""

from urllib.parse import quote

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.contrib.gis.db import models
from django.db.models import Q
from django.templatetags.static import static
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Paths under /participa/ that are pages of their own, so no proceeding may use them as slug.
RESERVED_SLUGS = {
    "mesa",
    "privacidad",
    "mis-aportaciones",
    "api",
    "gestion",
    "avisos",
    "plantillas",
}


class PhaseKind(models.TextChoices):
    INFORMATION = "information", _("Information")
    CONTRIBUTIONS = "contributions", _("Contributions")
    EVALUATION = "evaluation", _("Evaluation")
    RESULTS = "results", _("Results")


class ContributionType(models.TextChoices):
    PROPOSAL = "proposal", _("Proposal")
    PROBLEM = "problem", _("Problem")
    QUESTION = "question", _("Question")
    PRAISE = "praise", _("Praise")


class Visibility(models.TextChoices):
    VISIBLE = "visible", _("Visible")
    HIDDEN = "hidden", _("Hidden by moderation")


class FeedbackStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    UNDER_REVIEW = "under_review", _("Under review")
    TAKEN_INTO_ACCOUNT = "taken_into_account", _("Taken into account")
    NOT_TAKEN_INTO_ACCOUNT = "not_taken_into_account", _("Not taken into account")


class Source(models.TextChoices):
    WEB = "web", _("Web")
    TABLE = "table", _("Interactive table")


# Icons shipped in static/participation/icons/<name>.svg.
ICON_CHOICES = [
    ("tree", _("Tree")),
    ("shade", _("Shade")),
    ("walk", _("Walking")),
    ("bike", _("Cycling")),
    ("bus", _("Public transport")),
    ("water", _("Water")),
    ("bench", _("Seating")),
    ("light", _("Lighting")),
    ("warning", _("Hazard")),
    ("idea", _("Idea")),
]


class ProceedingTemplate(models.Model):
    """A reusable recipe: which phases (and how long) and which categories a proceeding gets."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    # [{"kind": "contributions", "days": 30, "allows_anonymous": true}, ...]
    phases = models.JSONField(_("phases"), default=list)
    # [{"name": ..., "icon": ..., "colour": "#RRGGBB", "description": ...}, ...]
    categories = models.JSONField(_("categories"), default=list)
    # Whose staff saved it, and may correct or delete it; none: the platform's own (the demo,
    # loaded ones, those of metropolitan consultations), changed by platform administrators.
    municipality = models.ForeignKey(
        "territory.Municipality",
        verbose_name=_("saved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proceeding_templates",
    )
    # The version an edit is made from (common/stale.py): a stale one is refused.
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("proceeding template")
        verbose_name_plural = _("proceeding templates")

    def __str__(self) -> str:
        return self.name


class Proceeding(models.Model):
    """A map-based consultation owned by one municipality or by the metro area (no municipality)."""

    municipality = models.ForeignKey(
        "territory.Municipality",
        verbose_name=_("owner municipality"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proceedings",
        help_text=_("Leave empty for a metropolitan proceeding."),
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    description = models.TextField(_("description"))
    area = models.MultiPolygonField(_("area of interest"), srid=4326)
    template = models.ForeignKey(
        ProceedingTemplate,
        verbose_name=_("template"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proceedings",
    )
    area_note = models.CharField(_("note on the area"), max_length=255, blank=True)
    # Named moderators of a metropolitan proceeding (a municipal one: its municipality's staff).
    moderators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderators"),
        blank=True,
        related_name="moderated_proceedings",
    )
    table_pin_hash = models.CharField(_("facilitator PIN (hashed)"), max_length=128, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "title"]
        verbose_name = _("proceeding")
        verbose_name_plural = _("proceedings")

    def __str__(self) -> str:
        return self.title

    def active_phase(self, at=None) -> "Phase | None":
        at = at or timezone.now()
        return self.phases.filter(start__lte=at, end__gt=at).order_by("start").first()

    @property
    def owner_name(self) -> str:
        return self.municipality.name if self.municipality_id else str(_("Metropolitan area"))


class Phase(models.Model):
    """A period of a proceeding; the phase active now decides what people can do."""

    proceeding = models.ForeignKey(
        Proceeding, verbose_name=_("proceeding"), on_delete=models.CASCADE, related_name="phases"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=PhaseKind.choices)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    allows_anonymous = models.BooleanField(
        _("anonymous participation allowed"),
        default=False,
        help_text=_("People may contribute, comment and rate without an account."),
    )

    class Meta:
        ordering = ["start"]
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="phase_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.proceeding} · {self.get_kind_display()}"

    @property
    def accepts_contributions(self) -> bool:
        return self.kind == PhaseKind.CONTRIBUTIONS

    @property
    def accepts_reactions(self) -> bool:
        """Comments and ratings: while collecting contributions and while they are evaluated."""
        return self.kind in (PhaseKind.CONTRIBUTIONS, PhaseKind.EVALUATION)


class Category(models.Model):
    """What a contribution is about; shown as icon + name + colour (never colour alone)."""

    proceeding = models.ForeignKey(
        Proceeding,
        verbose_name=_("proceeding"),
        on_delete=models.CASCADE,
        related_name="categories",
    )
    name = models.CharField(_("name"), max_length=80)
    icon = models.CharField(_("icon"), max_length=20, choices=ICON_CHOICES, default="idea")
    # An SVG or PNG uploaded by the consultation's staff (checked by icons.py); wins over `icon`.
    icon_file = models.FileField(_("own icon"), upload_to="participation/icons/", blank=True)
    colour = models.CharField(_("colour"), max_length=7, default="#2e7d32")
    description = models.CharField(_("description"), max_length=255, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        constraints = [
            models.UniqueConstraint(fields=["proceeding", "name"], name="unique_category_name")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def icon_url(self) -> str:
        if self.icon_file:
            return self.icon_file.url
        return static(f"participation/icons/{self.icon}.svg")


class Contribution(models.Model):
    """Something placed on the map: a point, a line or an area, with a category and text."""

    proceeding = models.ForeignKey(
        Proceeding,
        verbose_name=_("proceeding"),
        on_delete=models.CASCADE,
        related_name="contributions",
    )
    phase = models.ForeignKey(
        Phase, verbose_name=_("phase"), on_delete=models.PROTECT, related_name="contributions"
    )
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="contributions"
    )
    type = models.CharField(_("type"), max_length=20, choices=ContributionType.choices, blank=True)
    text = models.TextField(_("text"))
    geometry = models.GeometryField(_("location"), srid=4326)
    photo = models.ImageField(_("photo"), upload_to="participation/%Y/%m/", blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="participation_contributions",
    )
    # SHA-256 of the random token an anonymous browser keeps; lets it find its own contributions.
    device_hash = models.CharField(
        max_length=64, blank=True, db_index=True, verbose_name=_("device (hashed)")
    )
    source = models.CharField(
        _("source"), max_length=10, choices=Source.choices, default=Source.WEB
    )
    status = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.VISIBLE
    )
    hidden_reason = models.CharField(_("reason for hiding"), max_length=255, blank=True)
    feedback_status = models.CharField(
        _("feedback status"),
        max_length=30,
        choices=FeedbackStatus.choices,
        default=FeedbackStatus.RECEIVED,
    )
    feedback_answer = models.TextField(_("public answer"), blank=True)
    feedback_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    # Its notifications (notifications app), deleted with it.
    notifications = GenericRelation(
        "notifications.Notification",
        verbose_name=_("notifications"),
        content_type_field="about_type",
        object_id_field="about_id",
        related_query_name="contribution",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")

    def __str__(self) -> str:
        return f"#{self.pk} {self.text[:40]}"

    @property
    def municipality(self):
        return self.proceeding.municipality

    @property
    def geometry_kind(self) -> str:
        return {"Point": "point", "LineString": "line", "Polygon": "area"}.get(
            self.geometry.geom_type, self.geometry.geom_type.lower()
        )


class Comment(models.Model):
    """A reply to a contribution or to another comment (threaded)."""

    contribution = models.ForeignKey(
        Contribution,
        verbose_name=_("contribution"),
        on_delete=models.CASCADE,
        related_name="comments",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("in reply to"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="replies",
    )
    text = models.TextField(_("text"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="participation_comments",
    )
    device_hash = models.CharField(max_length=64, blank=True, verbose_name=_("device (hashed)"))
    status = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.VISIBLE
    )
    hidden_reason = models.CharField(_("reason for hiding"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self) -> str:
        return self.text[:40]

    @property
    def municipality(self):
        return self.contribution.proceeding.municipality


class Rating(models.Model):
    """Up (+1) or down (-1); one per person, or per anonymous browser."""

    contribution = models.ForeignKey(
        Contribution,
        verbose_name=_("contribution"),
        on_delete=models.CASCADE,
        related_name="ratings",
    )
    value = models.SmallIntegerField(_("value"), choices=[(1, _("Up")), (-1, _("Down"))])
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    device_hash = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [
            models.UniqueConstraint(
                fields=["contribution", "user"],
                condition=Q(user__isnull=False),
                name="one_rating_per_person",
            ),
            models.UniqueConstraint(
                fields=["contribution", "device_hash"],
                condition=Q(user__isnull=True),
                name="one_rating_per_device",
            ),
            models.CheckConstraint(condition=Q(value__in=[1, -1]), name="rating_is_up_or_down"),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(device_hash=""), name="rating_has_rater"
            ),
        ]


class Report(models.Model):
    """A flag raised by somebody on a contribution or a comment, for the moderators."""

    contribution = models.ForeignKey(
        Contribution,
        verbose_name=_("contribution"),
        on_delete=models.CASCADE,
        related_name="reports",
    )
    comment = models.ForeignKey(
        Comment,
        verbose_name=_("comment"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reports",
    )
    reason = models.CharField(_("reason"), max_length=500)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reported by"),
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")


class ModerationAction(models.Model):
    """The log of what moderators did and why."""

    class Kind(models.TextChoices):
        HIDE = "hide", _("Hidden")
        SHOW = "show", _("Shown again")
        FEEDBACK = "feedback", _("Feedback given")
        DISMISS = "dismiss", _("Reports dismissed")

    proceeding = models.ForeignKey(
        Proceeding,
        on_delete=models.CASCADE,
        related_name="moderation_actions",
        verbose_name=_("consultation"),
    )
    contribution = models.ForeignKey(
        Contribution,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("contribution"),
    )
    comment = models.ForeignKey(
        Comment,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("comment"),
    )
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("moderator"),
    )
    kind = models.CharField(_("action"), max_length=10, choices=Kind.choices)
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("moderation action")
        verbose_name_plural = _("moderation actions")


class ExternalLayer(models.Model):
    """A map layer from another server shown with a proceeding (OGC WMS / WFS, or GeoJSON)."""

    class Kind(models.TextChoices):
        WMS = "wms", "OGC WMS"
        WFS = "wfs", "OGC WFS"
        GEOJSON = "geojson", "GeoJSON"

    proceeding = models.ForeignKey(
        Proceeding, on_delete=models.CASCADE, related_name="external_layers"
    )
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    url = models.URLField(_("address"), max_length=500)
    layer_name = models.CharField(
        _("layer or feature type"),
        max_length=120,
        blank=True,
        help_text=_("WMS layer name or WFS feature type name."),
    )
    attribution = models.CharField(_("attribution"), max_length=255, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("external layer")
        verbose_name_plural = _("external layers")

    def __str__(self) -> str:
        return self.name

    def tile_or_data_url(self) -> str:
        """The URL a map client loads: a WMS GetMap template, a WFS GetFeature, or the GeoJSON."""
        join = "&" if "?" in self.url else "?"
        layer = quote(self.layer_name, safe=":,")  # never a parameter of its own (&…)
        if self.kind == self.Kind.WMS:
            return (
                f"{self.url}{join}service=WMS&request=GetMap&version=1.1.1&layers={layer}"
                "&styles=&format=image/png&transparent=true&srs=EPSG:3857&width=256&height=256"
                "&bbox={bbox-epsg-3857}"
            )
        if self.kind == self.Kind.WFS:
            return (
                f"{self.url}{join}service=WFS&request=GetFeature&version=2.0.0"
                f"&typeNames={layer}&outputFormat=application/json&srsName=EPSG:4326"
            )
        return self.url


class NotificationPreference(models.Model):
    """Whether a participant wants to hear (e-mail and in the app) when their contributions are
    answered or commented on. Off until they tick it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="participation_preference"
    )
    notify_replies = models.BooleanField(
        _("tell me when my contributions are answered or commented on"), default=False
    )

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
