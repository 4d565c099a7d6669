"""The touch table without signal: loaded once online, it keeps the consultation's area, its
layers and contributions across an offline reload, shows them again after reconnecting, and
sends what was made offline exactly once."""

import pytest

from metropoli.participation import services
from metropoli.participation.models import Contribution
from metropoli.participation.tests.conftest import make_proceeding

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WAIT_MS = 90_000
TABLE = {"locale": "es-MX", "viewport": {"width": 1600, "height": 1000}}

SHOWN = """() => {
  const map = document.getElementById("table-map").metropoliMap?.map;
  if (!map || !map.getSource("proceeding-area") || !map.getSource("contributions")) return null;
  const contributions = map.getSource("contributions").serialize().data.features || [];
  const area = map.getSource("proceeding-area").serialize().data;
  // Our own vector tiles: the AMG municipalities (their seats, without imported boundaries).
  const tiles = ["municipalities", "seats"].flatMap(
    (sourceLayer) => map.querySourceFeatures("municipalities", { sourceLayer }));
  return { area: area.type, contributions: contributions.map((f) => f.properties.text || "").sort(),
           municipalities: tiles.length > 0,
           layers: ["proceeding-area-line", "contributions-point", "municipalities-line"]
             .filter((id) => map.getLayer(id)).length };
}"""


@pytest.fixture(autouse=True)
def no_outside_basemap(settings):
    settings.METROPOLI = {**settings.METROPOLI, "BASEMAP_TILES": ""}


def shown(page):
    page.wait_for_function(f"({SHOWN})()?.municipalities")
    return page.evaluate(f"({SHOWN})()")


def click_map(page, dx=0):
    canvas = page.locator("#table-map canvas")
    box = canvas.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2 + dx, box["y"] + box["height"] / 2)


def test_table_keeps_area_layers_and_contributions_offline(live_server, page_factory, guadalajara):
    proceeding = make_proceeding(guadalajara)
    shade = proceeding.categories.get(name="Sombra")
    for text, lon in [
        ("Falta sombra en la parada", -103.352),
        ("Árboles en el camellón", -103.348),
    ]:
        services.submit_contribution(
            proceeding=proceeding,
            actor=_anonymous(),
            category_id=shade.pk,
            text=text,
            geometry={"type": "Point", "coordinates": [lon, 20.67]},
            device_token="t" * 32,
        )
    page = page_factory(**TABLE)
    page.set_default_timeout(WAIT_MS)
    page.goto(live_server.url + "/participa/mesa/prueba/")
    page.wait_for_selector("#table[data-ready=true]")
    page.wait_for_selector("#table[data-offline-ready=true]")
    expected = ["Falta sombra en la parada", "Árboles en el camellón"]
    page.wait_for_function("document.getElementById('table').dataset.shownContributions === '2'")
    online = shown(page)
    assert online == {
        "area": "MultiPolygon",
        "contributions": sorted(expected),
        "municipalities": True,
        "layers": 3,
    }

    # No signal, and the table is reloaded (a facilitator restarts the browser at the workshop).
    page.context.set_offline(True)
    page.reload()
    page.wait_for_selector("#table[data-ready=true]")
    page.wait_for_function("document.getElementById('table').dataset.shownContributions === '2'")
    assert shown(page) == online
    # A contribution made offline waits in the queue and is shown on the map meanwhile.
    panel = page.locator("#panel-1")
    panel.locator("[data-draw=Point]").click()
    click_map(page, dx=-25)
    panel.locator("input[type=radio]").first.check()
    panel.locator("textarea").fill("Sin señal: bebedero en la plaza")
    panel.locator("button[type=submit]").click()
    page.wait_for_function("document.getElementById('sync-status').dataset.waiting === '1'")
    assert page.locator("#sync-status").text_content().startswith("1 aportación esperando")
    page.wait_for_function(
        "document.getElementById('table-map').metropoliMap.map.getSource('contributions')"
        ".serialize().data.features.length === 3"
    )
    assert Contribution.objects.count() == 2

    # Signal again: everything is still shown, and the queued contribution is sent once.
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_selector("#table[data-sent='1']")
    page.wait_for_function("document.getElementById('sync-status').dataset.waiting === '0'")
    page.wait_for_function("document.getElementById('table').dataset.shownContributions === '3'")
    after = shown(page)
    assert after["contributions"] == sorted([*expected, "Sin señal: bebedero en la plaza"])
    assert after["area"] == "MultiPolygon" and after["municipalities"] and after["layers"] == 3
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.reload()
    page.wait_for_selector("#table[data-ready=true]")
    page.wait_for_function("document.getElementById('sync-status').dataset.waiting === '0'")
    assert Contribution.objects.filter(text="Sin señal: bebedero en la plaza").count() == 1
    assert Contribution.objects.count() == 3


def _anonymous():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()
