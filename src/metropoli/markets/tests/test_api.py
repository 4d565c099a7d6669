"""The markets API: checkout with Idempotency-Key, errors in the request language, actions."""

import json
from decimal import Decimal

import pytest
from django.test import Client

from metropoli.accounts.tests.factories import UserFactory, person_with
from metropoli.markets.models import Courier, Order, Product, Status
from metropoli.territory.models import Role

from .conftest import FAR, NEAR

pytestmark = pytest.mark.django_db


def order_body(market, *lines, method="pickup", **extra):
    body = {
        "market": market.slug,
        "lines": [{"product_id": p.pk, "quantity": q} for p, q in lines],
        "method": method,
        "pickup_slot": "09:00-11:00",
        "name": "Ana López",
        "phone": "33 1234 5678",
    }
    body.update(extra)
    return body


def post(client, url, body, **headers):
    return client.post(url, json.dumps(body), content_type="application/json", headers=headers)


def test_catalogue_lists_markets_stalls_and_products_with_search(client, market, tomato, steak):
    markets = client.get("/api/markets/markets").json()
    assert [m["slug"] for m in markets] == ["libertad"]
    detail = client.get("/api/markets/markets/libertad").json()
    assert {s["name"] for s in detail["stalls"]} == {"Doña Lupe", "Carnicería El Güero"}
    found = client.get("/api/markets/markets/libertad/products", {"q": "JITOMATE"}).json()
    assert [(p["name"], p["price"], p["unit"]) for p in found] == [
        ("Jitomate saladet", "28.00", "kg")
    ]
    # Accent-insensitive both ways: «bistéc» finds «Bistec», «dona» finds «Doña Lupe».
    assert [
        p["name"]
        for p in client.get("/api/markets/markets/libertad/products", {"q": "bistéc"}).json()
    ] == ["Bistec de res"]
    assert [
        p["name"]
        for p in client.get("/api/markets/markets/libertad/products", {"q": "dona"}).json()
    ] == ["Jitomate saladet"]


def test_checkout_with_idempotency_key_returns_the_same_order(client, market, tomato, steak):
    body = order_body(market, (tomato, "0.5"), (steak, "1.25"))
    first = post(client, "/api/markets/orders", body, **{"Idempotency-Key": "checkout-0001"})
    again = post(client, "/api/markets/orders", body, **{"Idempotency-Key": "checkout-0001"})
    assert first.status_code == 201 and again.status_code == 200
    # The first answer is built from the rows just written, the retry's from the database:
    # the same order, field for field (stall order, quantity scale, event time).
    assert first.json() == again.json()
    assert [line["stall"] for line in first.json()["lines"]] == [
        "Carnicería El Güero",
        "Doña Lupe",
    ]
    assert [line["quantity"] for line in first.json()["lines"]] == ["1.250", "0.500"]
    assert first.json()["total"] == "276.50"
    assert Order.objects.count() == 1
    assert Product.objects.get(pk=tomato.pk).stock == Decimal("9.5")
    assert first.json()["access_key"] != first.json()["id"]
    status = client.get(f"/api/markets/orders/{first.json()['access_key']}").json()
    assert status["status"] == "placed" and status["can_cancel"] is True


REUSED = {
    "es-MX": "Esta Idempotency-Key ya se usó para otra solicitud. Envía una clave nueva con "
    "cada solicitud nueva.",
    "en": "This Idempotency-Key was already used for a different request. Send a new key with "
    "each new request.",
}


def test_a_key_reused_with_another_cart_is_422_and_reveals_nothing(client, market, tomato, steak):
    first = post(
        client,
        "/api/markets/orders",
        order_body(market, (tomato, "1")),
        **{"Idempotency-Key": "checkout-0002"},
    )
    assert first.status_code == 201
    for language, message in REUSED.items():
        other = post(
            client,
            "/api/markets/orders",
            order_body(market, (steak, "1")),
            **{"Idempotency-Key": "checkout-0002", "Accept-Language": language},
        )
        assert other.status_code == 422
        assert other.json() == {"code": "idempotency_key_reused", "message": message}
    assert Order.objects.count() == 1
    assert Product.objects.get(pk=steak.pk).stock == Decimal("5")


