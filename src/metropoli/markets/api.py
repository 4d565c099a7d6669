"""Mi Mercado API: catalogue, checkout, order status, vendor and courier actions."""

from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, File, Header, Query, Router, Schema, UploadedFile
from ninja.security import django_auth
from ninja.utils import check_csrf

from metropoli.common.errors import ApiError, ErrorOut
from metropoli.common.idempotency import from_request
from metropoli.common.ratelimit import Attempts, anonymous_over_limit, limit_photo_uploads

from . import selectors, services
from .models import Courier, Market, Order, OrderPart, Product, Stall

router = Router(tags=["markets"])
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}
# Writes: 503 with Retry-After when the transaction lost to others twice (common/transactions.py).
WRITE_ERRORS = {**ERRORS, 503: ErrorOut}


def _session_user(request):
    """The signed-in person, if any. Endpoints open to guests check CSRF themselves for
    signed-in people, so another site cannot order or cancel with their session cookie."""
    if not request.user.is_authenticated:
        return None
    if check_csrf(request) is not None:
        raise ApiError(403, "csrf_failed", _("The request was refused (CSRF check failed)."))
    return request.user


def _limit_guests(request, scope: str, per_hour: int) -> None:
    """429 for a guest (no session) past `per_hour` writes of this kind from one address."""
    if anonymous_over_limit(request, scope, limit=per_hour, window=3600):
        raise ApiError(
            429, "rate_limited", _("Too many attempts. Please wait a few minutes and try again.")
        )


def handover_attempts(request, order: Order) -> Attempts:
    """Wrong hand-over codes are limited per order and per address (429 past either limit)."""
    return Attempts(
        request,
        "markets-handover",
        target=str(order.pk),
        per_target=settings.MARKETS_HANDOVER_FAILURES_PER_ORDER,
        per_address=settings.MARKETS_HANDOVER_FAILURES_PER_ADDRESS,
        window=3600,
        wrong=("wrong_code",),
    )


def _require(request, perm: str, obj) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied(_("You are not allowed to do this."))


def _url(field) -> str | None:
    return field.url if field else None


# --- catalogue ------------------------------------------------------------------------------


class MarketOut(Schema):
    slug: str
    name: str
    municipality: str = Field(description="INEGI code of the municipality.")
    address: str
    opening_hours: str
    location: list[float] = Field(description="[lon, lat]")
    delivers: bool
    delivery_fee_bands: list[dict]
    pickup_slots: list[str]
    open_weekdays: list[int] = Field(
        description="Days the market opens for pickup: 0 = Monday … 6 = Sunday."
    )
    pickup_days_ahead: int = Field(description="How many days ahead pickup can be chosen.")
    pickup_slot_capacity: int | None = Field(
        description="Most pickup orders per slot and day; null: no limit."
    )
    photo: str | None = Field(description="URL of the market's photo (no metadata).")
    photo_thumbnail: str | None

    @staticmethod
    def of(market: Market) -> "MarketOut":
        return MarketOut(
            slug=market.slug,
            name=market.name,
            municipality=market.municipality.inegi_code,
            address=market.address,
            opening_hours=market.opening_hours,
            location=[market.location.x, market.location.y],
            delivers=bool(market.delivery_fee_bands),
            delivery_fee_bands=market.delivery_fee_bands,
            pickup_slots=market.pickup_slots,
            open_weekdays=sorted(market.open_weekdays),
            pickup_days_ahead=market.pickup_days_ahead,
            pickup_slot_capacity=market.pickup_slot_capacity,
            photo=_url(market.photo),
            photo_thumbnail=_url(market.photo_thumbnail),
        )


class StallOut(Schema):
    id: int
    name: str
    number: str
    giro: str
    phone: str


class MarketDetailOut(MarketOut):
    stalls: list[StallOut]


class ProductOut(Schema):
    id: int
    name: str
    category: str
    stall_id: int
    stall: str
    unit: str
    step: Decimal
    max_per_line: Decimal
    stock: Decimal
    price: Decimal = Field(description="Today's price per unit, MXN.")
    photo: str | None = Field(None, description="URL of the product's photo (no metadata).")
    photo_thumbnail: str | None = Field(None, description="URL of a small copy (320 px).")


def _product(p) -> ProductOut:
    return ProductOut(
        id=p.pk,
        name=p.name,
        category=p.category,
        stall_id=p.stall_id,
        stall=p.stall.name,
        unit=p.unit,
        step=p.step,
        max_per_line=p.max_per_line,
        stock=p.stock,
        price=p.current_price,
        photo=_url(p.photo),
        photo_thumbnail=_url(p.photo_thumbnail),
    )


