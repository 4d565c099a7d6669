"""Items pages cut from the selection's matches, pages of a dense box read from the map points'
(geom, id) index, and pages walked in key order give the same features and links; numberMatched
only when it was cheap to know (decisions 0085 and 0096).

The caps are lowered so that a handful of trees makes a box "dense"."""

import json
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from metropoli.ogc import paging
from metropoli.ogc.registry import Trees

from .conftest import GDL_BOX, GDL_POINTS, ZAP_POINTS

pytestmark = pytest.mark.django_db

ALL_BOX = "-103.40,20.60,-103.30,20.75"
ZAP_BOX = "-103.40,20.70,-103.38,20.73"


def page(client, path):
    response = client.get(path)
    assert response.status_code == 200, response.content
    return json.loads(response.content)


def local(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + ("?" + parts.query if parts.query else "")


def follow(client, path, rel):
    """Every page from `path` on, following `rel` links: [(ids, numberMatched)]."""
    seen = []
    while path:
        found = page(client, path)
        seen.append(([f["id"] for f in found["features"]], found.get("numberMatched")))
        links = [item for item in found["links"] if item["rel"] == rel]
        path = local(links[0]["href"]) if links else None
    return seen


@pytest.fixture
def dense(monkeypatch):
    """Caps of three: more than three matches make a selection dense."""
    monkeypatch.setattr(paging, "COUNT_LIMIT", 3)
    monkeypatch.setattr(paging, "MAX_KEYS", 3)


def test_a_dense_box_is_walked_in_id_order_and_not_counted(client, trees, dense):
    ids = sorted(t.pk for t in trees)
    walked = follow(client, f"/ogc/collections/trees/items?bbox={ALL_BOX}&limit=3", "next")
    assert [i for ids_, _ in walked for i in ids_] == ids
    assert {matched for _, matched in walked} == {None}
    # A box of three is not dense: counted, and cut from its matches.
    small = page(client, f"/ogc/collections/trees/items?bbox={ZAP_BOX}")
    assert small["numberMatched"] == small["numberReturned"] == len(ZAP_POINTS)
    # Filters count, not the sites of the box: five in Guadalajara's box, two of them jacarandas.
    jacarandas = page(client, f"/ogc/collections/trees/items?bbox={GDL_BOX}&species=JAMI")
    assert "numberMatched" not in jacarandas  # the box holds five sites: dense
    assert len(jacarandas["features"]) == 2


PATHS = [
    "/ogc/collections/trees/items?limit=3",
    f"/ogc/collections/trees/items?bbox={ALL_BOX}&limit=2",
    f"/ogc/collections/trees/items?bbox={GDL_BOX}&limit=2&offset=1",
    f"/ogc/collections/trees/items?bbox={GDL_BOX}&species=FRUH&limit=1",
    f"/ogc/collections/trees/items?bbox={ALL_BOX}&offset=500",
    f"/ogc/collections/trees/items?bbox={ALL_BOX}&offset=3&limit=2",
    f"/ogc/collections/trees/items?bbox={ALL_BOX}&datetime=2025-03-02/2025-03-07&limit=2",
    f"/ogc/collections/trees/items?bbox={ALL_BOX}&condition=good&species=JAMI,FRUH&limit=2",
    "/ogc/collections/trees/items?bbox=-180,-90,180,90&limit=3",
    # West of east: two boxes across the antimeridian, every tree but a strip of Zapopan's.
    "/ogc/collections/trees/items?bbox=-103.39,-90,-103.3915,90&limit=2",
    "/ogc/collections/planting-sites/items?limit=3",
    "/ogc/collections/municipalities/items?limit=4",
]


@pytest.mark.parametrize("path", PATHS)
def test_pages_cut_from_the_matches_are_those_of_the_walk(client, trees, path, monkeypatch):
    def walk_both_ways():
        forward = follow(client, path, "next")
        last = page(client, path)
        while nxt := [item for item in last["links"] if item["rel"] == "next"]:
            last = page(client, local(nxt[0]["href"]))
        backward = follow(client, local(last["links"][0]["href"]), "prev")
        return [ids for ids, _ in forward], [ids for ids, _ in backward], forward[0][1]

    cut, cut_back, counted = walk_both_ways()
    monkeypatch.setattr(paging, "COUNT_LIMIT", 1)
    monkeypatch.setattr(paging, "MAX_KEYS", 1)
    indexed, indexed_back, not_counted = walk_both_ways()
    monkeypatch.setattr(Trees, "keys_in_order", lambda self, values, boxes: None)
    walked, walked_back, _ = walk_both_ways()
    assert (cut, cut_back) == (indexed, indexed_back) == (walked, walked_back)
    assert counted is not None and not_counted is None
    if "trees" in path and "offset=500" not in path:
        assert sorted(i for ids in cut for i in ids) == sorted(set(i for ids in cut for i in ids))


def test_a_sparse_box_never_orders_the_joined_rows_by_id(client, trees):
    """The slow tail of decision 0085: the bbox and ORDER BY id in one statement let PostgreSQL
    walk the id index testing every tree's site. A box under the cap reads its matches first,
    then the page's rows by id."""
    with CaptureQueriesContext(connection) as queries:
        found = page(client, f"/ogc/collections/trees/items?bbox={GDL_BOX}&limit=2")
    assert found["numberMatched"] == len(GDL_POINTS)
    ids = ", ".join(str(f["id"]) for f in found["features"])
    spatial = [q["sql"] for q in queries.captured_queries if " && " in q["sql"]]
    ordered = [sql for sql in spatial if "ORDER BY" in sql]
    assert len(spatial) == 3  # the sites in the box, the trees' ids, the page's rows
    assert len(ordered) == 1 and f'"trees_tree"."id" IN ({ids})' in ordered[0]


def test_a_dense_box_of_trees_reads_its_page_from_the_index_not_the_id_walk(
    client, trees, dense, monkeypatch
):
    """The slow tail of a district at a million trees (decision 0096): walking the ids from the
    first tree on tested every tree's site until the district's trees came (0.3–1.3 s). The
    page's ids come from the map points' (geom, id) index, nearest the cursor first, in batches
    checked against the whole selection: here a date filter the index does not hold."""
    path = f"/ogc/collections/trees/items?bbox={ALL_BOX}&limit=2&datetime=2025-03-04/.."
    with CaptureQueriesContext(connection) as queries:
        found = page(client, path)
    expected = sorted(t.pk for t in trees)[3:5]
    assert [f["id"] for f in found["features"]] == expected
    assert "numberMatched" not in found
    sqls = [q["sql"] for q in queries.captured_queries]
    assert any("<->" in sql and "trees_treemappoint" in sql for sql in sqls)
    assert not any('ORDER BY "trees_tree"."id" ASC LIMIT' in sql for sql in sqls)
    # Too many keys failing a filter the index does not hold: the walk answers, the same page.
    monkeypatch.setattr(paging, "MAX_INDEX_KEYS", 1)
    with CaptureQueriesContext(connection) as queries:
        walked = page(client, path)
    assert walked["features"] == found["features"]
    assert any('ORDER BY "trees_tree"."id" ASC LIMIT' in q["sql"] for q in queries.captured_queries)
