"""Municipalities, their official boundaries, and the roles people hold in each."""

from django.conf import settings
from django.contrib.gis.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Municipality(models.Model):
    """A municipality (INEGI code) that takes part in the platform."""

    inegi_code = models.CharField(
        _("INEGI code"),
        max_length=5,
        unique=True,
        help_text=_("Five digits: two for the state and three for the municipality (14039)."),
    )
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    seat = models.PointField(
        _("municipal seat"),
        srid=4326,
        null=True,
        blank=True,
        help_text=_(
            "Approximate location of the municipal seat; used for maps and as a "
            "fallback while official boundaries are not imported."
        ),
    )
    boundary = models.MultiPolygonField(_("official boundary"), srid=4326, null=True, blank=True)
    boundary_source = models.CharField(_("boundary source"), max_length=255, blank=True)
    boundary_imported_at = models.DateTimeField(_("boundary imported at"), null=True, blank=True)
    active = models.BooleanField(_("active on the platform"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self) -> str:
        return self.name

    @property
    def state_code(self) -> str:
        return self.inegi_code[:2]


class Role(models.TextChoices):
    CITIZEN = "citizen", _("Citizen")
    CERTIFIED_EXPERT = "certified_expert", _("Certified expert")
    ARBORIST = "arborist", _("Arborist")
    MUNICIPAL_STAFF = "municipal_staff", _("Municipal staff")
    PLATFORM_ADMIN = "platform_admin", _("Platform administrator")


class RoleAssignment(models.Model):
    """A role a person holds in one municipality (platform administrators hold it everywhere)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="role_assignments",
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("granted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "municipality"], name="unique_role_per_municipality"
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=Q(municipality__isnull=True),
                name="unique_platform_role",
            ),
            # Only the platform administrator is a role without a municipality.
            models.CheckConstraint(
                condition=Q(role="platform_admin", municipality__isnull=True)
                | (~Q(role="platform_admin") & Q(municipality__isnull=False)),
                name="role_scope_matches_role",
            ),
        ]

    def __str__(self) -> str:
        where = self.municipality.name if self.municipality_id else "*"
        return f"{self.user} · {self.get_role_display()} · {where}"
