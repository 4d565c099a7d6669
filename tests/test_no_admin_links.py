"""The Django admin is for platform administrators only (decision 0079): nobody else is let in,
and no page shows anybody else a link into /admin/.

Every demo role but the administrator crawls the site from the home page and each module's home
page, following same-origin links two steps deep, and no page it sees links into /admin/.
"""

import io
import re
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core.management import call_command
from django.test import Client

from metropoli.accounts.models import User
from metropoli.accounts.tests.factories import person_with
from metropoli.territory.models import Role

pytestmark = pytest.mark.django_db

# The demo's people (*/demo.py), one per role but the platform administrator's.
ROLES = {
    "anonymous": None,
    "citizen": "ciudadana@demo.metropoli.mx",
    "certified expert": "experta.zap@demo.metropoli.mx",
    "arborist": "arbolista.gdl@demo.metropoli.mx",
    "municipal staff": "personal.gdl@demo.metropoli.mx",
    "stall vendor": "locataria.libertad@demo.metropoli.mx",
    "market staff": "administracion.libertad@demo.metropoli.mx",
    "courier": "repartidor@demo.metropoli.mx",
    "transit operator": "ruta@demo.metropoli.mx",
    "cooperation office": "cooperacion@demo.metropoli.mx",
}
START = [
    "/",
    "/arbol/",
    "/arbol/especies/",
    "/arbol/sensores/",
    "/mercado/",
    "/participa/",
    "/participa/plantillas/",
    "/cooperacion/",
    "/territorio/municipios/",
    "/cuentas/roles/plataforma",
    "/cuentas/reabrir",
]
SKIP = re.compile(r"^/(static|media|i18n|api|cuentas/salir)|\.(csv|xlsx|geojson|svg|xml|json|pbf)$")
DEPTH = 2


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag in ("a", "area") and href:
            self.hrefs.append(urldefrag(href).url)


def crawl(client: Client) -> dict[str, list[str]]:
    """path → the links into /admin/ on it, for every HTML page reached within DEPTH links."""
    found: dict[str, list[str]] = {}
    frontier = list(START)
    for _depth in range(DEPTH + 1):
        following = []
        for path in frontier:
            if path in found:
                continue
            response = client.get(path)
            found[path] = []
            if "text/html" not in response.get("Content-Type", ""):
                continue
            parser = Links()
            parser.feed(response.content.decode())
            for href in parser.hrefs:
                parts = urlsplit(href)
                if parts.netloc and parts.netloc != "testserver":
                    continue
                if parts.path.startswith("/admin"):
                    found[path].append(href)
                elif parts.path.startswith("/") and not SKIP.search(parts.path):
                    following.append(parts.path + (f"?{parts.query}" if parts.query else ""))
        frontier = list(dict.fromkeys(following))
    return found


@pytest.fixture
def demo():
    call_command("load_demo", stdout=io.StringIO())


def test_no_page_offers_a_non_administrator_a_link_into_the_admin(demo):
    offending = {}
    for role, email in ROLES.items():
        client = Client()
        if email:
            client.force_login(User.objects.get(email=email))
        pages = crawl(client)
        assert len(pages) > 20, role  # the crawl really went through the site
        offending.update({f"{role}: {path}": links for path, links in pages.items() if links})
    assert offending == {}


def test_the_admin_lets_in_platform_administrators_only(demo, client, municipalities):
    response = client.get("/admin/cooperation/project/")
    assert response.status_code == 302  # to the admin's sign-in page
    assert response["Location"].startswith("/admin/login/?next=/admin/cooperation/project/")
    for role, email in ROLES.items():
        if email is None:
            continue
        client.force_login(User.objects.get(email=email))
        for path in ("/admin/", "/admin/cooperation/project/", "/admin/login/"):
            answer = client.get(path)
            assert answer.status_code == 403, (role, path)
        assert "administración" in answer.content.decode()  # why, in Spanish
    staff_flag_only = person_with(Role.CITIZEN, municipalities["14039"])
    staff_flag_only.is_staff = True  # Django's own flag no longer opens the admin
    staff_flag_only.save()
    client.force_login(staff_flag_only)
    assert client.get("/admin/").status_code == 403
    # The platform-admin role opens it without Django's flags; so does the demo's superuser.
    client.force_login(person_with(Role.PLATFORM_ADMIN, None))
    assert client.get("/admin/").status_code == 200
    client.force_login(User.objects.get(email="admin@demo.metropoli.mx"))
    index = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="es-MX").content.decode()
    assert "Administración de Metrópoli" in index
    for english in ("Network memberships", "Awards", "Task Results", "Tasks Database Backend"):
        assert english not in index
    assert "Membresías en redes" in index and "Premios" in index
