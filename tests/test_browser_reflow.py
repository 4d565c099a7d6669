"""Árbol on a small phone (issue 17, point 6): at 360 px no page scrolls sideways, for each demo
role, and Treender's correction panel (reason, a long species name chosen, diameter) fits the
screen without any control covering another — the card never covers the vote buttons.

The pages are listed from the URLconf (everything under /arbol/), so a new page is checked
without editing this file; one whose URL needs a value this file does not know fails loudly.
"""

import io
import re
from datetime import UTC, timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from metropoli.accounts.models import User
from metropoli.learning.models import Lesson, Question, Quiz
from metropoli.sensors.models import Sensor
from metropoli.trees.models import Species, Tree, TreePhoto
from metropoli.validation.models import WorkItem

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH = 360
SMALL_PHONE = {"locale": "es-MX", "viewport": {"width": WIDTH, "height": 740}}
ROLES = {
    "visitante": None,
    "ciudadana": "ciudadana@demo.metropoli.mx",
    "arbolista": "arbolista.gdl@demo.metropoli.mx",
    "personal": "personal.gdl@demo.metropoli.mx",
}
PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")


def arbol_routes(patterns=None, prefix="") -> list[str]:
    """Every route of the URLconf under arbol/, its parameters as written (<int:tree_id>)."""
    routes = []
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            routes += arbol_routes(entry.url_patterns, route)
        elif isinstance(entry, URLPattern) and route.startswith("arbol/"):
            routes.append(route)
    return routes


def demo_values() -> dict[str, str]:
    """A value for every URL parameter under /arbol/, from the demo data. A page whose object
    the demo lacks (an import job) answers 404 and is left out."""
    tree = Tree.objects.filter(site__municipality__inegi_code="14039").order_by("pk").first()
    photo = TreePhoto.objects.order_by("pk").first()
    yesterday = timezone.now().astimezone(UTC).date() - timedelta(days=1)
    return {
        "tree_id": str(tree.pk),
        "site_id": str(tree.site_id),
        "photo_id": str(photo.pk if photo else 1),
        "day": yesterday.isoformat(),
        "name": f"{yesterday.isoformat()}_sensor.csv",
        "job_id": "1",
        "sensor_id": Sensor.objects.order_by("pk").first().sensor_id,
        "slug": (lesson := Lesson.objects.order_by("pk").first()).slug,
        "question_id": str(Question.objects.filter(quiz__lesson=lesson).order_by("pk").first().pk),
        "code": "14039",
        "species_code": Species.objects.order_by("pk").first().code,
        "item_id": str(WorkItem.objects.order_by("pk").first().pk),
    }


def url_of(route: str, values: dict[str, str]) -> str:
    def value(match):
        name = match.group(1)
        if route.startswith("arbol/aprende/examen/") and name == "slug":
            return Quiz.objects.order_by("pk").first().slug
        assert name in values, f"/{route}: no demo value for <{name}> in {__file__}"
        return values[name]

    return "/" + PARAMETER.sub(value, route)


def signed_in(page_factory, live_server, email):
    page = page_factory(**SMALL_PHONE)
    if email:
        client = Client()
        client.force_login(User.objects.get(email=email))
        page.context.add_cookies(
            [{"name": "sessionid", "value": client.cookies["sessionid"].value,
              "url": live_server.url}]
        )  # fmt: skip
    return page


def wider_than_the_screen(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth") - WIDTH


def test_every_arbol_page_fits_a_small_phone_for_every_role(live_server, page_factory):
    call_command("load_demo", stdout=io.StringIO())
    values = demo_values()
    urls = sorted({url_of(route, values) for route in arbol_routes()})
    assert "/arbol/treender/" in urls and "/arbol/capturar" in urls and len(urls) > 15
    checked: dict[str, list[str]] = {}
    wide = {}
    for role, email in ROLES.items():
        # Forms that only take a POST, CSV downloads and pages of another role (a redirect to
        # log in, 403, 404) are not pages of this role: asked without a browser first.
        client = Client(headers={"Accept-Language": "es-MX"})
        if email:
            client.force_login(User.objects.get(email=email))
        pages = []
        for url in urls:
            response = client.get(url)
            if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
                pages.append(url)
        page = signed_in(page_factory, live_server, email)
        for url in pages:
            response = page.goto(live_server.url + url)
            assert response.status == 200, (role, url)
            checked.setdefault(url, []).append(role)
            if wider_than_the_screen(page) > 0:
                wide[(role, url)] = wider_than_the_screen(page)
    assert wide == {}
    # Every page a person can open was opened by some role.
    tree_page = f"/arbol/arboles/{values['tree_id']}"
    pages = {"/arbol/", "/arbol/capturar", "/arbol/treender/", "/arbol/treender/cola/",
             "/arbol/sensores/", "/arbol/beneficios/", tree_page}  # fmt: skip
    assert pages <= set(checked)
    assert "arbolista" in checked["/arbol/treender/"]
    assert "personal" in checked["/arbol/treender/cola/"]


def overlaps(a, b) -> bool:
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


def test_treender_correction_fits_a_small_phone(live_server, page_factory):
    call_command("load_demo", stdout=io.StringIO())
    longest = max(
        Species.objects.all(), key=lambda s: len(f"{s.common_name_es} ({s.scientific_name})")
    )
    page = signed_in(page_factory, live_server, ROLES["arbolista"])
    page.context.set_default_timeout(30_000)
    page.goto(live_server.url + "/arbol/treender/")
    page.wait_for_function("document.getElementById('treender-card').dataset.treeId !== ''")
    assert wider_than_the_screen(page) <= 0

    # "Necesita corrección" opens the panel; the longest species name is chosen, a reason typed.
    page.get_by_role("button", name="Necesita corrección").click()
    reason = page.get_by_label("Motivo (lo leerá quien lo registró)")
    reason.wait_for(state="visible")
    reason.fill("Las hojas compuestas y las vainas largas no son de esta especie. " * 3)
    page.get_by_label("Especie correcta (opcional)").select_option(longest.code)
    page.get_by_label("Diámetro correcto del tronco en cm (opcional)").fill("32")
    assert wider_than_the_screen(page) <= 0

    # Nothing covers anything else: the card, the panel's fields and the four vote buttons.
    controls = {
        "card": page.locator("#treender-card"),
        "reason": reason,
        "species": page.locator("#corrected_species"),
        "dbh": page.locator("#corrected_dbh_cm"),
    }
    for kind in ("needs_correction", "flag", "confirm", "reject"):
        controls[kind] = page.locator(f"button[data-kind={kind}]")
    boxes = {name: locator.bounding_box() for name, locator in controls.items()}
    for name, box in boxes.items():
        assert box["x"] >= 0 and box["x"] + box["width"] <= WIDTH, name
    names = list(boxes)
    covered = [
        (a, b) for i, a in enumerate(names) for b in names[i + 1 :] if overlaps(boxes[a], boxes[b])
    ]
    assert covered == []
    # Each button is what a finger meets at its centre (nothing drawn over it).
    for kind in ("needs_correction", "flag", "confirm", "reject"):
        controls[kind].scroll_into_view_if_needed()
        assert controls[kind].evaluate(
            """(button) => {
              const r = button.getBoundingClientRect();
              return document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2)
                .closest("button") === button;
            }"""
        ), kind

    # The vote goes through with the correction.
    tree_id = page.locator("#treender-card").get_attribute("data-tree-id")
    page.get_by_role("button", name="Necesita corrección").click()
    page.wait_for_function(
        "id => document.getElementById('treender-card').dataset.treeId !== id", arg=tree_id
    )
    assert wider_than_the_screen(page) <= 0
