"""A map's first view on a phone: the basemap tiles map.js fetches ahead, while MapLibre builds
the map, are exactly the ones MapLibre then draws (decision 0093): none is fetched for nothing,
and the map is drawn from them."""

import base64
from collections import Counter

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WAIT_MS = 60_000
# A 1×1 PNG stands in for the basemap's tiles (tests have no network).
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "locale": "es-MX"}


@pytest.mark.parametrize("viewport", [PHONE, {"viewport": {"width": 1280, "height": 800}}])
def test_the_tiles_fetched_ahead_are_the_ones_the_map_draws(
    live_server, page_factory, municipalities, viewport
):
    page = page_factory(**viewport)
    page.set_default_timeout(WAIT_MS)
    asked = Counter()

    def basemap(route):
        asked[route.request.url] += 1
        route.fulfill(
            status=200,
            content_type="image/png",
            body=PNG,
            headers={"Access-Control-Allow-Origin": "*"},
        )

    page.route("https://tile.openstreetmap.org/**", basemap)
    page.goto(live_server.url + "/")
    page.wait_for_selector("#territory-map.map-ready")
    page.wait_for_function(
        "document.querySelector('#territory-map').metropoliMap.map.areTilesLoaded()"
    )
    assert asked, "the basemap tiles were asked for"
    # Each tile of the first view twice: once ahead by map.js, once by MapLibre (which a real
    # browser answers from its HTTP cache; Playwright's routing bypasses that cache).
    assert set(asked.values()) == {2}, asked
    zooms = {url.split("/")[3] for url in asked}
    assert len(zooms) == 1, asked
