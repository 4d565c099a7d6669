"""Dated pickup at checkout: the day and slot are checked, stored, shown and their capacity held."""

import json
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone, translation

from metropoli.common.errors import DomainError
from metropoli.markets.models import Market, Order, OrderLine, Product
from metropoli.markets.services import checkout, fulfilment
from metropoli.markets.services.checkout import CartLine, Contact, Destination
from metropoli.markets.services.fetch import fetch_checkout_info
from metropoli.markets.services.pickup_slots import hold_pickup_place

pytestmark = pytest.mark.django_db

GUEST = Contact("Ana López", "33 1234 5678", "ana@example.mx")


def today():
    return timezone.localdate()


def pickup(day, slot="09:00-11:00"):
    return Destination(method="pickup", pickup_slot=slot, pickup_date=day)


def place(market, product, destination, contact=GUEST):
    return checkout.place_order(
        market=market, lines=[CartLine(product.pk, "1")], destination=destination, contact=contact
    ).order


def snapshot():
    return (
        list(Product.objects.order_by("pk").values_list("pk", "stock")),
        Order.objects.count(),
        OrderLine.objects.count(),
    )


def refused(market, product, destination) -> DomainError:
    before = snapshot()
    with pytest.raises(DomainError) as info:
        place(market, product, destination)
    assert snapshot() == before
    return info.value


def test_the_chosen_day_and_slot_are_stored(market, tomato):
    tomorrow = today() + timedelta(days=1)
    order = place(market, tomato, pickup(tomorrow, "11:00-13:00"))
    order.refresh_from_db()
    assert (order.pickup_date, order.pickup_slot) == (tomorrow, "11:00-13:00")


def test_without_a_day_the_first_day_the_slot_is_still_open(market, tomato):
    order = place(market, tomato, Destination(method="pickup", pickup_slot="11:00-13:00"))
    started = timezone.localtime().time() >= timezone.datetime(2000, 1, 1, 11).time()
    assert order.pickup_date == today() + timedelta(days=1 if started else 0)


def test_a_past_day_or_a_started_slot_is_refused(market, tomato):
    error = refused(market, tomato, pickup(today() - timedelta(days=1)))
    assert error.code == "pickup_slot_past"
    # A slot that starts at midnight has always started by now.
    Market.objects.filter(pk=market.pk).update(pickup_slots=["00:00-24:00"])
    market.refresh_from_db()
    error = refused(market, tomato, pickup(today(), "00:00-24:00"))
    assert error.code == "pickup_slot_past"


def test_closed_days_too_far_and_unknown_slots_are_refused(market, tomato):
    tomorrow = today() + timedelta(days=1)
    market.open_weekdays = [d for d in range(7) if d != tomorrow.weekday()]
    market.pickup_days_ahead = 3
    market.save()
    assert refused(market, tomato, pickup(tomorrow)).code == "market_closed_that_day"
    far = refused(market, tomato, pickup(today() + timedelta(days=4)))
    assert far.code == "pickup_date_too_far" and "3" in far.message
    unknown = refused(market, tomato, pickup(tomorrow, "23:00-24:00"))
    assert unknown.code == "invalid_pickup_slot"
    assert "09:00-11:00, 11:00-13:00" in unknown.message


def test_a_full_slot_is_refused_and_a_cancellation_frees_its_place(market, tomato, cilantro):
    market.pickup_slot_capacity = 1
    market.save()
    tomorrow = today() + timedelta(days=1)
    first = place(market, tomato, pickup(tomorrow))
    error = refused(market, cilantro, pickup(tomorrow))
    assert error.code == "pickup_slot_full"
    # The other slot of the same day and the same slot another day still have room.
    place(market, cilantro, pickup(tomorrow, "11:00-13:00"))
    place(market, cilantro, pickup(tomorrow + timedelta(days=1)))
    fulfilment.cancel_order(order=first)
    assert place(market, cilantro, pickup(tomorrow)).pickup_date == tomorrow


