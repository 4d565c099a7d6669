"""Every write of Mi Mercado: one keyword-only function, one transaction each."""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.contrib.gis.geos import LineString, MultiPoint, Point
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import connection, transaction
from django.db.models import F
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from metropoli.common.errors import ApiError
from metropoli.common.idempotency import Idempotency, run_once
from metropoli.common.photos import ProcessedPhoto, process_photo
from metropoli.common.transactions import retrying_atomic, run_atomic

from . import selectors
from .models import (
    Courier,
    CourierKind,
    CourierStatus,
    Market,
    Method,
    Notification,
    Order,
    OrderEvent,
    OrderLine,
    OrderPart,
    PartStatus,
    Payment,
    Product,
    ProductPrice,
    Stall,
    Status,
    pickup_day_label,
)
from .pickup import SlotError, parse_slot
from .quantities import (
    QuantityError,
    SaleRule,
    delivery_fee,
    format_decimal,
    haversine_km,
    line_total,
    parse_quantity,
    validate_quantity,
)

log = logging.getLogger(__name__)


# --- errors ---------------------------------------------------------------------------------


def quantity_error(exc: QuantityError, product_name: str = "") -> ApiError:
    """The pure module speaks Spanish only; people get the message in their language."""
    params = {
        "product": product_name,
        "value": format_decimal(exc.params["value"])
        if isinstance(exc.params.get("value"), Decimal)
        else exc.params.get("value"),
        "step": format_decimal(exc.params["step"]) if "step" in exc.params else "",
        "unit": exc.params.get("unit", ""),
    }
    messages = {
        "invalid_number": _("%(product)s: «%(value)s» is not a quantity; write a number like 0.5."),
        "not_positive": _("%(product)s: the quantity must be greater than zero."),
        "not_multiple_of_step": _(
            "%(product)s: %(value)s is not a multiple of %(step)s %(unit)s; this product is sold "
            "in steps of %(step)s %(unit)s."
        ),
        "above_max_per_line": _("%(product)s: %(value)s %(unit)s is more than one order allows."),
    }
    if exc.code == "outside_delivery_area":
        return ApiError(
            400,
            "outside_delivery_area",
            _(
                "The address is %(distance)s km from the market; this market delivers up to "
                "%(limit)s km. Choose pickup or another address."
            )
            % {
                "distance": format_decimal(Decimal(str(round(exc.params["distance_km"], 2)))),
                "limit": format_decimal(exc.params["max_km"]),
            },
        )
    message = messages.get(exc.code, exc.message)
    return ApiError(400, exc.code, message % params if exc.code in messages else message)


# --- checkout -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CartLine:
    product_id: int
    quantity: str | Decimal | int
    # The price the shopper saw; a different price in force stops the checkout.
    seen_unit_price: Decimal | None = None


@dataclass(frozen=True)
class Destination:
    method: str
    address: str = ""
    lon: float | None = None
    lat: float | None = None
    pickup_slot: str = ""
    # None: the first day the slot can still be chosen (today if it has not started).
    pickup_date: date | None = None


@dataclass(frozen=True)
class Contact:
    name: str
    phone: str
    email: str = ""


@dataclass
class PlacedOrder:
    order: Order
    created: bool
    warnings: list[str] = field(default_factory=list)
    # A new order's lines (sorted as order_lines() sorts them) and its first event, as just
    # written: the checkout answers from them instead of reading them back. None for a retry.
    lines: list[OrderLine] | None = None
    events: list[OrderEvent] | None = None


@dataclass(frozen=True)
class Quote:
    """What a destination costs: fee, distance, payment method."""

    method: str
    payment: str
    fee: Decimal
    distance_km: Decimal | None
    point: Point | None
    pickup_date: date | None = None
    pickup_slot: str = ""


def _slot_refused(market: Market, exc: SlotError) -> ApiError:
    calendar = selectors.pickup_calendar(market)
    if exc.code in ("unknown_slot", "invalid_choice"):
        return ApiError(
            400,
            "invalid_pickup_slot",
            _("Choose one of the pickup slots of %(market)s: %(slots)s.")
            % {"market": market.name, "slots": ", ".join(calendar.slots) or "—"},
        )
    day = pickup_day_label(exc.params["day"])
    if exc.code == "slot_past":
        return ApiError(
            400,
            "pickup_slot_past",
            _("The %(slot)s slot of %(day)s has already started; choose a later one.")
            % {"slot": exc.params["slot"], "day": day},
        )
    if exc.code == "too_far_ahead":
        return ApiError(
            400,
            "pickup_date_too_far",
            _("%(market)s takes pickup orders up to %(days)s days ahead; choose an earlier day.")
            % {"market": market.name, "days": exc.params["days"]},
        )
    return ApiError(
        400,
        "market_closed_that_day",
        _("%(market)s does not open on %(day)s; choose another day.")
        % {"market": market.name, "day": day},
    )


