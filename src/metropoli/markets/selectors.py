"""Reads of Mi Mercado: catalogue with today's prices, search, orders per role, deliveries."""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Iterable
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.gis.gdal import GDALException
from django.contrib.gis.geos import GEOSException, Point
from django.db.models import Count, F, Func, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Concat, Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import WEEKDAYS

from metropoli.territory.models import Role
from metropoli.territory.selectors import municipalities_where

from .models import (
    Courier,
    CourierKind,
    CourierStatus,
    Market,
    Method,
    Order,
    OrderLine,
    OrderPart,
    PartStatus,
    Product,
    ProductPrice,
    Stall,
    Status,
)
from .pickup import Calendar, Offer

# UTM zone 13N covers the AMG; metres there are true metres (Web Mercator's are 6 % short).
METRIC_SRID = 32613
log = logging.getLogger(__name__)


def fold(text: str) -> str:
    """Lower case without accents: «Jitomate Saladét» -> «jitomate saladet»."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def active_markets() -> QuerySet[Market]:
    """Markets open online, whether or not a stall sells yet (the API and the OGC layer)."""
    return (
        Market.objects.filter(active=True)
        .select_related("municipality")
        .annotate(stall_count=Count("stalls", filter=Q(stalls__active=True)))
    )


def selling_markets() -> QuerySet[Market]:
    """Markets that sell online: open, with at least one stall selling a product with a price
    (the list «venden en línea» and the search)."""
    selling = Q(
        stalls__active=True,
        stalls__products__active=True,
        stalls__products__prices__valid_from__lte=timezone.now(),
    )
    return (
        Market.objects.filter(active=True)
        .select_related("municipality")
        .annotate(stall_count=Count("stalls", filter=selling, distinct=True))
        .filter(stall_count__gte=1)
    )


def _unaccented(*fields: str) -> Func:
    parts: list = []
    for field in fields:
        parts += [F(field), Value(" ")]
    return Func(Lower(Concat(*parts[:-1])), function="unaccent")


def search_everywhere(query: str, *, limit: int = 60) -> tuple[list[Market], list[Product]]:
    """Markets (by name, address, municipality) and products on sale at selling markets (by
    product, stall or market name) matching every word of `query`, accents ignored
    (docs/decisions/0073-market-search-unaccent.md)."""
    words = fold(query).split()
    if not words:
        return [], []
    markets = selling_markets().annotate(
        haystack=_unaccented("name", "address", "municipality__name")
    )
    products = (
        Product.objects.filter(
            active=True,
            stall__active=True,
            stall__market__in=[market.pk for market in selling_markets()],
        )
        .select_related("stall__market")
        .annotate(current_price=_price_now())
        .filter(current_price__isnull=False)
        .annotate(haystack=_unaccented("name", "stall__name", "stall__market__name"))
    )
    for word in words:
        markets = markets.filter(haystack__contains=word)
        products = products.filter(haystack__contains=word)
    return (
        list(markets.order_by("name")[:limit]),
        list(products.order_by("name", "stall__market__name", "pk")[:limit]),
    )


def market_by_slug(slug: str) -> Market | None:
    return Market.objects.select_related("municipality").filter(slug=slug, active=True).first()


def market_points(markets: Iterable[Market]) -> dict:
    """The markets as GeoJSON points for the map of the market list."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {
                    "type": "Point",
                    "coordinates": [round(m.location.x, 6), round(m.location.y, 6)],
                },
                "properties": {
                    "slug": m.slug,
                    "name": m.name,
                    "address": m.address,
                    "url": reverse("markets:market", kwargs={"slug": m.slug}),
                },
            }
            for m in markets
        ],
    }


# --- pickup ---------------------------------------------------------------------------------

# Orders that no longer hold a place in their pickup slot.
RELEASED_STATUSES = [Status.CANCELLED, Status.REJECTED]


def local_now() -> datetime:
    """The market's wall-clock time (the platform's time zone), without tzinfo."""
    return timezone.localtime().replace(tzinfo=None)


def weekday_names(weekdays) -> list[str]:
    """[0, 1, 5] -> ["lunes", "martes", "sábado"] in the request's language."""
    return [str(WEEKDAYS[day]) for day in sorted(set(weekdays)) if day in WEEKDAYS]


def pickup_calendar(market: Market) -> Calendar:
    return Calendar.of(
        market.pickup_slots,
        market.open_weekdays,
        market.pickup_days_ahead,
        market.pickup_slot_capacity,
    )


def pickup_orders(market: Market, day, slot: str) -> QuerySet[Order]:
    """The orders holding a place in one slot of one day."""
    return Order.objects.filter(
        market=market, method=Method.PICKUP, pickup_date=day, pickup_slot=slot
    ).exclude(status__in=RELEASED_STATUSES)


