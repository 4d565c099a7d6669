"""No page asks another origin for anything (decision 0079): every module's main pages, and the
admin's change form of a model with a geometry, load their scripts, styles, fonts and data from
our own origin, with no error in the console (the admin map used to load OpenLayers from a CDN:
"ol is not defined").

The one exception is deliberate and configurable: the map background's tiles, fetched from
METROPOLI_BASEMAP_TILES (OpenStreetMap's by default; a deployment may serve its own). Requests
to other origins never leave the browser here: they are recorded and answered with an empty
tile, so the test needs no network.
"""

import base64
import io
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from metropoli.accounts.models import User
from metropoli.common.csp import origin
from metropoli.markets.models import Market

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [
    "/",
    "/arbol/",
    "/arbol/beneficios/",
    "/arbol/aprende/",
    "/arbol/sensores/",
    "/arbol/especies/",
    "/mercado/",
    "/mercado/libertad/",
    "/participa/",
    "/participa/sombra-periferico/",
    "/cooperacion/",
    "/cooperacion/tablero/",
    "/cooperacion/cronograma/",
    "/cooperacion/redes-y-premios/",
    "/api/docs",
]
EMPTY_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)


def _watch(page, own: str):
    """Every request to another origin, and every console error, of this page."""
    foreign, errors = [], []

    def answer(route):
        request = route.request
        if f"{urlsplit(request.url).scheme}://{urlsplit(request.url).netloc}" == own:
            route.continue_()
        else:
            foreign.append((request.resource_type, request.url))
            route.fulfill(status=200, content_type="image/png", body=EMPTY_PNG)

    page.route("**/*", answer)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return foreign, errors


def _basemap_tile(resource_type: str, url: str) -> bool:
    basemap = origin(str(settings.METROPOLI.get("BASEMAP_TILES") or ""))
    parts = urlsplit(url)
    return bool(basemap) and (
        f"{parts.scheme}://{parts.netloc}" == basemap
        and resource_type in ("image", "fetch", "xhr")
        and parts.path.endswith((".png", ".jpg", ".jpeg", ".webp", ".pbf"))
    )


def _visit(page, url: str, foreign, errors, where: dict):
    del foreign[:], errors[:]
    response = page.goto(url, wait_until="networkidle")
    assert response is not None and response.status == 200, url
    outside = [(kind, u) for kind, u in foreign if not _basemap_tile(kind, u)]
    if outside or errors:
        where[url] = {"other origins": outside, "console errors": list(errors)}


def test_no_page_loads_anything_from_another_origin(live_server, browser):
    call_command("load_demo", stdout=io.StringIO())
    own = live_server.url
    where: dict = {}

    visitor = browser.new_context(locale="es-MX", service_workers="block")
    page = visitor.new_page()
    foreign, errors = _watch(page, own)
    for path in PAGES:
        _visit(page, own + path, foreign, errors, where)
    visitor.close()

    client = Client()
    client.force_login(User.objects.get(email="admin@demo.metropoli.mx"))
    admin = browser.new_context(locale="es-MX", service_workers="block")
    admin.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                        "url": own}])  # fmt: skip
    page = admin.new_page()
    foreign, errors = _watch(page, own)
    market = Market.objects.get(slug="libertad")
    _visit(page, f"{own}/admin/markets/market/{market.pk}/change/", foreign, errors, where)
    # The map widget really started: OpenLayers is defined and drew its map.
    assert page.evaluate("typeof ol") == "object"
    assert page.locator(".dj_map .ol-viewport").count() == 1
    admin.close()

    assert where == {}
