"""Tree capture end to end: a citizen records trees with a photo and the phone's GPS, loses
the signal half-way, gets it back; nothing is lost and nothing is doubled; the map lists them.

With METROPOLI_DOC_SCREENSHOTS=<folder> the test also saves the screenshots of the guide
(docs/guides/citizen-capture.md).
"""

import io
import os
from pathlib import Path

import pytest
from django.test import Client
from PIL import Image

from metropoli.accounts.tests.factories import UserFactory
from metropoli.common.models import IdempotencyRecord
from metropoli.trees import inventory
from metropoli.trees.models import Tree, TreePhoto

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GPS = {"latitude": 20.6767, "longitude": -103.3475, "accuracy": 8}
SHOTS = os.environ.get("METROPOLI_DOC_SCREENSHOTS")


def shot(page, name, selector=None):
    if SHOTS:
        if selector:
            page.locator(selector).scroll_into_view_if_needed()
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / name), full_page=False)


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (800, 600), (40, 110, 50)).save(out, format="JPEG")
    return out.getvalue()


def logged_in_page(page_factory, live_server, user, **options):
    client = Client()
    client.force_login(user)
    page = page_factory(locale="es-MX", **options)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return page


def fill_capture(page, *, search: str, option: str, dbh: str, photo: bool = True):
    if photo:
        page.set_input_files(
            "#c-photo", files=[{"name": "arbol.jpg", "mimeType": "image/jpeg", "buffer": jpeg()}]
        )
    page.get_by_role("button", name="Usar mi ubicación").click()
    page.wait_for_function("document.getElementById('c-lat').value !== ''")
    assert "±8 m" in page.locator("#c-accuracy").inner_text()
    page.get_by_role("combobox", name="Especie (nombre común o científico)").fill(search)
    page.get_by_role("option", name=option).click()
    page.get_by_label("Diámetro del tronco (cm)").fill(dbh)


