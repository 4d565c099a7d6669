"""Mi Mercado's notifications moved to the notifications app's one model (decision 0091): a
round trip through the old table keeps every row, its reader, text, read and e-mail marks."""

import pytest
from django.utils import timezone

from metropoli.markets.services.checkout import CartLine
from metropoli.markets.services.notifications import notify
from metropoli.markets.tests.test_orders import place
from metropoli.notifications.models import Notification
from metropoli.notifications.testing import KEPT, migrate, migrate_to_latest, snapshot

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def back_to_the_latest_schema():
    yield
    migrate_to_latest()


def test_every_notification_survives_the_move(
    market, tomato, vendor, smtp_server, back_to_the_latest_schema
):
    vendor.email_notifications = True
    vendor.save(update_fields=["email_notifications"])
    order = place(market, [CartLine(tomato.pk, "1")]).order  # the stall and the guest are told
    notify(user=vendor, subject="Nuevo repartidor", body="Ana se registró.")  # no order
    first = Notification.objects.order_by("pk").first()
    Notification.objects.filter(pk=first.pk).update(read_at=timezone.now())
    before = snapshot(*KEPT, "body")
    assert len(before) == 3 and {n.kind for n in Notification.objects.all()} == {"order", "courier"}
    assert len(smtp_server.messages) == 3  # the vendor asked for e-mails, the guest gave one

    old = migrate([("markets", "0006_spanish_admin_names")])
    rows = old.get_model("markets", "Notification").objects.all()
    assert rows.count() == 3 and rows.filter(order_id=order.pk).count() == 2
    migrate_to_latest()

    assert snapshot(*KEPT, "body") == before
