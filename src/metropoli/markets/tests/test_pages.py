"""Shopper, vendor, courier, staff and selection pages (server-rendered, phone-first)."""

import re
from decimal import Decimal

import pytest

from metropoli.accounts.tests.factories import person_with
from metropoli.markets import demo
from metropoli.markets.models import (
    Market,
    Order,
    Product,
    ProductPrice,
    SelectionCandidate,
    SelectionCriterion,
    Status,
)
from metropoli.territory.models import Role

from .conftest import NEAR

pytestmark = pytest.mark.django_db


def test_browse_search_cart_and_pickup_checkout(client, market, tomato, steak):
    assert "Mercado Libertad" in client.get("/mercado/").content.decode()
    page = client.get("/mercado/libertad/", {"q": "jitomate"}).content.decode()
    assert "Jitomate saladet" in page and "Bistec" not in page
    client.post("/mercado/libertad/agregar/", {"product": tomato.pk, "quantity": "1,5"})
    client.post("/mercado/libertad/agregar/", {"product": steak.pk, "quantity": "0.5"})
    cart = client.get("/mercado/libertad/carrito/").content.decode()
    assert "$42.00" in cart and "$105.00" in cart
    # Spanish by default; the line total is «Importe», not the quantity's «Cantidad».
    assert '<th scope="col">Importe</th>' in cart
    form = client.get("/mercado/libertad/pagar/").content.decode()
    key = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', form).group(1)
    data = {
        "method": "pickup",
        "pickup_slot": "09:00-11:00",
        "name": "Ana",
        "phone": "33 1234 5678",
        "idempotency_key": key,
    }
    response = client.post("/mercado/libertad/pagar/", data)
    order = Order.objects.get()
    assert response.status_code == 302 and response.url == f"/mercado/pedido/{order.access_key}/"
    assert order.total == Decimal("147.00") and order.parts.count() == 2
    page = client.get(response.url).content.decode()
    assert order.handover_code in page
    # The cart is empty now; the order can still be cancelled.
    assert client.get("/mercado/libertad/pagar/").status_code == 302
    client.post(f"/mercado/pedido/{order.access_key}/cancelar/")
    order.refresh_from_db()
    assert order.status == Status.CANCELLED


def test_bad_quantity_in_the_cart_shows_a_message(client, market, tomato):
    response = client.post(
        "/mercado/libertad/agregar/",
        {"product": tomato.pk, "quantity": "0.3"},
        follow=True,
        headers={"Accept-Language": "en"},
    )
    assert "0.3 is not a multiple of 0.25 kg" in response.content.decode()
    assert client.session.get("markets_carts", {}) == {}


