import mapbox_vector_tile
import pytest
from django.test import Client

from metropoli.maps.tiles import tile_for_lonlat
from metropoli.trees import services

from .factories import GDL, ZAP, make_tree

pytestmark = pytest.mark.django_db


def tile_url(z, lonlat=GDL) -> str:
    t = tile_for_lonlat(*lonlat, z)
    return f"/tiles/trees/{t.z}/{t.x}/{t.y}.pbf"


def tile(z, lonlat=GDL, query=""):
    response = Client().get(tile_url(z, lonlat) + query)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/vnd.mapbox-vector-tile"
    return mapbox_vector_tile.decode(response.content) if response.content else {}


def counts(decoded) -> int:
    return sum(f["properties"]["count"] for f in decoded.get("cells", {}).get("features", []))


@pytest.fixture
def forest(municipalities):
    near = (GDL[0] + 0.0003, GDL[1] + 0.0002)
    return {
        "a": make_tree(None, dbh_cm=10, condition="good"),
        "b": make_tree(None, at=near, species_code="FRUH", dbh_cm=60, condition="poor"),
        "c": make_tree(None, at=ZAP, dbh_cm=25),
    }


def test_single_trees_from_zoom_14(forest):
    decoded = tile(16)
    features = decoded["trees"]["features"]
    assert {f["id"] for f in features} == {forest["a"].pk, forest["b"].pk}
    by_id = {f["id"]: f["properties"] for f in features}
    assert by_id[forest["a"].pk] == {
        "species": "JAMI",
        "condition": "good",
        "dbh": 10.0,
        "validation": "submitted",
    }
    assert "cells" not in decoded


def test_counts_per_cell_below_zoom_14(forest):
    decoded = tile(8)
    assert "trees" not in decoded
    assert counts(decoded) == 3
    assert counts(tile(13)) == 2  # Zapopan's tree is in another tile at zoom 13