def _slot_full(market: Market, day: date, slot: str) -> ApiError:
    return ApiError(
        409,
        "pickup_slot_full",
        _("The %(slot)s slot of %(day)s is full at %(market)s; choose another slot or day.")
        % {"slot": slot, "day": pickup_day_label(day), "market": market.name},
    )


def _known_slot(market: Market, calendar, text: str) -> str:
    """The slot's canonical label («9:00-11:00» -> «09:00-11:00») if the market has it."""
    try:
        label = parse_slot(text).label
    except SlotError:
        label = None
    if label not in calendar.slots:
        raise _slot_refused(market, SlotError("unknown_slot", slot=text))
    return label


def _choose_pickup(market: Market, destination: Destination) -> tuple[date, str]:
    """The day and slot of a pickup, checked against the market's calendar (not yet held)."""
    calendar = selectors.pickup_calendar(market)
    now = selectors.local_now()
    label = _known_slot(market, calendar, destination.pickup_slot)
    day = destination.pickup_date
    if day is None:
        day = calendar.first_day(label, now, selectors.pickup_taken(market, calendar, now))
        if day is None:
            raise ApiError(
                409,
                "pickup_slot_unavailable",
                _(
                    "The %(slot)s slot is full or closed on every day %(market)s takes pickup "
                    "orders for; choose another slot."
                )
                % {"slot": label, "market": market.name},
            )
        return day, label
    try:
        calendar.check(day, label, now)
    except SlotError as exc:
        raise _slot_refused(market, exc) from None
    taken = selectors.pickup_taken(market, calendar, now).get((day, label), 0)
    if calendar.places_left(taken) == 0:
        raise _slot_full(market, day, label)
    return day, label


def quote_destination(*, market: Market, destination: Destination) -> Quote:
    if destination.method == Method.PICKUP:
        day, slot = _choose_pickup(market, destination)
        return Quote(Method.PICKUP, Payment.AT_PICKUP, Decimal("0.00"), None, None, day, slot)
    if destination.method != Method.DELIVERY:
        raise ApiError(400, "invalid_method", _("Choose home delivery or pickup at the market."))
    if not market.delivery_fee_bands:
        raise ApiError(
            400,
            "no_delivery",
            _("%(market)s does not deliver; choose pickup.") % {"market": market.name},
        )
    if not destination.address.strip():
        raise ApiError(400, "address_required", _("Write the delivery address."))
    if destination.lon is None or destination.lat is None:
        raise ApiError(400, "point_required", _("Mark the delivery point on the map."))
    try:
        distance = haversine_km(
            (market.location.x, market.location.y), (destination.lon, destination.lat)
        )
        fee = delivery_fee(distance, selectors.fee_bands(market))
    except QuantityError as exc:
        raise quantity_error(exc) from None
    return Quote(
        Method.DELIVERY,
        Payment.ON_DELIVERY,
        fee,
        Decimal(str(round(distance, 2))),
        Point(destination.lon, destination.lat, srid=4326),
    )


def _clean_contact(contact: Contact) -> Contact:
    name, phone, email = contact.name.strip(), contact.phone.strip(), contact.email.strip()
    digits = [c for c in phone if c.isdigit()]
    if not name:
        raise ApiError(400, "name_required", _("Write the name to give the order to."))
    if len(digits) < 10 or len(phone) > 30:
        raise ApiError(400, "invalid_phone", _("Write a phone number with at least 10 digits."))
    if email and ("@" not in email or len(email) > 254):
        raise ApiError(400, "invalid_email", _("The e-mail address is not valid."))
    return Contact(name[:120], phone, email)


def _checked_lines(market: Market, lines: list[CartLine]):
    if not lines:
        raise ApiError(400, "empty_cart", _("The cart is empty."))
    wanted: dict[int, CartLine] = {}
    for line in lines:
        if line.product_id in wanted:
            raise ApiError(
                400, "duplicate_product", _("Each product may appear only once in an order.")
            )
        wanted[line.product_id] = line
    products = {p.pk: p for p in selectors.products_with_price(wanted.keys())}
    checked = []
    price_changes = []
    for product_id, line in wanted.items():
        product = products.get(product_id)
        if product is None or not product.active or not product.stall.active:
            raise ApiError(
                400, "unknown_product", _("Product %(id)s is not on sale.") % {"id": product_id}
            )
        if product.stall.market_id != market.pk:
            raise ApiError(
                400,
                "other_market",
                _(
                    "%(product)s is sold at %(other)s, not at %(market)s; a cart holds the "
                    "products of one market."
                )
                % {
                    "product": product.name,
                    "other": product.stall.market.name,
                    "market": market.name,
                },
            )
        try:
            quantity = parse_quantity(line.quantity)
            validate_quantity(quantity, SaleRule(product.unit, product.step, product.max_per_line))
        except QuantityError as exc:
            raise quantity_error(exc, product.name) from None
        if product.current_price is None:
            raise ApiError(
                400,
                "no_price",
                _("%(product)s has no price today.") % {"product": product.name},
            )
        if line.seen_unit_price is not None and line.seen_unit_price != product.current_price:
            price_changes.append(
                {
                    "product_id": product.pk,
                    "product": product.name,
                    "seen": str(line.seen_unit_price),
                    "now": str(product.current_price),
                }
            )
        checked.append((product, quantity))
    if price_changes:
        detail = "; ".join(
            _("%(product)s: was %(seen)s, now %(now)s") % change for change in price_changes
        )
        raise ApiError(
            409,
            "price_changed",
            _("Prices changed since you added them to the cart (%(detail)s). Review and confirm.")
            % {"detail": detail},
            price_changes,
        )
    return sorted(checked, key=lambda pair: pair[0].pk)


