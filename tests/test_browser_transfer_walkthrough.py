"""The transfer manual (docs/transfer-manual.md), followed in a real browser: Metrópoli adopted
for another metropolitan area, the Monterrey one. A platform administrator creates three
municipalities, uploads their boundary file and invites their staff and the cooperation office
(one-time links), all in the product's pages, none in the admin; municipal staff open a market
with two stalls and three products and a consultation with an area drawn on the map; the
cooperation office registers a project.

The test prints how long the walkthrough took; the manual quotes it. Nothing is asserted about
time.
"""

import json
import re
import time
from urllib.parse import urlparse

import pytest
from django.utils import timezone

from metropoli.accounts.models import User
from metropoli.cooperation.models import Project
from metropoli.cooperation.rules import cooperation_office_group
from metropoli.markets.models import Market, Product
from metropoli.participation.models import Proceeding
from metropoli.territory.models import Municipality, Role, RoleAssignment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
WAIT_MS = 90_000
PASSWORD = "Adopcion-2026-segura"
# Monterrey's metropolitan area (Nuevo León, INEGI state 19): code, name, seat (lon, lat).
MUNICIPALITIES = [
    ("19039", "Monterrey", (-100.3161, 25.6866)),
    ("19019", "San Pedro Garza García", (-100.4020, 25.6573)),
    ("19026", "Guadalupe", (-100.2595, 25.6775)),
]


@pytest.fixture(autouse=True)
def monterrey_settings(settings):
    # The manual's section 2: the maps open on the new metropolitan area
    # (METROPOLI_MAP_CENTER). No network in tests: no outside basemap.
    settings.METROPOLI = {
        **settings.METROPOLI,
        "BASEMAP_TILES": "",
        "MAP_CENTER": (-100.3161, 25.6866),
        "PLATFORM_NAME": "Metrópoli Monterrey",
    }


def square(lon, lat, half=0.04):
    return [
        [lon - half, lat - half],
        [lon + half, lat - half],
        [lon + half, lat + half],
        [lon - half, lat + half],
        [lon - half, lat - half],
    ]