def test_price_change_is_shown_in_the_cart_and_checkout_refuses(client, market, tomato):
    client.post("/mercado/libertad/agregar/", {"product": tomato.pk, "quantity": "1"})
    from django.utils import timezone

    ProductPrice.objects.create(product=tomato, price=Decimal("30.00"), valid_from=timezone.now())
    cart = client.get("/mercado/libertad/carrito/", headers={"Accept-Language": "en"})
    assert "was $28.00" in cart.content.decode()
    response = client.post(
        "/mercado/libertad/pagar/",
        {
            "method": "delivery",
            "address": "Calle 1",
            "lon": NEAR[0],
            "lat": NEAR[1],
            "name": "Ana",
            "phone": "3312345678",
            "idempotency_key": "abc",
        },
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 400
    assert "was 28.00, now 30.00" in response.content.decode()
    assert Order.objects.count() == 0 and Product.objects.get(pk=tomato.pk).stock == 10
    client.post("/mercado/libertad/carrito/cambiar/", {"accept_prices": "1"})
    assert "was $28.00" not in client.get("/mercado/libertad/carrito/").content.decode()


def test_vendor_dashboard_saves_prices_and_stock_in_one_form(
    client, stall, tomato, cilantro, vendor, butcher_vendor
):
    client.force_login(butcher_vendor)
    assert client.get(f"/mercado/puesto/{stall.pk}/").status_code == 403
    client.force_login(vendor)
    assert client.get("/mercado/puesto/").url == f"/mercado/puesto/{stall.pk}/"
    response = client.post(
        f"/mercado/puesto/{stall.pk}/",
        {
            f"price_{tomato.pk}": "29.50",
            f"stock_{tomato.pk}": "12",
            f"price_{cilantro.pk}": "8.00",
            f"stock_{cilantro.pk}": "-3",
        },
    )
    assert response.status_code == 400
    assert Product.objects.get(pk=tomato.pk).stock == 10
    response = client.post(
        f"/mercado/puesto/{stall.pk}/",
        {
            f"price_{tomato.pk}": "29.50",
            f"stock_{tomato.pk}": "12",
            f"price_{cilantro.pk}": "8.00",
            f"stock_{cilantro.pk}": "15",
        },
    )
    assert response.status_code == 302
    assert Product.objects.get(pk=tomato.pk).stock == 12
    assert tomato.prices.order_by("-valid_from", "-pk").first().price == Decimal("29.50")


def test_market_admin_page_needs_staff(client, market, guadalajara):
    citizen = person_with(Role.CITIZEN, guadalajara)
    client.force_login(citizen)
    assert client.get("/mercado/libertad/administracion/").status_code == 403
    client.force_login(person_with(Role.MUNICIPAL_STAFF, guadalajara))
    assert client.get("/mercado/libertad/administracion/").status_code == 200


def test_selection_matrix_with_demo_data(client, municipalities, guadalajara):
    demo.load()
    page = client.get("/mercado/seleccion").content.decode()
    assert "Mercado del Mar" in page and "TOPSIS" in page
    svg = client.get("/mercado/seleccion/grafica.svg")
    assert svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content
    assert client.post("/mercado/seleccion", {}).status_code == 403
    staff = person_with(Role.MUNICIPAL_STAFF, guadalajara)
    client.force_login(staff)
    criterion = SelectionCriterion.objects.get(key="occupancy")
    form = client.get("/mercado/seleccion").context["form"]
    data = {name: field.initial for name, field in form.fields.items() if field.initial is not None}
    data[f"weight_{criterion.pk}"] = "0"
    assert client.post("/mercado/seleccion", data).status_code == 400
    assert SelectionCriterion.objects.get(pk=criterion.pk).weight == Decimal("15")
    data[f"weight_{criterion.pk}"] = "40"
    data["new_candidate"] = "Mercado Atemajac"
    data["new_candidate_municipality"] = guadalajara.pk
    assert client.post("/mercado/seleccion", data).status_code == 302
    assert SelectionCriterion.objects.get(pk=criterion.pk).weight == Decimal("40")
    assert SelectionCandidate.objects.filter(name="Mercado Atemajac").exists()


def test_demo_is_idempotent(municipalities):
    demo.load()
    counts = (Market.objects.count(), Product.objects.count(), ProductPrice.objects.count())
    demo.load()
    assert (Market.objects.count(), Product.objects.count(), ProductPrice.objects.count()) == (
        counts
    )
    assert Market.objects.filter(slug="del-mar", municipality__inegi_code="14120").exists()


def test_untouched_stock_field_does_not_undo_orders_placed_meanwhile(client, stall, tomato, vendor):
    client.force_login(vendor)
    form = client.get(f"/mercado/puesto/{stall.pk}/").context["form"]
    assert form[f"seen_stock_{tomato.pk}"].initial == Decimal("10")
    # An order takes 2 kg while the vendor edits only the price.
    Product.objects.filter(pk=tomato.pk).update(stock=Decimal("8"))
    client.post(
        f"/mercado/puesto/{stall.pk}/",
        {
            f"price_{tomato.pk}": "30.00",
            f"stock_{tomato.pk}": "10",
            f"seen_stock_{tomato.pk}": "10",
        },
    )
    assert Product.objects.get(pk=tomato.pk).stock == Decimal("8")
    client.post(
        f"/mercado/puesto/{stall.pk}/",
        {f"price_{tomato.pk}": "30.00", f"stock_{tomato.pk}": "20", f"seen_stock_{tomato.pk}": "8"},
    )
    assert Product.objects.get(pk=tomato.pk).stock == Decimal("20")


def test_courier_registers_with_a_route_and_staff_approve(
    client, market, guadalajara, smtp_server, django_capture_on_commit_callbacks
):
    from metropoli.markets.models import Courier, MarketStaff
    from metropoli.notifications.models import Notification

    rider = person_with(Role.CITIZEN, guadalajara, email_notifications=True)
    admin = person_with(Role.CITIZEN, guadalajara)
    MarketStaff.objects.create(market=market, user=admin)
    client.force_login(rider)
    bad = client.post(
        "/mercado/repartidor/",
        {
            "market": market.pk,
            "kind": "public_transport",
            "phone": "3312345678",
            "route": '{"type": "LineString", "coordinates": [[-103.34, 20.66], [-103.3, 95]]}',
        },
        headers={"Accept-Language": "en"},
    )
    assert bad.status_code == 400 and Courier.objects.count() == 0
    assert "Stop 2 is not a valid point." in bad.content.decode()
    response = client.post(
        "/mercado/repartidor/",
        {
            "market": market.pk,
            "kind": "public_transport",
            "phone": "3312345678",
            "organisation": "Ruta 60",
            # What the route map writes: the stops tapped, as a GeoJSON LineString.
            "route": '{"type": "LineString", "coordinates": [[-103.3395, 20.66], '
            "[-103.3392, 20.6745]]}",
            "route_buffer_m": "400",
        },
    )
    assert response.status_code == 302
    courier = Courier.objects.get()
    assert courier.status == "pending" and courier.route.num_points == 2
    assert Notification.objects.filter(recipient=admin).count() == 1
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/mercado/libertad/administracion/", {"courier": courier.pk, "decision": "approve"}
        )
    courier.refresh_from_db()
    assert courier.status == "approved"
    assert [m["To"] for m in smtp_server.messages] == [rider.email]
    client.force_login(rider)
    page = client.get("/mercado/avisos/").content.decode()
    assert "Mercado Libertad" in page
    client.post("/mercado/avisos/")
    assert not Notification.objects.filter(recipient=rider, read_at__isnull=True).exists()