def _take_stock(checked: list[tuple[Product, Decimal]]) -> None:
    """Lock, re-check and decrement the stock rows, in primary-key order (no deadlocks).

    Runs last in the checkout transaction, so the rows stay locked only until the commit. A
    line whose stock no longer covers it is refused with the quantity left; the caller's
    transaction then rolls back everything the checkout wrote.
    """
    if _decrement_stock(checked) != len(checked):
        stocks = dict(
            Product.objects.filter(pk__in=[p.pk for p, _q in checked]).values_list("pk", "stock")
        )
        for product, quantity in checked:
            if stocks.get(product.pk, Decimal(0)) < quantity:
                raise _out_of_stock(product, quantity, stocks.get(product.pk))
        raise _out_of_stock(checked[0][0], checked[0][1], stocks.get(checked[0][0].pk))


# One statement, one round trip. The CTE locks the rows in primary-key order and reads their
# latest committed stock under the lock (FOR NO KEY UPDATE: the key does not change, so the
# foreign-key checks of other orders' lines are not blocked). The UPDATE only touches rows the
# CTE has already locked, so every checkout takes its locks in ascending order (no deadlocks),
# and it writes "locked stock - quantity" only where the locked stock covers the line. The row
# count says whether every line was covered.
_TAKE_STOCK_SQL = """
WITH wanted (id, quantity) AS (VALUES {values}),
locked AS (
    SELECT id, stock FROM {table} WHERE id IN (SELECT id FROM wanted)
    ORDER BY id FOR NO KEY UPDATE
)
UPDATE {table} AS p SET stock = locked.stock - wanted.quantity
FROM locked JOIN wanted ON wanted.id = locked.id
WHERE p.id = locked.id AND locked.stock >= wanted.quantity
"""


def _decrement_stock(checked: list[tuple[Product, Decimal]]) -> int:
    sql = _TAKE_STOCK_SQL.format(
        values=", ".join(["(%s::bigint, %s::numeric)"] * len(checked)),
        table=connection.ops.quote_name(Product._meta.db_table),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [x for product, quantity in checked for x in (product.pk, quantity)])
        return cursor.rowcount


def _hold_pickup_place(market: Market, quote: Quote) -> None:
    """Refuse the order (inside the checkout transaction) if its pickup slot is now full.

    The order row is already in; the market row is then locked so that checkouts competing for
    the same market's places count one after the other (PostgreSQL: FOR NO KEY UPDATE, which
    does not conflict with the key-share lock the order's foreign key holds). The count
    includes this order.
    """
    if quote.method != Method.PICKUP or market.pickup_slot_capacity is None:
        return
    capacity = (
        Market.objects.select_for_update(no_key=True)
        .filter(pk=market.pk)
        .values_list("pickup_slot_capacity", flat=True)
        .get()
    )
    if capacity is None:
        return
    taken = selectors.pickup_orders(market, quote.pickup_date, quote.pickup_slot).count()
    if taken > capacity:
        raise _slot_full(market, quote.pickup_date, quote.pickup_slot)


def _out_of_stock(product: Product, quantity: Decimal, left: Decimal | None) -> ApiError:
    left = left or Decimal(0)
    return ApiError(
        409,
        "out_of_stock",
        _(
            "Only %(left)s %(unit)s of %(product)s are left; you asked for "
            "%(wanted)s %(unit)s. Lower the quantity and try again."
        )
        % {
            "left": format_decimal(left),
            "unit": product.get_unit_display(),
            "product": product.name,
            "wanted": format_decimal(quantity),
        },
        [{"product_id": product.pk, "available": format_decimal(left)}],
    )


