"""The couriers' side: registration, the staff's decision, deliveries on offer and carried."""

from decimal import Decimal
from uuid import UUID

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema

from metropoli.common.api import require, session
from metropoli.common.error_schema import ErrorOut

from .. import selectors
from ..limits import handover_attempts
from ..models import Courier, Order
from ..services import couriers
from .edge import ERRORS, WRITE_ERRORS, market_or_404, order_or_404
from .orders import CodeIn

router = Router()


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
    auth=session,
    response={201: CourierOut, **WRITE_ERRORS},
    summary="Register as a courier of a market",
)
def register_courier(request, payload: CourierIn):
    market = market_or_404(payload.market)
    courier = couriers.register_courier(  # it checks markets.register_courier (decision 0088)
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
    auth=session,
    response={200: CourierOut, **WRITE_ERRORS},
    summary="Market staff approve or reject a courier",
)
def decide_courier(request, courier_id: int, payload: DecisionIn):
    courier = get_object_or_404(
        Courier.objects.select_related("market__municipality"), pk=courier_id
    )
    return _courier_out(  # the service checks markets.approve_courier (decision 0088)
        couriers.decide_courier(courier=courier, actor=request.user, approve=payload.approve)
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
    require(request, "markets.take_delivery", courier)
    return courier


@router.get(
    "/couriers/{courier_id}/deliveries",
    auth=session,
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
    auth=session,
    response={200: DeliveryOut, **WRITE_ERRORS},
    summary="Take a delivery on offer",
)
def take_delivery(request, courier_id: int, public_id: UUID):
    courier = _my_courier(request, courier_id)
    return _delivery(
        couriers.take_delivery(order=order_or_404(public_id), courier=courier, actor=request.user)
    )


@router.post(
    "/orders/{public_id}/on-the-way",
    auth=session,
    response={200: DeliveryOut, **WRITE_ERRORS},
    summary="Courier collected the order at the market",
)
def on_the_way(request, public_id: UUID):
    order = order_or_404(public_id)  # the service checks markets.deliver_order (decision 0088)
    return _delivery(couriers.start_delivery(order=order, actor=request.user))


@router.post(
    "/orders/{public_id}/delivered",
    auth=session,
    response={200: DeliveryOut, 429: ErrorOut, **WRITE_ERRORS},
    summary="Courier hands over the order with the shopper's code",
)
def delivered(request, public_id: UUID, payload: CodeIn):
    order = order_or_404(public_id)
    require(request, "markets.deliver_order", order)
    with handover_attempts(request, order):
        delivered = couriers.confirm_delivery(order=order, actor=request.user, code=payload.code)
    return _delivery(delivered)
