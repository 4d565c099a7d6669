"""The municipality's staff look after their inventory in the browser, on a phone, in Spanish:
edit a tree (a field, its place on the map, a photo added and removed), remove it with a
reason, read its history in words; an arborist creates an empty planting site and plants a
tree in it. Each page passes axe-core (WCAG 2.2 A/AA, serious and critical findings).
"""

import io

import pytest
from django.test import Client
from PIL import Image

from metropoli.accounts.tests.factories import person_with
from metropoli.common.history import history_of
from metropoli.territory.models import Role
from metropoli.trees.models import PlantingSite, Tree, TreePhoto
from metropoli.trees.tests.factories import GDL, make_tree

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


def logged_in_page(page_factory, live_server, user):
    client = Client()
    client.force_login(user)
    page = page_factory(**PHONE)
    page.set_default_timeout(WAIT_MS)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return page


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


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (40, 110, 50)).save(out, format="JPEG")
    return out.getvalue()


def history_text(page) -> str:
    return page.locator("section.history").inner_text()


def test_staff_edit_move_photo_and_removal_with_a_reason(
    live_server, page_factory, municipalities, guadalajara, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    tree = make_tree(None, dbh_cm=30)
    staff = person_with(Role.MUNICIPAL_STAFF, guadalajara, display_name="Ana Staff")
    page = logged_in_page(page_factory, live_server, staff)

    # 1. From the tree's page to its edit form.
    page.goto(f"{live_server.url}/arbol/arboles/{tree.pk}")
    page.get_by_role("link", name="Editar, mover o agregar fotos").click()
    page.wait_for_selector("#pin-map[data-pin-ready='1']")
    assert page.get_by_role("heading", level=1).inner_text() == f"Editar el árbol {tree.pk}"
    assert serious_accessibility_findings(page) == []
    assert fits_the_phone(page)
    page.set_viewport_size({"width": 360, "height": 780})  # the narrowest phone we support
    assert fits_the_phone(page)
    page.set_viewport_size(PHONE["viewport"])

    # 2. A field changes and the pin is dragged to the trunk a few metres away.
    page.get_by_label("Condición").select_option(label="Regular")
    page.get_by_label("Diámetro del tronco (cm)").fill("33.5")
    before = float(page.get_by_label("Latitud").input_value())
    pin = page.locator("#pin-map .maplibregl-marker")
    pin.scroll_into_view_if_needed()
    box = pin.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] - 4
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 20, y - 30, steps=8)
    page.mouse.move(x + 40, y - 60, steps=8)
    page.mouse.up()
    page.wait_for_function(
        "(lat) => Number(document.getElementById('id_lat').value) !== lat", arg=before
    )
    after = float(page.get_by_label("Latitud").input_value())
    assert after > before
    page.get_by_role("button", name="Guardar los cambios").click()
    page.wait_for_selector("text=Se guardaron los cambios.")
    tree.refresh_from_db()
    site = PlantingSite.objects.get(pk=tree.site_id)
    assert (tree.condition, str(tree.dbh_cm)) == ("fair", "33.5")
    assert round(site.location.y, 6) == round(after, 6) and site.municipality == guadalajara
    history = history_text(page)
    assert "Condición: No sé → Regular" in history
    assert "Diámetro del tronco a la altura del pecho (cm): 30.0 cm → 33.5 cm" in history
    assert "Ubicación:" in history and "Ana Staff" in history
    assert "fair" not in history and "location" not in history

    # 3. A photo is added after capture, then removed.
    page.get_by_role("link", name="Editar, mover o agregar fotos").click()
    page.get_by_label("Agregar una foto").set_input_files(
        files=[{"name": "arbol.jpg", "mimeType": "image/jpeg", "buffer": jpeg()}]
    )
    page.get_by_role("button", name="Subir foto").click()
    page.wait_for_selector("text=Se agregó la foto.")
    # Its box is there before its bytes: the page gives the thumbnail its height.
    assert page.get_by_role("img", name="Foto 1 del árbol").is_visible()
    photo = TreePhoto.objects.get(tree=tree)
    page.goto(f"{live_server.url}/arbol/arboles/{tree.pk}")
    thumbnail = page.locator("section.history img.history-photo")
    assert thumbnail.get_attribute("src") == photo.thumbnail.url
    page.get_by_role("link", name="Editar, mover o agregar fotos").click()
    page.get_by_role("button", name="Quitar la foto 1").click()
    page.wait_for_selector("text=Se quitó la foto.")
    assert not TreePhoto.objects.filter(tree=tree).exists()
    assert page.get_by_text("Todavía no hay foto.").is_visible()

    # 4. Removed with a reason: the site stays, empty, and the history says why.
    page.get_by_role("link", name="Eliminar este árbol…").click()
    page.get_by_role("button", name="Eliminar el árbol").click()
    assert page.locator(".field.has-error .error").inner_text() == "Este campo es obligatorio."
    assert serious_accessibility_findings(page) == []
    page.get_by_label("¿Por qué se elimina el árbol?").fill("Derribado por la tormenta del 4")
    page.get_by_role("button", name="Eliminar el árbol").click()
    page.wait_for_selector(f"text=Se eliminó el árbol {tree.pk}.")
    assert not Tree.objects.filter(pk=tree.pk).exists()
    assert page.get_by_role("heading", level=1).inner_text() == f"Sitio de plantación {site.pk}"
    assert "Motivo: Derribado por la tormenta del 4" in history_text(page)
    assert page.get_by_role("link", name="Plantar un árbol aquí").is_visible()
    assert fits_the_phone(page)
    page.goto(f"{live_server.url}/arbol/arboles/{tree.pk}")
    removed = history_text(page)
    assert "Foto: Foto (quitada)" in removed and "Motivo: Derribado por la tormenta" in removed
    assert "Municipio: Guadalajara" in removed
    assert history_of(Tree, tree.pk).exclude(reason="").count() == 1