def _market(slug: str) -> Market:
    market = selectors.market_by_slug(slug)
    if market is None:
        raise ApiError(404, "unknown_market", _("There is no market %(slug)s.") % {"slug": slug})
    return market


@router.get("/markets", response=list[MarketOut], summary="Markets selling online")
def list_markets(request):
    return [MarketOut.of(m) for m in selectors.active_markets()]


@router.get("/markets/{slug}", response={200: MarketDetailOut, 404: ErrorOut}, summary="One market")
def get_market(request, slug: str):
    market = _market(slug)
    stalls = [
        StallOut(id=s.pk, name=s.name, number=s.number, giro=s.giro, phone=s.phone)
        for s in selectors.stalls_of(market)
    ]
    return MarketDetailOut(**MarketOut.of(market).dict(), stalls=stalls)


@router.get(
    "/markets/{slug}/products",
    response={200: list[ProductOut], 404: ErrorOut},
    summary="Products of a market with today's prices (search ignores accents)",
)
def list_products(
    request,
    slug: str,
    q: str = Query("", max_length=100, description="Words to search, in Spanish."),
    stall: int | None = None,
):
    market = _market(slug)
    stall_obj = None
    if stall is not None:
        stall_obj = market.stalls.filter(pk=stall, active=True).first()
        if stall_obj is None:
            raise ApiError(
                404, "unknown_stall", _("This market has no stall %(id)s.") % {"id": stall}
            )
    return [_product(p) for p in selectors.catalogue(market, stall=stall_obj, query=q)]


class PickupSlotOut(Schema):
    date: date
    slot: str
    places_left: int | None = Field(description="null: the market sets no capacity.")


@router.get(
    "/markets/{slug}/pickup-slots",
    response={200: list[PickupSlotOut], 404: ErrorOut},
    summary="Pickup days and slots that can be chosen now (full slots left out)",
)
def pickup_slots(request, slug: str):
    return [
        PickupSlotOut(date=offer.day, slot=offer.label, places_left=offer.places_left)
        for offer in selectors.pickup_offers(_market(slug))
    ]


# --- checkout and orders --------------------------------------------------------------------


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
    shopper = _session_user(request)
    _limit_guests(request, "markets-order", settings.MARKETS_ANONYMOUS_ORDERS_PER_HOUR)
    idempotency = from_request(request, idempotency_key)
    market = _market(payload.market)
    placed = services.place_order(
        market=market,
        lines=[
            services.CartLine(line.product_id, line.quantity, line.seen_unit_price)
            for line in payload.lines
        ],
        destination=services.Destination(
            method=payload.method,
            address=payload.address,
            lon=payload.lon,
            lat=payload.lat,
            pickup_slot=payload.pickup_slot,
            pickup_date=payload.pickup_date,
        ),
        contact=services.Contact(payload.name, payload.phone, payload.email),
        shopper=shopper,
        idempotency=idempotency,
    )
    return (201 if placed.created else 200), order_out(
        placed.order, for_shopper=True, lines=placed.lines, events=placed.events
    )


def _order(public_id: UUID) -> Order:
    order = selectors.order_by_public_id(public_id)
    if order is None:
        raise ApiError(404, "unknown_order", _("There is no such order."))
    return order


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
    _limit_guests(request, "markets-cancel", settings.MARKETS_ANONYMOUS_CANCELS_PER_HOUR)
    order = _shopper_order(access_key)
    user = _session_user(request)
    if order.shopper_id is not None:
        _require(request, "markets.cancel_order", order)
    services.cancel_order(order=order, actor=user)
    return order_out(_shopper_order(access_key), for_shopper=True)


# --- vendor ---------------------------------------------------------------------------------


class InventoryRowIn(Schema):
    product_id: int
    price: Decimal = Field(ge=0, max_digits=10, decimal_places=2)
    stock: Decimal = Field(ge=0, max_digits=10, decimal_places=3)


class InventoryIn(Schema):
    rows: list[InventoryRowIn] = Field(min_length=1, max_length=300)


class InventoryOut(Schema):
    prices_changed: int
    products: list[ProductOut]


@router.put(
    "/stalls/{stall_id}/inventory",
    auth=django_auth,
    response={200: InventoryOut, **WRITE_ERRORS},
    summary="Set today's prices and stock of a stall",
)
def update_inventory(request, stall_id: int, payload: InventoryIn):
    stall = get_object_or_404(Stall.objects.select_related("market__municipality"), pk=stall_id)
    _require(request, "markets.change_stall", stall)
    changed = services.update_prices_and_stock(
        stall=stall,
        actor=request.user,
        rows=[services.PriceStock(r.product_id, r.price, r.stock) for r in payload.rows],
    )
    products = [p for p in selectors.stall_products(stall) if p.current_price is not None]
    for p in products:
        p.stall = stall
    return InventoryOut(prices_changed=changed, products=[_product(p) for p in products])