def test_the_capacity_is_checked_inside_the_checkout_transaction(market, tomato, cilantro):
    """A place taken after the first check (a competing shopper) still stops the order."""
    market.pickup_slot_capacity = 1
    market.save()
    tomorrow = today() + timedelta(days=1)
    info = fetch_checkout_info(market, [CartLine(cilantro.pk, "1")])
    quote = checkout.quote_destination(info, pickup(tomorrow))
    place(market, tomato, pickup(tomorrow))  # the competitor commits first
    before = snapshot()
    with pytest.raises(DomainError) as info_error, transaction.atomic():
        order, _lines, _event = checkout.create_order(
            info, [(info.lines[0].product, Decimal(1))], quote, pickup(tomorrow), GUEST, None
        )
        assert order.pk is not None
        hold_pickup_place(market, quote.pickup_date, quote.pickup_slot)
    assert info_error.value.code == "pickup_slot_full"
    assert snapshot() == before


def test_checkout_page_offers_days_and_leaves_full_slots_out(client, market, tomato, cilantro):
    market.pickup_slot_capacity = 1
    market.pickup_days_ahead = 2
    market.save()
    tomorrow = today() + timedelta(days=1)
    place(market, cilantro, pickup(tomorrow))
    client.post("/mercado/libertad/agregar/", {"product": tomato.pk, "quantity": "1"})
    page = client.get("/mercado/libertad/pagar/", headers={"Accept-Language": "en"})
    html = page.content.decode()
    assert '<optgroup label="Tomorrow, ' in html
    values = re.findall(r'<option value="([^"]+)"', html)
    assert f"{tomorrow.isoformat()} 09:00-11:00" not in values
    assert f"{tomorrow.isoformat()} 11:00-13:00" in values
    assert "(1 place left)" in html
    key = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', html).group(1)
    data = {"method": "pickup", "name": "Ana", "phone": "3312345678", "idempotency_key": key}
    full = client.post(
        "/mercado/libertad/pagar/",
        {**data, "pickup_slot": f"{tomorrow.isoformat()} 09:00-11:00"},
        headers={"Accept-Language": "es-MX"},
    )
    assert full.status_code == 400
    assert "está lleno" in full.content.decode()
    placed = client.post(
        "/mercado/libertad/pagar/", {**data, "pickup_slot": f"{tomorrow.isoformat()} 11:00-13:00"}
    )
    order = Order.objects.get(pickup_date=tomorrow, pickup_slot="11:00-13:00")
    assert placed.status_code == 302
    assert (order.pickup_date, order.pickup_slot) == (tomorrow, "11:00-13:00")
    shown = client.get(placed.url, headers={"Accept-Language": "en"}).content.decode()
    assert "Tomorrow" not in shown and "11:00-13:00" in shown
    assert tomorrow.strftime("%B") in shown


@pytest.mark.parametrize(
    ("language", "expected"),
    [("es-MX", "ya empezó; elige uno más tarde."), ("en", "has already started; choose a later")],
)
def test_api_takes_a_pickup_date_and_refuses_a_past_one(client, market, tomato, language, expected):
    body = {
        "market": "libertad",
        "lines": [{"product_id": tomato.pk, "quantity": "1"}],
        "method": "pickup",
        "pickup_slot": "11:00-13:00",
        "pickup_date": (today() - timedelta(days=1)).isoformat(),
        "name": "Ana",
        "phone": "3312345678",
    }
    post = {"content_type": "application/json", "headers": {"Accept-Language": language}}
    past = client.post("/api/markets/orders", json.dumps(body), **post)
    assert past.status_code == 400 and past.json()["code"] == "pickup_slot_past"
    assert expected in past.json()["message"]
    assert Order.objects.count() == 0
    body["pickup_date"] = (today() + timedelta(days=2)).isoformat()
    placed = client.post("/api/markets/orders", json.dumps(body), **post)
    assert placed.status_code == 201
    assert placed.json()["pickup_date"] == body["pickup_date"]
    slots = client.get("/api/markets/markets/libertad/pickup-slots").json()
    assert {"date": body["pickup_date"], "slot": "11:00-13:00", "places_left": None} in slots