def _pickup_counts(market: Market, days: list) -> dict[tuple, int]:
    if not days:
        return {}
    rows = (
        Order.objects.filter(
            market=market,
            method=Method.PICKUP,
            pickup_date__gte=days[0],
            pickup_date__lte=days[-1],
        )
        .exclude(status__in=RELEASED_STATUSES)
        .values_list("pickup_date", "pickup_slot")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {(day, slot): n for day, slot, n in rows}


def pickup_taken(market: Market, calendar: Calendar, now: datetime) -> dict[tuple, int]:
    """Places taken per (day, slot) over the days on offer; empty when there is no capacity."""
    if calendar.capacity is None:
        return {}
    return _pickup_counts(market, calendar.days(now))


def pickup_offers(market: Market) -> list[Offer]:
    """Every (day, slot) a shopper can choose now, full slots left out."""
    calendar = pickup_calendar(market)
    now = local_now()
    return calendar.offers(now, pickup_taken(market, calendar, now))


def pickup_load(market: Market) -> list[dict]:
    """For market staff: the coming days' pickup slots with their orders and capacity."""
    calendar = pickup_calendar(market)
    days = calendar.days(local_now())
    taken = _pickup_counts(market, days)
    return [
        {
            "day": day,
            "slot": slot,
            "orders": taken.get((day, slot), 0),
            "capacity": calendar.capacity,
            "full": calendar.places_left(taken.get((day, slot), 0)) == 0,
        }
        for day in days
        for slot in calendar.slots
    ]


def fee_bands(market: Market) -> list[tuple[Decimal, Decimal]]:
    return [
        (Decimal(str(band["max_km"])), Decimal(str(band["fee"])))
        for band in market.delivery_fee_bands
    ]


def _price_now():
    return Subquery(
        ProductPrice.objects.filter(product=OuterRef("pk"), valid_from__lte=timezone.now())
        .order_by("-valid_from", "-pk")
        .values("price")[:1]
    )


def products_with_price(ids: Iterable[int], *, for_update: bool = False) -> list[Product]:
    queryset = (
        Product.objects.filter(pk__in=list(ids))
        .select_related("stall")
        .annotate(current_price=_price_now())
        .order_by("pk")
    )
    if for_update:
        # No key changes: a checkout's deferred foreign-key check (key share) does not wait.
        queryset = queryset.select_for_update(no_key=True, of=("self",))
    return list(queryset)


def catalogue(market: Market, *, stall: Stall | None = None, query: str = "") -> list[Product]:
    """Products on sale at a market (or one stall), with today's price; search ignores accents."""
    products = (
        Product.objects.filter(stall__market=market, stall__active=True, active=True)
        .select_related("stall")
        .annotate(current_price=_price_now())
        .filter(current_price__isnull=False)
        .order_by("category", "name", "pk")
    )
    if stall is not None:
        products = products.filter(stall=stall)
    words = fold(query).split()
    if words:
        # unaccent() lives in PostgreSQL (extension created by our migration); the words are
        # folded the same way here, so "limon" finds "Limón".
        products = products.annotate(
            haystack=Func(
                Lower(
                    Concat(F("name"), Value(" "), F("stall__name"), Value(" "), F("stall__giro"))
                ),
                function="unaccent",
            )
        )
        for word in words:
            products = products.filter(haystack__contains=word)
    return list(products)


def stalls_of(market: Market) -> QuerySet[Stall]:
    return market.stalls.filter(active=True).annotate(
        product_count=Count("products", filter=Q(products__active=True))
    )


def order_by_public_id(public_id) -> Order | None:
    return (
        Order.objects.select_related("market__municipality", "courier__user", "shopper")
        .filter(public_id=public_id)
        .first()
    )


def order_by_access_key(key) -> Order | None:
    return (
        Order.objects.select_related("market__municipality", "courier__user", "shopper")
        .filter(access_key=key)
        .first()
    )


def order_path(order: Order) -> str:
    """The shopper's page of the order (the access key is the secret)."""
    return reverse("markets:order", kwargs={"key": order.access_key})


def order_lines(order: Order) -> list[OrderLine]:
    return list(order.lines.select_related("part__stall").order_by("part__stall__name", "pk"))


def stalls_of_person(user) -> QuerySet[Stall]:
    if not user.is_authenticated:
        return Stall.objects.none()
    return Stall.objects.filter(members__user=user).select_related("market__municipality")


def stall_products(stall: Stall) -> list[Product]:
    return list(
        stall.products.annotate(current_price=_price_now()).order_by("category", "name", "pk")
    )


def incoming_parts(stall: Stall) -> QuerySet[OrderPart]:
    """The stall's parts of orders still in progress, oldest first."""
    return (
        OrderPart.objects.filter(stall=stall)
        .exclude(order__status__in=[Status.CANCELLED, Status.REJECTED])
        .exclude(status__in=[PartStatus.REJECTED, PartStatus.CANCELLED])
        .filter(
            Q(status__in=[PartStatus.PENDING, PartStatus.ACCEPTED]) | Q(order__status=Status.READY)
        )
        .select_related("order")
        .prefetch_related("lines")
        .order_by("order__created_at", "pk")
    )


def local_day_bounds(day=None) -> tuple[datetime, datetime]:
    day = day or timezone.localdate()
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start, start + timedelta(days=1)


def daily_sales(stall: Stall, day=None) -> dict:
    """What the stall sold on a local day (parts not rejected or cancelled)."""
    start, end = local_day_bounds(day)
    lines = OrderLine.objects.filter(
        part__stall=stall,
        order__created_at__gte=start,
        order__created_at__lt=end,
    ).exclude(part__status__in=[PartStatus.REJECTED, PartStatus.CANCELLED])
    totals = lines.aggregate(total=Sum("line_total"), orders=Count("order", distinct=True))
    per_product = (
        lines.values("product_name", "unit")
        .annotate(quantity=Sum("quantity"), amount=Sum("line_total"))
        .order_by("-amount")
    )
    return {
        "day": start.date(),
        "orders": totals["orders"] or 0,
        "total": totals["total"] or Decimal("0.00"),
        "products": list(per_product),
    }


def market_orders(market: Market) -> QuerySet[Order]:
    return market.orders.select_related("courier__user").order_by("-created_at")[:100]


def members_of(stall: Stall):
    return get_user_model().objects.filter(stall_memberships__stall=stall, is_active=True)


def stall_people_of(order: Order):
    return (
        get_user_model()
        .objects.filter(stall_memberships__stall__order_parts__order=order, is_active=True)
        .distinct()
    )


def market_staff_people(market: Market):
    return get_user_model().objects.filter(market_staff_roles__market=market, is_active=True)


def couriers_of(user) -> QuerySet[Courier]:
    if not user.is_authenticated:
        return Courier.objects.none()
    return Courier.objects.filter(user=user).select_related("market")


def _near_route(courier: Courier, point: Point | None) -> bool:
    if point is None or courier.route is None:
        return False
    try:
        route = courier.route.transform(METRIC_SRID, clone=True)
        distance = route.distance(point.transform(METRIC_SRID, clone=True))
    except (GDALException, GEOSException):
        # A route stored before routes were checked (or edited in the admin) that cannot be
        # projected: that courier is not offered the delivery; the others still are.
        log.warning("Courier %s has a route that cannot be measured; skipped.", courier.pk)
        return False
    return distance <= courier.route_buffer_m


def delivery_offered_to(order: Order, courier: Courier) -> bool:
    if (
        courier.status != CourierStatus.APPROVED
        or order.market_id != courier.market_id
        or order.method != Method.DELIVERY
        or order.status not in (Status.ACCEPTED, Status.READY)
    ):
        return False
    if courier.kind == CourierKind.PUBLIC_TRANSPORT:
        return _near_route(courier, order.location)
    return True


def open_deliveries(courier: Courier) -> list[Order]:
    """Deliveries waiting for a courier that this courier may take."""
    if courier.status != CourierStatus.APPROVED:
        return []
    candidates = Order.objects.filter(
        market=courier.market,
        method=Method.DELIVERY,
        status__in=[Status.ACCEPTED, Status.READY],
        courier__isnull=True,
    ).order_by("created_at")
    return [order for order in candidates if delivery_offered_to(order, courier)]


def my_deliveries(courier: Courier) -> QuerySet[Order]:
    return courier.orders.exclude(status__in=[Status.DELIVERED, Status.CANCELLED]).order_by(
        "created_at"
    )


def couriers_offered(order: Order) -> list[Courier]:
    couriers = Courier.objects.filter(
        market=order.market, status=CourierStatus.APPROVED
    ).select_related("user")
    return [courier for courier in couriers if delivery_offered_to(order, courier)]


def pending_couriers(market: Market) -> QuerySet[Courier]:
    return market.couriers.filter(status=CourierStatus.PENDING).select_related("user")


# --- set-up ---------------------------------------------------------------------------------


def markets_managed_by(user) -> QuerySet[Market]:
    """Markets the person sets up: as their staff, or as municipal staff of their municipality."""
    if not user.is_authenticated:
        return Market.objects.none()
    municipalities = municipalities_where(user, Role.MUNICIPAL_STAFF)
    return (
        Market.objects.filter(Q(staff__user=user) | Q(municipality__in=municipalities))
        .distinct()
        .select_related("municipality")
        .order_by("name")
    )


def setup_stalls(market: Market) -> QuerySet[Stall]:
    return market.stalls.annotate(
        product_count=Count("products", distinct=True),
        member_count=Count("members", distinct=True),
    ).order_by("name", "pk")


def waiting_parts(market: Market) -> list[OrderPart]:
    """Parts of live orders still waiting for their stall's answer, oldest first, with the
    time each stall has left."""
    parts = list(
        OrderPart.objects.filter(
            stall__market=market, status=PartStatus.PENDING, order__status=Status.PLACED
        )
        .select_related("order", "stall")
        .prefetch_related("lines")
        .order_by("order__created_at", "pk")
    )
    for part in parts:
        part.deadline = part.order.created_at + timedelta(minutes=market.answer_minutes)
    return parts
