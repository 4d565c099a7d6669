"""Treender end to end: a citizen's records, two experts (phone swipes, desktop keys), the
consensus, and the feedback the citizen reads."""

import pytest
from django.test import Client

from metropoli.accounts.tests.factories import UserFactory, person_with
from metropoli.learning import demo as learning_demo
from metropoli.territory.models import Role
from metropoli.trees.models import Species, Tree
from metropoli.trees.services import register_tree
from metropoli.validation.models import Decision, WorkItem

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def logged_in_page(page_factory, live_server, user, **options):
    client = Client()
    client.force_login(user)
    page = page_factory(locale="es-MX", **options)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return page


def swipe(page, dx: int, dy: int) -> None:
    """A finger on the card: touch pointer events, as a phone sends them."""
    box = page.locator("#treender-card").bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    card = page.locator("#treender-card")
    common = {"pointerId": 7, "pointerType": "touch", "isPrimary": True, "bubbles": True}
    card.dispatch_event("pointerdown", {**common, "clientX": x, "clientY": y})
    for step in (1, 2, 3):
        card.dispatch_event(
            "pointermove", {**common, "clientX": x + dx * step / 3, "clientY": y + dy * step / 3}
        )
    card.dispatch_event("pointerup", {**common, "clientX": x + dx, "clientY": y + dy})


def wait_for_card(page, tree_id) -> None:
    page.wait_for_function(
        "id => document.getElementById('treender-card').dataset.treeId === id",
        arg=str(tree_id or ""),
    )


def test_experts_swipe_and_press_keys_until_consensus_and_the_citizen_reads_why(
    live_server, page_factory, guadalajara
):
    # Transactional tests flush the tables, seeded lessons included: seed them again.
    learning_demo.load()
    Species.objects.create(
        code="JAMI",
        scientific_name="Jacaranda mimosifolia",
        common_name_es="Jacaranda",
        is_local=True,
    )
    Species.objects.create(
        code="DERE", scientific_name="Delonix regia", common_name_es="Tabachín", is_local=True
    )
    citizen = UserFactory(display_name="Lupita", home_municipality=guadalajara)
    first = register_tree(
        lon=-103.3468, lat=20.6767, recorded_by=citizen, species_code="JAMI", dbh_cm="30"
    ).tree
    second = register_tree(
        lon=-103.3478, lat=20.6770, recorded_by=citizen, species_code="JAMI", dbh_cm="45"
    ).tree
    phone_expert = person_with(Role.CERTIFIED_EXPERT, guadalajara)
    desk_expert = person_with(Role.CERTIFIED_EXPERT, guadalajara)

    # On the phone: swipe left (needs correction) on the oldest record, then up (flag).
    phone = logged_in_page(
        page_factory,
        live_server,
        phone_expert,
        viewport={"width": 390, "height": 844},
        has_touch=True,
        is_mobile=True,
    )
    phone.goto(live_server.url + "/arbol/treender/")
    wait_for_card(phone, first.pk)
    assert "Jacaranda" in phone.locator("#card-species").inner_text()
    assert phone.locator("#card-recorder").inner_text() == "Lupita"
    swipe(phone, -200, 0)
    phone.locator("#reason").fill("Las vainas largas son de tabachín.")
    phone.locator("#corrected_species").select_option("DERE")
    phone.locator("button[data-kind=needs_correction]").tap()
    wait_for_card(phone, second.pk)
    swipe(phone, 0, -200)
    phone.locator("#flag-panel input[value=pest]").check()
    phone.locator("button[data-kind=flag]").tap()
    wait_for_card(phone, "")
    assert phone.locator("#treender-empty").is_visible()

    # On the desktop, with the keyboard only.
    desk = logged_in_page(
        page_factory, live_server, desk_expert, viewport={"width": 1280, "height": 800}
    )
    desk.goto(live_server.url + "/arbol/treender/")
    wait_for_card(desk, first.pk)
    desk.keyboard.press("ArrowLeft")
    desk.locator("#reason").wait_for(state="visible")
    desk.keyboard.type("Por las vainas, es un tabachín.")
    desk.locator("#corrected_species").focus()
    desk.locator("#corrected_species").select_option("DERE")
    desk.locator("button[data-kind=needs_correction]").focus()
    desk.keyboard.press("Enter")
    wait_for_card(desk, second.pk)
    assert desk.locator("#treender-status").inner_text() != ""
    desk.locator("body").click(position={"x": 5, "y": 5})
    desk.keyboard.press("ArrowRight")
    wait_for_card(desk, "")

    # Consensus: two agreeing experts decided both records.
    assert Decision.objects.get(tree=first).outcome == "needs_correction"
    assert Tree.objects.get(pk=first.pk).species.code == "DERE"
    assert Decision.objects.get(tree=second).outcome == "validated"
    assert WorkItem.objects.get(tree=second).pest

    # The citizen reads what changed, why, and which lesson explains it.
    mine = logged_in_page(
        page_factory, live_server, citizen, viewport={"width": 390, "height": 844}
    )
    mine.goto(live_server.url + "/arbol/treender/mis-registros/")
    text = mine.locator("main").inner_text()
    assert "Jacaranda (Jacaranda mimosifolia) → Tabachín (Delonix regia)" in text
    assert "Las vainas largas son de tabachín." in text
    lesson = mine.locator("a[href$='/arbol/aprende/arboles-comunes-guadalajara/']")
    lesson.click()
    assert "Guadalajara" in mine.locator("h1").inner_text()