def boundary_file(tmp_path):
    path = tmp_path / "19mun.geojson"
    features = [
        {
            "type": "Feature",
            "properties": {"CVEGEO": code, "NOMGEO": name},
            "geometry": {"type": "Polygon", "coordinates": [square(*seat)]},
        }
        for code, name, seat in MUNICIPALITIES
    ]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def sign_in(browser, live_server, email, viewport):
    context = browser.new_context(locale="es-MX", viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    page.goto(live_server.url + "/cuentas/entrar")
    page.locator("#id_username").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(lambda url: "/cuentas/entrar" not in url)
    return page


def add_municipality(page, live_server, code, name, seat, tap_the_map):
    page.goto(live_server.url + "/territorio/municipios/")
    page.get_by_role("link", name="Agregar un municipio").click()
    page.get_by_label("Clave INEGI").fill(code)
    page.get_by_label("Nombre", exact=True).fill(name)  # the short name is made from it
    if tap_the_map:
        # The map opens on METROPOLI_MAP_CENTER, Monterrey's seat: a tap there places it.
        page.wait_for_selector("#point-map.map-ready[data-pick-ready]")
        tap_map(page, "#point-map", 0, 0)
        assert -100.5 < float(page.get_by_label("Longitud de la cabecera").input_value()) < -100.1
    else:
        page.get_by_label("Longitud de la cabecera").fill(str(seat[0]))
        page.get_by_label("Latitud de la cabecera").fill(str(seat[1]))
    page.get_by_role("button", name="Agregar el municipio").click()
    page.get_by_text(f"{name} ({code}) se agregó a la plataforma.").wait_for()


def invite(page, email, name, button):
    """The manual's step 3: a person without an account, with a one-time link to hand over."""
    page.get_by_label("Correo electrónico de la persona").fill(email)
    page.get_by_label("Nombre", exact=True).fill(name)
    page.get_by_label("Mostrarme un enlace de activación").check()
    page.get_by_role("button", name=button).click()
    return urlparse(page.locator("#activation-link").input_value()).path


def open_account(browser, live_server, path):
    """The person opens the link handed over and chooses the password."""
    context = browser.new_context(locale="es-MX", viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    page.goto(live_server.url + path)
    page.get_by_label("Contraseña nueva", exact=True).fill(PASSWORD)
    page.get_by_label("Confirmación de contraseña nueva").fill(PASSWORD)
    page.get_by_role("button", name="Activar mi cuenta").click()
    page.wait_for_url(re.compile(r"/cuentas/perfil$"))
    context.close()


def tap_map(page, selector, dx, dy):
    canvas = page.locator(f"{selector} canvas")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2 + dx, box["y"] + box["height"] / 2 + dy)


def add_stall(page, name, giro):
    form = page.locator("#stall-form")
    form.get_by_label("Nombre del puesto (locatario)").fill(name)
    form.get_by_label("Giro").fill(giro)
    form.get_by_role("button", name="Agregar el puesto").click()
    page.wait_for_url(re.compile(r"/configurar/puesto/\d+/$"))


def add_product(page, name, unit, step, price, stock):
    form = page.locator("#product-form")
    form.get_by_label("Producto", exact=True).fill(name)
    form.get_by_label("Se vende por").select_option(unit)
    form.get_by_label("Paso (cantidad mínima e incremento)").fill(step)
    form.get_by_label("Precio de hoy (MXN por unidad)").fill(price)
    form.get_by_label("Existencia de hoy").fill(stock)
    form.get_by_role("button", name="Agregar el producto").click()
    assert page.get_by_text(f"{name} ya está a la venta.").is_visible()


def test_adopting_metropoli_for_another_metropolitan_area(live_server, browser, tmp_path):
    started = time.monotonic()
    steps = []

    def step(name):
        steps.append((name, time.monotonic()))

    # 0. What `metropoli migrate` leaves (the cooperation office's group, migration
    # cooperation 0003; an earlier transactional test's flush may have emptied the database:
    # cooperation/tests/test_publisher_and_history.py checks the migration itself), and the
    # platform's first administrator (`metropoli createsuperuser`).
    cooperation_office_group()
    User.objects.create_superuser("admin@monterrey.example", PASSWORD)
    admin = sign_in(browser, live_server, "admin@monterrey.example", DESKTOP)

    # 1. The municipalities, on their page (no admin).
    for n, (code, name, seat) in enumerate(MUNICIPALITIES):
        add_municipality(admin, live_server, code, name, seat, tap_the_map=n == 0)
    assert Municipality.objects.filter(inegi_code__startswith="19").count() == 3
    assert not Municipality.objects.filter(inegi_code__startswith="19", seat=None).exists()
    step("municipios")

    # 2. The official boundaries: the file uploaded on the same page.
    admin.get_by_label("Archivo de límites").set_input_files(str(boundary_file(tmp_path)))
    admin.get_by_role("button", name="Importar los límites").click()
    admin.get_by_text("Se importaron los límites de «19mun.geojson» para").wait_for()
    assert not Municipality.objects.filter(inegi_code__startswith="19", boundary=None).exists()
    step("límites")

    # 3. People: Monterrey's staff and the cooperation office, invited on the product's own
    # pages with a one-time link each (the manual's step 3); no account is made in the admin.
    admin.goto(live_server.url + "/cooperacion/oficina/")
    office_link = invite(
        admin, "cooperacion@monterrey.example", "Cooperación", "Agregar a la oficina"
    )
    admin.get_by_text("Cooperación ahora integra la oficina de cooperación.").wait_for()
    assert (
        User.objects.get(email="cooperacion@monterrey.example")
        .groups.filter(name="Cooperation office")
        .exists()
    )
    admin.goto(live_server.url + "/cuentas/roles")
    admin.get_by_label("Rol que se da").select_option(Role.MUNICIPAL_STAFF)
    admin.get_by_label("Municipio", exact=True).select_option(label="Monterrey")
    staff_link = invite(admin, "personal@monterrey.example", "Personal Monterrey", "Dar el rol")
    admin.get_by_text("Personal Monterrey ahora es personal municipal en Monterrey.").wait_for()
    assert RoleAssignment.objects.filter(
        user__email="personal@monterrey.example", municipality__inegi_code="19039"
    ).exists()
    open_account(browser, live_server, office_link)
    open_account(browser, live_server, staff_link)
    admin.context.close()
    step("personal")

    # 4. A market with two stalls and three products, by the municipality's staff, on a phone.
    staff = sign_in(browser, live_server, "personal@monterrey.example", PHONE)
    staff.goto(live_server.url + "/mercado/gestion/")
    staff.get_by_role("link", name="Crear un mercado").click()
    staff.get_by_label("Municipio", exact=True).select_option(label="Monterrey")
    staff.get_by_label("Nombre del mercado").fill("Mercado Juárez")
    staff.get_by_label("Dirección", exact=True).fill("Av. Benito Juárez 1000, Centro")
    staff.get_by_label("Longitud del mercado").fill("-100.3105")
    staff.get_by_label("Latitud del mercado").fill("25.6795")
    staff.get_by_role("button", name="Crear el mercado").click()
    staff.wait_for_url(re.compile(r"/mercado/mercado-juarez/configurar/$"))
    add_stall(staff, "Frutas Doña Chela", "Frutas y verduras")
    add_product(staff, "Naranja", "kg", "0.5", "28.00", "40")
    add_product(staff, "Cilantro", "bunch", "1", "10.00", "25")
    staff.get_by_role("link", name="Volver a configurar Mercado Juárez").click()
    add_stall(staff, "Cabrito El Regio", "Carnes")
    add_product(staff, "Arrachera", "kg", "0.5", "320.00", "12")
    market = Market.objects.get(slug="mercado-juarez")
    assert market.stalls.count() == 2
    assert Product.objects.filter(stall__market=market).count() == 3
    step("mercado")

    # 5. A consultation with its area drawn on the map, by the same staff, on a desktop.
    staff.set_viewport_size(DESKTOP)
    staff.goto(live_server.url + "/participa/gestion/")
    staff.get_by_role("link", name="Nueva consulta").click()
    staff.wait_for_selector("#area-field[data-ready=true]")
    staff.get_by_label("Título").fill("Parque lineal del río Santa Catarina")
    staff.get_by_label("Descripción").fill("¿Qué necesita el parque lineal del río?")
    staff.get_by_role("button", name="Dibujar el área").click()
    for dx, dy in [(-120, -90), (120, -90), (120, 90), (-120, 90)]:
        tap_map(staff, "#area-map", dx, dy)
    staff.wait_for_selector("#area-status:has-text('Área con 4 esquinas lista')")
    staff.get_by_label("Nombre corto para la dirección").fill("rio-santa-catarina")
    staff.get_by_role("button", name="Crear consulta").click()
    staff.wait_for_selector("h1:has-text('Configurar: Parque lineal')")
    form = staff.locator("#phase-form")
    form.get_by_label("Fase", exact=True).select_option("contributions")
    now = timezone.localtime()
    form.get_by_label("Empieza").fill(now.strftime("%Y-%m-%dT%H:%M"))
    form.get_by_label("Termina").fill(
        (now + timezone.timedelta(days=30)).strftime("%Y-%m-%dT%H:%M")
    )
    form.get_by_role("button", name="Agregar fase").click()
    staff.wait_for_selector("#phase-list li:has-text('Aportaciones')")
    proceeding = Proceeding.objects.get(slug="rio-santa-catarina")
    assert proceeding.municipality.inegi_code == "19039" and proceeding.area is not None
    staff.context.close()
    step("consulta")

    # 6. A cooperation project, by the cooperation office: publisher first, then the project.
    office = sign_in(browser, live_server, "cooperacion@monterrey.example", DESKTOP)
    office.goto(live_server.url + "/cooperacion/publicacion/")
    office.get_by_label("Identificador de la organización informante").fill("MX-RFC-IMM080101AB1")
    office.get_by_label("Tipo de organización informante").select_option("11")
    office.get_by_label("Nombre de la organización informante").fill(
        "Instituto Metropolitano de Monterrey"
    )
    office.get_by_role("button", name="Guardar").click()
    assert office.get_by_text("Se guardó el publicador IATI.").is_visible()
    office.goto(live_server.url + "/cooperacion/nuevo/")
    office.get_by_label("Clave", exact=True).fill("RIO-VERDE")
    office.get_by_label("Título", exact=True).fill("Río Santa Catarina verde")
    office.get_by_label("Resumen", exact=True).fill("Reforestación del cauce con vecinos.")
    office.get_by_label("Etapa").select_option("proposal")
    themes = office.get_by_role("group", name="Áreas temáticas")
    themes.get_by_label("Acción climática").fill("60")
    themes.get_by_label("Participación ciudadana").fill("40")
    office.get_by_label("Monterrey").check()
    office.get_by_label("Guadalupe").check()
    office.get_by_label("Inicio planeado").fill("2027-01-15")
    office.get_by_role("button", name="Guardar").click()
    office.wait_for_selector("h1:has-text('Río Santa Catarina verde')")
    project = Project.objects.get(code="RIO-VERDE")
    assert {m.inegi_code for m in project.municipalities.all()} == {"19039", "19026"}
    assert office.get_by_role("heading", name="Revisión IATI antes de publicar").is_visible()
    office.context.close()
    step("cooperación")

    total = time.monotonic() - started
    previous = started
    for name, at in steps:
        print(f"{name}: {at - previous:.0f} s")
        previous = at
    print(f"Recorrido completo: {total:.0f} s ({total / 60:.1f} min)")
