"""The checkout: a cart of one market checked, priced and written as an order, all or nothing.

`place_order` fetches what it needs once (`fetch.CheckoutInfo`), then each step uses it: the
contact, the destination (delivery fee or pickup slot), the lines (product, quantity, price
seen), the order rows, the pickup place and, last, the stock.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.contrib.gis.geos import Point
from django.db import transaction
from django.utils.functional import lazy
from django.utils.translation import gettext

from metropoli.common.errors import DomainError
from metropoli.common.idempotency import Idempotency, reserved_result_id, run_once

from .. import selectors
from ..errors import MarketErrorCode
from ..models import (
    Market,
    Method,
    Order,
    OrderEvent,
    OrderLine,
    OrderPart,
    Payment,
    Product,
    Status,
)
from ..quantities import (
    QuantityError,
    QuantityErrorCode,
    SaleRule,
    delivery_fee,
    format_decimal,
    format_quantity_lazy,
    haversine_km,
    line_total,
    parse_quantity,
    validate_quantity,
)

# CartLine is the checkout's input as much as Destination and Contact: importers take all three
# from here.
from .fetch import CartLine, CheckoutInfo, fetch_checkout_info
from .notifications import notify_new_order
from .pickup_slots import choose_pickup, hold_pickup_place
from .stock import take_stock


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


# The pure module's refusals that a shopper meets, with the product's name in the message.
_QUANTITY_CODES = {
    QuantityErrorCode.INVALID_NUMBER: MarketErrorCode.INVALID_NUMBER,
    QuantityErrorCode.NOT_POSITIVE: MarketErrorCode.NOT_POSITIVE,
    QuantityErrorCode.NOT_MULTIPLE_OF_STEP: MarketErrorCode.NOT_MULTIPLE_OF_STEP,
    QuantityErrorCode.ABOVE_MAX_PER_LINE: MarketErrorCode.ABOVE_MAX_PER_LINE,
}


def quantity_error(exc: QuantityError, product_name: str = "") -> DomainError:
    """The pure module writes Spanish for staff; shoppers get the message in their language."""
    if exc.code == QuantityErrorCode.OUTSIDE_DELIVERY_AREA:
        return DomainError(
            MarketErrorCode.OUTSIDE_DELIVERY_AREA,
            distance=format_decimal(Decimal(str(round(exc.params["distance_km"], 2)))),
            limit=format_decimal(exc.params["max_km"]),
        )
    code = _QUANTITY_CODES.get(exc.code)
    if code is None:
        return exc
    value = exc.params.get("value")
    unit = exc.params.get("unit", "")
    return DomainError(
        code,
        product=product_name,
        value=format_decimal(value) if isinstance(value, Decimal) else value,
        # Lazy: the quantity with its unit in the answer's language («1 pieza», «2 manojos»).
        amount=format_quantity_lazy(value, unit) if isinstance(value, Decimal) else value,
        step=format_quantity_lazy(exc.params["step"], unit) if "step" in exc.params else "",
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
        info = fetch_checkout_info(market, lines)
        if not market.active:
            raise DomainError(MarketErrorCode.MARKET_CLOSED, market=market.name)
        cleaned = _clean_contact(contact)
        quote = quote_destination(info, destination)
        checked = _checked_lines(info)
        # The order rows go in first and the stock rows are locked last, right before the
        # commit: competing checkouts wait on those locks only for a few statements. The key's
        # row already names the order (its id was drawn with the claim): nothing more is
        # written to it while the stock rows are held.
        order, written_lines, event = create_order(
            info, checked, quote, destination, cleaned, shopper, order_id=reserved_result_id()
        )
        if quote.method == Method.PICKUP:
            hold_pickup_place(market, quote.pickup_date, quote.pickup_slot)
        take_stock(checked)
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
        result_model=Order,
    )
    return placed


def _replayed_order(order_id: int) -> PlacedOrder:
    order = Order.objects.select_related("market").filter(pk=order_id).first()
    if order is None:
        raise DomainError(MarketErrorCode.UNKNOWN_ORDER)
    return PlacedOrder(order, created=False)


def _clean_contact(contact: Contact) -> Contact:
    name, phone, email = contact.name.strip(), contact.phone.strip(), contact.email.strip()
    digits = [c for c in phone if c.isdigit()]
    if not name:
        raise DomainError(MarketErrorCode.NAME_REQUIRED)
    if len(digits) < 10 or len(phone) > 30:
        raise DomainError(MarketErrorCode.INVALID_PHONE)
    if email and ("@" not in email or len(email) > 254):
        raise DomainError(MarketErrorCode.INVALID_EMAIL)
    return Contact(name[:120], phone, email)


def quote_destination(info: CheckoutInfo, destination: Destination) -> Quote:
    market = info.market
    if destination.method == Method.PICKUP:
        day, slot = choose_pickup(info, destination.pickup_slot, destination.pickup_date)
        return Quote(Method.PICKUP, Payment.AT_PICKUP, Decimal("0.00"), None, None, day, slot)
    if destination.method != Method.DELIVERY:
        raise DomainError(MarketErrorCode.INVALID_METHOD)
    if not market.delivery_fee_bands:
        raise DomainError(MarketErrorCode.NO_DELIVERY, market=market.name)
    if not destination.address.strip():
        raise DomainError(MarketErrorCode.ADDRESS_REQUIRED)
    if destination.lon is None or destination.lat is None:
        raise DomainError(MarketErrorCode.POINT_REQUIRED)
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


def _checked_lines(info: CheckoutInfo) -> list[tuple[Product, Decimal]]:
    """(product, quantity) per line, by product id; refuses the first line that is wrong."""
    market = info.market
    if not info.lines:
        raise DomainError(MarketErrorCode.EMPTY_CART)
    seen: set[int] = set()
    for item in info.lines:
        if item.line.product_id in seen:
            raise DomainError(MarketErrorCode.DUPLICATE_PRODUCT)
        seen.add(item.line.product_id)
    checked = []
    price_changes = []
    for item in info.lines:
        line, product = item.line, item.product
        if product is None or not product.active or not product.stall.active:
            raise DomainError(MarketErrorCode.UNKNOWN_PRODUCT, id=line.product_id)
        if product.stall.market_id != market.pk:
            raise DomainError(
                MarketErrorCode.OTHER_MARKET,
                product=product.name,
                other=product.stall.market.name,
                market=market.name,
            )
        try:
            quantity = parse_quantity(line.quantity)
            validate_quantity(quantity, SaleRule(product.unit, product.step, product.max_per_line))
        except QuantityError as exc:
            raise quantity_error(exc, product.name) from None
        if product.current_price is None:
            raise DomainError(MarketErrorCode.NO_PRICE, product=product.name)
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
        raise DomainError(
            MarketErrorCode.PRICE_CHANGED,
            details=price_changes,
            detail=_price_changes_text(price_changes),
        )
    return sorted(checked, key=lambda pair: pair[0].pk)


def _changes_text(changes: list[dict]) -> str:
    return "; ".join(
        gettext("%(product)s: was %(seen)s, now %(now)s") % change for change in changes
    )


# Written in the language of the answer, as the message around it.
_price_changes_text = lazy(_changes_text, str)


_THOUSANDTHS = Decimal("0.001")  # OrderLine.quantity keeps three decimals


def create_order(
    info: CheckoutInfo,
    checked: list[tuple[Product, Decimal]],
    quote: Quote,
    destination: Destination,
    contact: Contact,
    shopper,
    *,
    order_id: int | None = None,
) -> tuple[Order, list[OrderLine], OrderEvent]:
    """Insert the order (with `order_id`, else a new id), its stall parts, lines and first
    event; returns what it wrote."""
    priced = [
        (product, quantity, line_total(quantity, product.current_price))
        for product, quantity in checked
    ]
    subtotal = sum((total for _p, _q, total in priced), Decimal("0.00"))
    order = Order.objects.create(
        id=order_id,
        market=info.market,
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
    stalls = info.stalls
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
