"""DIY air-quality sensors (airRohr firmware), what they post, and what we keep of it."""

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.indexes import BrinIndex
from django.utils.translation import gettext_lazy as _


class Placement(models.TextChoices):
    OUTDOOR = "outdoor", _("Outdoor")
    INDOOR = "indoor", _("Indoor")


class Sensor(models.Model):
    """A station registered by its owner. ``sensor_id`` is the firmware's X-Sensor value."""

    sensor_id = models.CharField(
        _("sensor id"),
        max_length=64,
        unique=True,
        help_text=_("As the firmware names it, e.g. esp8266-3912953 (shown on its start page)."),
    )
    name = models.CharField(_("name"), max_length=80, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="sensors",
    )
    model = models.CharField(
        _("hardware"),
        max_length=120,
        blank=True,
        help_text=_("For example: NodeMCU + SDS011 + BME280."),
    )
    location = models.PointField(_("location"), srid=4326)
    municipality = models.ForeignKey(
        "territory.Municipality",
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="sensors",
    )
    placement = models.CharField(
        _("placement"), max_length=8, choices=Placement.choices, default=Placement.OUTDOOR
    )
    auth_username = models.CharField(_("user for the firmware"), max_length=64, unique=True)
    # SHA-256 of a random 144-bit password (see docs/decisions/0016-sensors-credentials.md);
    # the password itself is shown once and never stored.
    password_hash = models.CharField(max_length=64, verbose_name=_("firmware password (hashed)"))
    # openSenseMap sensor id -> [quantity, unit], for boxes that upload the JSON array.
    opensensemap_sensors = models.JSONField(
        default=dict, blank=True, verbose_name=_("openSenseMap sensor ids")
    )
    active = models.BooleanField(_("accepting data"), default=True)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    last_post_at = models.DateTimeField(_("last report"), null=True, blank=True)
    software_version = models.CharField(_("firmware version"), max_length=64, blank=True)
    # Index of the last complete hour (NOM-172), refreshed once per hour by the ingest service.
    index_hour = models.DateTimeField(
        null=True, blank=True, verbose_name=_("hour of the last index")
    )
    index_category = models.PositiveSmallIntegerField(
        null=True, blank=True, verbose_name=_("last index category")
    )
    index_pollutants = models.CharField(
        max_length=32, blank=True, verbose_name=_("pollutants of the last index")
    )

    class Meta:
        ordering = ["sensor_id"]
        verbose_name = _("sensor")
        verbose_name_plural = _("sensors")

    def __str__(self) -> str:
        return self.name or self.sensor_id


class PostSource(models.TextChoices):
    AIRROHR = "airrohr", _("airRohr custom API")
    OPENSENSEMAP = "opensensemap", _("openSenseMap JSON array")


class Post(models.Model):
    """One accepted request body, exactly as received, with the server's receive time."""

    sensor = models.ForeignKey(Sensor, on_delete=models.CASCADE, related_name="posts")
    received_at = models.DateTimeField()
    source = models.CharField(max_length=16, choices=PostSource.choices)
    software_version = models.CharField(max_length=64, blank=True)
    mac_id = models.CharField(max_length=64, blank=True)
    raw_body = models.TextField()
    # Duplicate detection: the same body from the same sensor within the duplicate window.
    body_sha256 = models.CharField(max_length=64)

    class Meta:
        indexes = [
            models.Index(fields=["sensor", "-received_at"], name="sensors_post_latest"),
            models.Index(fields=["sensor", "body_sha256"], name="sensors_post_digest"),
            # A day of every station (the archive's daily folder): posts arrive in time order,
            # so a block range index is small and cheap to keep up.
            BrinIndex(fields=["received_at"], name="sensors_post_received_brin"),
        ]


class Reading(models.Model):
    """One value of one post. Unknown value types are kept as quantity ``unknown:<type>``."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="readings")
    sensor = models.ForeignKey(Sensor, on_delete=models.CASCADE, related_name="+")
    time = models.DateTimeField()
    quantity = models.CharField(max_length=80)
    unit = models.CharField(max_length=16, blank=True)
    value = models.FloatField(null=True, blank=True)
    value_type = models.CharField(max_length=64)
    raw = models.CharField(max_length=64)

    class Meta:
        indexes = [
            # "Latest per sensor" and "range for one sensor" both walk this index.
            models.Index(fields=["sensor", "quantity", "-time"], name="sensors_reading_range"),
        ]


class HourlyAggregate(models.Model):
    """What stays of raw readings after the retention period: one row per sensor, hour, quantity."""

    sensor = models.ForeignKey(Sensor, on_delete=models.CASCADE, related_name="+")
    hour = models.DateTimeField()
    quantity = models.CharField(max_length=80)
    unit = models.CharField(max_length=16, blank=True)
    count = models.PositiveIntegerField()
    total = models.FloatField()
    minimum = models.FloatField()
    maximum = models.FloatField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["sensor", "quantity", "hour"], name="sensors_hourly_unique"
            ),
        ]

    @property
    def mean(self) -> float:
        return self.total / self.count