def test_another_guests_key_is_a_new_key_of_their_own(market, tomato, steak):
    """Replaying someone's key never returns their order (access key, code, address)."""
    ana, beto = Client(), Client()
    delivery = {"method": "delivery", "address": "Calle Ana 1", "lon": NEAR[0], "lat": NEAR[1]}
    hers = post(
        ana,
        "/api/markets/orders",
        order_body(market, (tomato, "1"), **delivery),
        **{"Idempotency-Key": "stolen-key-01"},
    )
    his = post(
        beto,
        "/api/markets/orders",
        order_body(market, (steak, "1"), name="Beto"),
        **{"Idempotency-Key": "stolen-key-01"},
    )
    # Even her exact request, replayed by someone else, makes a new order of theirs.
    copy = post(
        Client(),
        "/api/markets/orders",
        order_body(market, (tomato, "1"), **delivery),
        **{"Idempotency-Key": "stolen-key-01"},
    )
    assert (hers.status_code, his.status_code, copy.status_code) == (201, 201, 201)
    secrets = {(r.json()["access_key"], r.json()["handover_code"]) for r in (hers, his, copy)}
    assert len(secrets) == 3
    assert his.json()["address"] == "" and his.json()["lines"][0]["product"] == "Bistec de res"
    assert Order.objects.count() == 3
    # Each guest's own retry still finds their own order.
    again = post(
        beto,
        "/api/markets/orders",
        order_body(market, (steak, "1"), name="Beto"),
        **{"Idempotency-Key": "stolen-key-01"},
    )
    assert again.status_code == 200 and again.json()["id"] == his.json()["id"]


def test_a_signed_in_shoppers_key_follows_them_across_sessions(market, tomato):
    shopper = UserFactory()
    phone, laptop = Client(), Client()
    phone.force_login(shopper)
    laptop.force_login(shopper)
    body = order_body(market, (tomato, "1"))
    first = post(phone, "/api/markets/orders", body, **{"Idempotency-Key": "checkout-0003"})
    again = post(laptop, "/api/markets/orders", body, **{"Idempotency-Key": "checkout-0003"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert Order.objects.get().shopper == shopper


def test_a_malformed_key_is_400(client, market, tomato):
    response = post(
        client,
        "/api/markets/orders",
        order_body(market, (tomato, "1")),
        **{"Idempotency-Key": "short", "Accept-Language": "en"},
    )
    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid_idempotency_key",
        "message": "The Idempotency-Key header must be 8 to 80 printable characters.",
    }
    assert Order.objects.count() == 0


def test_delivery_checkout_charges_the_distance_band(client, market, tomato):
    body = order_body(
        market, (tomato, "1"), method="delivery", address="Calle 1", lon=NEAR[0], lat=NEAR[1]
    )
    response = post(client, "/api/markets/orders", body)
    assert response.status_code == 201
    assert (response.json()["delivery_fee"], response.json()["total"]) == ("25.00", "53.00")


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("es-MX", "La dirección está a"),
        ("en", "The address is"),
    ],
)
def test_outside_delivery_area_in_the_request_language(client, market, tomato, language, expected):
    body = order_body(
        market, (tomato, "1"), method="delivery", address="Av. Vallarta", lon=FAR[0], lat=FAR[1]
    )
    response = post(client, "/api/markets/orders", body, **{"Accept-Language": language})
    assert response.status_code == 400
    assert response.json()["code"] == "outside_delivery_area"
    assert response.json()["message"].startswith(expected)
    assert Order.objects.count() == 0
    assert Product.objects.get(pk=tomato.pk).stock == Decimal("10")


def test_step_error_in_spanish(client, market, tomato):
    response = post(
        client,
        "/api/markets/orders",
        order_body(market, (tomato, "0.3")),
        **{"Accept-Language": "es-MX"},
    )
    assert response.status_code == 400
    assert response.json() == {
        "code": "not_multiple_of_step",
        "message": "Jitomate saladet: 0.3 no es múltiplo de 0.25 kg; este producto se vende en "
        "pasos de 0.25 kg.",
    }


def test_price_changed_returns_409_with_details(client, market, tomato):
    body = order_body(market, (tomato, "1"))
    body["lines"][0]["seen_unit_price"] = "25.00"
    response = post(client, "/api/markets/orders", body)
    assert response.status_code == 409
    assert response.json()["code"] == "price_changed"
    assert response.json()["details"][0]["now"] == "28.00"
    assert Order.objects.count() == 0


