"""In-app notifications of Mi Mercado and their e-mails, sent after the transaction commits."""

from __future__ import annotations

from collections import defaultdict

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from .. import selectors
from ..models import Method, Notification, Order
from ..quantities import format_quantity


def notify(
    *,
    user=None,
    email: str = "",
    order: Order | None = None,
    subject: str,
    body: str,
    email_after_commit: bool = True,
) -> Notification:
    """Store an in-app notification; e-mail it after the transaction commits."""
    address = email or (
        user.email if user is not None and getattr(user, "email_notifications", True) else ""
    )
    note = Notification.objects.create(
        user=user, email=address, order=order, subject=subject[:200], body=body
    )
    if address and email_after_commit:
        transaction.on_commit(lambda: send_notification_email.enqueue(note.pk))
    return note


@task()
def send_notification_email(notification_id: int) -> None:
    # The row stays locked while the message goes out: a requeued or doubled run of this task
    # waits, then finds it sent (docs/decisions/0037-supervised-worker-and-schedule.md).
    with transaction.atomic():
        note = (
            Notification.objects.select_for_update()
            .filter(pk=notification_id, emailed_at__isnull=True)
            .first()
        )
        if note is None:
            return
        send_mail(note.subject, note.body, None, [note.email])
        Notification.objects.filter(pk=note.pk).update(emailed_at=timezone.now())


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
    """Runs after the checkout committed, so its e-mails are queued directly."""
    order = Order.objects.select_related("market").get(pk=order_id)
    notes = []
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
            notes += [
                notify(
                    user=person,
                    order=order,
                    subject=_("New order %(number)s") % {"number": order.number},
                    body="\n".join(lines[part.stall_id]),
                    email_after_commit=False,
                )
                for person in selectors.members_of(part.stall)
            ]
        if order.shopper_id is not None or order.contact_email:
            notes.append(
                notify(
                    user=order.shopper,
                    email=order.contact_email,
                    order=order,
                    subject=_("We received order %(number)s") % {"number": order.number},
                    body=_("Total %(total)s MXN. We will tell you when the stalls accept it.")
                    % {"total": order.total}
                    + (f"\n{pickup}" if pickup else "")
                    + f"\n\n{selectors.order_path(order)}",
                    email_after_commit=False,
                )
            )
    for note in notes:
        if note.email:
            send_notification_email.enqueue(note.pk)
