"""The shopper's side: checkout (with an Idempotency-Key), the order's live status, cancel."""

from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from django.conf import settings
from django.utils.translation import gettext as _
from ninja import Field, Header, Router, Schema

from metropoli.common.api import session_user
from metropoli.common.error_schema import ErrorOut
from metropoli.common.errors import ApiError
from metropoli.common.idempotency import from_request
from metropoli.common.ratelimit import limit_guests

from .. import selectors
from ..models import Order
from ..services import checkout, fulfilment
from .edge import WRITE_ERRORS, market_or_404

router = Router()


class LineIn(Schema):
    product_id: int
    quantity: str = Field(max_length=32, examples=["0.5"], description="Decimal, as text.")
    seen_unit_price: Decimal | None = Field(
        None,
        description="The price the shopper saw; if today's price differs the order is refused "
        "with code price_changed (never charged silently).",
    )


class OrderIn(Schema):
    market: str = Field(description="Slug of the market.")
    lines: list[LineIn] = Field(min_length=1, max_length=60)
    method: str = Field(examples=["delivery", "pickup"])
    address: str = Field("", max_length=255)
    lon: float | None = Field(None, ge=-180, le=180)
    lat: float | None = Field(None, ge=-90, le=90)
    pickup_slot: str = Field("", max_length=40, examples=["09:00-11:00"])
    pickup_date: date | None = Field(
        None,
        description="Day of the pickup (see GET /markets/{slug}/pickup-slots). Omitted: the "
        "first day the slot can still be chosen (today if it has not started).",
    )
    name: str = Field(max_length=120)
    phone: str = Field(max_length=30)
    email: str = Field("", max_length=254)


class LineOut(Schema):
    product_id: int
    product: str
    stall: str
    unit: str
    quantity: Decimal
    unit_price: Decimal
    line_total: Decimal
    stall_status: str


class EventOut(Schema):
    status: str
    note: str
    at: datetime


class OrderOut(Schema):
    id: UUID = Field(description="Public id: names the order to stalls and couriers.")
    access_key: UUID | None = Field(
        None,
        description="Only for the shopper: the secret of GET /orders/{access_key} and of the "
        "order page.",
    )
    number: str
    market: str
    status: str
    status_label: str
    method: str
    payment: str
    address: str
    pickup_date: date | None
    pickup_slot: str
    subtotal: Decimal
    delivery_fee: Decimal
    total: Decimal
    courier: str | None
    can_cancel: bool
    lines: list[LineOut]
    events: list[EventOut]
    handover_code: str | None = Field(
        None, description="Only for the shopper: the code to give at hand-over."
    )


def order_out(order: Order, *, for_shopper: bool, lines=None, events=None) -> OrderOut:
    """The order as the API shows it; ``lines`` and ``events`` when the caller holds them."""
    if lines is None:
        lines = selectors.order_lines(order)
    if events is None:
        events = order.events.all()
    return OrderOut(
        id=order.public_id,
        access_key=order.access_key if for_shopper else None,
        number=order.number,
        market=order.market.slug,
        status=order.status,
        status_label=str(order.get_status_display()),
        method=order.method,
        payment=order.payment,
        address=order.address,
        pickup_date=order.pickup_date,
        pickup_slot=order.pickup_slot,
        subtotal=order.subtotal,
        delivery_fee=order.delivery_fee,
        total=order.total,
        courier=order.courier.user.display_name if order.courier_id else None,
        can_cancel=order.status == "placed"
        and all(line.part.status == "pending" for line in lines),
        lines=[
            LineOut(
                product_id=line.product_id,
                product=line.product_name,
                stall=line.part.stall.name,
                unit=line.unit,
                quantity=line.quantity,
                unit_price=line.unit_price,
                line_total=line.line_total,
                stall_status=line.part.status,
            )
            for line in lines
        ],
        events=[EventOut(status=e.status, note=e.note, at=e.at) for e in events],
        handover_code=order.handover_code if for_shopper else None,
    )


@router.post(
    "/orders",
    response={
        200: OrderOut,
        201: OrderOut,
        400: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        422: ErrorOut,
        429: ErrorOut,
        503: ErrorOut,
    },
    summary="Place an order (checkout); retry safely with the same Idempotency-Key",
    description="Send an `Idempotency-Key` header (8 to 80 characters, e.g. a UUID): a retry "
    "of the same request by the same caller (signed-in person, else browser session) answers "
    "200 with the order created the first time. The same key with a different request answers "
    "422 `idempotency_key_reused`; another caller's key is a new key of one's own.",
)
def create_order(
    request,
    payload: OrderIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),
):
    shopper = session_user(request)
    limit_guests(
        request, "markets-order", limit=settings.MARKETS_ANONYMOUS_ORDERS_PER_HOUR, window=3600
    )
    idempotency = from_request(request, idempotency_key)
    market = market_or_404(payload.market)
    placed = checkout.place_order(
        market=market,
        lines=[
            checkout.CartLine(line.product_id, line.quantity, line.seen_unit_price)
            for line in payload.lines
        ],
        destination=checkout.Destination(
            method=payload.method,
            address=payload.address,
            lon=payload.lon,
            lat=payload.lat,
            pickup_slot=payload.pickup_slot,
            pickup_date=payload.pickup_date,
        ),
        contact=checkout.Contact(payload.name, payload.phone, payload.email),
        shopper=shopper,
        idempotency=idempotency,
    )
    return (201 if placed.created else 200), order_out(
        placed.order, for_shopper=True, lines=placed.lines, events=placed.events
    )


def _shopper_order(access_key: UUID) -> Order:
    order = selectors.order_by_access_key(access_key)
    if order is None:
        raise ApiError(404, "unknown_order", _("There is no such order."))
    return order


@router.get(
    "/orders/{access_key}",
    response={200: OrderOut, 404: ErrorOut},
    summary="The shopper's view of an order (poll it for live status)",
    url_name="markets_get_order",
)
def get_order(request, access_key: UUID):
    return order_out(_shopper_order(access_key), for_shopper=True)


@router.post(
    "/orders/{access_key}/cancel",
    response={200: OrderOut, 429: ErrorOut, **WRITE_ERRORS},
    summary="Cancel an order before any stall accepts it",
)
def cancel_order(request, access_key: UUID):
    limit_guests(
        request, "markets-cancel", limit=settings.MARKETS_ANONYMOUS_CANCELS_PER_HOUR, window=3600
    )
    order = _shopper_order(access_key)
    # The service checks markets.cancel_order for a signed-in shopper's order (decision 0088).
    fulfilment.cancel_order(order=order, actor=session_user(request))
    return order_out(_shopper_order(access_key), for_shopper=True)


class CodeIn(Schema):
    code: str = Field(max_length=12)
