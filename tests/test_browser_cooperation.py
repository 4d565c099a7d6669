"""The cooperation portfolio in a real browser: filter by stage, open a project."""

from datetime import date

import pytest

from metropoli.cooperation import services
from metropoli.cooperation.checks import ProjectInput

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _project(code, title, stage, theme, start):
    return services.save_project(
        data=ProjectInput(
            code=code,
            title=title,
            summary="Resumen del proyecto.",
            stage=stage,
            themes={theme: "100"},
            municipality_codes=["14039"],
            planned_start=start,
            actual_start=start if stage != "proposal" else None,
            is_public=True,
        ),
        by=None,
    )


def test_portfolio_filter_and_project_page(live_server, page_factory, municipalities):
    _project("PIMUS", "Plan de movilidad", "implementation", "mobility", date(2019, 1, 1))
    _project("PROPUESTA", "Propuesta climática", "proposal", "climate", date(2024, 1, 1))
    page = page_factory(locale="es-MX", viewport={"width": 390, "height": 844})
    page.goto(live_server.url + "/cooperacion/")
    assert page.get_by_role("heading", level=1).inner_text() == "Cooperación internacional"
    table = page.get_by_role("table")
    assert table.get_by_role("link", name="Plan de movilidad").is_visible()
    assert table.get_by_role("link", name="Propuesta climática").is_visible()

    page.get_by_label("Etapa").select_option("proposal")
    page.get_by_role("button", name="Filtrar").click()
    page.wait_for_load_state()
    assert "stage=proposal" in page.url
    assert page.locator("#result-count").inner_text() == "1 proyecto"
    assert table.get_by_role("link", name="Plan de movilidad").count() == 0

    table.get_by_role("link", name="Propuesta climática").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Propuesta climática"
    assert page.get_by_text("Propuesta", exact=True).first.is_visible()


AXE = "/static/vendor/axe-core/axe.min.js"


def _axe_violations(page) -> list[str]:
    page.add_script_tag(url=AXE)
    return page.evaluate(
        """async () => {
          const r = await axe.run(document, { runOnly: { type: "tag",
            values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"] } });
          return r.violations.map((v) => `${v.id}: ` + v.nodes.map((n) => n.target).join(" | "));
        }"""
    )


def test_the_office_picks_themes_in_spanish_with_percentages_adding_up_to_100(
    live_server, page_factory, municipalities
):
    from django.test import Client

    from metropoli.accounts.tests.factories import UserFactory
    from metropoli.cooperation.rules import cooperation_office_group

    office = UserFactory(email="oficina@example.mx", display_name="Oficina")
    office.groups.add(cooperation_office_group())
    client = Client()
    client.force_login(office)
    page = page_factory(locale="es-MX", viewport={"width": 1366, "height": 900})
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.goto(live_server.url + "/cooperacion/nuevo/")
    page.get_by_label("Clave", exact=True).fill("MERCADOS-VIVOS")
    page.get_by_label("Título", exact=True).fill("Mercados vivos")
    page.get_by_label("Resumen", exact=True).fill("Mercados municipales con venta en línea.")
    page.get_by_label("Etapa").select_option("proposal")
    themes = page.get_by_role("group", name="Áreas temáticas")
    themes.get_by_label("Economía local").fill("60")
    themes.get_by_label("Movilidad").fill("30")
    assert themes.locator("output").inner_text() == "90"  # the running total, before saving
    assert _axe_violations(page) == []
    page.get_by_role("button", name="Guardar").click()
    page.wait_for_load_state()
    assert page.get_by_text("Los porcentajes temáticos suman 90; deben sumar 100.").is_visible()
    themes = page.get_by_role("group", name="Áreas temáticas")
    assert themes.get_by_label("Economía local").input_value() == "60"  # kept for correcting
    themes.get_by_label("Movilidad").fill("40")
    assert themes.locator("output").inner_text() == "100"
    page.get_by_role("button", name="Guardar").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Mercados vivos"
    assert page.get_by_text("Economía local (60 %), Movilidad (40 %)").is_visible()
    # The IATI rules, checked before export, in Spanish.
    assert page.get_by_role("heading", name="Revisión IATI antes de publicar").is_visible()
    assert page.get_by_text("Creó el proyecto con la clave MERCADOS-VIVOS.").is_visible()
    assert _axe_violations(page) == []


def test_the_office_sets_the_iati_publisher_in_spanish(live_server, page_factory, municipalities):
    from django.test import Client

    from metropoli.accounts.tests.factories import UserFactory
    from metropoli.cooperation.publisher import current
    from metropoli.cooperation.rules import cooperation_office_group

    office = UserFactory(email="oficina@example.mx", display_name="Oficina")
    office.groups.add(cooperation_office_group())
    client = Client()
    client.force_login(office)
    page = page_factory(locale="es-MX", viewport={"width": 390, "height": 844})
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.goto(live_server.url + "/cooperacion/")
    page.get_by_role("link", name="Publicador IATI").click()
    assert page.get_by_text("Aún falta el publicador").is_visible()
    page.get_by_label("Identificador de la organización informante").fill("IMEPLAN")
    page.get_by_label("Moneda predeterminada (ISO 4217)").fill("PESOS")
    page.get_by_role("button", name="Guardar").click()
    assert page.get_by_text("“IMEPLAN” no es un identificador IATI de organización").is_visible()
    assert page.get_by_text("no es un código de moneda ISO 4217").is_visible()
    assert _axe_violations(page) == []
    page.get_by_label("Identificador de la organización informante").fill("MX-RFC-IMP140101AB1")
    page.get_by_label("Tipo de organización informante").select_option(label="Gobierno local")
    page.get_by_label("Moneda predeterminada (ISO 4217)").fill("mxn")
    page.get_by_role("button", name="Guardar").click()
    assert page.get_by_text("Se guardó el publicador IATI.").is_visible()
    assert (current().ref, current().currency) == ("MX-RFC-IMP140101AB1", "MXN")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
