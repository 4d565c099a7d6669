"""One filter declaration (trees/filters.py): the tree list, the map tiles, the OGC items and
the eco-benefit summary select the same trees for any filter, and refuse the same bad ones."""

from datetime import timedelta
from decimal import Decimal

import mapbox_vector_tile
import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from metropoli.accounts.tests.factories import UserFactory
from metropoli.maps.tiles import tile_for_lonlat
from metropoli.trees import services as tree_services
from metropoli.trees.filters import NAMES
from metropoli.trees.tests.factories import fresno, jacaranda

pytestmark = pytest.mark.django_db

GDL = (-103.3475, 20.6767)
ZAP = (-103.3918, 20.7214)
# (place, lon offset, lat offset, species, dbh, condition, validation state, recorder)
PLANTED = [
    (GDL, 0.0000, 0.0000, "JAMI", "10", "good", "submitted", 0),
    (GDL, 0.0010, 0.0005, "FRUH", "45.5", "poor", "validated", 1),
    (GDL, 0.0020, -0.0010, None, None, "unknown", "submitted", None),
    (GDL, -0.0015, 0.0012, "JAMI", "80", "fair", "needs_correction", 0),
    (GDL, 0.0025, 0.0020, "FRUH", "30", "dead", "rejected", None),
    (ZAP, 0.0000, 0.0000, "JAMI", "25", "good", "validated", 1),
    (ZAP, 0.0012, -0.0008, None, "60", "fair", "submitted", 0),
    (ZAP, -0.0010, 0.0015, "FRUH", None, "good", "submitted", None),
]
BOXES = [
    "-103.36,20.66,-103.34,20.69",
    "-103.349,20.675,-103.346,20.678",
    "-103.40,20.70,-103.30,20.73",
    "-104,20,-103,21",
]


def _subset(values):
    return st.lists(st.sampled_from(values), min_size=1, max_size=3, unique=True).map(",".join)


def queries(recorders: list[int]):
    today = timezone.localdate()
    days = [today - timedelta(days=400), today - timedelta(days=1), today, today + timedelta(1)]
    dbh = st.one_of(st.none(), st.decimals(0, 100, places=2).map(str))
    return st.fixed_dictionaries(
        {},
        optional={
            "bbox": st.sampled_from(BOXES),
            "municipality": _subset(["14039", "14120", "14098"]),
            "species": _subset(["JAMI", "FRUH", "unknown"]),
            "condition": _subset(["good", "fair", "poor", "dead", "unknown"]),
            "validation_state": _subset(["submitted", "validated", "needs_correction"]),
            "dbh_min": dbh,
            "dbh_max": dbh,
            "recorded_by": st.sampled_from(recorders).map(str),
            "since": st.sampled_from(days).map(str),
            "until": st.sampled_from(days).map(str),
        },
    ).map(lambda q: {k: v for k, v in q.items() if v is not None})


def _plant():
    jacaranda(), fresno()
    people = [UserFactory(), UserFactory()]
    trees = {}
    for place, dx, dy, code, dbh, condition, state, who in PLANTED:
        tree = tree_services.register_tree(
            lon=place[0] + dx,
            lat=place[1] + dy,
            recorded_by=None if who is None else people[who],
            species_code=code,
            dbh_cm=dbh,
            condition=condition,
        ).tree
        if state != "submitted":
            tree_services.set_validation_state(tree=tree, state=state, changed_by=None)
        trees[tree.pk] = (place[0] + dx, place[1] + dy)
    return people, trees


def _inside(box: str, lon: float, lat: float) -> bool:
    west, south, east, north = (float(v) for v in box.split(","))
    return west <= lon <= east and south <= lat <= north


def _selected(client, query: dict, trees: dict) -> dict[str, object]:
    """What each edge selects: ids for the list and the tiles, counts for cells and sums."""
    listed = client.get("/api/trees/", {**query, "page_size": 1000})
    assert listed.status_code == 200, listed.json()
    ids = {f["id"] for f in listed.json()["features"]}
    without_box = {k: v for k, v in query.items() if k != "bbox"}
    drawn = set()
    for tile in {tile_for_lonlat(*trees[pk], 16) for pk in trees}:
        response = client.get(f"/tiles/trees/{tile.z}/{tile.x}/{tile.y}.pbf", query)
        assert response.status_code == 200
        decoded = mapbox_vector_tile.decode(response.content) if response.content else {}
        drawn |= {f["id"] for f in decoded.get("trees", {}).get("features", [])}
    # A tile is its own box: the query's bbox is the map's view, applied here by hand.
    box = query.get("bbox")
    drawn = {pk for pk in drawn if box is None or _inside(box, *trees[pk])}
    low = tile_for_lonlat(*GDL, 8)
    cells = client.get(f"/tiles/trees/8/{low.x}/{low.y}.pbf", without_box)
    decoded = mapbox_vector_tile.decode(cells.content) if cells.content else {}
    counted = sum(f["properties"]["count"] for f in decoded.get("cells", {}).get("features", []))
    summary = client.get("/api/trees/ecobenefits", query)
    assert summary.status_code == 200, summary.json()
    ogc = None
    # OGC publishes no recorder and has its own time filter (datetime): the rest must agree.
    if not {"recorded_by", "since", "until"} & set(query):
        answer = client.get("/ogc/collections/trees/items", {**query, "limit": 1000})
        assert answer.status_code == 200, answer.content
        ogc = {f["id"] for f in answer.json()["features"]}
    return {
        "list": ids,
        "tiles": drawn,
        "ogc": ogc,
        "cells": counted,
        "summary": summary.json()["totals"]["total"],
        "listed_without_box": client.get("/api/trees/", without_box).json()["count"],
    }


