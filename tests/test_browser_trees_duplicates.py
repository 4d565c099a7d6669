"""Duplicates after sync, on a phone in Spanish: a citizen records the same spot twice without
signal; when the signal returns the server's 2 m check finds the repeat and the capture page
asks; the answer is kept, and the validator's Treender card shows the likely duplicate."""

import pytest
from django.test import Client

from metropoli.accounts.tests.factories import UserFactory, person_with
from metropoli.territory.models import Role
from metropoli.trees import inventory
from metropoli.trees.models import DuplicateSuspicion, Tree

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GPS = {"latitude": 20.6767, "longitude": -103.3475, "accuracy": 5}
PHONE = {"width": 360, "height": 780}
AXE = "/static/vendor/axe-core/axe.min.js"


def accessibility_violations(page) -> list:
    page.add_script_tag(url=AXE)
    return page.evaluate(
        """async () => {
          const tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];
          // MapLibre's own controls (compass size, attribution contrast) are issue 17's point 9.
          const context = { exclude: [[".maplibregl-control-container"]] };
          const r = await axe.run(context, { runOnly: { type: "tag", values: tags } });
          return r.violations.map((v) => `${v.id} ${v.nodes.map((n) => n.target).join(",")}`);
        }"""
    )


def logged_in_page(page_factory, live_server, user, **options):
    client = Client()
    client.force_login(user)
    page = page_factory(locale="es-MX", **options)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return page


def capture(page, dbh: str):
    page.get_by_role("button", name="Usar mi ubicación").click()
    page.wait_for_function("document.getElementById('c-lat').value !== ''")
    page.get_by_role("combobox", name="Especie (nombre común o científico)").fill("jacar")
    page.get_by_role("option", name="Jacaranda — Jacaranda mimosifolia").click()
    page.get_by_label("Diámetro del tronco (cm)").fill(dbh)
    page.get_by_role("button", name="Guardar árbol").click()


def test_two_offline_captures_at_one_spot_are_asked_about_and_flagged_for_validators(
    live_server, page_factory, guadalajara
):
    inventory.load_species()
    citizen = UserFactory(display_name="Lupita", home_municipality=guadalajara)
    page = logged_in_page(
        page_factory,
        live_server,
        citizen,
        viewport=PHONE,
        geolocation=GPS,
        permissions=["geolocation"],
    )
    page.goto(live_server.url + "/arbol/capturar")
    page.wait_for_selector("#capture-map.map-ready")

    # Without signal the page cannot ask "already recorded within 2 m?": both wait on the phone.
    page.context.set_offline(True)
    capture(page, "30")
    page.wait_for_function(
        "document.getElementById('queue-summary').textContent.includes('1 árbol por enviar')"
    )
    capture(page, "31")
    page.wait_for_function(
        "document.getElementById('queue-summary').textContent.includes('2 árboles por enviar')"
    )
    assert Tree.objects.count() == 0

    # The signal returns: both are sent, and the server finds the second within 2 m of the first.
    page.context.set_offline(False)
    question = page.locator("#synced-duplicates-list li")
    question.wait_for(state="visible")
    first, second = Tree.objects.order_by("pk")
    text = question.inner_text()
    assert f"(n.º {second.pk})" in text and f"a 0 m del árbol n.º {first.pk}" in text
    assert "¿Es el mismo árbol?" in text
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert accessibility_violations(page) == []

    # The person says it is another tree: kept, and the answer is stored.
    question.get_by_role("button", name="Es otro árbol: conservarlo").click()
    page.wait_for_function(
        "document.getElementById('capture-status').textContent.includes('otro árbol')"
    )
    assert page.locator("#synced-duplicates").is_hidden()
    suspicion = DuplicateSuspicion.objects.get()
    assert (suspicion.tree, suspicion.near_tree, suspicion.answer) == (second, first, "distinct")

    # A validator sees the flag on the second record's card.
    expert = person_with(Role.CERTIFIED_EXPERT, guadalajara)
    desk = logged_in_page(page_factory, live_server, expert, viewport=PHONE)
    desk.goto(live_server.url + "/arbol/treender/")
    desk.wait_for_function(
        f"document.getElementById('treender-card').dataset.treeId === '{first.pk}'"
    )
    assert desk.locator("#card-duplicate").is_hidden()
    desk.locator("button[data-kind=confirm]").click()
    desk.wait_for_function(
        f"document.getElementById('treender-card').dataset.treeId === '{second.pk}'"
    )
    note = desk.locator("#card-duplicate")
    assert note.is_visible()
    assert f"Posible duplicado: a 0.0 m del árbol n.º {first.pk} (Jacaranda)" in note.inner_text()
    assert "otro árbol" in note.inner_text()
    assert accessibility_violations(desk) == []