def place_order(
    *,
    market: Market,
    lines: list[CartLine],
    destination: Destination,
    contact: Contact,
    shopper=None,
    idempotency: Idempotency | None = None,
) -> PlacedOrder:
    """Check the cart, take the stock and create the order, all or nothing.

    With an idempotency key, the same request by the same caller returns the order the first
    one created (even if prices or stock changed since); the key with another request is
    refused with 422 (common/idempotency.py).
    """
    request = {
        "market": market.pk,
        "lines": sorted(
            [line.product_id, str(line.quantity), str(line.seen_unit_price)] for line in lines
        ),
        "destination": [
            destination.method,
            destination.address,
            destination.lon,
            destination.lat,
            destination.pickup_slot,
            str(destination.pickup_date),
        ],
        "contact": [contact.name, contact.phone, contact.email],
    }

    def create() -> PlacedOrder:
        if not market.active:
            raise ApiError(
                400,
                "market_closed",
                _("%(market)s is not selling online.") % {"market": market.name},
            )
        cleaned = _clean_contact(contact)
        quote = quote_destination(market=market, destination=destination)
        checked = _checked_lines(market, lines)
        # The order rows go in first and the stock rows are locked last, right before the
        # commit: competing checkouts wait on those locks only for a few statements.
        order, written_lines, event = _create_order(
            market, checked, quote, destination, cleaned, shopper
        )
        _hold_pickup_place(market, quote)
        _take_stock(checked)
        # Telling the stalls runs in the background so the checkout answers at once.
        transaction.on_commit(lambda: notify_new_order.enqueue(order.pk))
        return PlacedOrder(order, created=True, lines=written_lines, events=[event])

    placed, _created = run_once(
        action="markets.order",
        idempotency=idempotency,
        request=request,
        create=create,
        result_id=lambda placed: placed.order.pk,
        replay=_replayed_order,
    )
    return placed


def _replayed_order(order_id: int) -> PlacedOrder:
    order = Order.objects.select_related("market").filter(pk=order_id).first()
    if order is None:
        raise ApiError(404, "unknown_order", _("There is no such order."))
    return PlacedOrder(order, created=False)


_THOUSANDTHS = Decimal("0.001")  # OrderLine.quantity keeps three decimals


def _create_order(
    market, checked, quote: Quote, destination, contact, shopper
) -> tuple[Order, list[OrderLine], OrderEvent]:
    """Insert the order, its stall parts, lines and first event; returns what it wrote."""
    priced = [
        (product, quantity, line_total(quantity, product.current_price))
        for product, quantity in checked
    ]
    subtotal = sum((total for _p, _q, total in priced), Decimal("0.00"))
    order = Order.objects.create(
        market=market,
        shopper=shopper if shopper is not None and shopper.is_authenticated else None,
        contact_name=contact.name,
        contact_phone=contact.phone,
        contact_email=contact.email,
        method=quote.method,
        payment=quote.payment,
        address=destination.address.strip()[:255] if quote.method == Method.DELIVERY else "",
        location=quote.point,
        distance_km=quote.distance_km,
        pickup_date=quote.pickup_date,
        pickup_slot=quote.pickup_slot,
        subtotal=subtotal,
        delivery_fee=quote.fee,
        total=subtotal + quote.fee,
    )
    stalls = {product.stall_id: product.stall for product, _q in checked}
    parts = {pk: OrderPart(order=order, stall=stalls[pk]) for pk in sorted(stalls)}
    OrderPart.objects.bulk_create(parts.values())
    lines = OrderLine.objects.bulk_create(
        OrderLine(
            order=order,
            part=parts[product.stall_id],
            product=product,
            product_name=product.name,
            unit=product.unit,
            quantity=quantity,
            unit_price=product.current_price,
            line_total=total,
        )
        for product, quantity, total in priced
    )
    event = OrderEvent.objects.create(order=order, status=Status.PLACED, actor=order.shopper)
    for line in lines:  # as the database hands it back: 1.5 -> 1.500
        line.quantity = line.quantity.quantize(_THOUSANDTHS)
    lines.sort(key=lambda line: (line.part.stall.name, line.pk))
    return order, lines, event


# --- order life cycle -----------------------------------------------------------------------


# Lock order of every write path (docs/decisions/0045-lock-order-and-retry.md): the order row,
# then its parts by id, then product rows by id; a checkout locks only the market row (pickup
# capacity) and then product rows by id. Row locks here are FOR NO KEY UPDATE OF the row itself:
# no key changes, so they never conflict with the key-share locks that other transactions'
# foreign-key checks take at their COMMIT (Django's foreign keys are deferred), and a joined
# market or stall is read without being locked.


def _locked_order(order: Order) -> Order:
    return (
        Order.objects.select_for_update(no_key=True, of=("self",))
        .select_related("market")
        .get(pk=order.pk)
    )


def _refused(code: str, message: str) -> ApiError:
    return ApiError(409, code, message)


def _restore_stock(lines) -> None:
    for line in sorted(lines, key=lambda line: line.product_id):
        Product.objects.filter(pk=line.product_id).update(stock=F("stock") + line.quantity)


def _event(order: Order, status: str, actor=None, note: str = "") -> None:
    order.status = status
    order.save(update_fields=["status", "updated_at"])
    OrderEvent.objects.create(order=order, status=status, actor=actor, note=note[:255])


@retrying_atomic
def cancel_order(*, order: Order, actor=None, reason: str = "") -> Order:
    """The shopper cancels while no stall has accepted yet; the stock goes back on sale."""
    order = _locked_order(order)
    parts = list(order.parts.select_for_update(no_key=True, of=("self",)).order_by("pk"))
    if order.status != Status.PLACED or any(p.status != PartStatus.PENDING for p in parts):
        raise _refused(
            "cannot_cancel",
            _("The order can no longer be cancelled: a stall already accepted it."),
        )
    _restore_stock(order.lines.all())
    order.parts.update(status=PartStatus.CANCELLED)
    _event(order, Status.CANCELLED, actor, reason)
    _notify_stalls(order, _("Order %(number)s was cancelled") % {"number": order.number})
    return order