def test_every_edge_selects_the_same_trees_for_any_filter(itree, municipalities):
    people, trees = _plant()
    client = Client()

    @settings(
        max_examples=40,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(query=queries([p.pk for p in people]))
    def check(query):
        dbh = [Decimal(query[k]) for k in ("dbh_min", "dbh_max") if k in query]
        if len(dbh) == 2 and dbh[0] > dbh[1]:
            assert client.get("/api/trees/", query).status_code == 400
            return
        seen = _selected(client, query, trees)
        assert seen["tiles"] == seen["list"], query
        assert seen["summary"] == len(seen["list"]), query
        assert seen["cells"] == seen["listed_without_box"], query
        assert seen["ogc"] in (None, seen["list"]), query

    check()


@pytest.mark.parametrize(
    ("query", "english", "spanish"),
    [
        ("dbh_min=big", "dbh_min must be a number.", "dbh_min debe ser un número."),
        ("condition=great", "Unknown condition: great.", "Condición desconocida: great."),
        ("since=ayer", "since must be a date like 2025-03-31.", "since debe ser una fecha"),
        ("municipality=99999", "Unknown municipality code: 99999.", "Clave de municipio"),
        ("dbh_min=9&dbh_max=1", "dbh_min cannot be larger than dbh_max.", "no puede ser mayor"),
    ],
)
def test_every_edge_refuses_a_bad_filter_in_the_same_words(
    itree, municipalities, query, english, spanish
):
    client = Client()
    for language, words in (("en", english), ("es-MX", spanish)):
        headers = {"Accept-Language": language}
        for url, code in (
            ("/api/trees/", "invalid_input"),
            ("/api/trees/export", "invalid_input"),
            ("/api/trees/ecobenefits", "invalid_input"),
            ("/tiles/trees/8/50/114.pbf", "invalid_filter"),
        ):
            response = client.get(f"{url}?{query}", headers=headers)
            assert response.status_code == 400, url
            assert response.json()["code"] == code, url
            assert words in response.json()["message"], url
        page = client.get(f"/arbol/?{query}", headers=headers)
        assert page.status_code == 200 and words in page.content.decode()
        summary_page = client.get(f"/arbol/beneficios/?{query}", headers=headers)
        assert summary_page.status_code == 400 and words in summary_page.content.decode()


def test_the_api_documents_the_declared_filters_on_every_filtered_operation(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in ("/api/trees/", "/api/trees/export", "/api/trees/ecobenefits"):
        documented = {p["name"]: p for p in paths[path]["get"]["parameters"]}
        assert set(NAMES) <= set(documented), path
        assert all(documented[name].get("description") for name in NAMES), path
        assert documented["dbh_min"]["schema"]["anyOf"][0]["type"] == "number"
        assert documented["since"]["schema"]["anyOf"][0]["format"] == "date"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("dbh_min=45.45", {"45.5", "80", "60"}),  # between two tenths: the stored tenths decide
        ("dbh_max=45.49", {"10", "30", "25"}),
        ("dbh_min=1e-200000&dbh_max=1e200000", {"10", "45.5", "80", "30", "25", "60"}),
        ("dbh_min=1e200000", set()),
        ("dbh_max=-1e200000", set()),
    ],
)
def test_any_trunk_diameter_bound_selects_what_it_says(itree, municipalities, query, expected):
    people, trees = _plant()
    client = Client()
    listed = client.get(f"/api/trees/?{query}")
    assert listed.status_code == 200
    assert {
        str(f["properties"]["dbh_cm"]).removesuffix(".0") for f in listed.json()["features"]
    } == expected
    summary = client.get(f"/api/trees/ecobenefits?{query}")
    assert summary.status_code == 200 and summary.json()["totals"]["total"] == len(expected)
    for z, x, y in ((8, 50, 114), (16, 14000, 28900)):
        assert client.get(f"/tiles/trees/{z}/{x}/{y}.pbf?{query}").status_code == 200
    assert client.get(f"/arbol/?{query}").status_code == 200


def test_a_forms_empty_fields_are_no_filter(municipalities):
    _plant()
    empty = "municipality=&validation_state=&dbh_min=&dbh_max=&recorded_by=&since=&until=&bbox="
    client = Client()
    listed = client.get(f"/api/trees/?species=JAMI&condition=good&{empty}")
    assert listed.status_code == 200 and listed.json()["count"] == 2
    page = client.get(
        f"/arbol/?species=JAMI&condition=good&{empty}", headers={"Accept-Language": "en"}
    )
    assert 'id="tree-count" role="status">2 trees<' in page.content.decode()
    assert 'data-query="species=JAMI&amp;condition=good"' in page.content.decode()