def test_an_arborist_creates_an_empty_site_and_plants_a_tree_in_it(
    live_server, page_factory, municipalities, guadalajara
):
    make_tree(None)  # the catalogue's jacaranda, and a tree already on the map
    arborist = person_with(Role.ARBORIST, guadalajara, display_name="Beto Arbolista")
    page = logged_in_page(page_factory, live_server, arborist)

    page.goto(f"{live_server.url}/arbol/sitios")
    assert page.get_by_text("No hay sitios de plantación vacíos.").is_visible()
    page.get_by_role("link", name="Nuevo sitio vacío").click()
    page.wait_for_selector("#pin-map[data-pin-ready='1']")
    # A tap on the map places the pin; the coordinates can then be typed exactly.
    page.locator("#pin-map canvas").click(position={"x": 120, "y": 80})
    page.wait_for_function("document.getElementById('id_lat').value !== ''")
    page.get_by_label("Latitud").fill(f"{GDL[1] + 0.001:.7f}")
    page.get_by_label("Longitud").fill(f"{GDL[0]:.7f}")
    page.get_by_label("Tipo de sitio").select_option(label="Camellón")
    page.get_by_label("Dirección").fill("Av. Vallarta 300")
    assert serious_accessibility_findings(page) == []
    page.get_by_role("button", name="Guardar el sitio").click()
    page.wait_for_selector("text=Se guardó el sitio de plantación.")
    site = PlantingSite.objects.get(address="Av. Vallarta 300")
    assert (site.site_type, site.municipality) == ("median", guadalajara)
    assert page.get_by_text("Ninguno: el sitio está vacío.").is_visible()
    assert "Tipo de sitio: Camellón" in history_text(page)
    assert serious_accessibility_findings(page) == []

    page.get_by_role("link", name="Plantar un árbol aquí").click()
    page.get_by_label("Especie").select_option(label="Jacaranda (Jacaranda mimosifolia)")
    page.get_by_label("Diámetro del tronco (cm)").fill("4")
    page.get_by_label("Condición").select_option(label="Bueno")
    assert serious_accessibility_findings(page) == []
    assert fits_the_phone(page)
    page.get_by_role("button", name="Plantar el árbol").click()
    page.wait_for_selector("text=Se plantó el árbol en el sitio.")
    tree = Tree.objects.get(site=site)
    assert (tree.species.code, tree.condition, tree.recorded_by) == ("JAMI", "good", arborist)
    history = history_text(page)
    assert f"Árbol plantado: Árbol {tree.pk}" in history
    assert "Especie: Jacaranda (Jacaranda mimosifolia)" in history
    assert "Condición: Bueno" in history

    # The site now holds the tree: its page links to it, and editing goes to the tree's form.
    page.get_by_role("link", name="Su sitio de plantación").click()
    assert page.get_by_role("link", name=f"Jacaranda (Jacaranda mimosifolia) (árbol {tree.pk})")
    page.get_by_role("link", name="Editar el árbol y su lugar").click()
    page.wait_for_selector("#pin-map[data-pin-ready='1']")
    assert page.get_by_role("heading", level=1).inner_text() == f"Editar el árbol {tree.pk}"