def test_anonymous_checkouts_are_rate_limited(client, market, tomato, settings):
    settings.MARKETS_ANONYMOUS_ORDERS_PER_HOUR = 2
    codes = [
        post(client, "/api/markets/orders", order_body(market, (tomato, "0.25"))).status_code
        for _ in range(3)
    ]
    assert codes == [201, 201, 429]


def test_guest_cancels_by_public_id(client, market, tomato):
    order = post(client, "/api/markets/orders", order_body(market, (tomato, "2"))).json()
    # The public id (known to stalls and couriers) does not open the shopper's view.
    assert client.post(f"/api/markets/orders/{order['id']}/cancel").status_code == 404
    assert client.get(f"/api/markets/orders/{order['id']}").status_code == 404
    response = client.post(f"/api/markets/orders/{order['access_key']}/cancel")
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    assert Product.objects.get(pk=tomato.pk).stock == Decimal("10")


def test_vendor_actions_need_membership(client, market, tomato, vendor, butcher_vendor):
    order = post(client, "/api/markets/orders", order_body(market, (tomato, "1"))).json()
    part_id = Order.objects.get(public_id=order["id"]).parts.get().pk
    assert client.post(f"/api/markets/parts/{part_id}/accept").status_code == 401
    client.force_login(butcher_vendor)
    refused = client.post(f"/api/markets/parts/{part_id}/accept")
    assert refused.status_code == 403
    assert Order.objects.get(public_id=order["id"]).status == Status.PLACED
    client.force_login(vendor)
    assert client.post(f"/api/markets/parts/{part_id}/accept").json()["status"] == "accepted"
    assert client.post(f"/api/markets/parts/{part_id}/ready").json()["order_status"] == "ready"
    wrong = post(client, f"/api/markets/orders/{order['id']}/collected", {"code": "x"})
    assert wrong.status_code == 400 and wrong.json()["code"] == "wrong_code"
    code = Order.objects.get(public_id=order["id"]).handover_code
    done = post(client, f"/api/markets/orders/{order['id']}/collected", {"code": code})
    assert done.json()["status"] == "collected"


