"""Hand-over codes: wrong codes are limited per order and per address (API and stall page);
a forged X-Forwarded-For does not reset the count."""

import json

import pytest

from metropoli.markets.models import Order, Status
from metropoli.markets.services import checkout, fulfilment
from metropoli.markets.services.checkout import CartLine, Contact, Destination

pytestmark = pytest.mark.django_db
TOO_MANY = "Demasiados intentos. Espera unos minutos y vuelve a intentarlo."


def ready_pickup(market, product, vendor) -> Order:
    order = checkout.place_order(
        market=market,
        lines=[CartLine(product.pk, "1")],
        destination=Destination(method="pickup", pickup_slot="09:00-11:00"),
        contact=Contact("Ana López", "33 1234 5678", "ana@example.mx"),
    ).order
    part = order.parts.get()
    fulfilment.accept_part(part=part, actor=vendor)
    fulfilment.mark_part_ready(part=part, actor=vendor)
    return order


def collect(client, order, code, *, peer="203.0.113.7", forged=None):
    extra = {"REMOTE_ADDR": peer, "HTTP_ACCEPT_LANGUAGE": "es-MX"}
    if forged:
        extra["HTTP_X_FORWARDED_FOR"] = forged
    return client.post(
        f"/api/markets/orders/{order.public_id}/collected",
        json.dumps({"code": code}),
        content_type="application/json",
        **extra,
    )


def test_wrong_codes_are_limited_per_order_from_any_address(
    client, market, tomato, vendor, settings
):
    settings.MARKETS_HANDOVER_FAILURES_PER_ORDER = 3
    order = ready_pickup(market, tomato, vendor)
    client.force_login(vendor)
    for n in range(3):
        assert collect(client, order, "000000", peer=f"198.51.100.{n}").status_code == 400
    refused = collect(client, order, order.handover_code, peer="198.51.100.99")
    assert refused.status_code == 429
    assert refused.json() == {"code": "rate_limited", "message": TOO_MANY}
    assert Order.objects.get(pk=order.pk).status == Status.READY
    # Another order of the same stall is not affected.
    other = ready_pickup(market, tomato, vendor)
    assert collect(client, other, other.handover_code).json()["status"] == "collected"


def test_wrong_codes_are_limited_per_address_whatever_it_forwards(
    client, market, tomato, vendor, settings
):
    settings.MARKETS_HANDOVER_FAILURES_PER_ADDRESS = 3
    orders = [ready_pickup(market, tomato, vendor) for _ in range(4)]
    client.force_login(vendor)
    for n, order in enumerate(orders[:3]):
        assert collect(client, order, "000000", forged=f"10.0.0.{n}").status_code == 400
    refused = collect(client, orders[3], orders[3].handover_code, forged="10.0.0.9")
    assert refused.status_code == 429
    assert Order.objects.get(pk=orders[3].pk).status == Status.READY


def test_right_codes_do_not_use_the_limit_up(client, market, tomato, vendor, settings):
    settings.MARKETS_HANDOVER_FAILURES_PER_ADDRESS = 1
    client.force_login(vendor)
    for _ in range(3):
        order = ready_pickup(market, tomato, vendor)
        assert collect(client, order, order.handover_code).json()["status"] == "collected"


def test_the_stall_page_answers_429_with_the_message(client, market, tomato, vendor, settings):
    settings.MARKETS_HANDOVER_FAILURES_PER_ORDER = 2
    order = ready_pickup(market, tomato, vendor)
    part = order.parts.get()
    client.force_login(vendor)
    url = f"/mercado/puesto/pedido/{part.pk}/collected/"
    for _ in range(2):
        wrong = client.post(url, {"code": "000000"}, HTTP_ACCEPT_LANGUAGE="es-MX")
        assert wrong.status_code == 302
    refused = client.post(url, {"code": order.handover_code}, HTTP_ACCEPT_LANGUAGE="es-MX")
    assert refused.status_code == 429 and TOO_MANY in refused.content.decode()
    assert Order.objects.get(pk=order.pk).status == Status.READY
