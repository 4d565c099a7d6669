"""Couriers: registration with a market, the staff's decision, and the deliveries they carry."""

from __future__ import annotations

from django.conf import settings
from django.contrib.gis.geos import LineString, MultiPoint, Point
from django.utils.translation import gettext as _

from metropoli.common.errors import ApiError
from metropoli.common.transactions import retrying_atomic

from .. import selectors
from ..models import Courier, CourierKind, CourierStatus, Market, Order, OrderEvent, Status
from ..quantities import haversine_km
from .fulfilment import check_handover_code, locked_order, record_event, refused
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
        raise refused("already_registered", _("You are already registered with this market."))
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
    order = locked_order(order)
    if courier.status != CourierStatus.APPROVED:
        raise ApiError(403, "courier_not_approved", _("Your registration is not approved yet."))
    if order.courier_id == courier.pk:
        return order
    if order.courier_id is not None:
        raise refused("already_taken", _("Another courier already took this delivery."))
    if not selectors.delivery_offered_to(order, courier):
        raise refused("not_offered", _("This delivery is not offered to you."))
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
    order = locked_order(order)
    if order.status != Status.READY:
        raise refused("not_ready", _("The stalls have not finished preparing this order."))
    record_event(order, Status.ON_THE_WAY, actor)
    notify_shopper(
        order,
        _("Order %(number)s is on the way") % {"number": order.number},
        _("Have the code %(code)s at hand.") % {"code": order.handover_code},
    )
    return order


@retrying_atomic
def confirm_delivery(*, order: Order, actor, code: str) -> Order:
    order = locked_order(order)
    if order.status != Status.ON_THE_WAY:
        raise refused("not_on_the_way", _("Start the delivery before handing it over."))
    check_handover_code(order, code)
    record_event(order, Status.DELIVERED, actor)
    notify_stalls(order, _("Order %(number)s was delivered") % {"number": order.number})
    return order
