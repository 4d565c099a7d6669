"""Couriers: a delivery method (independent, cooperative, public transport) of one market."""

from django.conf import settings
from django.contrib.gis.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from metropoli.territory.models import Municipality

from .market import Market


class CourierKind(models.TextChoices):
    INDEPENDENT = "independent", _("Independent courier")
    COOPERATIVE = "cooperative", _("Cooperative")
    PUBLIC_TRANSPORT = "public_transport", _("Public-transport operator")


class CourierStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Not approved")


class Courier(models.Model):
    """A delivery method registered with one market; its staff approve it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="courier_registrations",
    )
    market = models.ForeignKey(
        Market, verbose_name=_("market"), on_delete=models.CASCADE, related_name="couriers"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=CourierKind.choices)
    organisation = models.CharField(_("cooperative or transport line"), max_length=120, blank=True)
    phone = models.CharField(_("phone"), max_length=30)
    route = models.LineStringField(_("route"), srid=4326, null=True, blank=True)
    stops = models.MultiPointField(_("stops"), srid=4326, null=True, blank=True)
    route_buffer_m = models.PositiveIntegerField(
        _("serves addresses within (m) of the route"), default=500
    )
    status = models.CharField(
        _("status"), max_length=10, choices=CourierStatus.choices, default=CourierStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    class Meta:
        ordering = ["market", "-created_at"]
        verbose_name = _("courier")
        verbose_name_plural = _("couriers")
        constraints = [
            models.UniqueConstraint(fields=["user", "market"], name="unique_courier_per_market"),
            models.CheckConstraint(
                condition=~Q(kind="public_transport") | Q(route__isnull=False),
                name="public_transport_courier_has_route",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_kind_display()} · {self.market}"

    @property
    def municipality(self) -> Municipality:
        return self.market.municipality
