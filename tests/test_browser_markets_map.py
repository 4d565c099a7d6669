"""Mi Mercado on a phone: the map of the markets, and a pickup order for a chosen day and slot."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.gis.geos import Point
from django.utils import timezone

from metropoli.markets.models import Market, Order, Product, ProductPrice, Stall

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"locale": "es-MX", "viewport": {"width": 390, "height": 844}}
# Loaded from our own origin: the Content-Security-Policy allows no injected inline script.
AXE = "/static/vendor/axe-core/axe.min.js"
# Generous waits: the suite shares two cores with everything else; nothing here measures time.
WAIT_MS = 60_000


@pytest.fixture(autouse=True)
def no_outside_basemap(settings):
    # No network in tests: without an outside basemap the map reports "load" at once.
    settings.METROPOLI = {**settings.METROPOLI, "BASEMAP_TILES": ""}


def serious_accessibility_findings(page) -> list:
    page.add_script_tag(url=AXE)
    return page.evaluate(
        """async () => {
          const tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];
          const r = await axe.run(document, { runOnly: { type: "tag", values: tags } });
          return r.violations.filter((v) => ["serious", "critical"].includes(v.impact))
            .map((v) => ({ id: v.id, nodes: v.nodes.map((n) => n.target.join(" ")) }));
        }"""
    )


def make_market(municipality, slug, name, lon, lat):
    return Market.objects.create(
        municipality=municipality,
        name=name,
        slug=slug,
        address=f"Dirección de {name}",
        location=Point(lon, lat, srid=4326),
        pickup_slots=["09:00-11:00", "17:00-19:00"],
        pickup_slot_capacity=5,
    )


def test_map_of_markets_and_a_dated_pickup_order(live_server, page_factory, guadalajara):
    libertad = make_market(guadalajara, "libertad", "Mercado Libertad", -103.339, 20.674)
    corona = make_market(guadalajara, "corona", "Mercado Corona", -103.346, 20.678)
    # Only markets with a stall selling a priced product are listed as selling (issue 18).
    flowers = Stall.objects.create(market=corona, name="Flores Chayo", giro="Flores")
    roses = Product.objects.create(
        stall=flowers, name="Rosas", category="flowers", unit="bunch", step=Decimal("1"),
        stock=Decimal("5"),
    )  # fmt: skip
    ProductPrice.objects.create(product=roses, price=Decimal("60.00"), valid_from=timezone.now())
    stall = Stall.objects.create(market=libertad, name="Doña Lupe", giro="Frutas y verduras")
    tomato = Product.objects.create(
        stall=stall, name="Jitomate saladet", category="produce", unit="kg",
        step=Decimal("0.25"), stock=Decimal("10"),
    )  # fmt: skip
    ProductPrice.objects.create(product=tomato, price=Decimal("28.00"), valid_from=timezone.now())

    page = page_factory(**PHONE)
    page.set_default_timeout(WAIT_MS)
    page.goto(live_server.url + "/mercado/")
    page.wait_for_selector("#markets-map[data-markets-ready=true]")
    assert serious_accessibility_findings(page) == []
    # The list beside the map links every market.
    assert page.locator("#market-list").get_by_role("link", name="Mercado Corona").is_visible()

    # A tap on Libertad's point opens its name and a link to its page.
    x, y = page.evaluate(
        """() => { const { map } = document.getElementById("markets-map").metropoliMap;
                   const p = map.project([-103.339, 20.674]); return [p.x, p.y]; }"""
    )
    # A module that arrives after the map has loaded (slow network) still gets the map, once.
    late = page.evaluate(
        """async () => {
             const { whenMapReady } = await import("/static/maps/ready.js");
             let calls = 0;
             whenMapReady("markets-map", ({ map, el }) => { calls += map && el.id ? 1 : 0; });
             whenMapReady(document.querySelector("main"), () => { calls += 10; });
             await new Promise((resolve) => setTimeout(resolve, 200));
             return calls; }"""
    )
    assert late == 11  # by id, and by an element holding the map
    canvas = page.locator("#markets-map canvas")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)
    popup = page.locator(".market-popup")
    popup.wait_for()
    assert popup.locator("strong").inner_text() == "Mercado Libertad"

    # Keyboard: "Ver en el mapa" in the list opens Corona's popup and moves the focus to its link.
    page.get_by_role("button", name=re.compile("Mercado Corona")).click()
    page.wait_for_function(
        "document.activeElement && document.activeElement.closest('.market-popup') !== null"
        " && document.activeElement.getAttribute('href') === '/mercado/corona/'"
    )
    page.get_by_role("button", name=re.compile("Mercado Libertad")).click()
    page.locator(".market-popup a").click()
    page.wait_for_url(re.compile(r"/mercado/libertad/$"))

    # Pickup tomorrow morning.
    page.get_by_label(re.compile("^Cantidad")).fill("1")
    page.get_by_role("button", name="Agregar").click()
    page.get_by_role("link", name=re.compile("^Carrito")).click()
    page.get_by_role("link", name="Continuar al pago").click()
    page.get_by_label("Recoger en el mercado", exact=True).check()
    tomorrow = timezone.localdate() + timedelta(days=1)
    choice = page.get_by_label("Día y hora para recoger")
    assert choice.locator("optgroup[label^='Mañana, ']").count() == 1
    assert "09:00-11:00 (5 lugares disponibles)" in choice.inner_text()
    choice.select_option(f"{tomorrow.isoformat()} 09:00-11:00")
    page.get_by_label("Nombre").fill("Ana López")
    page.get_by_label("Teléfono").fill("33 1234 5678")
    page.get_by_role("button", name="Hacer el pedido").click()
    page.wait_for_url(re.compile(r"/mercado/pedido/"))
    order = Order.objects.get()
    assert (order.pickup_date, order.pickup_slot) == (tomorrow, "09:00-11:00")
    shown = page.locator("#pickup-when").inner_text()
    assert shown.endswith("09:00-11:00") and f" {tomorrow.day} de " in shown
