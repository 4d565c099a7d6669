"""Checkouts racing cancellations, rejections and acceptances over HTTP, on PostGIS.

Every write path locks the order first, then product rows by id (ADR 0045): no deadlock, so no
500 and no 503; each request either succeeds or gets a domain refusal, and the stock adds up.
"""

import json
from decimal import Decimal

import pytest
from django.test import Client, override_settings

from metropoli.accounts.tests.factories import UserFactory
from metropoli.common.testing import run_in_parallel
from metropoli.markets.models import Order, OrderLine, PartStatus, Product, Stall, StallMember
from metropoli.markets.services.checkout import CartLine, Contact, Destination, place_order

from .conftest import NEAR, make_market, make_product

pytestmark = pytest.mark.django_db(transaction=True)

STOCK = Decimal("60")
# What a request in this race may be refused with: the order moved on, or the stock ran out.
DOMAIN_REFUSALS = {"cannot_cancel", "not_pending", "out_of_stock"}


def _vendor_client(stall) -> Client:
    user = UserFactory()
    StallMember.objects.create(stall=stall, user=user)
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def _post(client: Client, url: str, body: dict | None = None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


@override_settings(MARKETS_ANONYMOUS_ORDERS_PER_HOUR=0, MARKETS_ANONYMOUS_CANCELS_PER_HOUR=0)
def test_checkouts_race_cancellations_rejections_and_acceptances(guadalajara):
    market = make_market(guadalajara)
    # With a capacity, pickup checkouts also lock the market row (ADR 0030).
    market.pickup_slot_capacity = 500
    market.save()
    greens = Stall.objects.create(market=market, name="Doña Lupe", giro="Verduras")
    meat = Stall.objects.create(market=market, name="El Güero", giro="Carnes")
    products = [
        make_product(greens, "Jitomate", stock=str(STOCK)),
        make_product(greens, "Cebolla", stock=str(STOCK)),
        make_product(meat, "Bistec", stock=str(STOCK)),
        make_product(meat, "Chorizo", stock=str(STOCK)),
    ]
    cart = [CartLine(p.pk, "1") for p in products]
    orders = [
        place_order(
            market=market,
            lines=cart,
            destination=Destination(method="pickup", pickup_slot="09:00-11:00"),
            contact=Contact(f"Cliente {n}", "3312345678"),
        ).order
        for n in range(12)
    ]
    parts = [
        {part.stall_id: part.pk for part in order.parts.all()} for order in orders
    ]  # order index -> stall id -> part id
    greens_vendor, meat_vendor = _vendor_client(greens), _vendor_client(meat)

    def checkout(n: int):
        lines = [{"product_id": p.pk, "quantity": "1"} for p in products]
        body = {
            "market": market.slug,
            "lines": lines if n % 2 else lines[::-1],
            "name": f"Comprador {n}",
            "phone": "3312345678",
        }
        if n % 3:
            body |= {"method": "pickup", "pickup_slot": "09:00-11:00"}
        else:
            body |= {"method": "delivery", "address": "Juan Manuel 100", "lon": NEAR[0]}
            body["lat"] = NEAR[1]
        return _post(Client(raise_request_exception=False), "/api/markets/orders", body)

    def cancel(order):
        url = f"/api/markets/orders/{order.access_key}/cancel"
        return lambda: _post(Client(raise_request_exception=False), url)

    def part_action(client, order_index, stall, action):
        url = f"/api/markets/parts/{parts[order_index][stall.pk]}/{action}"
        body = {"reason": "Sin existencia"} if action == "reject" else {}
        return lambda: _post(client, url, body)

    calls = [lambda n=n: checkout(n) for n in range(10)]
    for i in range(0, 4):  # the shopper cancels while the butcher accepts: one of them loses
        calls += [cancel(orders[i]), part_action(meat_vendor, i, meat, "accept")]
    for i in range(4, 8):  # both stalls reject: the order is rejected, all its stock comes back
        calls += [
            part_action(greens_vendor, i, greens, "reject"),
            part_action(meat_vendor, i, meat, "reject"),
        ]
    for i in range(8, 12):  # one accepts, the other rejects
        calls += [
            part_action(greens_vendor, i, greens, "accept"),
            part_action(meat_vendor, i, meat, "reject"),
        ]

    responses = run_in_parallel(calls)

    answers = []
    for response in responses:
        assert not isinstance(response, Exception), repr(response)
        body = response.json() if response["Content-Type"].startswith("application/json") else {}
        answers.append((response.status_code, body.get("code")))
    unexpected = [
        (status, code)
        for status, code in answers
        if status not in (200, 201) and not (status == 409 and code in DOMAIN_REFUSALS)
    ]
    assert unexpected == []
    # Stock integrity: what is on the shelf plus what live orders hold is what there was.
    held = {p.pk: Decimal(0) for p in products}
    for line in OrderLine.objects.select_related("part"):
        if line.part.status not in (PartStatus.REJECTED, PartStatus.CANCELLED):
            held[line.product_id] += line.quantity
    for product in Product.objects.filter(pk__in=held):
        assert product.stock + held[product.pk] == STOCK, product.name
    # Each raced order ended in one consistent state.
    for i in range(0, 4):
        order = Order.objects.get(pk=orders[i].pk)
        statuses = sorted(order.parts.values_list("status", flat=True))
        assert (order.status, statuses) in [
            ("cancelled", [PartStatus.CANCELLED] * 2),
            ("placed", [PartStatus.ACCEPTED, PartStatus.PENDING]),
        ]
    for i in range(4, 8):
        assert Order.objects.get(pk=orders[i].pk).status == "rejected"
    for i in range(8, 12):
        assert Order.objects.get(pk=orders[i].pk).status == "accepted"


@pytest.fixture
def orders_always_conflict(transactional_db):
    """PostgreSQL itself aborts every order insert as a deadlock victim (SQLSTATE 40P01)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION always_deadlock() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "RAISE EXCEPTION 'deadlock' USING ERRCODE = '40P01'; END $$"
        )
        cursor.execute(
            "CREATE TRIGGER always_deadlock BEFORE INSERT ON markets_order "
            "FOR EACH ROW EXECUTE FUNCTION always_deadlock()"
        )
    yield
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER always_deadlock ON markets_order")
        cursor.execute("DROP FUNCTION always_deadlock()")


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("es-mx", "Mucha gente está haciendo lo mismo ahora. Vuelve a intentarlo en un momento."),
        ("en", "Many people are doing the same right now. Please try again in a moment."),
    ],
)
def test_a_checkout_that_keeps_conflicting_answers_503_with_retry_after(
    guadalajara, orders_always_conflict, language, message
):
    market = make_market(guadalajara)
    stall = Stall.objects.create(market=market, name="Doña Lupe", giro="Verduras")
    tomato = make_product(stall, "Jitomate", stock="5")
    body = {
        "market": market.slug,
        "lines": [{"product_id": tomato.pk, "quantity": "1"}],
        "method": "pickup",
        "pickup_slot": "09:00-11:00",
        "name": "Ana",
        "phone": "3312345678",
    }

    response = Client(raise_request_exception=False).post(
        "/api/markets/orders",
        json.dumps(body),
        content_type="application/json",
        headers={"Accept-Language": language},
    )

    assert response.status_code == 503
    assert response["Retry-After"] == "2"
    assert response.json() == {"code": "busy_try_again", "message": message}
    assert Product.objects.get(pk=tomato.pk).stock == Decimal("5")
    assert Order.objects.count() == 0
