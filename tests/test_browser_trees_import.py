"""The inventory import page on a phone, in Spanish, as municipal staff: a file with a bad row
gets a report by line, column and reason and imports nothing; a good file is checked, confirmed
and imported, its progress reaching 100 %. axe-core (WCAG 2.2 A/AA) on each page."""

import pytest
from django.test import Client

from metropoli.accounts.tests.factories import person_with
from metropoli.common.history import ChangeRecord
from metropoli.territory.models import Role
from metropoli.trees.inventory import load_species
from metropoli.trees.models import InventoryImport, Tree

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = "/static/vendor/axe-core/axe.min.js"
PHONE = {"width": 360, "height": 780}
GDL = (-103.3475, 20.6767)
GOOD = (
    "lon,lat,species,dbh_cm,condition,address\n"
    f"{GDL[0]},{GDL[1]},JAMI,30,bueno,Av. Juárez 10\n"
    f"{GDL[0] + 0.001},{GDL[1]},FRUH,45,regular,Av. Juárez 40\n"
)
BAD = GOOD + f"{GDL[0] + 0.002},{GDL[1]},JAMI,-4,bueno,\n"


def accessibility_violations(page) -> list:
    page.add_script_tag(url=AXE)
    return page.evaluate(
        """async () => {
          const tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];
          const r = await axe.run(document, { runOnly: { type: "tag", values: tags } });
          return r.violations.map((v) => v.id);
        }"""
    )


def staff_page(page_factory, live_server, user):
    client = Client()
    client.force_login(user)
    page = page_factory(locale="es-MX", viewport=PHONE)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return page


def upload(page, live_server, name: str, text: str):
    page.goto(live_server.url + "/arbol/importar/")
    page.get_by_label("Municipio").select_option(label="Guadalajara")
    page.get_by_label("Archivo del inventario").set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": text.encode()}]
    )
    page.get_by_role("button", name="Revisar el archivo").click()
    page.wait_for_selector("#import-summary")


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_a_bad_row_imports_nothing_then_a_good_file_is_imported(
    live_server, page_factory, guadalajara
):
    load_species()
    staff = person_with(Role.MUNICIPAL_STAFF, guadalajara)
    page = staff_page(page_factory, live_server, staff)
    page.goto(live_server.url + "/arbol/importar/")
    assert page.get_by_role("heading", name="Importar un inventario").is_visible()
    assert accessibility_violations(page) == []
    assert fits_the_phone(page)

    # 1. A file with a bad row: the report names line 4, the column and why; no confirm button.
    upload(page, live_server, "inventario-malo.csv", BAD)
    assert "3 filas revisadas · 1 error" in page.locator("#import-summary").inner_text()
    cells = page.locator("#import-report tbody tr").first.locator("td").all_inner_texts()
    assert cells[0] == "4" and cells[1] == "dbh_cm"
    assert "diámetro" in cells[2].lower()
    assert page.get_by_role("alert").filter(has_text="No se importará nada").is_visible()
    assert page.locator("#import-confirm").count() == 0
    assert accessibility_violations(page) == []
    assert fits_the_phone(page)
    assert Tree.objects.count() == 0

    # 2. The corrected file: checked, confirmed, imported; the progress reaches 100 %.
    upload(page, live_server, "inventario.csv", GOOD)
    assert "2 filas revisadas · 0 errores" in page.locator("#import-summary").inner_text()
    assert Tree.objects.count() == 0  # the check wrote nothing
    page.get_by_role("button", name="Confirmar e importar").click()
    page.wait_for_function(
        "document.getElementById('import-state').textContent.trim() === 'Importado'"
    )
    assert page.locator("#import-bar").get_attribute("value") == "100"
    assert page.locator("#import-percent").inner_text() == "100 %"
    assert "Se importaron 2 árboles." in page.get_by_role("status").inner_text()
    assert accessibility_violations(page) == []
    assert fits_the_phone(page)
    assert sorted(Tree.objects.values_list("site__address", flat=True)) == [
        "Av. Juárez 10",
        "Av. Juárez 40",
    ]
    assert ChangeRecord.objects.filter(
        changes__contains=[{"field": "import", "new": "inventario.csv:2"}]
    ).exists()
    assert list(InventoryImport.objects.values_list("state", flat=True)) == ["done", "checked"]