def _sync_status(order: Order, actor) -> None:
    statuses = [p.status for p in order.parts.all()]
    live = [s for s in statuses if s not in (PartStatus.REJECTED, PartStatus.CANCELLED)]
    if not live:
        _event(order, Status.REJECTED, actor)
        _notify_shopper(
            order,
            _("Order %(number)s was rejected") % {"number": order.number},
            _("The stalls could not prepare your order. Nothing will be charged."),
        )
    elif all(s == PartStatus.READY for s in live):
        _event(order, Status.READY, actor)
        if order.method == Method.PICKUP:
            _notify_shopper(
                order,
                _("Order %(number)s is ready") % {"number": order.number},
                _("Pick it up at %(market)s (%(slot)s) and give the code %(code)s.")
                % {
                    "market": order.market.name,
                    "slot": order.pickup_label,
                    "code": order.handover_code,
                },
            )
        else:
            _notify_couriers(order)
    elif order.status == Status.PLACED and all(
        s in (PartStatus.ACCEPTED, PartStatus.READY) for s in live
    ):
        _event(order, Status.ACCEPTED, actor)
        _notify_shopper(
            order,
            _("Order %(number)s was accepted") % {"number": order.number},
            _("The stalls are preparing your order."),
        )


def _locked_part(part: OrderPart) -> tuple[Order, OrderPart]:
    order = _locked_order(part.order)
    part = (
        OrderPart.objects.select_for_update(no_key=True, of=("self",))
        .select_related("stall")
        .get(pk=part.pk)
    )
    return order, part


@retrying_atomic
def accept_part(*, part: OrderPart, actor) -> OrderPart:
    order, part = _locked_part(part)
    if part.status != PartStatus.PENDING or order.status == Status.CANCELLED:
        raise _refused("not_pending", _("This order is not waiting for your answer."))
    part.status = PartStatus.ACCEPTED
    part.save(update_fields=["status"])
    _sync_status(order, actor)
    return part


@retrying_atomic
def reject_part(*, part: OrderPart, actor, reason: str = "") -> OrderPart:
    """The stall cannot prepare its part: its stock goes back and the order total drops."""
    order, part = _locked_part(part)
    if part.status != PartStatus.PENDING or order.status == Status.CANCELLED:
        raise _refused("not_pending", _("This order is not waiting for your answer."))
    lines = list(part.lines.all())
    _restore_stock(lines)
    part.status = PartStatus.REJECTED
    part.reason = reason.strip()[:255]
    part.save(update_fields=["status", "reason"])
    removed = sum((line.line_total for line in lines), Decimal("0.00"))
    order.subtotal -= removed
    order.total -= removed
    order.save(update_fields=["subtotal", "total", "updated_at"])
    OrderEvent.objects.create(
        order=order,
        status=order.status,
        actor=actor,
        note=(_("%(stall)s cannot prepare its products") % {"stall": part.stall.name})[:255],
    )
    _sync_status(order, actor)
    return part


@retrying_atomic
def mark_part_ready(*, part: OrderPart, actor) -> OrderPart:
    order, part = _locked_part(part)
    if part.status != PartStatus.ACCEPTED:
        raise _refused("not_accepted", _("Accept the order before marking it ready."))
    part.status = PartStatus.READY
    part.save(update_fields=["status"])
    _sync_status(order, actor)
    return part


@retrying_atomic
def confirm_pickup(*, order: Order, actor, code: str) -> Order:
    order = _locked_order(order)
    if order.method != Method.PICKUP or order.status != Status.READY:
        raise _refused("not_ready", _("The order is not ready for pickup."))
    _check_code(order, code)
    _event(order, Status.COLLECTED, actor)
    return order


def _check_code(order: Order, code: str) -> None:
    if not secrets.compare_digest((code or "").strip(), order.handover_code):
        raise ApiError(
            400, "wrong_code", _("The hand-over code is not right; ask the shopper again.")
        )


# --- couriers -------------------------------------------------------------------------------


def _route_points(points, market: Market) -> list[tuple[float, float]]:
    """The route's points, each on Earth and within MARKETS_COURIER_MAX_KM of the market: a
    stored route is later measured against every delivery address of the market."""
    limit = settings.MARKETS_COURIER_MAX_KM
    checked = []
    for number, point in enumerate(points, start=1):
        try:
            lon, lat = (float(value) for value in point)
            distance = haversine_km((lon, lat), (market.location.x, market.location.y))
        except (TypeError, ValueError):  # QuantityError is a ValueError: not lon/lat
            raise ApiError(
                400,
                "invalid_route",
                _("Point %(number)s of the route is not a longitude and latitude on Earth.")
                % {"number": number},
            ) from None
        if distance > limit:
            raise ApiError(
                400,
                "route_too_far",
                _(
                    "Point %(number)s of the route is %(distance)s km from %(market)s; the route "
                    "must stay within %(limit)s km of the market."
                )
                % {
                    "number": number,
                    "distance": round(distance),
                    "market": market.name,
                    "limit": f"{limit:g}",
                },
            )
        checked.append((lon, lat))
    return checked


