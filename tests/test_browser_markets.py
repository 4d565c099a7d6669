"""A whole Mi Mercado order at phone size: shopper -> stall -> courier -> delivered."""

import re
from decimal import Decimal

import pytest
from django.contrib.gis.geos import Point
from django.test import Client
from django.utils import timezone

from metropoli.accounts.tests.factories import UserFactory
from metropoli.markets.models import (
    Courier,
    CourierStatus,
    Market,
    Order,
    Product,
    ProductPrice,
    Stall,
    StallMember,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"locale": "es-MX", "viewport": {"width": 390, "height": 844}}


def logged_in(page_factory, live_server, user):
    client = Client()
    client.force_login(user)
    page = page_factory(**PHONE)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value,
          "url": live_server.url}]
    )  # fmt: skip
    return page


def test_full_order_from_shopper_to_delivery(live_server, page_factory, guadalajara):
    market = Market.objects.create(
        municipality=guadalajara,
        name="Mercado Libertad",
        slug="libertad",
        address="Calzada Independencia Sur",
        location=Point(-103.339, 20.674, srid=4326),
        delivery_fee_bands=[{"max_km": "2", "fee": "25.00"}, {"max_km": "5", "fee": "45.00"}],
        pickup_slots=["09:00-11:00"],
    )
    stall = Stall.objects.create(market=market, name="Doña Lupe", giro="Frutas y verduras")
    tomato = Product.objects.create(
        stall=stall, name="Jitomate saladet", category="produce", unit="kg",
        step=Decimal("0.25"), stock=Decimal("10"),
    )  # fmt: skip
    ProductPrice.objects.create(product=tomato, price=Decimal("28.00"), valid_from=timezone.now())
    vendor = UserFactory(display_name="Lupe")
    StallMember.objects.create(stall=stall, user=vendor)
    rider = UserFactory(display_name="Beto")
    Courier.objects.create(
        user=rider, market=market, kind="independent", phone="3312345678",
        status=CourierStatus.APPROVED,
    )  # fmt: skip

    # Shopper: no account. Market -> search -> add 1.5 kg -> cart -> delivery checkout.
    shopper = page_factory(**PHONE, has_touch=True)
    shopper.goto(live_server.url + "/mercado/")
    shopper.get_by_role("link", name="Mercado Libertad").click()
    shopper.get_by_label("Buscar productos").fill("jitomate")
    shopper.get_by_role("button", name="Buscar").click()
    shopper.get_by_label(re.compile("^Cantidad")).fill("1,5")
    shopper.get_by_role("button", name="Agregar").click()
    assert shopper.get_by_text("Jitomate saladet se agregó al carrito.").is_visible()
    shopper.get_by_role("link", name=re.compile("^Carrito")).click()
    assert shopper.get_by_role("cell", name="$42.00").first.is_visible()
    shopper.get_by_role("link", name="Continuar al pago").click()
    shopper.get_by_label("Entrega a domicilio").check()
    shopper.get_by_label("Dirección de entrega").fill("Calle Juan Manuel 100, Centro")
    # A tap on the map (centred on the market) fills in the pin's coordinates...
    shopper.wait_for_selector("#delivery-map.map-ready[data-pick-ready]")
    canvas = shopper.locator("#delivery-map canvas")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    shopper.touchscreen.tap(box["x"] + box["width"] / 2 + 30, box["y"] + box["height"] / 2)
    tapped_lon = float(shopper.get_by_label("Longitud del punto de entrega").input_value())
    tapped_lat = float(shopper.get_by_label("Latitud del punto de entrega").input_value())
    assert abs(tapped_lon - -103.339) < 0.02 and abs(tapped_lat - 20.674) < 0.02
    assert tapped_lon > -103.339  # right of the centre is east
    # ...and typed coordinates are taken as they are (the fee band then follows from them).
    shopper.get_by_label("Longitud del punto de entrega").fill("-103.345")
    shopper.get_by_label("Latitud del punto de entrega").fill("20.682")
    shopper.get_by_label("Nombre").fill("Ana López")
    shopper.get_by_label("Teléfono").fill("33 1234 5678")
    shopper.get_by_role("button", name="Hacer el pedido").click()
    shopper.wait_for_url(re.compile(r"/mercado/pedido/"))
    assert shopper.locator("#order-total").inner_text() == "$67.00"
    code = shopper.locator("#handover-code").inner_text()
    order = Order.objects.get()
    assert Product.objects.get(pk=tomato.pk).stock == Decimal("8.5")

    # Stall: accept, then mark ready, from the one-screen dashboard.
    stall_page = logged_in(page_factory, live_server, vendor)
    stall_page.goto(live_server.url + "/mercado/puesto/")
    stall_page.get_by_role("button", name="Aceptar").click()
    stall_page.get_by_role("button", name="Marcar como listo").click()
    order.refresh_from_db()
    assert order.status == "ready"

    # Courier: take the delivery, set off, hand over with the shopper's code.
    courier = logged_in(page_factory, live_server, rider)
    courier.goto(live_server.url + "/mercado/repartidor/")
    courier.get_by_role("button", name="Tomar esta entrega").click()
    courier.get_by_role("button", name="Recogido en el mercado, voy en camino").click()
    courier.get_by_label("Código que da quien compra").fill("000000" if code != "000000" else "1")
    courier.get_by_role("button", name="Entregado").click()
    assert courier.get_by_text("El código de entrega no es correcto").is_visible()
    courier.get_by_label("Código que da quien compra").fill(code)
    courier.get_by_role("button", name="Entregado").click()
    order.refresh_from_db()
    assert order.status == "delivered"

    # The shopper's page shows it (its script polls the order's JSON and reloads).
    shopper.wait_for_function(
        "document.getElementById('order-status').dataset.status === 'delivered'", timeout=15000
    )
    assert shopper.locator("#order-status").inner_text() == "Entregado"


