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