@retrying_atomic
def register_courier(
    *,
    user,
    market: Market,
    kind: str,
    phone: str,
    organisation: str = "",
    route: list[tuple[float, float]] | None = None,
    stops: list[tuple[float, float]] | None = None,
    route_buffer_m: int = 500,
) -> Courier:
    if kind not in CourierKind.values:
        raise ApiError(
            400, "invalid_kind", _("Choose independent, cooperative or public transport.")
        )
    if len([c for c in phone if c.isdigit()]) < 10:
        raise ApiError(400, "invalid_phone", _("Write a phone number with at least 10 digits."))
    if kind == CourierKind.COOPERATIVE and not organisation.strip():
        raise ApiError(400, "organisation_required", _("Write the name of the cooperative."))
    line = None
    if kind == CourierKind.PUBLIC_TRANSPORT:
        if not route or len(route) < 2:
            raise ApiError(400, "route_required", _("Draw the route with at least two points."))
        if not 50 <= route_buffer_m <= 3000:
            raise ApiError(
                400, "invalid_buffer", _("The distance from the route must be 50 to 3000 m.")
            )
        line = LineString(_route_points(route, market), srid=4326)
    if stops:
        stops = _route_points(stops, market)
    if Courier.objects.filter(user=user, market=market).exists():
        raise _refused("already_registered", _("You are already registered with this market."))
    courier = Courier.objects.create(
        user=user,
        market=market,
        kind=kind,
        phone=phone.strip(),
        organisation=organisation.strip()[:120],
        route=line,
        stops=MultiPoint([Point(*p, srid=4326) for p in stops], srid=4326) if stops else None,
        route_buffer_m=route_buffer_m,
    )
    for person in selectors.market_staff_people(market):
        notify(
            user=person,
            subject=_("New courier waiting for approval at %(market)s") % {"market": market.name},
            body=_("%(person)s registered as %(kind)s.")
            % {"person": user.display_name, "kind": courier.get_kind_display()},
        )
    return courier


@retrying_atomic
def decide_courier(*, courier: Courier, actor, approve: bool) -> Courier:
    courier = Courier.objects.select_for_update(no_key=True).get(pk=courier.pk)
    courier.status = CourierStatus.APPROVED if approve else CourierStatus.REJECTED
    courier.decided_by = actor
    courier.save(update_fields=["status", "decided_by"])
    notify(
        user=courier.user,
        subject=(
            _("You can deliver for %(market)s")
            if approve
            else _("Your courier registration at %(market)s was not approved")
        )
        % {"market": courier.market.name},
        body=_("Open Mi Mercado to see the deliveries on offer.") if approve else "",
    )
    return courier


@retrying_atomic
def take_delivery(*, order: Order, courier: Courier) -> Order:
    order = _locked_order(order)
    if courier.status != CourierStatus.APPROVED:
        raise ApiError(403, "courier_not_approved", _("Your registration is not approved yet."))
    if order.courier_id == courier.pk:
        return order
    if order.courier_id is not None:
        raise _refused("already_taken", _("Another courier already took this delivery."))
    if not selectors.delivery_offered_to(order, courier):
        raise _refused("not_offered", _("This delivery is not offered to you."))
    order.courier = courier
    order.save(update_fields=["courier", "updated_at"])
    OrderEvent.objects.create(
        order=order,
        status=order.status,
        actor=courier.user,
        note=(_("Courier: %(name)s") % {"name": courier.user.display_name})[:255],
    )
    _notify_shopper(
        order,
        _("A courier will bring order %(number)s") % {"number": order.number},
        _("%(name)s will deliver it. Give the code %(code)s when you receive it.")
        % {"name": courier.user.display_name, "code": order.handover_code},
    )
    return order


@retrying_atomic
def start_delivery(*, order: Order, actor) -> Order:
    order = _locked_order(order)
    if order.status != Status.READY:
        raise _refused("not_ready", _("The stalls have not finished preparing this order."))
    _event(order, Status.ON_THE_WAY, actor)
    _notify_shopper(
        order,
        _("Order %(number)s is on the way") % {"number": order.number},
        _("Have the code %(code)s at hand.") % {"code": order.handover_code},
    )
    return order


@retrying_atomic
def confirm_delivery(*, order: Order, actor, code: str) -> Order:
    order = _locked_order(order)
    if order.status != Status.ON_THE_WAY:
        raise _refused("not_on_the_way", _("Start the delivery before handing it over."))
    _check_code(order, code)
    _event(order, Status.DELIVERED, actor)
    _notify_stalls(order, _("Order %(number)s was delivered") % {"number": order.number})
    return order


# --- vendor ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PriceStock:
    product_id: int
    price: Decimal
    # None: leave the stock as it is (orders may have lowered it since the form was shown).
    stock: Decimal | None


