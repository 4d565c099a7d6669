"""Pages and API: smoke tests, filters, permissions, form errors in both languages."""

import re
from datetime import date

import pytest
from lxml import etree

from metropoli.common.history import history_of, lines
from metropoli.cooperation import services
from metropoli.cooperation.models import Amount, Opportunity, Project

from .conftest import project_input

pytestmark = pytest.mark.django_db


@pytest.fixture
def portfolio(pimus, municipalities):
    services.save_project(
        data=project_input(
            code="ARBOL-IOT",
            title="Árbol IoT",
            themes={"urban_trees": 100},
            sdg_goals=["15"],
            sdg_targets=["15.2"],
            municipality_codes=["14120"],
            planned_start=date(2017, 9, 1),
            planned_end=date(2018, 6, 30),
            actual_start=date(2017, 9, 1),
            actual_end=date(2018, 6, 30),
            stage="closed",
        ),
        by=None,
    )
    services.save_project(
        data=project_input(code="INTERNO", title="Proyecto interno", is_public=False), by=None
    )


@pytest.mark.parametrize(
    "url",
    [
        "/cooperacion/",
        "/cooperacion/proyecto/PIMUS/",
        "/cooperacion/cronograma/",
        "/cooperacion/tablero/",
        "/cooperacion/redes-y-premios/",
    ],
)
def test_public_pages_render_in_spanish_and_english(client, portfolio, url):
    for language, word in (("es-MX", "Cooperación"), ("en", "cooperation")):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200
        assert word.lower() in response.content.decode().lower()
        assert "Proyecto interno" not in response.content.decode()


def titles(response) -> list[str]:
    return sorted(p.code for p in response.context["projects"])


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["ARBOL-IOT", "PIMUS"]),
        ("?stage=closed", ["ARBOL-IOT"]),
        ("?theme=mobility", ["PIMUS"]),
        ("?municipality=14120", ["ARBOL-IOT"]),
        ("?sdg=15", ["ARBOL-IOT"]),
        ("?sdg=1", []),  # goal 1 must not match goal 11 or 15
        ("?year=2020", ["PIMUS"]),
        ("?year=2018", ["ARBOL-IOT"]),
        ("?stage=nonsense", ["ARBOL-IOT", "PIMUS"]),  # ignored, not an error
    ],
)
def test_portfolio_filters(client, portfolio, query, expected):
    assert titles(client.get("/cooperacion/" + query)) == expected


def test_partner_filter_and_api_list(client, portfolio):
    eu = Project.objects.get(code="PIMUS").participations.get(role="funder").organisation
    assert titles(client.get(f"/cooperacion/?partner={eu.pk}")) == ["PIMUS"]
    body = client.get("/api/cooperation/projects?theme=urban_trees").json()
    assert [p["code"] for p in body] == ["ARBOL-IOT"]
    detail = client.get("/api/cooperation/projects/PIMUS").json()
    assert detail["amounts"][0]["value"] == "12952444.43"
    assert client.get("/api/cooperation/projects/INTERNO").status_code == 404


@pytest.mark.parametrize("partner", ["①", "²", "9" * 5000, "99999999999999999999"])
def test_a_partner_that_is_no_number_is_no_filter(client, portfolio, partner):
    """str.isdigit() let "①" and 5,000 digits reach int(), which refused them: 500."""
    assert titles(client.get("/cooperacion/", {"partner": partner})) == ["ARBOL-IOT", "PIMUS"]
    answer = client.get("/api/cooperation/projects", {"partner": partner})
    assert answer.status_code == 200 and len(answer.json()) == 2


def test_internal_project_visible_to_staff_of_its_municipality(client, portfolio, people):
    assert client.get("/cooperacion/proyecto/INTERNO/").status_code == 404
    client.force_login(people["staff_elsewhere"])
    assert client.get("/cooperacion/proyecto/INTERNO/").status_code == 404
    client.force_login(people["staff_here"])
    assert client.get("/cooperacion/proyecto/INTERNO/").status_code == 200
    assert client.get("/api/cooperation/projects/INTERNO").status_code == 200


