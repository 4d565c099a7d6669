import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_renders_in_spanish_and_english(live_server, page_factory, municipalities):
    page = page_factory(locale="es-MX", viewport={"width": 390, "height": 844})
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "es-mx"
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Servicios digitales para el área metropolitana"
    )
    nav = page.get_by_role("navigation", name="Módulos")
    assert nav.get_by_role("link", name="Árbol").is_visible()
    assert page.get_by_text("Zapotlanejo").is_visible()

    # The language switcher turns the same page into English.
    page.get_by_role("button", name="Idioma: English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Digital services for the metropolitan area"
    )

    # ...and back, with one tap as well.
    page.get_by_role("button", name="Language: Español").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "es-mx"

    english = page_factory(locale="en-US")
    english.goto(live_server.url + "/")
    assert (
        english.get_by_role("navigation", name="Modules")
        .get_by_role("link", name="Trees")
        .is_visible()
    )
