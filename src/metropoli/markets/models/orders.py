"""Orders: one per checkout, a part per stall, its lines and its status history."""

import secrets
import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.contrib.gis.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from metropoli.territory.models import Municipality

from .catalogue import Product, SaleUnit
from .market import MONEY, QUANTITY, Market, Stall, pickup_day_label


class Method(models.TextChoices):
    DELIVERY = "delivery", _("Home delivery")
    PICKUP = "pickup", _("Pickup at the market")


class Payment(models.TextChoices):
    ON_DELIVERY = "on_delivery", _("Pay on delivery")
    AT_PICKUP = "at_pickup", _("Pay at pickup")


class Status(models.TextChoices):
    PLACED = "placed", _("Placed, waiting for the stalls")
    ACCEPTED = "accepted", _("Accepted, being prepared")
    READY = "ready", _("Ready")
    ON_THE_WAY = "on_the_way", _("On the way")
    DELIVERED = "delivered", _("Delivered")
    COLLECTED = "collected", _("Picked up")
    REJECTED = "rejected", _("Rejected by the stalls")
    CANCELLED = "cancelled", _("Cancelled")


FINAL_STATUSES = {Status.DELIVERED, Status.COLLECTED, Status.REJECTED, Status.CANCELLED}


def new_handover_code() -> str:
    return f"{secrets.randbelow(10**6):06d}"


class Order(models.Model):
    # The public id names the order to stalls and couriers; the access key opens the shopper's
    # page (with the hand-over code), so whoever carries the order cannot read the code.
    public_id = models.UUIDField(
        default=uuid.uuid4, unique=True, editable=False, verbose_name=_("public identifier")
    )
    access_key = models.UUIDField(
        default=uuid.uuid4, unique=True, editable=False, verbose_name=_("shopper's access key")
    )
    market = models.ForeignKey(
        Market, verbose_name=_("market"), on_delete=models.PROTECT, related_name="orders"
    )
    shopper = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("shopper"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="market_orders",
    )
    # Guests give only what the stall and courier need to hand over the order.
    contact_name = models.CharField(_("name"), max_length=120)
    contact_phone = models.CharField(_("phone"), max_length=30)
    contact_email = models.EmailField(_("e-mail"), blank=True)
    method = models.CharField(_("method"), max_length=10, choices=Method.choices)
    payment = models.CharField(_("payment"), max_length=12, choices=Payment.choices)
    address = models.CharField(_("delivery address"), max_length=255, blank=True)
    location = models.PointField(_("delivery point"), srid=4326, null=True, blank=True)
    distance_km = models.DecimalField(
        _("distance (km)"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    pickup_date = models.DateField(_("pickup day"), null=True, blank=True)
    pickup_slot = models.CharField(_("pickup slot"), max_length=40, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PLACED, db_index=True
    )
    subtotal = models.DecimalField(_("subtotal"), **MONEY)
    delivery_fee = models.DecimalField(_("delivery fee"), **MONEY, default=0)
    total = models.DecimalField(_("total"), **MONEY)
    handover_code = models.CharField(
        _("hand-over code"), max_length=6, default=new_handover_code, editable=False
    )
    courier = models.ForeignKey(
        "Courier",
        verbose_name=_("courier"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="orders",
    )
    created_at = models.DateTimeField(_("placed at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Its notifications (notifications app), deleted with it.
    notifications = GenericRelation(
        "notifications.Notification",
        verbose_name=_("notifications"),
        content_type_field="about_type",
        object_id_field="about_id",
        related_query_name="order",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = pgettext_lazy("purchase", "order")
        verbose_name_plural = _("orders")
        constraints = [
            models.CheckConstraint(
                condition=(Q(method="delivery") & Q(location__isnull=False) & ~Q(address=""))
                | (Q(method="pickup") & ~Q(pickup_slot="") & Q(pickup_date__isnull=False)),
                name="order_method_has_destination",
            ),
        ]
        indexes = [
            # Counting the orders of a pickup slot (capacity) and listing a day's pickups.
            models.Index(
                fields=["market", "pickup_date", "pickup_slot"], name="order_pickup_slot_idx"
            ),
        ]

    def __str__(self) -> str:
        return _("Order %(number)s") % {"number": self.number}

    @property
    def number(self) -> str:
        return f"M-{self.pk:06d}" if self.pk else "M-?"

    @property
    def municipality(self) -> Municipality:
        return self.market.municipality

    @property
    def pickup_label(self) -> str:
        """«martes 10 de junio · 09:00-11:00», for pages and e-mails."""
        if self.pickup_date is None:
            return self.pickup_slot
        return f"{pickup_day_label(self.pickup_date)} · {self.pickup_slot}"

    @property
    def pickup_when(self) -> str:
        """The same with «Hoy» / «Mañana» for today and tomorrow, for live pages."""
        if self.pickup_date is None:
            return self.pickup_slot
        return f"{pickup_day_label(self.pickup_date, relative=True)} · {self.pickup_slot}"


class PartStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the stall")
    ACCEPTED = "accepted", _("Accepted")
    READY = "ready", _("Ready")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")


class OrderPart(models.Model):
    """The share of an order that one stall prepares; each stall accepts its own part."""

    order = models.ForeignKey(
        Order,
        verbose_name=pgettext_lazy("purchase", "order"),
        on_delete=models.CASCADE,
        related_name="parts",
    )
    stall = models.ForeignKey(
        Stall, verbose_name=_("stall"), on_delete=models.PROTECT, related_name="order_parts"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=PartStatus.choices, default=PartStatus.PENDING
    )
    reason = models.CharField(_("reason"), max_length=255, blank=True)

    class Meta:
        ordering = ["order", "stall__name"]
        verbose_name = _("order part")
        verbose_name_plural = _("order parts")
        constraints = [
            models.UniqueConstraint(fields=["order", "stall"], name="unique_order_part_per_stall")
        ]

    @property
    def municipality(self) -> Municipality:
        return self.stall.market.municipality


class OrderLine(models.Model):
    order = models.ForeignKey(
        Order,
        verbose_name=pgettext_lazy("purchase", "order"),
        on_delete=models.CASCADE,
        related_name="lines",
    )
    part = models.ForeignKey(
        OrderPart, verbose_name=_("stall part"), on_delete=models.CASCADE, related_name="lines"
    )
    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="order_lines"
    )
    # Copied at checkout: later price changes never touch an order already placed.
    product_name = models.CharField(_("product"), max_length=120)
    unit = models.CharField(_("sale unit"), max_length=10, choices=SaleUnit.choices)
    quantity = models.DecimalField(_("quantity"), **QUANTITY)
    unit_price = models.DecimalField(_("unit price"), **MONEY)
    line_total = models.DecimalField(_("line total"), **MONEY)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="order_line_quantity_positive")
        ]


class OrderEvent(models.Model):
    """Status history of an order, shown to shopper, stall and courier."""

    order = models.ForeignKey(
        Order,
        verbose_name=pgettext_lazy("purchase", "order"),
        on_delete=models.CASCADE,
        related_name="events",
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    note = models.CharField(_("note"), max_length=255, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["order", "at", "pk"]
        verbose_name = _("order event")
        verbose_name_plural = _("order history")