@retrying_atomic
def update_prices_and_stock(*, stall: Stall, actor, rows: list[PriceStock]) -> int:
    """Today's prices and stock of a stall in one go; returns how many prices changed."""
    products = {
        p.pk: p
        for p in selectors.products_with_price([row.product_id for row in rows], for_update=True)
    }
    now = timezone.now()
    changed = 0
    for row in sorted(rows, key=lambda row: row.product_id):
        product = products.get(row.product_id)
        if product is None or product.stall_id != stall.pk:
            raise ApiError(
                400,
                "unknown_product",
                _("Product %(id)s is not sold by this stall.") % {"id": row.product_id},
            )
        if row.price < 0 or row.price.as_tuple().exponent < -2 or row.price >= Decimal(10**8):
            raise ApiError(
                400,
                "invalid_price",
                _("%(product)s: the price must be a non-negative amount in pesos and centavos.")
                % {"product": product.name},
            )
        if row.stock is not None and (row.stock < 0 or row.stock >= Decimal(10**7)):
            raise ApiError(
                400,
                "invalid_stock",
                _("%(product)s: the stock cannot be negative.") % {"product": product.name},
            )
        if row.stock is not None and row.stock % 1 != 0 and product.unit in ("piece", "bunch"):
            raise ApiError(
                400,
                "invalid_stock",
                _("%(product)s: the stock is counted in whole units.") % {"product": product.name},
            )
        if product.current_price != row.price:
            ProductPrice.objects.create(
                product=product, price=row.price, valid_from=now, set_by=actor
            )
            changed += 1
        if row.stock is not None and product.stock != row.stock:
            Product.objects.filter(pk=product.pk).update(stock=row.stock)
    return changed


# --- photos ---------------------------------------------------------------------------------


