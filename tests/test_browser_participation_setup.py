"""Setting a consultation up in the browser, without the Django admin: municipal staff create it
with its area drawn on our map, two phases and two categories with icons, then moderate it; a
participant who asked to be told gets the answer by e-mail (real SMTP) and in the app."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from metropoli.accounts.tests.factories import UserFactory, person_with
from metropoli.participation.models import Contribution, Proceeding
from metropoli.participation.tests.conftest import make_proceeding
from metropoli.territory.models import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = "/static/vendor/axe-core/axe.min.js"
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 360, "height": 800}
WAIT_MS = 90_000
OWN_ICON = (
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24">'
    b'<circle cx="12" cy="12" r="9" fill="#1565c0"/></svg>'
)


@pytest.fixture(autouse=True)
def no_outside_basemap(settings):
    settings.METROPOLI = {**settings.METROPOLI, "BASEMAP_TILES": ""}


def logged_in(page_factory, live_server, user, viewport):
    client = Client()
    client.force_login(user)
    page = page_factory(locale="es-MX", viewport=viewport)
    page.set_default_timeout(WAIT_MS)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value,
          "url": live_server.url}]
    )  # fmt: skip
    return page


def assert_accessible(page):
    page.add_script_tag(url=AXE)
    result = page.evaluate(
        """async () => {
          const tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];
          const r = await axe.run(document, { runOnly: { type: "tag", values: tags } });
          return r.violations.filter((v) => ["serious", "critical"].includes(v.impact))
            .map((v) => ({ id: v.id, nodes: v.nodes.map((n) => n.target.join(" ")) }));
        }"""
    )
    assert result == []


def tap_map(page, selector, dx, dy):
    canvas = page.locator(f"{selector} canvas")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2 + dx, box["y"] + box["height"] / 2 + dy)


def local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def add_phase(page, kind, start, end, anonymous=False):
    form = page.locator("#phase-form")
    form.get_by_label("Fase", exact=True).select_option(kind)
    form.get_by_label("Empieza").fill(local(start))
    form.get_by_label("Termina").fill(local(end))
    if anonymous:
        form.get_by_label("Se puede participar sin cuenta").check()
    form.get_by_role("button", name="Agregar fase").click()


def test_staff_set_up_a_consultation_and_a_participant_hears_the_answer(
    live_server, page_factory, guadalajara, smtp_server, tmp_path
):
    staff = person_with(Role.MUNICIPAL_STAFF, guadalajara, display_name="Laura")
    page = logged_in(page_factory, live_server, staff, DESKTOP)
    page.goto(live_server.url + "/participa/")
    page.get_by_role("link", name="Configurar consultas").click()
    page.get_by_role("link", name="Nueva consulta").click()
    page.wait_for_selector("#area-field[data-ready=true]")
    assert_accessible(page)

    # Without an area the form says what is missing, in Spanish.
    page.get_by_label("Título").fill("Parque lineal de la colonia Americana")
    page.get_by_label("Descripción").fill("¿Qué necesita el nuevo parque lineal?")
    page.get_by_role("button", name="Crear consulta").click()
    page.wait_for_selector("#area-field .error:has-text('Dibuja el área en el mapa')")

    page.wait_for_selector("#area-field[data-ready=true]")
    page.get_by_role("button", name="Dibujar el área").click()
    for dx, dy in [(-120, -90), (120, -90), (120, 90), (-120, 90)]:
        tap_map(page, "#area-map", dx, dy)
    page.wait_for_selector("#area-status:has-text('Área con 4 esquinas lista')")
    page.get_by_label("Nombre corto para la dirección").fill("parque-americana")
    page.get_by_role("button", name="Crear consulta").click()
    page.wait_for_selector("h1:has-text('Configurar: Parque lineal')")

    proceeding = Proceeding.objects.get(slug="parque-americana")
    assert proceeding.municipality == guadalajara
    assert proceeding.area.geom_type == "MultiPolygon"
    assert proceeding.area.num_coords == 5  # four corners, closed

    # Two phases, in order; an overlapping one is refused with the reason.
    now = timezone.now()
    add_phase(page, "information", now - timedelta(days=10), now - timedelta(days=2))
    page.wait_for_selector("#phase-list li:has-text('Información')")
    add_phase(page, "contributions", now - timedelta(days=3), now + timedelta(days=20))
    page.wait_for_selector("#phase-form .form-errors:has-text('se traslapa')")
    add_phase(page, "contributions", now - timedelta(days=2), now + timedelta(days=20), True)
    page.wait_for_selector("#phase-list li:has-text('Aportaciones')")
    assert list(proceeding.phases.values_list("kind", flat=True)) == [
        "information",
        "contributions",
    ]

    # Two categories: one with an icon of our set, one with its own SVG.
    form = page.locator("#category-form")
    form.get_by_label("Nombre").fill("Sombra")
    form.get_by_label("Sombra", exact=True).check()
    form.get_by_role("button", name="Agregar categoría").click()
    page.wait_for_selector("#category-list li:has-text('Sombra')")
    icon = tmp_path / "fuente.svg"
    icon.write_bytes(OWN_ICON)
    form = page.locator("#category-form")
    form.get_by_label("Nombre").fill("Fuentes")
    form.get_by_label("O sube tu propio ícono (SVG o PNG)").set_input_files(str(icon))
    form.get_by_role("button", name="Agregar categoría").click()
    page.wait_for_selector("#category-list li:has-text('Fuentes')")
    icons = dict(proceeding.categories.values_list("name", "icon"))
    assert set(icons) == {"Sombra", "Fuentes"} and icons["Sombra"] == "shade"
    own = proceeding.categories.get(name="Fuentes")
    assert own.icon_file.name.endswith(".svg")
    # The list is shown before its icons have arrived: wait for both to finish, then check
    # that both decoded (a broken image completes too, with no width).
    page.wait_for_function(
        "[...document.querySelectorAll('#category-list img')].every((i) => i.complete)"
    )
    loaded = page.evaluate(
        "[...document.querySelectorAll('#category-list img')].map((i) => i.naturalWidth > 0)"
    )
    assert loaded == [True, True]
    assert_accessible(page)

    # A participant on a phone contributes and asks to be told about answers.
    person = UserFactory(email="vecina@example.mx", display_name="Vecina")
    phone = logged_in(page_factory, live_server, person, PHONE)
    phone.goto(live_server.url + "/participa/parque-americana/")
    phone.wait_for_selector("[data-proceeding][data-ready=true]")
    contribute = phone.locator("#contribution-form")
    contribute.locator("[data-draw=Point]").click()
    tap_map(phone, "#participation-map", 0, 0)
    contribute.get_by_label("Fuentes").check()
    contribute.locator("textarea[name=text]").fill("Un bebedero junto a los juegos")
    contribute.get_by_label("Avísenme por correo y en “Mis aportaciones”").check()
    contribute.locator("button[type=submit]").click()
    phone.wait_for_function("document.getElementById('contribution-count').textContent === '1'")
    item = Contribution.objects.get()
    assert person.participation_preference.notify_replies

    # The municipal staff member answers it from the moderation queue (no 403, no admin).
    page.get_by_role("link", name="Cola de moderación").click()
    page.get_by_label("Estado de la respuesta").select_option("taken_into_account")
    page.get_by_label("Respuesta pública").fill("Lo incluimos en el proyecto ejecutivo.")
    page.get_by_role("button", name="Guardar respuesta").click()
    page.wait_for_selector(".message")
    item.refresh_from_db()
    assert item.feedback_status == "taken_into_account"

    # E-mail through the task worker to the real SMTP server, and the notice in the app.
    assert len(smtp_server.messages) == 1
    message = smtp_server.messages[0]
    assert message["To"] == "vecina@example.mx"
    assert "Respondieron tu aportación" in message["Subject"]
    assert "Lo incluimos en el proyecto ejecutivo." in message.get_content()
    phone.goto(live_server.url + "/participa/")
    assert phone.locator("#unread-notices").text_content() == "1 aviso nuevo"
    phone.get_by_role("link", name="Mis aportaciones").click()
    notice = phone.locator("#notice-list li").first
    assert "Lo incluimos en el proyecto ejecutivo." in notice.text_content()
    assert phone.get_by_label("Avísenme por correo y aquí").is_checked()
    assert_accessible(phone)


def test_setup_pages_fit_a_phone(live_server, page_factory, guadalajara):
    make_proceeding(guadalajara)
    staff = person_with(Role.MUNICIPAL_STAFF, guadalajara)
    page = logged_in(page_factory, live_server, staff, PHONE)
    for path in (
        "/participa/gestion/",
        "/participa/gestion/nueva/",
        "/participa/prueba/configurar/",
    ):
        page.goto(live_server.url + path)
        if path != "/participa/gestion/":  # the pages with the map
            page.wait_for_selector("#area-field[data-ready=true]")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        assert_accessible(page)
