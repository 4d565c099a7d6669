"""Participa in a real browser: a citizen on a phone, two people at touch tables, the table
offline, and axe-core accessibility checks (WCAG 2.2 AA, serious and critical findings)."""

import pytest

from metropoli.participation import services
from metropoli.participation.models import Contribution
from metropoli.participation.tests.conftest import make_proceeding

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Loaded from our own origin: the Content-Security-Policy allows no injected inline script.
AXE = "/static/vendor/axe-core/axe.min.js"
PHONE = {"width": 390, "height": 844}
# Generous waits: the suite shares two cores with everything else; nothing here measures time.
WAIT_MS = 90_000


@pytest.fixture(autouse=True)
def no_outside_basemap(settings):
    # Tests have no network: without this the map waits for the outside basemap tiles to fail
    # before it reports "load", which under a busy machine can take long.
    settings.METROPOLI = {**settings.METROPOLI, "BASEMAP_TILES": ""}


def assert_accessible(page, exclude=()):
    page.add_script_tag(url=AXE)
    result = page.evaluate(
        """async (exclude) => {
          const tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];
          const r = await axe.run({ exclude: exclude.map((s) => [s]) },
            { runOnly: { type: "tag", values: tags } });
          return r.violations.filter((v) => ["serious", "critical"].includes(v.impact))
            .map((v) => ({ id: v.id, impact: v.impact,
                           nodes: v.nodes.map((n) => n.target.join(" ")) }));
        }""",
        list(exclude),
    )
    assert result == []


def click_map(page, selector, dx=0, dy=0):
    canvas = page.locator(f"{selector} canvas")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2 + dx, box["y"] + box["height"] / 2 + dy)


def test_citizen_adds_a_point_and_an_area_on_a_phone(live_server, page_factory, guadalajara):
    make_proceeding(guadalajara)
    page = page_factory(locale="es-MX", viewport=PHONE)
    page.set_default_timeout(WAIT_MS)
    page.goto(live_server.url + "/participa/")
    assert_accessible(page)
    page.get_by_role("link", name="Consulta de prueba").click()
    page.wait_for_selector("[data-proceeding][data-ready=true]")
    assert_accessible(page)

    form = page.locator("#contribution-form")
    form.locator("[data-draw=Point]").click()
    click_map(page, "#participation-map")
    form.get_by_label("Sombra").check()
    form.locator("textarea[name=text]").fill("Aquí hace falta sombra para esperar el camión")
    form.locator("button[type=submit]").click()
    page.wait_for_function("document.getElementById('contribution-count').textContent === '1'")

    form.locator("[data-draw=Polygon]").click()
    for dx, dy in [(-40, -30), (40, -30), (0, 40)]:
        click_map(page, "#participation-map", dx, dy)
    form.get_by_label("Banquetas").check()
    form.locator("textarea[name=text]").fill("Banquetas angostas en toda esta manzana")
    form.locator("button[type=submit]").click()
    page.wait_for_function("document.getElementById('contribution-count').textContent === '2'")

    saved = {c.text: (c.geometry_kind, c.category.name) for c in Contribution.objects.all()}
    assert saved == {
        "Aquí hace falta sombra para esperar el camión": ("point", "Sombra"),
        "Banquetas angostas en toda esta manzana": ("area", "Banquetas"),
    }
    # The list next to the map links to the contribution, whose page is accessible too.
    page.locator("#contribution-list a").first.click()
    page.wait_for_selector(".contribution-detail")
    assert_accessible(page)


def table_page(page_factory, url):
    page = page_factory(locale="es-MX", viewport={"width": 1600, "height": 1000})
    page.set_default_timeout(WAIT_MS)
    page.goto(url)
    page.wait_for_selector("#table[data-ready=true]")
    return page


def add_point_on_table(page, panel, text, dx=0):
    box = page.locator(f"#panel-{panel}")
    box.locator("[data-draw=Point]").click()
    click_map(page, "#table-map", dx, 0)
    box.locator("input[type=radio]").first.check()
    box.locator("textarea").fill(text)
    box.locator("button[type=submit]").click()


