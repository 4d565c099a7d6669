"""The map points (what a tile draws) follow every write to sites, trees and species."""

import mapbox_vector_tile
import pytest
from django.db import connection
from django.http import QueryDict

from metropoli.maps.tiles import tile_for_lonlat
from metropoli.trees import mappoints, services
from metropoli.trees.models import Species, Tree, TreeMapPoint
from metropoli.trees.tiles import TreesLayer

from .factories import GDL, ZAP, make_tree

pytestmark = pytest.mark.django_db


def expected() -> dict[int, tuple]:
    return {
        t.pk: (
            t.site.municipality_id,
            t.species_id,
            t.species.code if t.species_id else "",
            t.condition,
            t.dbh_cm,
            t.validation_state,
            round(t.site.location.transform(3857, clone=True).x, 3),
            round(t.site.location.transform(3857, clone=True).y, 3),
        )
        for t in Tree.objects.select_related("site", "species")
    }


def drawn() -> dict[int, tuple]:
    return {
        p.tree_id: (
            p.municipality_id,
            p.species_id,
            p.species_code,
            p.condition,
            p.dbh_cm,
            p.validation_state,
            round(p.geom.x, 3),
            round(p.geom.y, 3),
        )
        for p in TreeMapPoint.objects.all()
    }


def test_points_follow_adds_edits_moves_renames_and_removals(municipalities):
    a = make_tree(None, dbh_cm=10, condition="good")
    b = make_tree(None, at=ZAP, species_code="FRUH", dbh_cm=60)
    c = make_tree(None, species_code=None, dbh_cm=None)
    assert drawn() == expected() and len(drawn()) == 3
    services.update_tree(tree=a, changed_by=None, changes={"dbh_cm": "12.5", "condition": "poor"})
    services.update_tree(tree=b, changed_by=None, changes={"lon": -103.30, "lat": 20.60})
    services.update_tree(tree=c, changed_by=None, changes={"species_code": "JAMI"})
    services.set_validation_state(tree=a, state="validated", changed_by=None)
    jacaranda = Species.objects.get(code="JAMI")
    jacaranda.code = "JAMI2"
    jacaranda.save()
    assert drawn() == expected()
    assert drawn()[c.pk][2] == "JAMI2"
    services.delete_tree(tree=b, deleted_by=None)
    assert drawn() == expected() and b.pk not in drawn()


def test_rebuild_after_bulk_loads_draws_every_tree(municipalities):
    make_tree(None)
    TreeMapPoint.objects.all().delete()
    assert mappoints.rebuild() == 1
    assert drawn() == expected()


def render(sql: str, params: list) -> dict:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        body = bytes(cursor.fetchone()[0])
    return mapbox_vector_tile.decode(body) if body else {}


def test_map_points_tile_equals_the_joined_query(municipalities):
    make_tree(None, dbh_cm=10, condition="good")
    make_tree(None, at=(GDL[0] + 0.0003, GDL[1]), species_code="FRUH", dbh_cm=60)
    make_tree(None, at=(GDL[0], GDL[1] + 0.0003), species_code=None, dbh_cm=None)
    layer = TreesLayer()
    tile = tile_for_lonlat(*GDL, 16)
    for query in ("", "species=FRUH", "species=unknown", "dbh_min=20", "condition=good"):
        filters = layer.parse_filters(QueryDict(query))
        results = []
        for sql, params in (
            layer._map_points_sql(tile, filters),
            layer._joined_points_sql(tile, filters),
        ):
            decoded = render(sql, params)
            results.append(
                sorted(
                    (f["id"], tuple(sorted(f["properties"].items())), str(f["geometry"]))
                    for f in decoded.get("trees", {}).get("features", [])
                )
            )
        assert results[0] == results[1], query
        assert query or len(results[0]) == 3


def test_cells_counted_from_map_points_equal_the_joined_count(municipalities):
    make_tree(None, dbh_cm=10, condition="good")
    make_tree(None, at=(GDL[0] + 0.01, GDL[1]), species_code="FRUH", dbh_cm=60)
    make_tree(None, at=ZAP, species_code=None, dbh_cm=None, condition="good")
    layer = TreesLayer()
    for z in (6, 9, 12):
        tile = tile_for_lonlat(*GDL, z)
        for query in ("species=FRUH", "condition=good", "dbh_min=5"):
            filters = layer.parse_filters(QueryDict(query))
            results = []
            for sql, params in (
                layer._map_point_cells_sql(tile, filters),
                layer._joined_cells_sql(tile, filters),
            ):
                decoded = render(sql, params)
                results.append(
                    sorted(
                        (f["properties"]["count"], str(f["geometry"]))
                        for f in decoded.get("cells", {}).get("features", [])
                    )
                )
            assert results[0] == results[1], (z, query)
            assert results[0], (z, query)