def test_dashboard_sums_committed_mxn_by_theme_partner_and_year(client, portfolio):
    services.save_project(data=project_input(code="OTRO", title="Otro"), by=None)
    data = client.get("/cooperacion/tablero/").context["data"]
    assert data.total_mxn == Amount.objects.get().value
    assert dict(data.by_year) == {2018: Amount.objects.get().value}
    themes = dict(data.by_theme)
    assert str(themes["Movilidad"]) == "9066711.10"  # 70 % of 12,952,444.43
    assert data.by_partner[0][0] == "Unión Europea – EUROCLIMA+"
    assert [(code, n) for code, _label, n in data.by_stage if n] == [
        ("implementation", 2),
        ("closed", 1),
    ]


def test_dashboard_charts_are_well_formed_svg_with_the_figures(client, portfolio):
    page = client.get("/cooperacion/tablero/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    svg = {"s": "http://www.w3.org/2000/svg"}
    charts = {
        root.get("aria-labelledby"): root
        for root in (
            etree.fromstring(markup.encode())
            for markup in re.findall(r'<svg [^>]*class="chart".*?</svg>', page)
        )
    }
    theme = charts["by-theme-title"]
    assert theme.find("s:title", svg).text == "Committed amounts by theme"
    # The theme with the most money has the full-length bar, and its value in MXN.
    bars = theme.xpath("s:g/s:rect", namespaces=svg)
    widest = max(bars, key=lambda bar: float(bar.get("width")))
    assert widest.get("width") == "300"
    assert widest.find("s:title", svg).text.endswith(" MXN")
    assert {"by-stage-title", "by-partner-title", "by-year-title"} <= set(charts)


def test_edit_pages_need_the_office(client, portfolio, people):
    url = "/cooperacion/proyecto/PIMUS/editar/"
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(people["staff_here"])
    assert client.get(url).status_code == 403
    assert client.get("/cooperacion/convocatorias/").status_code == 403
    client.force_login(people["office"])
    assert client.get(url).status_code == 200


def _form(**overrides):
    data = {
        "code": "NUEVO",
        "title": "Nuevo proyecto",
        "summary": "Resumen",
        "stage": "proposal",
        "institute_role": "receiver",
        "scheme": "direct",
        "themes_mobility": "120",
        "municipalities": ["14039"],
        "sdg_goals": "11",
        "sdg_targets": "11.2",
        "countries": "MX",
        "planned_start": "2024-05-01",
        "planned_end": "2024-01-01",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("language", "messages"),
    [
        (
            "en",
            [
                "The percentage of Mobility is 120; it must be between 0 and 100.",
                "The planned end (2024-01-01) is before its start (2024-05-01).",
            ],
        ),
        (
            "es-MX",
            [
                "El porcentaje de Movilidad es 120; debe estar entre 0 y 100.",
                "El fin planeado (2024-01-01) es anterior a su inicio (2024-05-01).",
            ],
        ),
    ],
)
def test_project_form_errors_in_both_languages(client, portfolio, office, language, messages):
    client.force_login(office)
    response = client.post("/cooperacion/nuevo/", _form(), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 400
    html = response.content.decode()
    for message in messages:
        assert message in html
    assert not Project.objects.filter(code="NUEVO").exists()


def test_project_form_creates_and_edits(client, portfolio, office):
    client.force_login(office)
    response = client.post(
        "/cooperacion/nuevo/", _form(themes_mobility="100", planned_end="2025-01-01")
    )
    assert response.status_code == 302
    project = Project.objects.get(code="NUEVO")
    response = client.post(
        "/cooperacion/proyecto/NUEVO/editar/",
        _form(themes_mobility="100", planned_end="2025-01-01", stage="negotiation"),
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.stage == "negotiation"
    stage = [c for c in lines(history_of(Project, project.pk)) if c.field == "stage"]
    assert [c.changed_by for c in stage] == [office]
    page = client.get("/cooperacion/proyecto/NUEVO/").content.decode()
    # The history of changes is shown to the office, in words.
    assert "Cambió etapa de “Propuesta” a “Negociación”." in page


def test_amount_form_refuses_a_malformed_amount(client, portfolio, office):
    client.force_login(office)
    response = client.post(
        "/cooperacion/proyecto/PIMUS/montos/nuevo/",
        {
            "kind": "committed",
            "currency": "MXN",
            "value": "12.952.444,43",
            "value_date": "2019-01-01",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "is not an amount" in response.content.decode()
    assert Amount.objects.count() == 1


def test_milestone_and_partner_forms(client, portfolio, office):
    client.force_login(office)
    url = "/cooperacion/proyecto/PIMUS/"
    response = client.post(
        url + "hitos/nuevo/",
        {
            "title": "Misión",
            "planned_start": "2018-05-28",
            "planned_end": "2018-05-28",
        },
    )
    assert response.status_code == 302
    response = client.post(
        url + "socios/nuevo/", {"new_organisation": "GIZ", "role": "implementer"}
    )
    assert response.status_code == 302
    page = client.get(url)
    assert "GIZ" in page.content.decode()
    assert page.context["milestones"][0][1] is True  # the only milestone is critical


def test_calendar_and_opportunities_api_for_the_office(client, office):
    Opportunity.objects.create(
        kind="call", title="Convocatoria UE", deadline=date(2026, 3, 15), owner=office
    )
    client.force_login(office)
    response = client.get("/cooperacion/convocatorias/?month=2026-03")
    assert response.status_code == 200
    assert "Convocatoria UE" in response.content.decode()
    body = client.get("/api/cooperation/opportunities").json()
    assert [o["title"] for o in body] == ["Convocatoria UE"]


@pytest.mark.parametrize("month", ["9999-12", "0000-01", "0001-01", "2026-13", "2026-3", "١٢٣٤-٠١"])
def test_a_month_the_calendar_cannot_show_is_refused_in_words(client, office, month):
    """9999-12 (the month after is in year 10000) and 0001-01 (the month before is in year 0)
    answered 500."""
    client.force_login(office)
    response = client.get("/cooperacion/convocatorias/", {"month": month})
    assert response.status_code == 400
    assert "Elige un mes como 2026-03, entre 1900 y 2100." in response.content.decode()
    assert client.get("/cooperacion/convocatorias/", {"month": "2100-12"}).status_code == 200
    assert client.get("/cooperacion/convocatorias/", {"month": ""}).status_code == 200


def test_opportunities_api_refuses_others(client, people):
    assert client.get("/api/cooperation/opportunities").status_code == 401
    client.force_login(people["staff_here"])
    response = client.get("/api/cooperation/opportunities", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_office_records_opportunities_results_and_documents(client, portfolio, office, people):
    client.force_login(office)
    response = client.post(
        "/cooperacion/convocatorias/nueva/",
        {
            "kind": "call",
            "title": "Euroclima+ 2027",
            "deadline": "2027-02-01",
            "status": "identified",
            "owner": office.pk,
        },
    )
    assert response.status_code == 302
    opportunity = Opportunity.objects.get(title="Euroclima+ 2027")
    assert opportunity.owner == office
    form = client.get("/cooperacion/convocatorias/nueva/").context["form"]
    assert list(form.fields["owner"].queryset) == [office]  # not every account
    url = "/cooperacion/proyecto/PIMUS/"
    response = client.post(
        url + "resultados/nuevo/",
        {
            "result_type": "output",
            "title": "Plan",
            "indicator": "Plan entregado",
            "period_start": "2019-01-01",
            "period_end": "2018-01-01",
        },
    )
    assert response.status_code == 400  # period ends before it starts
    response = client.post(
        url + "documentos/nuevo/",
        {
            "title": "Ficha",
            "url": "https://imeplan.mx/pimus",
            "category": "A12",
        },
    )
    assert response.status_code == 302
    assert Project.objects.get(code="PIMUS").documents.get().url == "https://imeplan.mx/pimus"
    client.force_login(people["staff_here"])
    assert client.get("/cooperacion/convocatorias/nueva/").status_code == 403
