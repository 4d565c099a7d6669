"""Stalls that do not answer: market staff answer for them, and a periodic job cancels what is
still unanswered at the market's deadline (docs/decisions/0074-stall-answer-deadline.md)."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from metropoli.common.api import require
from metropoli.common.errors import DomainError
from metropoli.common.transactions import retrying_atomic

from ..models import OrderEvent, OrderPart, PartStatus, Status
from ..quantities import format_quantity
from .fulfilment import _locked_part, _sync_status, accept_part, reject_part
from .notifications import notify_shopper
from .stock import restore_stock

ACCEPTED_FOR = gettext_noop("Market staff accepted for %(stall)s (the stall did not answer)")
REFUSED_FOR = gettext_noop("Market staff refused for %(stall)s (the stall did not answer)")


@retrying_atomic
def answer_for_stall(*, part: OrderPart, actor, accept: bool, reason: str = "") -> OrderPart:
    """Accept or refuse a stall's part on its behalf; the history says who and for whom."""
    require(actor, "markets.act_for_stall", part)
    stall = part.stall.name
    if accept:
        part = accept_part(part=part, actor=actor)
        note = _(ACCEPTED_FOR) % {"stall": stall}
    else:
        part = reject_part(part=part, actor=actor, reason=reason)
        note = _(REFUSED_FOR) % {"stall": stall}
    order = part.order
    order.refresh_from_db(fields=["status"])
    OrderEvent.objects.create(order=order, status=order.status, actor=actor, note=note[:255])
    return part


def overdue_parts(now: datetime | None = None) -> list[OrderPart]:
    """Parts still waiting for their stall after the market's answer time."""
    now = now or timezone.now()
    parts = OrderPart.objects.filter(
        status=PartStatus.PENDING, order__status=Status.PLACED
    ).select_related("order", "stall__market")
    return [
        part
        for part in parts.order_by("order_id", "pk")
        if part.order.created_at + timedelta(minutes=part.stall.market.answer_minutes) <= now
    ]


@retrying_atomic
def cancel_unanswered_part(*, part: OrderPart, now: datetime | None = None) -> bool:
    """Cancel one overdue part (its stock back on sale, the total lowered) and tell the shopper.
    False when the stall answered meanwhile."""
    order, part = _locked_part(part)
    market = order.market
    deadline = order.created_at + timedelta(minutes=market.answer_minutes)
    if (
        part.status != PartStatus.PENDING
        or order.status != Status.PLACED
        or deadline > (now or timezone.now())
    ):
        return False
    lines = list(part.lines.all())
    restore_stock(lines)
    part.status = PartStatus.CANCELLED
    part.reason = _("No answer in time")
    part.save(update_fields=["status", "reason"])
    removed = sum((line.line_total for line in lines), Decimal("0.00"))
    order.subtotal -= removed
    order.total -= removed
    order.save(update_fields=["subtotal", "total", "updated_at"])
    stall = part.stall.name
    OrderEvent.objects.create(
        order=order,
        status=order.status,
        note=(
            _("%(stall)s did not answer in time; its products were cancelled") % {"stall": stall}
        )[:255],
    )
    products = "\n".join(
        f"- {line.product_name}: {format_quantity(line.quantity, line.unit)}" for line in lines
    )
    notify_shopper(
        order,
        _("Order %(number)s: %(stall)s did not answer") % {"number": order.number, "stall": stall},
        _(
            "%(stall)s did not accept its part of your order within %(minutes)s minutes, so it "
            "was cancelled and will not be charged:\n%(products)s"
        )
        % {"stall": stall, "minutes": market.answer_minutes, "products": products},
    )
    _sync_status(order, None)
    return True


def cancel_unanswered_parts(now: datetime | None = None) -> int:
    """The periodic job: every overdue part, each in its own transaction; returns how many."""
    cancelled = 0
    for part in overdue_parts(now):
        try:
            cancelled += cancel_unanswered_part(part=part, now=now)
        except DomainError:
            continue
    return cancelled


__all__ = ["answer_for_stall", "cancel_unanswered_parts"]