def test_admin_refuses_bad_fee_bands_and_steps(client, market, stall):
    from metropoli.accounts.tests.factories import UserFactory
    from metropoli.markets.admin import MarketForm, ProductForm

    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get("/admin/markets/market/add/").status_code == 200
    assert client.get(f"/admin/markets/stall/{stall.pk}/change/").status_code == 200
    form = MarketForm(
        instance=market,
        data={
            "municipality": market.municipality_id,
            "name": market.name,
            "slug": market.slug,
            "address": market.address,
            "location": market.location.wkt,
            "delivery_fee_bands": '[{"max_km": "5", "fee": "45"}, {"max_km": "2", "fee": "25"}]',
            "pickup_slots": '["09:00-11:00"]',
            "active": "on",
        },
    )
    assert not form.is_valid() and "delivery_fee_bands" in form.errors
    product = ProductForm(
        data={
            "stall": stall.pk,
            "name": "Cilantro",
            "category": "produce",
            "unit": "bunch",
            "step": "0.5",
            "max_per_line": "10",
            "stock": "5",
            "active": "on",
        }
    )
    assert not product.is_valid()


def test_guests_cart_changes_and_cancels_are_rate_limited(client, market, tomato, settings):
    settings.MARKETS_ANONYMOUS_CART_CHANGES_PER_HOUR = 2
    settings.MARKETS_ANONYMOUS_CANCELS_PER_HOUR = 1
    codes = [
        client.post("/mercado/libertad/agregar/", {"product": tomato.pk, "quantity": q})
        for q in ("1", "2", "3")
    ]
    assert [r.status_code for r in codes] == [302, 302, 429]
    assert "Demasiados intentos" in codes[2].content.decode()
    # The refused change wrote nothing: the cart holds the first two added up (1 + 2 kg).
    cart = client.get("/mercado/libertad/carrito/").content.decode()
    assert (
        f'name="q_{tomato.pk}" form="cart-quantities" inputmode="decimal" size="5" value="3"'
        in cart
    )
    body = {
        "market": "libertad",
        "lines": [{"product_id": tomato.pk, "quantity": "1"}],
        "method": "pickup",
        "pickup_slot": "09:00-11:00",
        "name": "Ana",
        "phone": "3312345678",
    }
    order = client.post("/api/markets/orders", body, content_type="application/json").json()
    url = f"/mercado/pedido/{order['access_key']}/cancelar/"
    assert client.post(url).status_code == 302
    assert client.post(url).status_code == 429