def test_vendor_dashboard_and_emails_show_the_day(
    client, market, tomato, vendor, smtp_server, django_capture_on_commit_callbacks
):
    tomorrow = today() + timedelta(days=1)
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        order = place(market, tomato, pickup(tomorrow))
    client.force_login(vendor)
    page = client.get(
        f"/mercado/puesto/{market.stalls.get().pk}/", headers={"Accept-Language": "en"}
    )
    assert "Tomorrow, " in page.content.decode() and "09:00-11:00" in page.content.decode()
    part = order.parts.get()
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        fulfilment.accept_part(part=part, actor=vendor)
        fulfilment.mark_part_ready(part=part, actor=vendor)
        label = order.pickup_label
    assert label == f"{tomorrow:%A} {tomorrow:%B} {tomorrow.day} · 09:00-11:00"
    bodies = {str(m["Subject"]): m.get_payload(decode=True).decode() for m in smtp_server.messages}
    assert label in bodies[f"Order {order.number} is ready"]
    assert label in bodies[f"We received order {order.number}"]


def test_market_staff_page_shows_the_load_of_the_coming_slots(client, market, tomato, guadalajara):
    from metropoli.accounts.tests.factories import person_with
    from metropoli.territory.models import Role

    market.pickup_slot_capacity = 1
    market.save()
    place(market, tomato, pickup(today() + timedelta(days=1)))
    client.force_login(person_with(Role.MUNICIPAL_STAFF, guadalajara))
    page = client.get("/mercado/libertad/administracion/", headers={"Accept-Language": "en"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "1 / 1 <strong>full</strong>" in html and "0 / 1" in html


def test_quantities_are_shown_without_exponents(client, market, stall, cilantro, vendor):
    checkout.place_order(
        market=market,
        lines=[CartLine(cilantro.pk, "10")],
        destination=pickup(today() + timedelta(days=1)),
        contact=GUEST,
    )
    client.force_login(vendor)
    page = client.get(f"/mercado/puesto/{stall.pk}/").content.decode()
    # Decimal("10.000").normalize() would print "1E+1".
    assert "<strong>10 manojos</strong>" in page and "1E+1" not in page
    assert f'name="stock_{cilantro.pk}" value="10"' in page


def test_admin_form_checks_slots_and_sets_opening_days_and_capacity(market):
    from metropoli.markets.admin import MarketForm

    data = {
        "municipality": market.municipality_id,
        "name": market.name,
        "slug": market.slug,
        "address": market.address,
        "location": market.location.wkt,
        "delivery_fee_bands": "[]",
        "pickup_slots": '["11:00-13:00", "9:00-11:00"]',
        "open_weekdays": ["0", "1", "2", "3", "4", "5"],
        "pickup_days_ahead": "5",
        "pickup_slot_capacity": "8",
        "active": "on",
    }
    with translation.override("en"):
        bad = MarketForm(instance=market, data={**data, "pickup_slots": '["9 a 11"]'})
        assert not bad.is_valid()
        assert "«9 a 11» is not a slot" in bad.errors["pickup_slots"][0]
        closed = MarketForm(instance=market, data={**data, "open_weekdays": []})
        assert not closed.is_valid() and "open_weekdays" in closed.errors
    form = MarketForm(instance=market, data=data)
    assert form.is_valid(), form.errors
    form.save()
    market.refresh_from_db()
    assert market.pickup_slots == ["09:00-11:00", "11:00-13:00"]
    assert market.open_weekdays == [0, 1, 2, 3, 4, 5]
    assert (market.pickup_days_ahead, market.pickup_slot_capacity) == (5, 8)
