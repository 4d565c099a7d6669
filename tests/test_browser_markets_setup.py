"""A market set up in the browser at phone size, then used: municipal staff open it, market
staff add stalls, vendors and products, a shopper finds it by search and orders, staff answer
for a silent stall, the deadline job cancels the other stall's part and the shopper is told by
e-mail; a courier draws a route on the map."""

import io
import json
import re
from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlparse

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.module_loading import import_string
from PIL import Image

from metropoli.accounts.tests.factories import UserFactory, person_with
from metropoli.jobs.schedule import job_named
from metropoli.markets.models import Courier, Market, Order, OrderEvent, PartStatus, Product
from metropoli.territory.models import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"locale": "es-MX", "viewport": {"width": 390, "height": 844}}
# Loaded from our own origin: the Content-Security-Policy allows no injected inline script.
AXE = "/static/vendor/axe-core/axe.min.js"


@pytest.fixture(autouse=True)
def no_outside_basemap(settings):
    # No network in tests: without an outside basemap the map reports "load" at once.
    settings.METROPOLI = {**settings.METROPOLI, "BASEMAP_TILES": ""}


def serious_accessibility_findings(page) -> list:
    """axe-core's serious and critical WCAG 2.2 A/AA findings on the page as it is."""
    page.add_script_tag(url=AXE)
    return page.evaluate(
        """async () => {
          const tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];
          const r = await axe.run(document, { runOnly: { type: "tag", values: tags } });
          return r.violations.filter((v) => ["serious", "critical"].includes(v.impact))
            .map((v) => ({ id: v.id, nodes: v.nodes.map((n) => n.target.join(" ")) }));
        }"""
    )


def logged_in(page_factory, live_server, user, **options):
    client = Client()
    client.force_login(user)
    page = page_factory(**PHONE, **options)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value,
          "url": live_server.url}]
    )  # fmt: skip
    return page


def photo_file(tmp_path, name, colour):
    path = tmp_path / f"{name}.png"
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), colour).save(buffer, "PNG")
    path.write_bytes(buffer.getvalue())
    return str(path)


def no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def add_product(page, tmp_path, name, unit, step, price, stock, colour):
    form = page.locator("#product-form")
    form.get_by_label("Producto", exact=True).fill(name)
    form.get_by_label("Se vende por").select_option(unit)
    form.get_by_label("Paso (cantidad mínima e incremento)").fill(step)
    form.get_by_label("Precio de hoy (MXN por unidad)").fill(price)
    form.get_by_label("Existencia de hoy").fill(stock)
    form.get_by_label("Foto (JPEG, PNG o HEIC, opcional)").set_input_files(
        photo_file(tmp_path, name, colour)
    )
    form.get_by_role("button", name="Agregar el producto").click()
    assert page.get_by_text(f"{name} ya está a la venta.").is_visible()


def add_stall_with_vendor(page, name, giro, vendor_email, *, link: bool):
    form = page.locator("#stall-form")
    form.get_by_label("Nombre del puesto (locatario)").fill(name)
    form.get_by_label("Giro").fill(giro)
    form.get_by_role("button", name="Agregar el puesto").click()
    page.wait_for_url(re.compile(r"/configurar/puesto/\d+/$"))
    person = page.locator("#person-form")
    person.get_by_label("Correo electrónico").fill(vendor_email)
    person.get_by_label("Nombre", exact=True).fill(name.split()[0])
    if link:
        person.get_by_label("Mostrarme un enlace de activación").check()
    person.get_by_role("button", name="Agregar al locatario").click()
    return page.locator("#activation-link").input_value() if link else ""