class PartOut(Schema):
    id: int
    order: UUID
    number: str
    status: str
    order_status: str
    method: str
    pickup_date: date | None
    pickup_slot: str
    lines: list[dict]


def _part_out(part: OrderPart) -> PartOut:
    return PartOut(
        id=part.pk,
        order=part.order.public_id,
        number=part.order.number,
        status=part.status,
        order_status=part.order.status,
        method=part.order.method,
        pickup_date=part.order.pickup_date,
        pickup_slot=part.order.pickup_slot,
        lines=[
            {"product": line.product_name, "quantity": str(line.quantity), "unit": line.unit}
            for line in part.lines.all()
        ],
    )


@router.get(
    "/stalls/{stall_id}/orders",
    auth=django_auth,
    response={200: list[PartOut], **ERRORS},
    summary="Incoming orders of a stall",
    url_name="markets_stall_orders",
)
def stall_orders(request, stall_id: int):
    stall = get_object_or_404(Stall.objects.select_related("market__municipality"), pk=stall_id)
    _require(request, "markets.change_stall", stall)
    return [_part_out(p) for p in selectors.incoming_parts(stall)]


class ProductPhotoOut(Schema):
    product_id: int
    photo: str | None
    photo_thumbnail: str | None


def _stall_product(request, product_id: int) -> Product:
    product = get_object_or_404(
        Product.objects.select_related("stall__market__municipality"), pk=product_id
    )
    _require(request, "markets.change_stall", product)
    return product


def _photo_out(product: Product) -> ProductPhotoOut:
    return ProductPhotoOut(
        product_id=product.pk,
        photo=_url(product.photo),
        photo_thumbnail=_url(product.photo_thumbnail),
    )


@router.post(
    "/products/{product_id}/photo",
    auth=django_auth,
    response={200: ProductPhotoOut, 413: ErrorOut, 415: ErrorOut, 429: ErrorOut, **WRITE_ERRORS},
    summary="Upload a product's photo (JPEG, PNG or HEIC; multipart field «photo»)",
    description="The type is decided by the content; the stored copy is re-encoded without "
    "EXIF (no GPS position) and a 320 px thumbnail is made. Replaces the previous photo.",
)
def upload_product_photo(request, product_id: int, photo: File[UploadedFile]):
    product = _stall_product(request, product_id)
    limit_photo_uploads(request)
    return _photo_out(services.set_product_photo(product=product, upload=photo))


@router.delete(
    "/products/{product_id}/photo",
    auth=django_auth,
    response={200: ProductPhotoOut, **WRITE_ERRORS},
    summary="Remove a product's photo",
)
def remove_product_photo(request, product_id: int):
    product = _stall_product(request, product_id)
    return _photo_out(services.remove_product_photo(product=product))


class RejectIn(Schema):
    reason: str = Field("", max_length=255)


def _part(part_id: int, request) -> OrderPart:
    part = get_object_or_404(
        OrderPart.objects.select_related("stall__market__municipality", "order"), pk=part_id
    )
    _require(request, "markets.handle_order_part", part)
    return part


def _part_reloaded(part: OrderPart) -> PartOut:
    return _part_out(OrderPart.objects.select_related("order").get(pk=part.pk))


@router.post(
    "/parts/{part_id}/accept",
    auth=django_auth,
    response={200: PartOut, **WRITE_ERRORS},
    summary="Stall accepts its part of an order",
)
def accept_part(request, part_id: int):
    part = services.accept_part(part=_part(part_id, request), actor=request.user)
    return _part_reloaded(part)


@router.post(
    "/parts/{part_id}/reject",
    auth=django_auth,
    response={200: PartOut, **WRITE_ERRORS},
    summary="Stall rejects its part; its stock goes back",
)
def reject_part(request, part_id: int, payload: RejectIn):
    part = services.reject_part(
        part=_part(part_id, request), actor=request.user, reason=payload.reason
    )
    return _part_reloaded(part)


@router.post(
    "/parts/{part_id}/ready",
    auth=django_auth,
    response={200: PartOut, **WRITE_ERRORS},
    summary="Stall marks its part ready",
)
def ready_part(request, part_id: int):
    part = services.mark_part_ready(part=_part(part_id, request), actor=request.user)
    return _part_reloaded(part)


class CodeIn(Schema):
    code: str = Field(max_length=12)


