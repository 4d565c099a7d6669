"""Mi Mercado: markets, stalls, products with daily prices and decimal stock, orders, couriers.

Quantities and money are Decimal columns; the rules for steps, line totals and delivery bands
live in the pure ``quantities`` module and are applied by ``services``.
"""

import secrets
import uuid
from datetime import date

from django.conf import settings
from django.contrib.gis.db import models
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from metropoli.territory.models import Municipality

from .pickup import MAX_DAYS_AHEAD, WEEKDAYS
from .quantities import Unit

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
    """A municipal market; adding one is configuration in the admin, not code."""

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


class Category(models.TextChoices):
    PRODUCE = "produce", _("Fruit and vegetables")
    MEAT = "meat", _("Meat")
    POULTRY = "poultry", _("Chicken")
    SEAFOOD = "seafood", _("Fish and seafood")
    DAIRY = "dairy", _("Cheese and dairy")
    BAKERY = "bakery", _("Tortillas and bread")
    FLOWERS = "flowers", _("Flowers")
    GROCERY = "grocery", _("Groceries")
    PREPARED = "prepared", _("Prepared food")


class SaleUnit(models.TextChoices):
    KILOGRAM = Unit.KILOGRAM.value, _("kg")
    PIECE = Unit.PIECE.value, _("piece")
    BUNCH = Unit.BUNCH.value, _("bunch")
    LITRE = Unit.LITRE.value, _("litre")


class Product(models.Model):
    stall = models.ForeignKey(
        Stall, verbose_name=_("stall"), on_delete=models.CASCADE, related_name="products"
    )
    name = models.CharField(_("name"), max_length=120)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    unit = models.CharField(_("sale unit"), max_length=10, choices=SaleUnit.choices)
    step = models.DecimalField(
        _("step"),
        **QUANTITY,
        help_text=_("Smallest amount sold and increment, e.g. 0.25 kg or 1 piece."),
    )
    max_per_line = models.DecimalField(_("most per order"), **QUANTITY, default=50)
    stock = models.DecimalField(_("stock"), **QUANTITY, default=0)
    photo = models.ImageField(_("photo"), upload_to="markets/products/", blank=True)
    photo_thumbnail = models.ImageField(
        _("photo thumbnail"), upload_to="markets/products/", blank=True
    )
    active = models.BooleanField(_("on sale"), default=True)

    class Meta:
        ordering = ["stall", "name"]
        verbose_name = _("product")
        verbose_name_plural = _("products")
        constraints = [
            # The last line of defence against overselling: the database refuses it.
            models.CheckConstraint(condition=Q(stock__gte=0), name="product_stock_not_negative"),
            models.CheckConstraint(condition=Q(step__gt=0), name="product_step_positive"),
            models.CheckConstraint(
                condition=Q(max_per_line__gte=models.F("step")),
                name="product_max_per_line_at_least_step",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def market_id(self) -> int:
        return self.stall.market_id


class ProductPrice(models.Model):
    """Prices change daily; the price in force is the latest one already valid."""

    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="prices"
    )
    price = models.DecimalField(_("price per unit (MXN)"), **MONEY)
    valid_from = models.DateTimeField(_("valid from"), db_index=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("set by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["product", "-valid_from", "-pk"]
        get_latest_by = "valid_from"
        verbose_name = _("price")
        verbose_name_plural = _("prices")
        constraints = [
            models.CheckConstraint(condition=Q(price__gte=0), name="product_price_not_negative")
        ]

    def __str__(self) -> str:
        return f"{self.product}: {self.price}"


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
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    access_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
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

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("order")
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
        Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="parts"
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
        Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="lines"
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
        Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="events"
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


class Notification(models.Model):
    """An in-app message; the same text is e-mailed when the person has an address."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="market_notifications",
    )
    email = models.EmailField(_("e-mail"), blank=True)
    order = models.ForeignKey(
        Order,
        verbose_name=_("order"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")


class Direction(models.TextChoices):
    BENEFIT = "benefit", _("Benefit (more is better)")
    COST = "cost", _("Cost (less is better)")


class SelectionCriterion(models.Model):
    """A column of the pilot-market selection matrix."""

    key = models.SlugField(_("key"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2)
    direction = models.CharField(
        _("direction"), max_length=8, choices=Direction.choices, default=Direction.BENEFIT
    )
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    illustrative = models.BooleanField(
        _("illustrative values"),
        default=False,
        help_text=_("The values are examples, not measurements."),
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = _("selection criterion")
        verbose_name_plural = _("selection criteria")
        constraints = [
            models.CheckConstraint(condition=Q(weight__gt=0), name="criterion_weight_positive")
        ]

    def __str__(self) -> str:
        return self.name


class SelectionCandidate(models.Model):
    """A candidate pilot market (a catalogue market or just a name)."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    market = models.ForeignKey(
        Market,
        verbose_name=_("market"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("municipality"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("candidate market")
        verbose_name_plural = _("candidate markets")

    def __str__(self) -> str:
        return self.name


class SelectionScore(models.Model):
    candidate = models.ForeignKey(
        SelectionCandidate, on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(SelectionCriterion, on_delete=models.CASCADE, related_name="+")
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=3)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["candidate", "criterion"], name="unique_score")
        ]