def test_capture_offline_then_online_and_a_lost_answer(
    live_server, page_factory, municipalities, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    inventory.load_species()
    citizen = UserFactory(display_name="Lupita")
    page = logged_in_page(
        page_factory,
        live_server,
        citizen,
        viewport={"width": 390, "height": 844},
        geolocation=GPS,
        permissions=["geolocation"],
    )
    context = page.context
    page.goto(live_server.url + "/arbol/capturar")
    page.wait_for_selector("#capture-map.map-ready")
    assert page.locator("#queue-summary").inner_text() == (
        "Nada pendiente: todos los árboles se enviaron."
    )

    # 1. A jacaranda recorded without signal waits on the phone.
    fill_capture(page, search="jacar", option="Jacaranda — Jacaranda mimosifolia", dbh="31.5")
    shot(page, "capture-location.png", "#capture-map")
    shot(page, "capture-form.png", "#c-species-search")
    context.set_offline(True)
    page.get_by_role("button", name="Guardar árbol").click()
    page.wait_for_function(
        "document.getElementById('queue-summary').textContent.includes('1 árbol por enviar')"
    )
    page.wait_for_function(
        "document.getElementById('capture-status').textContent.includes('Guardado en este')"
    )
    shot(page, "capture-offline-queue.png", "#queue-send")
    assert Tree.objects.count() == 0

    # 2. The signal comes back: the capture goes out, with its photo, once.
    context.set_offline(False)
    page.wait_for_function(
        "document.getElementById('queue-summary').textContent.startsWith('Nada pendiente')"
    )
    first = Tree.objects.get()
    assert (first.species.code, str(first.dbh_cm), first.recorded_by) == ("JAMI", "31.5", citizen)
    assert round(first.site.location.y, 4) == 20.6767
    assert first.site.location_accuracy_m == 8
    assert TreePhoto.objects.filter(tree=first).count() == 1

    # The installed app opens without signal: the service worker keeps the capture page.
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    page.wait_for_selector("#capture-map.map-ready")
    # Every file the page loaded from /static/ is kept for use without signal, MapLibre's
    # worker (maplibre-gl-worker.mjs?v=…) and the shell's scripts included.
    page.wait_for_function(
        """async () => {
          const urls = performance.getEntriesByType("resource").map((e) => e.name)
            .filter((u) => new URL(u).pathname.startsWith("/static/"));
          const kept = await Promise.all(urls.map((u) => caches.match(u, { ignoreSearch: true })));
          return urls.some((u) => u.includes("maplibre-gl-worker.mjs"))
            && urls.some((u) => u.endsWith("/static/web/scroll.js")) && kept.every(Boolean);
        }"""
    )
    context.set_offline(True)
    page.reload()
    assert page.get_by_role("heading", level=1).inner_text() == "Registrar un árbol"
    # ... with its map: MapLibre's worker (maplibre-gl-worker.mjs?v=…) comes from the cache too.
    page.wait_for_selector("#capture-map.map-ready")
    page.wait_for_function(
        "document.getElementById('queue-summary').textContent.startsWith('Nada pendiente')"
    )
    context.set_offline(False)
    page.reload()
    page.wait_for_selector("#capture-map.map-ready")

    # 3. A second tree at the same spot: the likely duplicate is shown before saving.
    fill_capture(page, search="fres", option="Fresno — Fraxinus uhdei", dbh="44", photo=False)
    page.get_by_role("button", name="Guardar árbol").click()
    warning = page.locator("#c-duplicate")
    warning.wait_for(state="visible")
    assert "Jacaranda" in warning.inner_text()
    shot(page, "capture-duplicate.png", "#c-save")

    # ... the person says it is another tree; the server saves it but the answer is lost.
    lost = []

    def lose_the_answer(route):
        if route.request.method == "POST":
            route.fetch()  # the server creates the tree
            lost.append(route.request.headers["idempotency-key"])
            route.abort()  # ... and the phone never hears back
        else:
            route.continue_()

    page.route("**/api/trees/", lose_the_answer)
    page.get_by_role("button", name="Es otro árbol: guardarlo").click()
    for _ in range(100):
        if lost:
            break
        page.wait_for_timeout(100)
    page.wait_for_function(
        "document.getElementById('capture-status').textContent.includes('Guardado en este')"
    )
    assert "1 árbol por enviar" in page.locator("#queue-summary").inner_text()
    assert Tree.objects.count() == 2  # created, though the phone does not know it yet
    page.unroute("**/api/trees/", lose_the_answer)

    # The retry carries the same key: the same tree comes back, no third tree.
    page.get_by_role("button", name="Enviar ahora").click()
    page.wait_for_function(
        "document.getElementById('queue-summary').textContent.startsWith('Nada pendiente')"
    )
    assert Tree.objects.count() == 2
    assert IdempotencyRecord.objects.filter(action="trees.tree", key=lost[0]).count() == 1
    second = Tree.objects.exclude(pk=first.pk).get()
    assert second.species.code == "FRUH"

    # 4. The map page lists both trees (the list beside the map is what we test, not pixels).
    page.goto(live_server.url + "/arbol/")
    page.wait_for_selector("#trees-map.map-ready")
    tree_list = page.locator("#tree-list")
    tree_list.locator(f'a[data-tree-id="{first.pk}"]').wait_for()
    tree_list.locator(f'a[data-tree-id="{second.pk}"]').wait_for()
    assert "Jacaranda" in tree_list.inner_text() and "Fresno" in tree_list.inner_text()
    shot(page, "map-and-list.png", "#trees-map")

    # Zoomed in, the map draws single trees; a click opens the tree's card, and the list
    # follows what is in view.
    lon, lat = first.site.location.x, first.site.location.y
    page.evaluate(
        f"document.getElementById('trees-map').treeMap.jumpTo({{center: [{lon}, {lat}], zoom: 19}})"
    )
    page.wait_for_function(
        "document.getElementById('trees-map').treeMap"
        ".queryRenderedFeatures({layers: ['tree-points']}).length > 0"
    )
    page.locator("#trees-map").scroll_into_view_if_needed()
    box = page.locator("#trees-map canvas").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    card = page.locator("#tree-card")
    card.wait_for(state="visible")
    assert card.get_by_role("heading", level=3).inner_text() in ("Jacaranda", "Fresno")
    assert "cm" in card.inner_text()
    shot(page, "map-card.png", "#tree-card")
    page.wait_for_function(
        "document.getElementById('tree-list-title').textContent === 'Árboles a la vista'"
    )

    # The list is keyboard-reachable and leads to the tree page with its data.
    tree_list.locator(f'a[data-tree-id="{first.pk}"]').focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/arbol/arboles/{first.pk}")
    assert page.get_by_role("heading", level=1).inner_text() == "Jacaranda"
    assert "31.5 cm" in page.locator(".tree-facts").inner_text()
    shot(page, "tree-page.png")