def test_vendor_sets_prices_and_stock(client, stall, tomato, cilantro, vendor):
    client.force_login(vendor)
    response = client.put(
        f"/api/markets/stalls/{stall.pk}/inventory",
        json.dumps(
            {
                "rows": [
                    {"product_id": tomato.pk, "price": "30.00", "stock": "12.5"},
                    {"product_id": cilantro.pk, "price": "8.00", "stock": "15"},
                ]
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["prices_changed"] == 1
    assert {p["name"]: (p["price"], p["stock"]) for p in response.json()["products"]} == {
        "Jitomate saladet": ("30.00", "12.500"),
        "Cilantro": ("8.00", "15.000"),
    }
    negative = client.put(
        f"/api/markets/stalls/{stall.pk}/inventory",
        json.dumps({"rows": [{"product_id": tomato.pk, "price": "30.00", "stock": "-1"}]}),
        content_type="application/json",
    )
    assert negative.status_code == 400
    assert Product.objects.get(pk=tomato.pk).stock == Decimal("12.5")


def test_courier_registration_approval_and_delivery(client, market, tomato, vendor, guadalajara):
    staff = person_with(Role.MUNICIPAL_STAFF, guadalajara)
    rider = UserFactory()
    client.force_login(rider)
    route = [[-103.3395, 20.66], [-103.3392, 20.6745], [-103.339, 20.69]]
    registered = post(
        client,
        "/api/markets/couriers",
        {
            "market": "libertad",
            "kind": "public_transport",
            "phone": "3312345678",
            "route": route,
            "route_buffer_m": 600,
        },
    )
    assert registered.status_code == 201 and registered.json()["status"] == "pending"
    courier_id = registered.json()["id"]
    assert (
        post(client, f"/api/markets/couriers/{courier_id}/decision", {"approve": True}).status_code
        == 403
    )
    client.force_login(staff)
    assert (
        post(client, f"/api/markets/couriers/{courier_id}/decision", {"approve": True}).json()[
            "status"
        ]
        == "approved"
    )
    # Near the route (about 400 m east of it) vs. far from it (2 km west).
    near = post(
        client,
        "/api/markets/orders",
        order_body(
            market, (tomato, "1"), method="delivery", address="Cerca", lon=-103.3352, lat=20.68
        ),
    ).json()
    far = post(
        client,
        "/api/markets/orders",
        order_body(
            market, (tomato, "1"), method="delivery", address="Lejos", lon=-103.36, lat=20.68
        ),
    ).json()
    client.force_login(vendor)
    for public_id in (near["id"], far["id"]):
        part = Order.objects.get(public_id=public_id).parts.get()
        client.post(f"/api/markets/parts/{part.pk}/accept")
    client.force_login(rider)
    offered = client.get(f"/api/markets/couriers/{courier_id}/deliveries").json()
    assert [o["id"] for o in offered] == [near["id"]]
    refused = client.post(f"/api/markets/couriers/{courier_id}/deliveries/{far['id']}/take")
    assert refused.status_code == 409 and refused.json()["code"] == "not_offered"
    taken = client.post(f"/api/markets/couriers/{courier_id}/deliveries/{near['id']}/take")
    assert taken.status_code == 200
    early = client.post(f"/api/markets/orders/{near['id']}/on-the-way")
    assert early.status_code == 409
    client.force_login(vendor)
    client.post(
        f"/api/markets/parts/{Order.objects.get(public_id=near['id']).parts.get().pk}/ready"
    )
    client.force_login(rider)
    assert client.post(f"/api/markets/orders/{near['id']}/on-the-way").json()["status"] == (
        "on_the_way"
    )
    code = Order.objects.get(public_id=near["id"]).handover_code
    assert (
        post(client, f"/api/markets/orders/{near['id']}/delivered", {"code": "1"}).status_code
        == 400
    )
    delivered = post(client, f"/api/markets/orders/{near['id']}/delivered", {"code": code})
    assert delivered.json()["status"] == "delivered"
    assert Courier.objects.get(pk=courier_id).orders.count() == 1


def test_signed_in_checkout_needs_the_csrf_token(market, tomato, guadalajara):
    from django.test import Client

    person = person_with(Role.CITIZEN, guadalajara)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(person)
    refused = post(strict, "/api/markets/orders", order_body(market, (tomato, "1")))
    assert refused.status_code == 403 and refused.json()["code"] == "csrf_failed"
    assert Order.objects.count() == 0
    # Guests carry no session, so there is nothing to forge: no token needed.
    guest = Client(enforce_csrf_checks=True)
    placed = post(guest, "/api/markets/orders", order_body(market, (tomato, "1")))
    assert placed.status_code == 201
    assert Order.objects.get().shopper is None


def test_guest_cancels_are_rate_limited(client, market, tomato, settings):
    settings.MARKETS_ANONYMOUS_CANCELS_PER_HOUR = 2
    order = post(client, "/api/markets/orders", order_body(market, (tomato, "1"))).json()
    codes = [
        client.post(
            f"/api/markets/orders/{order['access_key']}/cancel",
            headers={"Accept-Language": "es-MX"},
        )
        for _ in range(3)
    ]
    # The first cancels, the second is refused by the order's state, the third by the limit.
    assert [r.status_code for r in codes] == [200, 409, 429]
    assert codes[2].json()["message"].startswith("Demasiados intentos")
    assert Order.objects.get().status == "cancelled"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("es-MX", "Solo quedan 20 manojos de Cilantro; pediste 21 manojos."),
        ("en", "Only 20 bunches of Cilantro are left; you asked for 21 bunches."),
    ],
)
def test_out_of_stock_names_the_unit_in_the_request_language(
    client, market, cilantro, language, expected
):
    Product.objects.filter(pk=cilantro.pk).update(max_per_line=50)
    response = post(
        client,
        "/api/markets/orders",
        order_body(market, (cilantro, "21")),
        **{"Accept-Language": language},
    )
    assert response.status_code == 409
    assert response.json()["code"] == "out_of_stock"
    assert response.json()["message"].startswith(expected)
    assert response.json()["details"] == [{"product_id": cilantro.pk, "available": "20"}]
    assert Product.objects.get(pk=cilantro.pk).stock == Decimal("20")