def _stall_selling(municipality, product: str, price: str):
    """A market with delivery and pickup, one stall with its vendor, one product on sale."""
    market = Market.objects.create(
        municipality=municipality, name="Mercado Libertad", slug="libertad", address="Calzada",
        location=Point(-103.339, 20.674, srid=4326), pickup_slots=["09:00-11:00"],
        delivery_fee_bands=[{"max_km": "5", "fee": "45.00"}],
    )  # fmt: skip
    stall = Stall.objects.create(market=market, name="Doña Lupe", giro="Frutas")
    item = Product.objects.create(
        stall=stall, name=product, category="produce", unit="kg", step=Decimal("0.25"),
        stock=Decimal("10"),
    )  # fmt: skip
    ProductPrice.objects.create(product=item, price=Decimal(price), valid_from=timezone.now())
    vendor = UserFactory(display_name="Lupe")
    StallMember.objects.create(stall=stall, user=vendor)
    return market, stall, item, vendor


def test_the_stall_dashboard_announces_orders_that_arrive_while_it_is_open(
    live_server, page_factory, guadalajara
):
    from metropoli.markets.services import checkout

    market, stall, cheese, vendor = _stall_selling(guadalajara, "Queso panela", "150.00")

    page = logged_in(page_factory, live_server, vendor)
    page.goto(live_server.url + f"/mercado/puesto/{stall.pk}/")
    assert page.get_by_text("No hay pedidos pendientes.").is_visible()
    notice = page.locator("#new-orders")
    assert notice.is_hidden()
    # The vendor is typing a price when a shopper orders.
    page.get_by_label(re.compile("Precio.*Queso panela")).fill("155.00")
    for name in ("Ana", "Beto"):
        checkout.place_order(
            market=market,
            lines=[checkout.CartLine(cheese.pk, "0.5")],
            destination=checkout.Destination(method="pickup", pickup_slot="09:00-11:00"),
            contact=checkout.Contact(name, "3312345678"),
        )
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")  # the next round
    notice.wait_for(state="visible")
    assert notice.inner_text().startswith("Llegaron 2 pedidos nuevos.")
    assert page.title().startswith("(2) ")
    # Nothing was reloaded under the vendor's fingers.
    assert page.get_by_label(re.compile("Precio.*Queso panela")).input_value() == "155.00"
    notice.get_by_role("link", name="Verlos").click()
    assert page.locator("article.order-part").count() == 2


def test_the_courier_page_announces_a_delivery_offered_while_it_is_open(
    live_server, page_factory, guadalajara
):
    from metropoli.markets.services import checkout, fulfilment

    market, _stall, mango, vendor = _stall_selling(guadalajara, "Mango", "40.00")
    rider = UserFactory(display_name="Beto")
    Courier.objects.create(
        user=rider, market=market, kind="independent", phone="3312345678",
        status=CourierStatus.APPROVED,
    )  # fmt: skip

    page = logged_in(page_factory, live_server, rider)
    page.goto(live_server.url + "/mercado/repartidor/")
    assert page.get_by_text("Ninguna por ahora.").is_visible()
    order = checkout.place_order(
        market=market,
        lines=[checkout.CartLine(mango.pk, "1")],
        destination=checkout.Destination(
            method="delivery", address="Calle Juan Manuel 100", lon=-103.345, lat=20.682
        ),
        contact=checkout.Contact("Ana", "3312345678"),
    ).order
    fulfilment.accept_part(part=order.parts.get(), actor=vendor)  # now it is on offer
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    notice = page.get_by_role("status").filter(has_text="Hay novedades en una entrega.")
    notice.wait_for()
    assert page.title().startswith("(1) ")
    notice.get_by_role("link", name="Ver").click()
    assert page.get_by_role("button", name="Tomar esta entrega").is_visible()
