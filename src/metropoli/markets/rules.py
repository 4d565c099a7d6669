"""Named permissions of Mi Mercado.

Module roles (see docs/decisions/0022-markets-roles.md): a person runs a stall through a
``StallMember`` row and administers a market through a ``MarketStaff`` row. Municipal staff of the
market's municipality and platform administrators count as market staff everywhere in their
territory. Couriers act only on orders assigned to their own approved registration.
"""

import rules

from metropoli.territory.models import Municipality, Role
from metropoli.territory.rules import is_municipal_staff, is_platform_administrator
from metropoli.territory.selectors import municipalities_where

from .models import Courier, CourierStatus, Market, Order, OrderPart, Product, Stall


def market_of(obj) -> Market | None:
    if obj is None or isinstance(obj, Market):
        return obj
    if isinstance(obj, Stall | Order | Courier):
        return obj.market
    if isinstance(obj, Product):
        return obj.stall.market
    if isinstance(obj, OrderPart):
        return obj.stall.market
    return getattr(obj, "market", None)


def _stalls_of(obj) -> list[int]:
    if isinstance(obj, Stall):
        return [obj.pk]
    if isinstance(obj, Product | OrderPart):
        return [obj.stall_id]
    if isinstance(obj, Order):
        return list(obj.parts.values_list("stall_id", flat=True))
    return []


@rules.predicate
def is_market_staff(user, obj=None) -> bool:
    market = market_of(obj)
    if market is None or not user.is_authenticated:
        return False
    if is_platform_administrator(user) or is_municipal_staff(user, market.municipality):
        return True
    return market.staff.filter(user=user).exists()


@rules.predicate
def is_stall_member(user, obj=None) -> bool:
    stalls = _stalls_of(obj)
    if not stalls or not user.is_authenticated:
        return False
    return user.stall_memberships.filter(stall_id__in=stalls).exists()


@rules.predicate
def is_assigned_courier(user, order=None) -> bool:
    if not isinstance(order, Order) or order.courier_id is None or not user.is_authenticated:
        return False
    courier = order.courier
    return courier.user_id == user.pk and courier.status == CourierStatus.APPROVED


@rules.predicate
def is_approved_courier(user, courier=None) -> bool:
    return (
        isinstance(courier, Courier)
        and user.is_authenticated
        and courier.user_id == user.pk
        and courier.status == CourierStatus.APPROVED
    )


@rules.predicate
def is_shopper(user, order=None) -> bool:
    return isinstance(order, Order) and user.is_authenticated and order.shopper_id == user.pk


@rules.predicate
def is_staff_somewhere(user) -> bool:
    if not user.is_authenticated:
        return False
    return (
        is_platform_administrator(user) or municipalities_where(user, Role.MUNICIPAL_STAFF).exists()
    )


@rules.predicate
def is_staff_of_municipality(user, municipality=None) -> bool:
    """Municipal staff of this municipality (or a platform administrator)."""
    if not isinstance(municipality, Municipality) or not user.is_authenticated:
        return False
    return is_platform_administrator(user) or is_municipal_staff(user, municipality)


rules.add_perm("markets.view_market", rules.always_allow)
# Opening a market in a municipality: its municipal staff (the object is the municipality).
rules.add_perm("markets.add_market", is_staff_of_municipality)
# Setting a market up: opening days, pickup slots, stalls, their people and products, staff.
rules.add_perm("markets.setup_market", is_market_staff)
# Accepting or refusing a stall's part of an order when the stall does not answer (recorded).
rules.add_perm("markets.act_for_stall", is_market_staff)
# Prices, stock, product photos and the stall's own orders.
rules.add_perm("markets.change_stall", is_stall_member | is_market_staff)
rules.add_perm("markets.handle_order_part", is_stall_member | is_market_staff)
rules.add_perm(
    "markets.view_order", is_shopper | is_stall_member | is_assigned_courier | is_market_staff
)
rules.add_perm("markets.cancel_order", is_shopper | is_market_staff)
# Pickup hand-over happens at the stall or the market office.
rules.add_perm("markets.confirm_pickup", is_stall_member | is_market_staff)
rules.add_perm("markets.register_courier", rules.is_authenticated)
rules.add_perm("markets.approve_courier", is_market_staff)
rules.add_perm("markets.take_delivery", is_approved_courier)
rules.add_perm("markets.deliver_order", is_assigned_courier)
rules.add_perm("markets.view_market_orders", is_market_staff)
# The market's own page: its photo.
rules.add_perm("markets.change_market", is_market_staff)
rules.add_perm("markets.manage_selection", is_staff_somewhere)