def _photo_bytes(upload) -> bytes:
    """The upload's bytes, refusing an oversized file before reading it into memory."""
    if upload is None:
        raise ApiError(400, "photo_required", _("Choose a photo to upload."))
    limit = settings.MARKETS_PHOTO_MAX_BYTES
    if upload.size > limit:
        raise ApiError(
            413,
            "photo_too_large",
            _("The photo is too large (%(size)s); the limit is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
        )
    return upload.read()


def _checked_photo(upload) -> ProcessedPhoto:
    return process_photo(_photo_bytes(upload), max_bytes=settings.MARKETS_PHOTO_MAX_BYTES)


def _replace_photo(model, pk: int, processed: ProcessedPhoto | None, prefix: str):
    """Store the checked photo and its thumbnail on the row (or clear both), all or nothing.

    The files replaced are deleted only after the commit; new files are deleted if the row
    could not be saved.
    """

    def write():
        written = []
        try:
            obj = model.objects.select_for_update(no_key=True).get(pk=pk)
            old = [(f.storage, f.name) for f in (obj.photo, obj.photo_thumbnail) if f]
            if processed is None:
                obj.photo = obj.photo_thumbnail = ""
            else:
                stem = f"{prefix}-{hashlib.sha256(processed.public_jpeg).hexdigest()[:16]}"
                obj.photo.save(f"{stem}.jpg", ContentFile(processed.public_jpeg), save=False)
                written.append((obj.photo.storage, obj.photo.name))
                obj.photo_thumbnail.save(
                    f"{stem}-thumb.jpg", ContentFile(processed.thumbnail_jpeg), save=False
                )
                written.append((obj.photo_thumbnail.storage, obj.photo_thumbnail.name))
            obj.save(update_fields=["photo", "photo_thumbnail"])
            transaction.on_commit(lambda: [storage.delete(name) for storage, name in old])
        except Exception:
            for storage, name in written:
                storage.delete(name)
            raise
        return obj

    return run_atomic(write)


def set_product_photo(*, product: Product, upload) -> Product:
    """Check a product photo (type by content, size, pixels), strip its metadata (EXIF, GPS),
    and store it with a thumbnail in place of the previous one."""
    processed = _checked_photo(upload)  # refuses before anything is written
    return _replace_photo(Product, product.pk, processed, f"product-{product.pk}")


def remove_product_photo(*, product: Product) -> Product:
    return _replace_photo(Product, product.pk, None, "")


def set_market_photo(*, market: Market, upload) -> Market:
    processed = _checked_photo(upload)
    return _replace_photo(Market, market.pk, processed, f"market-{market.pk}")


def remove_market_photo(*, market: Market) -> Market:
    return _replace_photo(Market, market.pk, None, "")


# --- notifications --------------------------------------------------------------------------


def notify(
    *,
    user=None,
    email: str = "",
    order: Order | None = None,
    subject: str,
    body: str,
    email_after_commit: bool = True,
) -> Notification:
    """Store an in-app notification; e-mail it after the transaction commits."""
    address = email or (
        user.email if user is not None and getattr(user, "email_notifications", True) else ""
    )
    note = Notification.objects.create(
        user=user, email=address, order=order, subject=subject[:200], body=body
    )
    if address and email_after_commit:
        transaction.on_commit(lambda: send_notification_email.enqueue(note.pk))
    return note


@task()
def send_notification_email(notification_id: int) -> None:
    # The row stays locked while the message goes out: a requeued or doubled run of this task
    # waits, then finds it sent (docs/decisions/0037-supervised-worker-and-schedule.md).
    with transaction.atomic():
        note = (
            Notification.objects.select_for_update()
            .filter(pk=notification_id, emailed_at__isnull=True)
            .first()
        )
        if note is None:
            return
        send_mail(note.subject, note.body, None, [note.email])
        Notification.objects.filter(pk=note.pk).update(emailed_at=timezone.now())


def _notify_shopper(order: Order, subject: str, body: str) -> None:
    if order.shopper_id is None and not order.contact_email:
        return
    link = selectors.order_path(order)
    notify(
        user=order.shopper,
        email=order.contact_email,
        order=order,
        subject=subject,
        body=f"{body}\n\n{link}",
    )


def _notify_stalls(order: Order, subject: str) -> None:
    for person in selectors.stall_people_of(order):
        notify(user=person, order=order, subject=subject, body=subject)


@task()
def notify_new_order(order_id: int) -> None:
    """Runs after the checkout committed, so its e-mails are queued directly."""
    order = Order.objects.select_related("market").get(pk=order_id)
    notes = []
    pickup = (
        _("Pickup at %(market)s: %(when)s.")
        % {"market": order.market.name, "when": order.pickup_label}
        if order.method == Method.PICKUP
        else ""
    )
    with transaction.atomic():
        lines = defaultdict(list)
        for line in order.lines.select_related("part__stall"):
            lines[line.part.stall_id].append(
                f"- {line.product_name}: {format_decimal(line.quantity)} {line.unit}"
            )
        if pickup:
            for stall_lines in lines.values():
                stall_lines.append(f"\n{pickup}")
        for part in order.parts.select_related("stall"):
            notes += [
                notify(
                    user=person,
                    order=order,
                    subject=_("New order %(number)s") % {"number": order.number},
                    body="\n".join(lines[part.stall_id]),
                    email_after_commit=False,
                )
                for person in selectors.members_of(part.stall)
            ]
        if order.shopper_id is not None or order.contact_email:
            notes.append(
                notify(
                    user=order.shopper,
                    email=order.contact_email,
                    order=order,
                    subject=_("We received order %(number)s") % {"number": order.number},
                    body=_("Total %(total)s MXN. We will tell you when the stalls accept it.")
                    % {"total": order.total}
                    + (f"\n{pickup}" if pickup else "")
                    + f"\n\n{selectors.order_path(order)}",
                    email_after_commit=False,
                )
            )
    for note in notes:
        if note.email:
            send_notification_email.enqueue(note.pk)


def _notify_couriers(order: Order) -> None:
    if order.courier_id is not None:
        notify(
            user=order.courier.user,
            order=order,
            subject=_("Order %(number)s is ready to collect") % {"number": order.number},
            body=order.address,
        )
        return
    for courier in selectors.couriers_offered(order):
        notify(
            user=courier.user,
            order=order,
            subject=_("Delivery on offer: order %(number)s") % {"number": order.number},
            body=order.address,
        )


# --- pilot-market selection matrix ----------------------------------------------------------


@dataclass(frozen=True)
class MatrixChanges:
    criteria: dict[int, tuple[Decimal, str]]
    values: dict[tuple[int, int], Decimal]
    new_criterion: tuple[str, str, Decimal, str] | None = None
    new_candidate: tuple[str, object] | None = None


@retrying_atomic
def save_selection_matrix(*, changes: MatrixChanges) -> None:
    """Weights, directions and values of the matrix; optionally one new criterion/candidate."""
    from .models import SelectionCandidate, SelectionCriterion, SelectionScore

    for pk, (weight, direction) in changes.criteria.items():
        if weight <= 0:
            raise ApiError(400, "weight_not_positive", _("Every weight must be positive."))
        SelectionCriterion.objects.filter(pk=pk).update(weight=weight, direction=direction)
    for (candidate_id, criterion_id), value in changes.values.items():
        SelectionScore.objects.update_or_create(
            candidate_id=candidate_id, criterion_id=criterion_id, defaults={"value": value}
        )
    if changes.new_criterion is not None:
        key, name, weight, direction = changes.new_criterion
        criterion = SelectionCriterion.objects.create(
            key=key, name=name, weight=weight, direction=direction
        )
        SelectionScore.objects.bulk_create(
            SelectionScore(candidate=c, criterion=criterion, value=Decimal(0))
            for c in SelectionCandidate.objects.all()
        )
    if changes.new_candidate is not None:
        name, municipality = changes.new_candidate
        candidate = SelectionCandidate.objects.create(name=name, municipality=municipality)
        SelectionScore.objects.bulk_create(
            SelectionScore(candidate=candidate, criterion=c, value=Decimal(0))
            for c in SelectionCriterion.objects.all()
        )
