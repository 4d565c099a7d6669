"""Pages: summary, tree card fragment and include, municipal settings."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from metropoli.accounts.tests.factories import person_with
from metropoli.benefits import results, services
from metropoli.benefits.models import BenefitSettings
from metropoli.territory.models import Role

pytestmark = pytest.mark.django_db


def test_summary_page_counts_and_charts(itree, plant, client):
    plant("JAMI", "30")
    plant(None, "30")
    results.recompute_all()
    response = client.get("/arbol/beneficios/", HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Computed for 1 of 2 trees." in html
    assert "Species unknown: 1" in html
    assert html.count("<svg") == 2
    assert "Estimate, not a measurement" in html


def test_summary_page_filter_error_is_a_400(itree, client):
    response = client.get("/arbol/beneficios/?municipality=99999", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "Unknown municipality code: 99999." in response.content.decode()


def test_summary_page_without_data_says_how_to_install(no_itree, client):
    response = client.get("/arbol/beneficios/", HTTP_ACCEPT_LANGUAGE="es-MX")
    assert response.status_code == 503
    html = response.content.decode()
    assert "METROPOLI_ITREE_DIR" in html and "no están instaladas" in html
    assert "Computed for" not in html and "Calculado para" not in html


def test_tree_card_include_and_fragment(itree, plant, client):
    tree = plant("JAMI", "30")
    request = RequestFactory().get("/arbol/1/", HTTP_ACCEPT_LANGUAGE="en")
    html = Template('{% include "benefits/tree_card.html" with tree=tree %}').render(
        Context({"tree": tree, "request": request})
    )
    assert "kWh" in html and " L<" in html and "MXN" in html
    fragment = client.get(f"/arbol/beneficios/arbol/{tree.pk}/?units=imperial")
    assert fragment.status_code == 200 and " gal<" in fragment.content.decode()
    assert client.get("/arbol/beneficios/arbol/999999/").status_code == 404


def test_settings_page_needs_the_permission(itree, guadalajara, zapopan, client):
    url = f"/arbol/beneficios/ajustes/{guadalajara.inegi_code}/"
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(person_with(Role.MUNICIPAL_STAFF, zapopan))
    assert client.get(url).status_code == 403
    assert client.post(url, {"region": "SWDsrtGDL", "use_defaults": "on"}).status_code == 403
    assert not BenefitSettings.objects.exists()


def test_staff_change_the_region_and_rates(itree, guadalajara, client):
    client.force_login(person_with(Role.MUNICIPAL_STAFF, guadalajara))
    url = f"/arbol/beneficios/ajustes/{guadalajara.inegi_code}/"
    summary = client.get("/arbol/beneficios/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'href="{url}"' in summary and "Region and money rates of Guadalajara" in summary
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200 and "The money rates are defaults" in page.content.decode()
    rates = {name: "1.5" for name in services.data.RATE_FIELDS}
    response = client.post(url, {"region": "SWDsrtGDL", **rates})
    assert response.status_code == 302
    stored = BenefitSettings.objects.get(municipality=guadalajara)
    assert (stored.region, stored.co2_mxn_per_kg, stored.rates_are_defaults) == (
        "SWDsrtGDL",
        1.5,
        False,
    )
    refused = client.post(url, {"region": "SWDsrtGDL", **rates, "co2_mxn_per_kg": "-3"})
    assert refused.status_code == 400
    assert BenefitSettings.objects.get(municipality=guadalajara).co2_mxn_per_kg == 1.5


def test_staff_go_back_to_the_default_rates(itree, guadalajara, client):
    client.force_login(person_with(Role.MUNICIPAL_STAFF, guadalajara))
    url = f"/arbol/beneficios/ajustes/{guadalajara.inegi_code}/"
    assert client.post(url, {"region": "InlEmpCLM"}).status_code == 400  # rates missing
    assert not BenefitSettings.objects.exists()
    assert client.post(url, {"region": "InlEmpCLM", "use_defaults": "on"}).status_code == 302
    stored = BenefitSettings.objects.get(municipality=guadalajara)
    assert stored.rates_are_defaults is True
    assert stored.co2_mxn_per_kg == pytest.approx(
        services.data.default_rates("InlEmpCLM")["co2_mxn_per_kg"]
    )


def test_admin_saves_settings_through_the_service(itree, guadalajara, client):
    from metropoli.accounts.tests.factories import UserFactory

    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    rates = {name: "2" for name in services.data.RATE_FIELDS}
    response = client.post(
        "/admin/benefits/benefitsettings/add/",
        {"municipality": guadalajara.pk, "region": "SWDsrtGDL", **rates},
    )
    assert response.status_code == 302
    stored = BenefitSettings.objects.get(municipality=guadalajara)
    assert (stored.region, stored.rates_are_defaults, stored.updated_by) == (
        "SWDsrtGDL",
        False,
        admin,
    )


def test_summary_species_filter_takes_names_and_codes(itree, plant, client):
    plant("JAMI", "30")
    plant("JAMI", "40")
    plant("FRUH", "45")
    results.recompute_all()
    for typed in ("JAMI", "jacaranda", "Jacaranda (Jacaranda mimosifolia)", "MIMOSIF"):
        html = client.get(
            "/arbol/beneficios/", {"species": typed}, HTTP_ACCEPT_LANGUAGE="en"
        ).content.decode()
        assert "Computed for 2 of 2 trees." in html, typed
        # The field shows the species by name, and the map link carries its code.
        assert 'value="Jacaranda (Jacaranda mimosifolia)"' in html
        assert "/arbol/?species=JAMI" in html
    html = client.get(
        "/arbol/beneficios/", {"species": "fresno, jacaranda"}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Computed for 3 of 3 trees." in html
    # The suggestions are the species the inventory has trees of, by common and scientific name.
    assert '<option value="Fresno (Fraxinus uhdei)" label="FRUH">' in html


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "No species is called “palo loco”."),
        ("es-MX", "Ninguna especie se llama “palo loco”."),
    ],
)
def test_summary_unknown_species_name_is_a_400(itree, plant, client, language, message):
    response = client.get(
        "/arbol/beneficios/", {"species": "jacaranda, palo loco"}, HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 400
    assert message in response.content.decode()


def test_chart_labels_have_room_for_the_longest_name():
    from metropoli.benefits.charts import EM_PER_CHARACTER, LAYOUT, layout_for

    long_name = "Guamúchil (Pithecellobium dulce)"
    layout = layout_for([long_name, "Fresno"])
    assert layout.label_width - 8 >= len(long_name) * LAYOUT.font_size * EM_PER_CHARACTER
    assert layout_for(["Zapopan"]).label_width < layout.label_width
