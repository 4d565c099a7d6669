"""An order after the checkout: the stalls' answers, the shopper's cancellation, the pickup.

Deliveries by courier are in `couriers`; both change orders through the helpers here, which
keep the one lock order of every markets write.
"""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.utils.translation import gettext as _

from metropoli.common.api import require
from metropoli.common.errors import DomainError
from metropoli.common.transactions import retrying_atomic

from ..errors import MarketErrorCode
from ..models import Method, Order, OrderEvent, OrderPart, PartStatus, Status
from .notifications import notify_couriers, notify_shopper, notify_stalls
from .stock import restore_stock

# Lock order of every write path (docs/decisions/0045-lock-order-and-retry.md): the order row,
# then its parts by id, then product rows by id; a checkout locks only the market row (pickup
# capacity) and then product rows by id. Row locks here are FOR NO KEY UPDATE OF the row itself:
# no key changes, so they never conflict with the key-share locks that other transactions'
# foreign-key checks take at their COMMIT (Django's foreign keys are deferred), and a joined
# market or stall is read without being locked.


def locked_order(order: Order) -> Order:
    return (
        Order.objects.select_for_update(no_key=True, of=("self",))
        .select_related("market")
        .get(pk=order.pk)
    )


def _locked_part(part: OrderPart) -> tuple[Order, OrderPart]:
    order = locked_order(part.order)
    part = (
        OrderPart.objects.select_for_update(no_key=True, of=("self",))
        .select_related("stall")
        .get(pk=part.pk)
    )
    return order, part


def record_event(order: Order, status: str, actor=None, note: str = "") -> None:
    """Move the order to `status` and add it to the order's history."""
    order.status = status
    order.save(update_fields=["status", "updated_at"])
    OrderEvent.objects.create(order=order, status=status, actor=actor, note=note[:255])


def check_handover_code(order: Order, code: str) -> None:
    if not secrets.compare_digest((code or "").strip(), order.handover_code):
        raise DomainError(MarketErrorCode.WRONG_CODE)


@retrying_atomic
def cancel_order(*, order: Order, actor=None, reason: str = "") -> Order:
    """The shopper cancels while no stall has accepted yet; the stock goes back on sale. A
    guest's order is cancelled by whoever holds its link; a signed-in shopper's, by them (or
    the market's staff)."""
    if order.shopper_id is not None:
        require(actor, "markets.cancel_order", order)
    order = locked_order(order)
    parts = list(order.parts.select_for_update(no_key=True, of=("self",)).order_by("pk"))
    if order.status != Status.PLACED or any(p.status != PartStatus.PENDING for p in parts):
        raise DomainError(MarketErrorCode.CANNOT_CANCEL)
    restore_stock(order.lines.all())
    order.parts.update(status=PartStatus.CANCELLED)
    record_event(order, Status.CANCELLED, actor, reason)
    notify_stalls(order, _("Order %(number)s was cancelled") % {"number": order.number})
    return order


def _sync_status(order: Order, actor) -> None:
    statuses = [p.status for p in order.parts.all()]
    live = [s for s in statuses if s not in (PartStatus.REJECTED, PartStatus.CANCELLED)]
    if not live:
        record_event(order, Status.REJECTED, actor)
        notify_shopper(
            order,
            _("Order %(number)s was rejected") % {"number": order.number},
            _("The stalls could not prepare your order. Nothing will be charged."),
        )
    elif all(s == PartStatus.READY for s in live):
        record_event(order, Status.READY, actor)
        if order.method == Method.PICKUP:
            notify_shopper(
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
            notify_couriers(order)
    elif order.status == Status.PLACED and all(
        s in (PartStatus.ACCEPTED, PartStatus.READY) for s in live
    ):
        record_event(order, Status.ACCEPTED, actor)
        notify_shopper(
            order,
            _("Order %(number)s was accepted") % {"number": order.number},
            _("The stalls are preparing your order."),
        )


@retrying_atomic
def accept_part(*, part: OrderPart, actor) -> OrderPart:
    require(actor, "markets.handle_order_part", part)
    order, part = _locked_part(part)
    if part.status != PartStatus.PENDING or order.status == Status.CANCELLED:
        raise DomainError(MarketErrorCode.NOT_PENDING)
    part.status = PartStatus.ACCEPTED
    part.save(update_fields=["status"])
    _sync_status(order, actor)
    return part


@retrying_atomic
def reject_part(*, part: OrderPart, actor, reason: str = "") -> OrderPart:
    """The stall cannot prepare its part: its stock goes back and the order total drops."""
    require(actor, "markets.handle_order_part", part)
    order, part = _locked_part(part)
    if part.status != PartStatus.PENDING or order.status == Status.CANCELLED:
        raise DomainError(MarketErrorCode.NOT_PENDING)
    lines = list(part.lines.all())
    restore_stock(lines)
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
    require(actor, "markets.handle_order_part", part)
    order, part = _locked_part(part)
    if part.status != PartStatus.ACCEPTED:
        raise DomainError(MarketErrorCode.NOT_ACCEPTED)
    part.status = PartStatus.READY
    part.save(update_fields=["status"])
    _sync_status(order, actor)
    return part


@retrying_atomic
def confirm_pickup(*, order: Order, actor, code: str) -> Order:
    require(actor, "markets.confirm_pickup", order)
    order = locked_order(order)
    if order.method != Method.PICKUP or order.status != Status.READY:
        raise DomainError(MarketErrorCode.NOT_READY)
    check_handover_code(order, code)
    record_event(order, Status.COLLECTED, actor)
    return order
