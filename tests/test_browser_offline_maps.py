"""Maps without signal (issue 17, point 4): the capture page opened once opens again offline
with its map, drawn from the vector tiles seen before (kept by the service worker within a
budget, least recently fetched out first), and the pin still moves; the capture made there
waits on the phone and is sent once when the signal returns."""

import pytest
from django.test import Client

from metropoli.accounts.tests.factories import UserFactory
from metropoli.trees import inventory
from metropoli.trees.models import Tree
from metropoli.trees.services import register_tree

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 360, "height": 740}}
# Trees of a street in Guadalajara's centre, and where the person looked at them.
STREET = [(-103.34690, 20.67660), (-103.34720, 20.67675), (-103.34750, 20.67690)]
VIEW = {"center": [-103.3472, 20.67675], "zoom": 17}

KEPT_TILES = """async () => {
  const cache = await caches.open("metropoli-tiles-v1");
  return (await cache.keys()).map((request) => new URL(request.url).pathname);
}"""
DRAWN_TREES = """() => {
  const el = document.getElementById("capture-map");
  return el.metropoliMap ? el.metropoliMap.map.queryRenderedFeatures({ layers: ["capture-trees"] })
    .length : 0;
}"""
ASK_THE_WORKER = """(budget) => new Promise((resolve) => {
  const channel = new MessageChannel();
  channel.port1.onmessage = (event) => resolve(event.data);
  navigator.serviceWorker.controller.postMessage({ type: "tiles", budget }, [channel.port2]);
})"""


def logged_in_page(page_factory, live_server, user, **options):
    client = Client()
    client.force_login(user)
    page = page_factory(locale="es-MX", **options)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return page


@pytest.fixture(autouse=True)
def no_outside_basemap(settings):
    settings.METROPOLI = {**settings.METROPOLI, "BASEMAP_TILES": ""}


def test_the_capture_map_works_offline_with_the_tiles_seen_before(
    live_server, page_factory, municipalities
):
    inventory.load_species()
    neighbour = UserFactory(display_name="Vecino")
    for lon, lat in STREET:
        register_tree(lon=lon, lat=lat, recorded_by=neighbour, species_code="JAMI", dbh_cm="30")
    citizen = UserFactory(display_name="Lupita")
    page = logged_in_page(page_factory, live_server, citizen, **PHONE)
    context = page.context

    # Online: the first visit installs the service worker; on the next, the person looks at
    # the street, and the trees' tiles come through the worker.
    page.goto(live_server.url + "/arbol/capturar")
    page.wait_for_selector("#capture-map.map-ready")
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    page.reload()  # the next visit: the map's own worker starts under the service worker too
    page.wait_for_selector("#capture-map.map-ready")
    page.evaluate(
        "(view) => document.getElementById('capture-map').metropoliMap.map.jumpTo(view)", VIEW
    )
    page.wait_for_function(DRAWN_TREES)
    # (the trees layer stops at zoom 16: a zoom-17 view draws its zoom-16 tiles)
    page.wait_for_function(
        f"({KEPT_TILES})().then((paths) => paths.some((p) => p.startsWith('/tiles/trees/16/')))"
    )
    seen = page.evaluate(KEPT_TILES)
    usage = page.evaluate(ASK_THE_WORKER, None)
    assert usage["budget"] == {"bytes": 25 * 1024 * 1024, "count": 3000}
    assert usage["count"] == len(seen) and 0 < usage["bytes"] <= usage["budget"]["bytes"]

    # No signal: the page, MapLibre and its worker come from the device, the map opens on the
    # street last seen and draws its trees from the kept tiles.
    context.set_offline(True)
    page.reload()
    assert page.get_by_role("heading", level=1).inner_text() == "Registrar un árbol"
    page.wait_for_selector("#capture-map.map-ready")
    page.wait_for_function(DRAWN_TREES)
    zoom = page.evaluate("document.getElementById('capture-map').metropoliMap.map.getZoom()")
    assert round(zoom) == VIEW["zoom"]

    # The pin is dragged onto the trunk, and the coordinates follow it.
    assert page.locator("#c-lat").input_value() == ""
    page.locator("#capture-map").scroll_into_view_if_needed()
    pin = page.locator("#capture-map .maplibregl-marker").bounding_box()
    x, y = pin["x"] + pin["width"] / 2, pin["y"] + pin["height"] - 4
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 40, y + 30, steps=8)
    page.mouse.up()
    page.wait_for_function("document.getElementById('c-lat').value !== ''")
    lon, lat = (
        float(page.locator("#c-lon").input_value()),
        float(page.locator("#c-lat").input_value()),
    )
    assert lon > VIEW["center"][0] and lat < VIEW["center"][1]  # east and south of the centre
    assert abs(lon - VIEW["center"][0]) < 0.001 and abs(lat - VIEW["center"][1]) < 0.001

    # The capture waits on the phone ...
    page.get_by_role("combobox", name="Especie (nombre común o científico)").fill("fres")
    page.get_by_role("option", name="Fresno — Fraxinus uhdei").click()
    page.get_by_label("Diámetro del tronco (cm)").fill("27")
    page.get_by_role("button", name="Guardar árbol").click()
    page.wait_for_function(
        "document.getElementById('queue-summary').textContent.includes('1 árbol por enviar')"
    )
    assert Tree.objects.filter(recorded_by=citizen).count() == 0

    # ... and goes out once when the signal returns, where the pin was.
    context.set_offline(False)
    page.wait_for_function(
        "document.getElementById('queue-summary').textContent.startsWith('Nada pendiente')"
    )
    page.reload()
    page.wait_for_selector("#capture-map.map-ready")
    tree = Tree.objects.get(recorded_by=citizen)
    assert tree.species.code == "FRUH"
    assert (round(tree.site.location.x, 6), round(tree.site.location.y, 6)) == (
        round(lon, 6),
        round(lat, 6),
    )

    # The kept tiles stay within the budget, the least recently fetched going first: asked to
    # keep two, the worker keeps the two fetched last. Three more tiles of the street's
    # neighbourhood first, so that there is something to drop whatever the map fetched.
    page.evaluate(
        """async ([lon, lat]) => {
          const z = 14, n = 2 ** z, r = (lat * Math.PI) / 180;
          const x = Math.floor(((lon + 180) / 360) * n);
          const y = Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n);
          for (const dx of [0, 1, 2]) await fetch(`/tiles/trees/${z}/${x + dx}/${y}.pbf`);
        }""",
        VIEW["center"],
    )
    page.wait_for_function(f"({KEPT_TILES})().then((paths) => paths.length > 2)")
    before = page.evaluate(KEPT_TILES)
    assert len(before) > 2
    usage = page.evaluate(ASK_THE_WORKER, {"count": 2})
    assert usage["count"] == 2 and usage["dropped"] == len(before) - 2
    assert page.evaluate(KEPT_TILES) == before[-2:]
