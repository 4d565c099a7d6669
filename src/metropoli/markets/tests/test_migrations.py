"""Pickup orders placed before dated pickup get the day they were placed (data stays valid)."""

from datetime import datetime

import pytest
from django.utils import timezone

from metropoli.common.testing import migrate, migrate_to_latest

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("markets", "0002_unaccent")]
AFTER = [("markets", "0003_pickup_days_and_photo_thumbnails")]


@pytest.fixture
def back_to_the_latest_schema():
    """Tests after this one (in the same process) need every later migration applied again."""
    yield
    migrate_to_latest()


def test_old_pickup_orders_get_the_local_day_they_were_placed(
    guadalajara, back_to_the_latest_schema
):
    old = migrate(BEFORE)
    try:
        Market = old.get_model("markets", "Market")
        Order = old.get_model("markets", "Order")
        market = Market.objects.create(
            municipality_id=guadalajara.pk,
            name="Mercado Libertad",
            slug="libertad",
            address="Centro",
            location="SRID=4326;POINT(-103.339 20.674)",
            pickup_slots=["09:00-11:00"],
        )
        common = {"market": market, "contact_name": "Ana", "contact_phone": "3312345678"}
        money = {"subtotal": 10, "total": 10}
        pickup = Order.objects.create(
            method="pickup", payment="at_pickup", pickup_slot="09:00-11:00", **common, **money
        )
        delivery = Order.objects.create(
            method="delivery",
            payment="on_delivery",
            address="Calle 1",
            location="SRID=4326;POINT(-103.34 20.68)",
            **common,
            **money,
        )
        # 23:30 in Guadalajara is already the next day in UTC: the local day must win.
        late = timezone.make_aware(datetime(2025, 3, 4, 23, 30))
        Order.objects.filter(pk=pickup.pk).update(created_at=late)
    finally:
        new = migrate(AFTER)
    Order = new.get_model("markets", "Order")
    assert Order.objects.get(pk=pickup.pk).pickup_date.isoformat() == "2025-03-04"
    assert Order.objects.get(pk=delivery.pk).pickup_date is None
    assert Order.objects.get(pk=pickup.pk).pickup_slot == "09:00-11:00"
