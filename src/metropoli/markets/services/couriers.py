"""Couriers: registration with a market, the staff's decision, and the deliveries they carry."""

from __future__ import annotations

from django.conf import settings
from django.contrib.gis.geos import LineString, MultiPoint, Point
from django.utils.translation import gettext as _

from metropoli.common.api import require
from metropoli.common.errors import DomainError
from metropoli.common.i18n import gettext_noop
from metropoli.common.transactions import retrying_atomic

from .. import selectors
from ..errors import MarketErrorCode
from ..models import Courier, CourierKind, CourierStatus, Market, Order, OrderEvent, Status
from ..quantities import haversine_km
from .fulfilment import check_handover_code, locked_order, record_event
from .notifications import notify, notify_shopper, notify_stalls


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
            raise DomainError(MarketErrorCode.INVALID_ROUTE, number=number) from None
        if distance > limit:
            raise DomainError(
                MarketErrorCode.ROUTE_TOO_FAR,
                number=number,
                distance=round(distance),
                market=market.name,
                limit=f"{limit:g}",
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
    require(user, "markets.register_courier", market)
    if kind not in CourierKind.values:
        raise DomainError(MarketErrorCode.INVALID_KIND)
    if len([c for c in phone if c.isdigit()]) < 10:
        raise DomainError(MarketErrorCode.INVALID_PHONE)
    if kind == CourierKind.COOPERATIVE and not organisation.strip():
        raise DomainError(MarketErrorCode.ORGANISATION_REQUIRED)
    line = None
    if kind == CourierKind.PUBLIC_TRANSPORT:
        if not route or len(route) < 2:
            raise DomainError(MarketErrorCode.ROUTE_REQUIRED)
        if not 50 <= route_buffer_m <= 3000:
            raise DomainError(MarketErrorCode.INVALID_BUFFER)
        line = LineString(_route_points(route, market), srid=4326)
    if stops:
        stops = _route_points(stops, market)
    if Courier.objects.filter(user=user, market=market).exists():
        raise DomainError(MarketErrorCode.ALREADY_REGISTERED)
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
    require(actor, "markets.approve_courier", courier)
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
def take_delivery(*, order: Order, courier: Courier, actor) -> Order:
    require(actor, "markets.take_delivery", courier)
    order = locked_order(order)
    if courier.status != CourierStatus.APPROVED:
        raise DomainError(MarketErrorCode.COURIER_NOT_APPROVED)
    if order.courier_id == courier.pk:
        return order
    if order.courier_id is not None:
        raise DomainError(MarketErrorCode.ALREADY_TAKEN)
    if not selectors.delivery_offered_to(order, courier):
        raise DomainError(MarketErrorCode.NOT_OFFERED)
    order.courier = courier
    order.save(update_fields=["courier", "updated_at"])
    OrderEvent.objects.create(
        order=order,
        status=order.status,
        actor=courier.user,
        note=(_("Courier: %(name)s") % {"name": courier.user.display_name})[:255],
    )
    notify_shopper(
        order,
        _("A courier will bring order %(number)s") % {"number": order.number},
        _("%(name)s will deliver it. Give the code %(code)s when you receive it.")
        % {"name": courier.user.display_name, "code": order.handover_code},
    )
    return order


@retrying_atomic
def start_delivery(*, order: Order, actor) -> Order:
    require(actor, "markets.deliver_order", order)
    order = locked_order(order)
    if order.status != Status.READY:
        raise DomainError(
            MarketErrorCode.NOT_READY,
            gettext_noop("The stalls have not finished preparing this order."),
        )
    record_event(order, Status.ON_THE_WAY, actor)
    notify_shopper(
        order,
        _("Order %(number)s is on the way") % {"number": order.number},
        _("Have the code %(code)s at hand.") % {"code": order.handover_code},
    )
    return order


@retrying_atomic
def confirm_delivery(*, order: Order, actor, code: str) -> Order:
    require(actor, "markets.deliver_order", order)
    order = locked_order(order)
    if order.status != Status.ON_THE_WAY:
        raise DomainError(MarketErrorCode.NOT_ON_THE_WAY)
    check_handover_code(order, code)
    record_event(order, Status.DELIVERED, actor)
    notify_stalls(order, _("Order %(number)s was delivered") % {"number": order.number})
    return order