def test_cells_follow_adds_moves_and_removals(forest, django_capture_on_commit_callbacks):
    # Tiles are cached by the layer's version, which moves when each write commits.
    assert counts(tile(8)) == 3
    assert counts(tile(12)) == 2
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_tree(tree=forest["c"], deleted_by=None)
    assert counts(tile(8)) == 2
    with django_capture_on_commit_callbacks(execute=True):
        services.update_tree(
            tree=forest["a"], changed_by=None, changes={"lon": -103.15, "lat": 20.52}
        )
    assert counts(tile(12)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        make_tree(None, dbh_cm=5)
    assert counts(tile(12)) == 2


def test_cached_tiles_change_with_the_data(forest, django_capture_on_commit_callbacks):
    first = Client().get(tile_url(16))
    assert first.status_code == 200 and first["ETag"]
    again = Client().get(tile_url(16), headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304 and again.content == b""
    with django_capture_on_commit_callbacks(execute=True):
        services.update_tree(tree=forest["a"], changed_by=None, changes={"condition": "dead"})
    changed = Client().get(tile_url(16), headers={"If-None-Match": first["ETag"]})
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]
    decoded = mapbox_vector_tile.decode(changed.content)
    by_id = {f["id"]: f["properties"] for f in decoded["trees"]["features"]}
    assert by_id[forest["a"].pk]["condition"] == "dead"
    # Filters are part of the key: a filtered tile is not the unfiltered one.
    filtered = Client().get(tile_url(16) + "?condition=poor")
    assert filtered["ETag"] != changed["ETag"]
    assert {f["id"] for f in mapbox_vector_tile.decode(filtered.content)["trees"]["features"]} == {
        forest["b"].pk
    }


def test_a_change_in_an_uncommitted_transaction_keeps_the_version(forest):
    from metropoli.maps import versions

    before = versions.current("trees")
    services.update_tree(tree=forest["a"], changed_by=None, changes={"condition": "dead"})
    assert versions.current("trees") == before  # moves only when the transaction commits


def test_filters_apply_to_points_and_cells(forest):
    assert {f["id"] for f in tile(16, query="?species=FRUH")["trees"]["features"]} == {
        forest["b"].pk
    }
    assert counts(tile(8, query="?municipality=14120")) == 1  # stored cells
    assert counts(tile(8, query="?dbh_min=20")) == 2  # counted on the fly
    assert counts(tile(8, query="?condition=poor&municipality=14039")) == 1
    assert tile(16, query="?validation_state=validated") == {}


def test_bad_filter_is_a_clear_400(municipalities):
    response = Client().get(
        "/tiles/trees/10/100/100.pbf?dbh_min=big", headers={"Accept-Language": "en"}
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_filter"
    assert "dbh_min" in response.json()["message"]


def test_a_dense_tile_at_zoom_14_or_15_shows_cells_and_zoom_16_single_trees(forest, monkeypatch):
    """A city centre with a full census: more than cells.DENSE_TILE_TREES trees in a zoom-14 or
    15 tile would be a blot of dots and megabytes on a phone; the tile carries cells instead."""
    from metropoli.trees import cells

    assert "trees" in tile(14) and "cells" not in tile(14)  # two trees: not dense
    monkeypatch.setattr(cells, "DENSE_TILE_TREES", 1)
    for z in (14, 15):
        decoded = tile(z)
        assert "trees" not in decoded
        assert counts(decoded) == 2
        # The other filters thin the cells out (counted on the fly)...
        assert counts(tile(z, query="?species=FRUH")) == 1
        assert counts(tile(z, query="?since=2000-01-01&condition=poor")) == 1
        # ...the municipality filter counts: Zapopan's tree alone is not dense.
        assert "trees" in tile(z, lonlat=ZAP, query="?municipality=14120")
    # Zoom 16 always shows every tree.
    assert {f["id"] for f in tile(16)["trees"]["features"]} == {forest["a"].pk, forest["b"].pk}


QUERIES = [
    "species=unknown",
    "species=unknown,FRUH",
    "species=FRUH,JAMI&condition=good,poor",
    "validation_state=submitted,validated",
    "dbh_min=0.05&dbh_max=99999999",
    "dbh_min=-1e9",
    "since=2000-01-01&until=2999-12-31",
    "recorded_by=999999999999999999",
    "municipality=14039,14120&condition=poor",
]


@pytest.mark.parametrize("query", QUERIES)
def test_every_filter_kind_in_every_statement_counts_what_the_api_selects(
    forest, monkeypatch, query
):
    """Each branch of the layer (points, dense cells, stored cells, live cells) with server-side
    parameters of every filter type (lists, empty lists, decimals, dates, big integers) gives the
    trees the API's own filter selects (decision 0099)."""
    from django.http import QueryDict

    from metropoli.trees import cells
    from metropoli.trees.filters import parse
    from metropoli.trees.selectors import filter_trees

    expected = set(filter_trees(parse(QueryDict(query))).values_list("pk", flat=True))
    for _ in range(6):  # past the runs after which the statement is prepared
        points = tile(16, query=f"?{query}").get("trees", {}).get("features", [])
        assert {f["id"] for f in points} == expected - {forest["c"].pk}
        assert counts(tile(8, query=f"?{query}")) == len(expected)  # stored or live cells
    monkeypatch.setattr(cells, "DENSE_TILE_TREES", 0)
    assert counts(tile(14, query=f"?{query}")) == len(expected - {forest["c"].pk})


@pytest.mark.parametrize("z", [8, 12, 14, 16])
def test_each_feature_is_placed_in_the_tile_once(forest, z):
    """ST_AsMVT skips a NULL geometry by itself: a `WHERE geom IS NOT NULL` after the CTE was
    pushed into the scan as a filter and ran ST_AsMVTGeom twice per tree or cell (a fifth to a
    third of a tile's time). No statement filters on it."""
    from django.db import connection

    from metropoli.trees.selectors import TreeFilters
    from metropoli.trees.tiles import TreesLayer

    sql, params = TreesLayer().postgis_query(tile_for_lonlat(*GDL, z), TreeFilters())
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (VERBOSE) " + sql, params)
        plan = [row[0].strip().lower() for row in cursor.fetchall()]
    assert any("st_asmvtgeom(" in line for line in plan)
    assert not [line for line in plan if line.startswith("filter:") and "st_asmvtgeom(" in line]
