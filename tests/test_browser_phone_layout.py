"""Every page at the width of a small phone (360 px): nothing makes the page scroll sideways.

Wide tables scroll inside their own box, which then becomes a focusable, named region; the
header fits in two short rows. Runs over the AMG demo data, as a visitor and as staff.
"""

import io

import pytest
from django.core.management import call_command
from django.test import Client

from metropoli.accounts.models import User
from metropoli.participation.models import ProceedingTemplate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SMALL_PHONE = {"locale": "es-MX", "viewport": {"width": 360, "height": 740}}

PUBLIC = [
    "/",
    "/arbol/",
    "/arbol/beneficios/",
    "/arbol/aprende/",
    "/arbol/sensores/",
    "/arbol/especies/",
    "/arbol/especies/?q=rosa",
    "/mercado/",
    "/mercado/libertad/",
    "/mercado/libertad/carrito/",
    "/mercado/buscar/?q=jitomate",
    "/mercado/seleccion",
    "/participa/",
    "/cooperacion/",
    "/cooperacion/cronograma/",
    "/cooperacion/tablero/",
    "/cooperacion/redes-y-premios/",
    "/cooperacion/convocatorias/",
    "/cooperacion/proyecto/MI-MERCADO/",
]
STAFF = [  # {template}: the demo's
    "/arbol/treender/cola/",
    "/arbol/treender/tablero/",
    "/arbol/especies/",
    "/arbol/especies/nueva",
    "/arbol/especies/JAMI/editar",
    "/mercado/libertad/administracion/",
    "/mercado/gestion/",
    "/mercado/nuevo/",
    "/mercado/libertad/configurar/",
    "/participa/sombra-periferico/analisis/",
    "/participa/sombra-periferico/moderacion/",
    "/participa/plantillas/",
    "/participa/plantillas/{template}/",
    "/cooperacion/oficina/",
    "/cuentas/roles",
    "/cooperacion/redes-y-premios/premios/nuevo/",
    "/territorio/municipios/",
    "/territorio/municipios/agregar/",
    "/territorio/municipios/14039/",
    "/cuentas/roles/plataforma",
    "/cuentas/reabrir",
]


def overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_no_page_scrolls_sideways_on_a_small_phone(live_server, page_factory):
    call_command("load_demo", stdout=io.StringIO())
    visitor = page_factory(**SMALL_PHONE)
    wide = {}
    for path in PUBLIC:
        response = visitor.goto(live_server.url + path)
        assert response.status == 200, path
        if overflow(visitor) > 0:
            wide[path] = overflow(visitor)
    header = visitor.locator("header.site-header").bounding_box()
    assert header["height"] < 110  # two short rows, not a third of the screen

    client = Client()
    client.force_login(User.objects.get(email="admin@demo.metropoli.mx"))
    staff = page_factory(**SMALL_PHONE)
    staff.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value,
          "url": live_server.url}]
    )  # fmt: skip
    template = ProceedingTemplate.objects.order_by("pk").first()
    for path in (path.format(template=template.pk) for path in STAFF):
        response = staff.goto(live_server.url + path)
        assert response.status == 200, path
        if overflow(staff) > 0:
            wide[path] = overflow(staff)
    assert wide == {}


def test_a_table_wider_than_the_screen_scrolls_in_a_focusable_region(live_server, page_factory):
    call_command("load_demo", stdout=io.StringIO())
    page = page_factory(**SMALL_PHONE)
    page.goto(live_server.url + "/mercado/seleccion")
    region = page.get_by_role("region", name="Clasificación con ambos métodos")
    assert region.get_attribute("tabindex") == "0"
    region.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("document.querySelector('.ranking').parentElement.scrollLeft > 0")
    # On a wide screen the same table fits: no extra tab stop.
    page.set_viewport_size({"width": 1400, "height": 900})
    page.wait_for_function(
        "!document.querySelector('.ranking').parentElement.hasAttribute('tabindex')"
    )
    assert region.count() == 0