def test_two_people_use_table_mode_at_once(live_server, page_factory, guadalajara):
    proceeding = make_proceeding(guadalajara)
    services.set_table_pin(proceeding=proceeding, pin="2468", actor=None)
    url = live_server.url + "/participa/mesa/prueba/"
    first, second = table_page(page_factory, url), table_page(page_factory, url)
    assert_accessible(first)
    # The facilitator unlocks the settings with the PIN and opens a third draft panel.
    first.get_by_role("button", name="Facilitación").click()
    first.get_by_label("PIN de facilitación").fill("1111")
    first.get_by_role("button", name="Desbloquear").click()
    first.wait_for_selector("#pin-status:has-text('no es correcto')")
    first.get_by_label("PIN de facilitación").fill("2468")
    first.get_by_role("button", name="Desbloquear").click()
    first.get_by_label("Paneles de borrador").select_option("3")
    first.get_by_role("button", name="Guardar ajustes").click()
    first.wait_for_selector("#panel-3")
    # The PIN is also what marks a device as the table (its token is never in the page):
    # the facilitator unlocks the second screen too, and keeps its two panels.
    second.get_by_role("button", name="Facilitación").click()
    second.get_by_label("PIN de facilitación").fill("2468")
    second.get_by_role("button", name="Desbloquear").click()
    second.get_by_role("button", name="Guardar ajustes").click()
    # Each person fills a draft; neither sees the other's unsent draft.
    first.locator("#panel-1 textarea").fill("borrador")
    assert second.locator("#panel-1 textarea").input_value() == ""
    add_point_on_table(first, 1, "Más árboles en el camellón", dx=-30)
    add_point_on_table(second, 2, "Una banca a la sombra", dx=30)
    add_point_on_table(first, 2, "Bebedero en la estación", dx=10)
    first.wait_for_selector("#table[data-sent='2']")
    second.wait_for_selector("#table[data-sent='1']")
    texts = sorted(Contribution.objects.values_list("text", flat=True))
    assert texts == [
        "Bebedero en la estación",
        "Más árboles en el camellón",
        "Una banca a la sombra",
    ]
    assert set(Contribution.objects.values_list("source", flat=True)) == {"table"}


def test_table_works_offline_and_syncs_exactly_once(live_server, page_factory, guadalajara):
    make_proceeding(guadalajara)
    page = table_page(page_factory, live_server.url + "/participa/mesa/prueba/")
    page.context.set_offline(True)
    add_point_on_table(page, 1, "Sin internet: falta sombra", dx=-20)
    add_point_on_table(page, 2, "Sin internet: cruce peligroso", dx=20)
    page.wait_for_function("document.getElementById('sync-status').dataset.waiting === '2'")
    assert Contribution.objects.count() == 0

    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_selector("#table[data-sent='2']")
    page.wait_for_function("document.getElementById('sync-status').dataset.waiting === '0'")
    # More chances to send twice: another online event and a reload that syncs at start.
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.reload()
    page.wait_for_selector("#table[data-ready=true]")
    page.wait_for_function("document.getElementById('sync-status').dataset.waiting === '0'")
    assert sorted(Contribution.objects.values_list("text", flat=True)) == [
        "Sin internet: cruce peligroso",
        "Sin internet: falta sombra",
    ]

    # The table's own service worker keeps the page and its files: it reloads without network.
    page.wait_for_function(
        """async () => {
          const cache = await caches.open("participa-mesa-v1");
          return Boolean(await cache.match(location.href))
            && Boolean(navigator.serviceWorker.controller);
        }"""
    )
    page.context.set_offline(True)
    page.reload()
    page.wait_for_selector("#table[data-ready=true]")
    page.context.set_offline(False)


def test_idle_table_clears_unsent_drafts_but_keeps_the_outbox(
    live_server, page_factory, guadalajara
):
    make_proceeding(guadalajara)
    page = page_factory(locale="es-MX", viewport={"width": 1600, "height": 1000})
    page.set_default_timeout(WAIT_MS)
    # The facilitator chose the shortest idle reset (15 s) on this table earlier.
    settings = '{"panels": 2, "idle": 15}'
    page.add_init_script(f"localStorage.setItem('participa-table-settings:prueba', '{settings}')")
    page.goto(live_server.url + "/participa/mesa/prueba/")
    page.wait_for_selector("#table[data-ready=true]")
    page.context.set_offline(True)
    add_point_on_table(page, 1, "Esta sí se envió a la cola")
    page.wait_for_function("document.getElementById('sync-status').dataset.waiting === '1'")
    draft = page.locator("#panel-2")
    draft.locator("[data-draw=Point]").click()
    click_map(page, "#table-map")
    draft.locator("textarea").fill("Borrador a medias de otra persona")
    page.wait_for_function("document.querySelector('#panel-2 textarea').value === ''")
    assert draft.locator("[data-draw=Point]").get_attribute("aria-pressed") == "false"
    assert page.locator("#sync-status").get_attribute("data-waiting") == "1"
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_selector("#table[data-sent='1']")
    assert list(Contribution.objects.values_list("text", flat=True)) == [
        "Esta sí se envió a la cola"
    ]
