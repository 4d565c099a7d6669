"""The eco-benefit summary in a real browser, on a phone in Spanish: reached from the tree map's
filters (the same trees), searched by species name, its chart labels whole on phone and desktop;
the map's legend, and the small map on a tree's page."""

import pytest

from metropoli.benefits import results
from metropoli.common.testing import ITREE_TABLES, need_shared
from metropoli.trees import services as tree_services
from metropoli.trees.inventory import load_species
from metropoli.trees.models import Condition, Tree

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = "/static/vendor/axe-core/axe.min.js"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
WAIT_MS = 60_000


@pytest.fixture(autouse=True)
def itree_and_no_outside_basemap(settings):
    need_shared(ITREE_TABLES, variable="METROPOLI_ITREE_DIR")
    settings.METROPOLI_ITREE_DIR = str(ITREE_TABLES)
    settings.BENEFITS_DEFAULT_REGION = "InlEmpCLM"
    settings.METROPOLI = {**settings.METROPOLI, "BASEMAP_TILES": ""}


def plant(municipality, code, dbh, condition):
    tree = tree_services.register_tree(
        lon=municipality.seat.x, lat=municipality.seat.y, recorded_by=None,
        species_code=code, dbh_cm=dbh,
    ).tree  # fmt: skip
    Tree.objects.filter(pk=tree.pk).update(condition=condition)


def accessibility_violations(page) -> list:
    page.add_script_tag(url=AXE)
    return page.evaluate(
        """async () => {
          const tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];
          const r = await axe.run(document, { runOnly: { type: "tag", values: tags } });
          return r.violations.map((v) => v.id);
        }"""
    )


CLIPPED_LABELS = """() => [...document.querySelectorAll("svg.benefits-chart")].flatMap((svg) => {
  const width = svg.viewBox.baseVal.width;
  return [...svg.querySelectorAll("text")].filter((t) => {
    const box = t.getBBox();
    return box.x < 0 || box.x + box.width > width;
  }).map((t) => t.textContent);
})"""


def test_summary_of_the_map_filters_by_species_name(live_server, page_factory, guadalajara):
    load_species()
    plant(guadalajara, "JAMI", "30", Condition.GOOD)
    plant(guadalajara, "JAMI", "45", Condition.GOOD)
    plant(guadalajara, "JAMI", "20", Condition.POOR)
    plant(guadalajara, "PIDU", "35", Condition.GOOD)  # Guamúchil (Pithecellobium dulce)
    plant(guadalajara, "FRUH", "50", Condition.GOOD)
    results.recompute_all()

    page = page_factory(locale="es-MX", viewport=PHONE)
    page.set_default_timeout(WAIT_MS)
    page.goto(live_server.url + "/arbol/")
    # The legend says what the dots, the zoomed-out circles and the sensors mean.
    legend = page.locator("#map-legend")
    assert legend.get_by_text("Regular").is_visible()
    assert legend.get_by_text("Con el mapa alejado").is_visible()
    assert legend.get_by_text("Sensores de calidad del aire").is_visible()
    page.locator("summary:has-text('Filtros')").click()
    page.get_by_label("Especie", exact=True).select_option("JAMI")
    page.get_by_label("Condición", exact=True).select_option("good")
    page.get_by_role("button", name="Mostrar").click()
    page.wait_for_selector("#tree-count:has-text('2 árboles')")

    page.get_by_role("link", name="Beneficios ambientales de estos árboles").click()
    page.wait_for_selector("#computed-count")
    assert page.locator("#computed-count").inner_text() == "Calculado para 2 de 2 árboles."
    # The filter shows the species by name, not by its code, and keeps the condition.
    assert page.locator("#f-species").input_value() == "Jacaranda (Jacaranda mimosifolia)"
    assert page.locator("#f-condition").input_value() == "good"
    assert accessibility_violations(page) == []

    # Search by part of a common name; several names separated by commas.
    page.locator("#f-species").fill("guamúchil, fresno")
    page.get_by_role("button", name="Mostrar").click()
    page.wait_for_selector("#species-chosen:has-text('Guamúchil')")
    assert page.locator("#computed-count").inner_text() == "Calculado para 2 de 2 árboles."
    # The link back leads to the map of the same trees.
    page.get_by_role("link", name="Ver estos árboles en el mapa").click()
    page.wait_for_selector("#tree-count:has-text('2 árboles')")

    # Every chart label is whole, on a phone and on a desktop.
    page.goto(live_server.url + "/arbol/beneficios/")
    page.wait_for_selector("svg.benefits-chart")
    assert page.evaluate(CLIPPED_LABELS) == []
    assert accessibility_violations(page) == []
    page.set_viewport_size(DESKTOP)
    assert page.evaluate(CLIPPED_LABELS) == []

    # A name no species has is a clear error in Spanish.
    page.locator("#f-species").fill("palo loco")
    page.get_by_role("button", name="Mostrar").click()
    page.wait_for_selector("p.error[role=alert]")
    assert "Ninguna especie se llama “palo loco”" in page.locator("p.error").inner_text()


def test_tree_page_has_a_small_map_of_where_it_stands(live_server, page_factory, guadalajara):
    load_species()
    plant(guadalajara, "JAMI", "30", Condition.GOOD)
    tree = Tree.objects.get()
    page = page_factory(locale="es-MX", viewport=PHONE)
    page.set_default_timeout(WAIT_MS)
    page.goto(f"{live_server.url}/arbol/arboles/{tree.pk}")
    location = page.get_by_role("region", name="Mapa de dónde está este árbol")
    location.scroll_into_view_if_needed()
    # The map centres on the tree and rings it (a layer of its own over the trees around).
    page.wait_for_selector("#tree-location-map[data-tree-shown=true]")
    assert page.locator("#tree-location-map").get_attribute("data-center") == (
        f"{guadalajara.seat.x:.6f},{guadalajara.seat.y:.6f}"
    )
    assert accessibility_violations(page) == []