@router.post(
    "/orders/{public_id}/collected",
    auth=django_auth,
    response={200: OrderOut, 429: ErrorOut, **WRITE_ERRORS},
    summary="Hand over a pickup order with the shopper's code",
)
def collected(request, public_id: UUID, payload: CodeIn):
    order = _order(public_id)
    _require(request, "markets.confirm_pickup", order)
    with handover_attempts(request, order):
        services.confirm_pickup(order=order, actor=request.user, code=payload.code)
    return order_out(_order(public_id), for_shopper=False)


# --- couriers -------------------------------------------------------------------------------


class CourierIn(Schema):
    market: str
    kind: str = Field(examples=["independent", "cooperative", "public_transport"])
    phone: str = Field(max_length=30)
    organisation: str = Field("", max_length=120)
    route: list[tuple[float, float]] | None = Field(
        None, max_length=500, description="[[lon, lat], ...] for public transport."
    )
    stops: list[tuple[float, float]] | None = Field(None, max_length=200)
    route_buffer_m: int = 500


class CourierOut(Schema):
    id: int
    market: str
    kind: str
    status: str
    organisation: str


def _courier_out(c: Courier) -> CourierOut:
    return CourierOut(
        id=c.pk, market=c.market.slug, kind=c.kind, status=c.status, organisation=c.organisation
    )


@router.post(
    "/couriers",
    auth=django_auth,
    response={201: CourierOut, **WRITE_ERRORS},
    summary="Register as a courier of a market",
)
def register_courier(request, payload: CourierIn):
    market = _market(payload.market)
    _require(request, "markets.register_courier", market)
    courier = services.register_courier(
        user=request.user,
        market=market,
        kind=payload.kind,
        phone=payload.phone,
        organisation=payload.organisation,
        route=payload.route,
        stops=payload.stops,
        route_buffer_m=payload.route_buffer_m,
    )
    return 201, _courier_out(courier)


class DecisionIn(Schema):
    approve: bool


@router.post(
    "/couriers/{courier_id}/decision",
    auth=django_auth,
    response={200: CourierOut, **WRITE_ERRORS},
    summary="Market staff approve or reject a courier",
)
def decide_courier(request, courier_id: int, payload: DecisionIn):
    courier = get_object_or_404(
        Courier.objects.select_related("market__municipality"), pk=courier_id
    )
    _require(request, "markets.approve_courier", courier)
    return _courier_out(
        services.decide_courier(courier=courier, actor=request.user, approve=payload.approve)
    )


class DeliveryOut(Schema):
    id: UUID
    number: str
    status: str
    address: str
    location: list[float] | None
    distance_km: Decimal | None
    total: Decimal


def _delivery(o: Order) -> DeliveryOut:
    return DeliveryOut(
        id=o.public_id,
        number=o.number,
        status=o.status,
        address=o.address,
        location=[o.location.x, o.location.y] if o.location else None,
        distance_km=o.distance_km,
        total=o.total,
    )


def _my_courier(request, courier_id: int) -> Courier:
    courier = get_object_or_404(Courier.objects.select_related("market"), pk=courier_id)
    _require(request, "markets.take_delivery", courier)
    return courier


@router.get(
    "/couriers/{courier_id}/deliveries",
    auth=django_auth,
    response={200: list[DeliveryOut], **ERRORS},
    summary="Deliveries on offer to a courier and those it carries",
    url_name="markets_courier_deliveries",
)
def courier_deliveries(request, courier_id: int):
    courier = _my_courier(request, courier_id)
    mine = list(selectors.my_deliveries(courier))
    return [_delivery(o) for o in mine + selectors.open_deliveries(courier)]


@router.post(
    "/couriers/{courier_id}/deliveries/{public_id}/take",
    auth=django_auth,
    response={200: DeliveryOut, **WRITE_ERRORS},
    summary="Take a delivery on offer",
)
def take_delivery(request, courier_id: int, public_id: UUID):
    courier = _my_courier(request, courier_id)
    return _delivery(services.take_delivery(order=_order(public_id), courier=courier))


@router.post(
    "/orders/{public_id}/on-the-way",
    auth=django_auth,
    response={200: DeliveryOut, **WRITE_ERRORS},
    summary="Courier collected the order at the market",
)
def on_the_way(request, public_id: UUID):
    order = _order(public_id)
    _require(request, "markets.deliver_order", order)
    return _delivery(services.start_delivery(order=order, actor=request.user))


@router.post(
    "/orders/{public_id}/delivered",
    auth=django_auth,
    response={200: DeliveryOut, 429: ErrorOut, **WRITE_ERRORS},
    summary="Courier hands over the order with the shopper's code",
)
def delivered(request, public_id: UUID, payload: CodeIn):
    order = _order(public_id)
    _require(request, "markets.deliver_order", order)
    with handover_attempts(request, order):
        delivered = services.confirm_delivery(order=order, actor=request.user, code=payload.code)
    return _delivery(delivered)
