"""Markets, their staff, stalls and the people who run them."""

from datetime import date

from django.conf import settings
from django.contrib.gis.db import models
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from metropoli.territory.models import Municipality

from ..pickup import MAX_DAYS_AHEAD, WEEKDAYS

QUANTITY = {"max_digits": 10, "decimal_places": 3}
MONEY = {"max_digits": 10, "decimal_places": 2}


def all_weekdays() -> list[int]:
    return list(WEEKDAYS)


def pickup_day_label(day: date, *, relative: bool = False) -> str:
    """«martes 10 de junio» (es-MX) / «Tuesday June 10» (en); «Hoy, …» when relative."""
    label = f"{formats.date_format(day, 'l')} {formats.date_format(day, 'MONTH_DAY_FORMAT')}"
    if relative:
        offset = (day - timezone.localdate()).days
        if offset == 0:
            return gettext("Today, %(day)s") % {"day": label}
        if offset == 1:
            return gettext("Tomorrow, %(day)s") % {"day": label}
    return label


class Market(models.Model):
    """A municipal market; municipal staff create it and market staff set it up in the browser."""

    municipality = models.ForeignKey(
        Municipality, verbose_name=_("municipality"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    address = models.CharField(_("address"), max_length=255)
    location = models.PointField(_("location"), srid=4326)
    opening_hours = models.CharField(_("opening hours"), max_length=255, blank=True)
    description = models.TextField(_("description"), blank=True)
    photo = models.ImageField(_("photo"), upload_to="markets/markets/", blank=True)
    photo_thumbnail = models.ImageField(
        _("photo thumbnail"), upload_to="markets/markets/", blank=True
    )
    delivery_fee_bands = models.JSONField(
        _("delivery fee bands"),
        default=list,
        blank=True,
        help_text=_(
            'Up to which distance (km) each fee (MXN) applies, e.g. [{"max_km": "2", "fee": '
            '"25"}, {"max_km": "5", "fee": "45"}]. Empty: no delivery, pickup only.'
        ),
    )
    pickup_slots = models.JSONField(
        _("pickup slots"),
        default=list,
        blank=True,
        help_text=_('Time slots for pickup, e.g. ["09:00-11:00", "11:00-13:00"].'),
    )
    open_weekdays = models.JSONField(
        _("opening days"),
        default=all_weekdays,
        blank=True,
        help_text=_("Days of the week the market opens for pickup (0 = Monday … 6 = Sunday)."),
    )
    pickup_days_ahead = models.PositiveSmallIntegerField(
        _("pickup days ahead"),
        default=7,
        validators=[MaxValueValidator(MAX_DAYS_AHEAD)],
        help_text=_("How many days ahead shoppers can choose for pickup (0: today only)."),
    )
    pickup_slot_capacity = models.PositiveIntegerField(
        _("pickup orders per slot"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Most pickup orders per slot and day; empty: no limit."),
    )
    answer_minutes = models.PositiveSmallIntegerField(
        _("minutes a stall has to answer an order"),
        default=120,
        validators=[MinValueValidator(15), MaxValueValidator(1440)],
        help_text=_(
            "A stall's part of an order not accepted within this time is cancelled and the "
            "shopper is told (docs/decisions/0074-stall-answer-deadline.md)."
        ),
    )
    active = models.BooleanField(_("open online"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("market")
        verbose_name_plural = _("markets")

    def __str__(self) -> str:
        return self.name


class MarketStaff(models.Model):
    """A person who administers one market (approves couriers, watches every order)."""

    market = models.ForeignKey(
        Market, verbose_name=_("market"), on_delete=models.CASCADE, related_name="staff"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="market_staff_roles",
    )

    class Meta:
        verbose_name = _("market staff member")
        verbose_name_plural = _("market staff")
        constraints = [
            models.UniqueConstraint(fields=["market", "user"], name="unique_market_staff")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.market}"


class Stall(models.Model):
    market = models.ForeignKey(
        Market, verbose_name=_("market"), on_delete=models.CASCADE, related_name="stalls"
    )
    name = models.CharField(_("locatario (display name)"), max_length=120)
    number = models.CharField(_("stall number"), max_length=20, blank=True)
    giro = models.CharField(_("line of business (giro)"), max_length=120)
    phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    email = models.EmailField(_("contact e-mail"), blank=True)
    active = models.BooleanField(_("selling online"), default=True)

    class Meta:
        ordering = ["market", "name"]
        verbose_name = _("stall")
        verbose_name_plural = _("stalls")

    def __str__(self) -> str:
        return f"{self.name} ({self.market})"

    @property
    def municipality(self) -> Municipality:
        return self.market.municipality


class StallMember(models.Model):
    """A person who runs a stall: sets prices and stock, accepts orders."""

    stall = models.ForeignKey(
        Stall, verbose_name=_("stall"), on_delete=models.CASCADE, related_name="members"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="stall_memberships",
    )

    class Meta:
        verbose_name = _("stall member")
        verbose_name_plural = _("stall members")
        constraints = [
            models.UniqueConstraint(fields=["stall", "user"], name="unique_stall_member")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.stall}"
