"""GET /api/trees/{id}/ecobenefits and GET /api/trees/ecobenefits."""

import pytest

from metropoli.benefits import results
from metropoli.benefits.models import TreeBenefit

pytestmark = pytest.mark.django_db


def test_tree_benefits_metric_and_imperial(itree, plant, client):
    tree = plant("JAMI", "30")
    results.recompute_trees(tree_ids=[tree.pk])
    stored = TreeBenefit.objects.get(tree=tree)
    metric = client.get(f"/api/trees/{tree.pk}/ecobenefits").json()
    assert metric["status"] == "ok" and metric["stored"] is True
    assert metric["units"] == "metric" and metric["currency"] == "MXN"
    groups = {g["key"]: g for g in metric["benefits"]}
    assert groups["stormwater"]["unit"] == "L"
    assert groups["stormwater"]["amount"] == pytest.approx(stored.stormwater_m3 * 1000)
    assert groups["co2"]["amount"] == pytest.approx(stored.co2_kg)
    assert groups["co2_stored"]["yearly"] is False
    assert metric["money_yearly"] == pytest.approx(stored.money_yearly)
    assert metric["factors"]["electricity"] == stored.electricity

    imperial = client.get(f"/api/trees/{tree.pk}/ecobenefits?units=imperial").json()
    groups = {g["key"]: g for g in imperial["benefits"]}
    assert groups["stormwater"]["unit"] == "gal"
    assert groups["stormwater"]["amount"] == pytest.approx(stored.stormwater_m3 / 3.785411784e-3)
    assert groups["air_quality"]["unit"] == "lb"
    assert groups["air_quality"]["amount"] == pytest.approx(stored.air_quality_kg / 0.45359237)
    assert groups["energy"]["money"] == pytest.approx(stored.money_energy)


def test_tree_not_yet_stored_is_computed_for_the_answer(itree, plant, client):
    tree = plant("JAMI", "30")
    body = client.get(f"/api/trees/{tree.pk}/ecobenefits").json()
    assert body["status"] == "ok" and body["stored"] is False
    # Nothing computed is stored: the tree only has the empty row that counts it as pending.
    assert list(TreeBenefit.objects.values_list("tree_id", "status")) == [(tree.pk, "")]


def test_tree_without_dbh_says_why(itree, plant, client):
    tree = plant("JAMI", None)
    body = client.get(f"/api/trees/{tree.pk}/ecobenefits", HTTP_ACCEPT_LANGUAGE="en").json()
    assert body["status"] == "missing_dbh"
    assert body["benefits"] == [] and body["money_yearly"] is None
    assert "trunk diameter" in body["message"]


@pytest.mark.parametrize(
    ("language", "message"),
    [("en", "There is no tree 999999."), ("es-MX", "No existe el árbol 999999.")],
)
def test_unknown_tree_in_both_languages(itree, client, language, message):
    response = client.get("/api/trees/999999/ecobenefits", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": message}


@pytest.mark.parametrize(
    ("language", "fragment"),
    [("en", "must be “metric” or “imperial”"), ("es-MX", "debe ser “metric” o “imperial”")],
)
def test_bad_units_in_both_languages(itree, client, language, fragment):
    response = client.get("/api/trees/ecobenefits?units=furlongs", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_units"
    assert fragment in response.json()["message"]


def test_summary_counts_and_totals_for_a_filter(itree, plant, zapopan, client):
    a, b = plant("JAMI", "30"), plant("FRUH", "45")
    plant("JAMI", None)
    plant("JAMI", "50", municipality=zapopan)
    results.recompute_all()
    body = client.get("/api/trees/ecobenefits?municipality=14039", HTTP_ACCEPT_LANGUAGE="en").json()
    assert body["totals"]["total"] == 3 and body["totals"]["computed"] == 2
    assert body["totals"]["not_computed"] == {"missing_dbh": 1}
    assert body["note"] == "Computed for 2 of 3 trees."
    # The overall total is named as such, never as an unknown species; so are trees without one.
    assert body["totals"]["key"] == "all"
    assert body["totals"]["label"] == "All the trees that match the filters"
    expected = sum(TreeBenefit.objects.get(tree=t).money_yearly for t in (a, b))
    assert body["totals"]["money_yearly"] == pytest.approx(expected)
    assert [m["key"] for m in body["by_municipality"]] == ["14039"]
    assert {s["key"] for s in body["by_species"]} == {"JAMI", "FRUH"}


def test_summary_reuses_the_tree_list_filter_errors(itree, client):
    response = client.get("/api/trees/ecobenefits?dbh_min=abc", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_input"
    assert "must be a number" in response.json()["message"]


@pytest.mark.parametrize(
    ("language", "fragment"),
    [("en", "i-Tree Streets tables are not installed"), ("es-MX", "no están instaladas")],
)
def test_missing_data_says_how_to_install(no_itree, plant, client, language, fragment):
    tree = plant("JAMI", "30")
    for url in (f"/api/trees/{tree.pk}/ecobenefits", "/api/trees/ecobenefits"):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 503
        assert response.json()["code"] == "itree_data_missing"
        assert fragment in response.json()["message"]
        assert "METROPOLI_ITREE_DIR" in response.json()["message"]


def test_summary_labels_in_spanish(itree, plant, client):
    plant("JAMI", "30")
    tree = plant("JAMI", "20")
    tree.species = None
    tree.save(update_fields=["species"])
    results.recompute_all()
    body = client.get("/api/trees/ecobenefits", HTTP_ACCEPT_LANGUAGE="es-MX").json()
    assert body["totals"]["label"] == "Todos los árboles que cumplen los filtros"
    labels = {s["key"]: s["label"] for s in body["by_species"]}
    assert labels == {"JAMI": "Jacaranda (Jacaranda mimosifolia)", "unknown": "Especie desconocida"}
