"""Content-Security-Policy: every HTML page of a crawl of the site (signed out, and as the demo's
administrator) carries it, with scripts and styles from our origin only, and no page holds an
inline script without a nonce, an event-handler attribute or a style attribute."""

import io
import re
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core.management import call_command
from django.test import Client

from metropoli.accounts.models import User
from metropoli.common import csp
from metropoli.participation.models import ExternalLayer, Proceeding

pytestmark = pytest.mark.django_db
START = ["/", "/arbol/", "/arbol/especies/", "/arbol/sensores/", "/mercado/", "/participa/",
         "/participa/plantillas/", "/cooperacion/", "/cuentas/entrar", "/cuentas/registro",
         "/api/docs", "/offline", "/no-existe/", "/admin/", "/territorio/municipios/",
         "/cuentas/roles/plataforma", "/cuentas/reabrir"]  # fmt: skip
SKIP = re.compile(r"^/(static|media|i18n|cuentas/salir)|\.(csv|xlsx|geojson|svg|xml|json|pbf)$")
PAGES_PER_VISITOR = 70


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.problems = [], []

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        if tag == "a" and names.get("href"):
            self.links.append(names["href"])
        for name, _value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…>")
            if name == "style":
                self.problems.append(f"<{tag} style=…>")
        data_block = names.get("type", "").startswith("application/") and "json" in names["type"]
        if tag == "script" and not names.get("src") and not data_block and "nonce" not in names:
            self.problems.append("inline <script> without a nonce")


def crawl(client: Client) -> dict[str, tuple[str, list[str]]]:
    """path -> (its Content-Security-Policy, what is wrong in its HTML)."""
    seen, queue, pages = set(), list(START), {}
    while queue and len(pages) < PAGES_PER_VISITOR:
        path = queue.pop(0)
        if path in seen or SKIP.search(path):
            continue
        seen.add(path)
        response = client.get(path, HTTP_ACCEPT_LANGUAGE="es-MX")
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        parser = Links()
        parser.feed(response.content.decode())
        pages[path] = (response.get("Content-Security-Policy", ""), parser.problems)
        for href in parser.links:
            link = urldefrag(href).url
            parts = urlsplit(link)
            if parts.netloc or not parts.path.startswith("/"):
                continue
            queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return pages


def directives(header: str) -> dict[str, list[str]]:
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.fixture
def demo():
    call_command("load_demo", stdout=io.StringIO())


def test_every_page_of_a_crawl_carries_the_policy_and_obeys_it(demo, settings):
    tiles = "https://{s}.tiles.example.org/{z}/{x}/{y}.png"
    settings.METROPOLI = {**settings.METROPOLI, "BASEMAP_TILES": tiles}
    admin = Client()
    admin.force_login(User.objects.get(email="admin@demo.metropoli.mx"))
    for visitor in (Client(), admin):
        pages = crawl(visitor)
        assert len(pages) > 25
        if visitor is admin:
            assert any(path.startswith("/admin/") for path in pages)
        for path, (header, problems) in pages.items():
            policy = directives(header)
            assert policy.get("script-src", [""])[0] == "'self'", path
            assert "'unsafe-inline'" not in header and "'unsafe-eval'" not in header, path
            assert policy["style-src"][0] == "'self'" and policy["object-src"] == ["'none'"], path
            assert policy["frame-ancestors"] == ["'none'"], path
            assert "https://*.tiles.example.org" in policy["img-src"], path
            assert "https://*.tiles.example.org" in policy["connect-src"], path
            assert policy["worker-src"] == ["'self'", "blob:"], path
            assert problems == [], path


def test_the_admin_map_widget_loads_openlayers_from_our_origin(client, demo, settings):
    tiles = "https://tiles.example.org/{z}/{x}/{y}.png"
    settings.METROPOLI = {**settings.METROPOLI, "BASEMAP_TILES": tiles}
    client.force_login(User.objects.get(email="admin@demo.metropoli.mx"))
    admin_page = client.get("/admin/markets/market/add/")
    assert admin_page.status_code == 200
    html = admin_page.content.decode()
    assert 'src="/static/web/admin/map-widget.js"' in html
    assert 'src="/static/vendor/ol/ol.js"' in html and "cdn.jsdelivr.net" not in html
    admin_policy = directives(admin_page["Content-Security-Policy"])
    assert admin_policy["script-src"] == ["'self'"] and admin_policy["style-src"] == ["'self'"]
    # The product's basemap is the widget's background, and the only other origin allowed.
    assert f'data-basemap-tiles="{tiles}"' in html
    assert admin_policy["img-src"] == ["'self'", "data:", "blob:", "https://tiles.example.org"]


def test_a_consultation_page_may_fetch_its_external_layers(client, demo):
    proceeding = Proceeding.objects.filter(external_layers__isnull=True).first()
    ExternalLayer.objects.create(
        proceeding=proceeding,
        name="Uso de suelo",
        kind="wms",
        url="https://mapas.example.mx/wms?map=uso",
        layer_name="uso_suelo",
    )
    page = client.get(f"/participa/{proceeding.slug}/")
    policy = directives(page["Content-Security-Policy"])
    assert "https://mapas.example.mx" in policy["img-src"]
    assert "https://mapas.example.mx" in policy["connect-src"]
    assert "mapas.example.mx" not in client.get("/participa/")["Content-Security-Policy"]


def test_a_template_may_ask_for_a_nonce(rf):
    request = rf.get("/")
    request.csp_nonce = csp.Nonce()
    assert "nonce" not in csp.policy(request)
    value = str(request.csp_nonce)
    assert f"'nonce-{value}'" in directives(csp.policy(request))["script-src"]


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "https://tile.openstreetmap.org"),
        ("https://{s}.tile.example.org/{z}/{x}/{y}.png", "https://*.tile.example.org"),
        ("http://localhost:8080/tiles/{z}/{x}/{y}.png", "http://localhost:8080"),
        ("/tiles/{z}/{x}/{y}.png", ""),
        ("", ""),
        ("javascript:alert(1)", ""),
    ],
)
def test_origin_of_a_tile_template(template, expected):
    assert csp.origin(template) == expected