def test_market_set_up_in_the_browser_then_ordered_from(
    live_server, page_factory, guadalajara, smtp_server, tmp_path
):
    official = person_with(Role.MUNICIPAL_STAFF, guadalajara, display_name="Rosa")
    staff = logged_in(page_factory, live_server, official)

    # Municipal staff create the market.
    staff.goto(live_server.url + "/mercado/gestion/")
    staff.get_by_role("link", name="Crear un mercado").click()
    staff.get_by_label("Municipio", exact=True).select_option(label="Guadalajara")
    staff.get_by_label("Nombre del mercado").fill("Mercado San Juan de Dios")
    staff.get_by_label("Dirección", exact=True).fill("Calzada Independencia 250")
    # A tap on the map fills in where the market is.
    staff.wait_for_selector("#point-map.map-ready[data-pick-ready]")
    canvas = staff.locator("#point-map canvas")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    staff.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    assert -104 < float(staff.get_by_label("Longitud del mercado").input_value()) < -103
    assert 20 < float(staff.get_by_label("Latitud del mercado").input_value()) < 21
    no_sideways_scroll(staff)
    assert serious_accessibility_findings(staff) == []
    staff.get_by_role("button", name="Crear el mercado").click()
    staff.wait_for_url(re.compile(r"/mercado/mercado-san-juan-de-dios/configurar/$"))
    market = Market.objects.get(slug="mercado-san-juan-de-dios")
    assert market.municipality == guadalajara

    # Opening days and a pickup slot with capacity; a wrong slot gets a Spanish form error.
    settings_form = staff.locator("#settings-form")
    settings_form.get_by_label("Horarios de recolección").fill("9-11")
    settings_form.get_by_role("button", name="Guardar la configuración").click()
    assert staff.get_by_text("«9-11» no es un horario").is_visible()
    settings_form = staff.locator("#settings-form")
    settings_form.get_by_label("Horarios de recolección").fill("09:00-11:00")
    settings_form.get_by_label("domingo").uncheck()
    settings_form.get_by_label("Pedidos por horario de recolección").fill("5")
    settings_form.get_by_role("button", name="Guardar la configuración").click()
    assert staff.get_by_text("Se guardó la configuración del mercado.").is_visible()
    market.refresh_from_db()
    assert market.pickup_slots == ["09:00-11:00"] and 6 not in market.open_weekdays
    assert market.pickup_slot_capacity == 5
    assert serious_accessibility_findings(staff) == []

    # Two stalls: one vendor gets a one-time link, the other an e-mailed invitation.
    link = add_stall_with_vendor(
        staff, "Frutas Lupita", "Frutas y verduras", "lupita@example.mx", link=True
    )
    assert "/activar/" in link
    no_sideways_scroll(staff)
    add_product(staff, tmp_path, "Limón", "kg", "0.5", "24.00", "10", "green")
    add_product(staff, tmp_path, "Cilantro", "bunch", "1", "8.00", "20", "darkgreen")
    staff.get_by_role("link", name="Volver a configurar Mercado San Juan de Dios").click()
    add_stall_with_vendor(staff, "Carnicería El Güero", "Carnes", "guero@example.mx", link=False)
    add_product(staff, tmp_path, "Bistec", "kg", "0.5", "180.00", "8", "darkred")
    assert all(p.photo_thumbnail for p in Product.objects.all())
    assert Product.objects.count() == 3
    no_sideways_scroll(staff)
    assert serious_accessibility_findings(staff) == []

    # The vendor with a link opens it, chooses a password and is in.
    vendor = page_factory(**PHONE)
    vendor.goto(live_server.url + urlparse(link).path)
    vendor.get_by_label("Contraseña nueva", exact=True).fill("Mercado-2026-seguro")
    vendor.get_by_label("Confirmación de contraseña nueva").fill("Mercado-2026-seguro")
    vendor.get_by_role("button", name="Activar mi cuenta").click()
    vendor.goto(live_server.url + "/mercado/puesto/")
    assert vendor.get_by_role("heading", name=re.compile("Frutas Lupita")).first.is_visible()

    # A shopper finds the market by searching without accents, adds twice, edits the cart.
    shopper = page_factory(**PHONE)
    shopper.goto(live_server.url + "/mercado/")
    assert (
        shopper.locator("#market-list")
        .get_by_role("link", name="Mercado San Juan de Dios")
        .is_visible()
    )
    shopper.get_by_label(re.compile("^Buscar en todos los mercados")).fill("limon")
    shopper.get_by_role("button", name="Buscar en los mercados").click()
    found = shopper.locator("#search-products")
    assert found.get_by_role("heading", name="Limón").is_visible()
    found.get_by_role("button", name="Agregar").click()
    assert shopper.get_by_text("Limón se agregó al carrito.").is_visible()
    shopper.locator("#search-products").get_by_role("button", name="Agregar").click()
    assert shopper.get_by_text(
        "Limón: se sumaron 0.5 kg; ahora hay 1 kg en el carrito."
    ).is_visible()
    shopper.goto(f"{live_server.url}/mercado/{market.slug}/")
    herbs = shopper.locator("li.product", has_text="Cilantro")
    herbs.get_by_label(re.compile("^Cantidad \\(manojos")).fill("2")
    herbs.get_by_role("button", name="Agregar").click()
    steak = shopper.locator("li.product", has_text="Bistec")
    steak.get_by_label(re.compile("^Cantidad \\(kg")).fill("0.5")
    steak.get_by_role("button", name="Agregar").click()
    shopper.get_by_role("link", name=re.compile("^Carrito")).click()
    shopper.get_by_label("Cantidad de Limón (kg)").fill("1.3")
    shopper.get_by_role("button", name="Actualizar cantidades").click()
    assert shopper.get_by_text("Limón: 1.3 no es múltiplo de 0.5 kg").is_visible()
    shopper.get_by_label("Cantidad de Limón (kg)").fill("1.5")
    shopper.get_by_label("Cantidad de Cilantro (manojos)").fill("3")
    shopper.get_by_role("button", name="Actualizar cantidades").click()
    assert shopper.get_by_text("Se actualizaron las cantidades.").is_visible()
    no_sideways_scroll(shopper)
    assert serious_accessibility_findings(shopper) == []
    shopper.get_by_role("link", name="Continuar al pago").click()
    shopper.get_by_label("Nombre").fill("Ana López")
    shopper.get_by_label("Teléfono").fill("33 1234 5678")
    shopper.get_by_label(re.compile("^Correo")).fill("ana@example.mx")
    shopper.get_by_role("button", name="Hacer el pedido").click()
    shopper.wait_for_url(re.compile(r"/mercado/pedido/"))
    assert shopper.get_by_text("3 manojos").is_visible()
    order = Order.objects.get()
    assert order.method == "pickup" and order.total == Decimal("150.00")

    # Lupita's stall does not answer: market staff accept for it (recorded in the history).
    staff.goto(live_server.url + f"/mercado/{market.slug}/administracion/")
    staff.locator("#waiting-parts li.card", has_text="Frutas Lupita").get_by_role(
        "button", name=re.compile("^Aceptar por el puesto")
    ).click()
    assert staff.get_by_text("Se respondió por Frutas Lupita").is_visible()
    assert serious_accessibility_findings(staff) == []
    assert OrderEvent.objects.filter(
        order=order, actor=official, note__contains="aceptó por Frutas Lupita"
    ).exists()

    # El Güero never answers: past the market's deadline the periodic job cancels its part.
    Order.objects.filter(pk=order.pk).update(
        created_at=timezone.now() - timedelta(minutes=market.answer_minutes + 1)
    )
    import_string(job_named("markets-stall-deadlines").task_path).enqueue()
    part = order.parts.get(stall__name="Carnicería El Güero")
    assert part.status == PartStatus.CANCELLED
    order.refresh_from_db()
    assert order.status == "accepted" and order.total == Decimal("60.00")
    assert Product.objects.get(name="Bistec").stock == Decimal("8")
    notices = [m for m in smtp_server.messages if m["To"] == "ana@example.mx"]
    notice = next(m for m in notices if "no respondió" in str(m["Subject"]))
    assert "Bistec: 0.5 kg" in notice.get_content()
    assert any(m["To"] == "guero@example.mx" for m in smtp_server.messages)  # the invitation


