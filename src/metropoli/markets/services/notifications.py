"""Mi Mercado's notifications (the notifications app's one model and e-mail task): to the
shopper or guest, the stalls and the couriers of an order, e-mailed after the transaction
commits (docs/decisions/0091-one-notification-model.md)."""

from __future__ import annotations

from collections import defaultdict

from django.db import transaction
from django.utils.translation import gettext as _
from django_tasks import task

from metropoli.notifications import services as notifications
from metropoli.notifications.models import Notification

from .. import selectors
from ..models import Method, Order
from ..quantities import format_quantity

SOURCE = "markets"


def notify(
    *,
    user=None,
    email: str = "",
    order: Order | None = None,
    subject: str,
    body: str,
    link: str = "",
) -> Notification:
    """An in-app notification (about `order`, or about a courier's registration without one);
    e-mailed after commit to `email`, else to the person's address if they asked for e-mails.
    Only the shopper's get a `link`: the order's page opens with the shopper's secret key."""
    return notifications.notify(
        user,
        source=SOURCE,
        kind="order" if order is not None else "courier",
        subject=subject,
        body=body,
        link=link,
        about=order,
        email=email or None,
    )


def notify_shopper(order: Order, subject: str, body: str) -> None:
    if order.shopper_id is None and not order.contact_email:
        return
    link = selectors.order_path(order)
    notify(
        user=order.shopper,
        email=order.contact_email,
        order=order,
        subject=subject,
        body=f"{body}\n\n{link}",
        link=link,
    )


def notify_stalls(order: Order, subject: str) -> None:
    for person in selectors.stall_people_of(order):
        notify(user=person, order=order, subject=subject, body=subject)


def notify_couriers(order: Order) -> None:
    """A ready delivery: to its courier, else to every courier it is offered to."""
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


@task()
def notify_new_order(order_id: int) -> None:
    """Runs after the checkout committed; its e-mails are queued when its own writes commit."""
    order = Order.objects.select_related("market").get(pk=order_id)
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
                f"- {line.product_name}: {format_quantity(line.quantity, line.unit)}"
            )
        if pickup:
            for stall_lines in lines.values():
                stall_lines.append(f"\n{pickup}")
        for part in order.parts.select_related("stall"):
            for person in selectors.members_of(part.stall):
                notify(
                    user=person,
                    order=order,
                    subject=_("New order %(number)s") % {"number": order.number},
                    body="\n".join(lines[part.stall_id]),
                )
        if order.shopper_id is not None or order.contact_email:
            notify(
                user=order.shopper,
                email=order.contact_email,
                order=order,
                subject=_("We received order %(number)s") % {"number": order.number},
                body=_("Total %(total)s MXN. We will tell you when the stalls accept it.")
                % {"total": order.total}
                + (f"\n{pickup}" if pickup else "")
                + f"\n\n{selectors.order_path(order)}",
                link=selectors.order_path(order),
            )