def test_a_courier_draws_the_route_on_the_map(live_server, page_factory, guadalajara):
    market = Market.objects.create(
        municipality=guadalajara, name="Mercado Libertad", slug="libertad", address="Calzada",
        location="SRID=4326;POINT(-103.339 20.674)", pickup_slots=["09:00-11:00"],
    )  # fmt: skip
    rider = UserFactory(display_name="Beto")
    page = logged_in(page_factory, live_server, rider, has_touch=True)
    page.goto(live_server.url + "/mercado/repartidor/")
    page.locator("#id_market").select_option(label="Mercado Libertad")
    page.get_by_label("Entrego como").select_option("public_transport")
    page.get_by_label("Teléfono").fill("3312345678")
    page.get_by_label(re.compile("^Cooperativa")).fill("Ruta 622")
    page.wait_for_selector("#route-map.map-ready[data-route-ready]")
    canvas = page.locator("#route-map canvas")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    for dx in (-90, -30, 30):
        page.touchscreen.tap(box["x"] + box["width"] / 2 + dx, box["y"] + box["height"] / 2)
    assert page.locator("#route-count").inner_text() == "La ruta tiene 3 paradas."
    page.get_by_role("button", name="Quitar la última parada").click()
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    # Far from the last tap: two taps close together are a double tap (zoom), not a stop.
    page.touchscreen.tap(box["x"] + box["width"] / 2 + 100, box["y"] + box["height"] / 2 + 40)
    route = json.loads(page.locator("#id_route").input_value())
    assert route["type"] == "LineString" and len(route["coordinates"]) == 3
    no_sideways_scroll(page)
    assert serious_accessibility_findings(page) == []
    page.locator("#courier-form").get_by_role("button", name=re.compile("^Registrar")).click()
    page.wait_for_url(re.compile(r"/mercado/repartidor/$"))
    courier = Courier.objects.get(user=rider, market=market)
    assert courier.route.num_points == 3
    lons = [x for x, _y in courier.route.coords]
    assert lons == sorted(lons)  # the stops in the order they were tapped, west to east
