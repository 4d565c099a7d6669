"""Bulk loads (synthetic forest, inventory import) through a staging table, with the tables'
indexes and keys set aside while a large load writes (docs/decisions/0086-bulk-tree-loads.md)."""

import pytest
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.db import connection

from metropoli.benefits.models import TreeBenefit
from metropoli.common.history import ChangeRecord
from metropoli.trees import inventory, services, synthetic
from metropoli.trees.models import Tree, TreeCell, TreeMapPoint

from .factories import GDL, ZAP, fresno, jacaranda


@pytest.fixture
def catalogue(municipalities):
    jacaranda()
    fresno()


def schema() -> list[tuple]:
    """Every index and constraint of the tables a bulk load writes, as the catalogue says."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT tablename, indexname, indexdef FROM pg_indexes
            WHERE tablename IN ('trees_plantingsite', 'trees_tree', 'trees_treemappoint')
            UNION ALL
            SELECT conrelid::regclass::text, conname,
                   pg_get_constraintdef(oid) || condeferrable::text || condeferred::text
            FROM pg_constraint
            WHERE conrelid::regclass::text IN
                  ('trees_plantingsite', 'trees_tree', 'trees_treemappoint')
            ORDER BY 1, 2, 3
            """
        )
        return cursor.fetchall()


def cells() -> list[tuple]:
    return sorted(TreeCell.objects.values_list("level", "x", "y", "municipality_id", "count"))


def test_synth_sets_aside_and_restores_every_index_and_key(municipalities):
    before = schema()
    assert any("gist" in row[2] for row in before) and any("FOREIGN" in row[2] for row in before)
    synthetic.synthesize(count=3_000, seed=5)
    assert schema() == before
    assert Tree.objects.filter(source="synthetic").count() == TreeMapPoint.objects.count() == 3000
    with connection.cursor() as cursor:
        # Map points computed by numpy land where PostGIS would put them.
        cursor.execute(
            "SELECT max(ST_Distance(m.geom, ST_Transform(s.location, 3857)))"
            " FROM trees_treemappoint m JOIN trees_tree t ON t.id = m.tree_id"
            " JOIN trees_plantingsite s ON s.id = t.site_id"
        )
        assert cursor.fetchone()[0] < 0.001
        cursor.execute(
            "SELECT count(*) FROM trees_tree t JOIN trees_treemappoint m ON m.tree_id = t.id"
            " WHERE m.dbh_cm IS DISTINCT FROM t.dbh_cm OR m.condition <> t.condition"
        )
        assert cursor.fetchone()[0] == 0
    counted = cells()
    services.rebuild_cells()
    assert cells() == counted  # the cells the load added are those a recount finds


def test_a_small_synth_into_a_larger_table_keeps_the_indexes(municipalities):
    synthetic.synthesize(count=500, seed=1)
    before = schema()
    synthetic.synthesize(count=100, seed=2)  # fewer than the trees there: written in place
    assert schema() == before
    assert Tree.objects.count() == 600
    assert sum(TreeCell.objects.filter(level=3).values_list("count", flat=True)) == 600


def csv_file(tmp_path, rows: list[str]):
    path = tmp_path / "inventario.csv"
    path.write_text("lon,lat,species,dbh_cm\n" + "".join(rows), encoding="utf-8")
    return path


def test_a_large_import_writes_everything_and_restores_the_schema(catalogue, tmp_path, guadalajara):
    before = schema()
    rows = [f"{GDL[0] + n * 1e-5},{GDL[1]},JAMI,{10 + n % 50}\n" for n in range(1500)]
    report = inventory.import_trees(path=csv_file(tmp_path, rows), municipality=guadalajara)
    assert (report.rows, report.imported, report.error_count) == (1500, 1500, 0)
    assert schema() == before
    trees = Tree.objects.filter(source="import")
    assert trees.count() == TreeMapPoint.objects.count() == 1500
    assert set(trees.values_list("site__municipality", flat=True)) == {guadalajara.pk}
    assert ChangeRecord.objects.filter(action="create").count() == 1500
    first = trees.order_by("pk").first()
    record = ChangeRecord.objects.get(object_id=first.pk)
    assert record.content_type.model_class() is Tree
    assert record.changes == [{"field": "import", "old": "", "new": "inventario.csv:2"}]
    assert first.dbh_cm == 10
    # Each new tree waits for its eco-benefits with an empty row (counted as pending).
    assert TreeBenefit.objects.filter(in_rollup=False, status="").count() == 1500
    counted = cells()
    services.rebuild_cells()
    assert cells() == counted


@pytest.fixture
def boundaries(guadalajara, zapopan):
    """Official boundaries: two boxes, one around each seat; the rest is outside."""
    for municipality, (lon, lat) in ((guadalajara, GDL), (zapopan, ZAP)):
        box = Polygon.from_bbox((lon - 0.02, lat - 0.02, lon + 0.02, lat + 0.02))
        municipality.boundary = MultiPolygon(box, srid=4326)
        municipality.save()


def test_with_boundaries_each_row_is_checked_against_its_municipality(
    catalogue, tmp_path, guadalajara, boundaries
):
    path = csv_file(
        tmp_path,
        [
            f"{GDL[0]},{GDL[1]},JAMI,30\n",
            f"{ZAP[0]},{ZAP[1]},JAMI,30\n",
            f"{GDL[0]},{GDL[1]},NOPE,30\n",
            "-103.9,20.1,JAMI,30\n",
            f"{GDL[0] + 0.001},{GDL[1]},FRUH,20\n",
        ],
    )
    report = inventory.import_trees(path=path, municipality=guadalajara)
    assert [(e.line, e.column) for e in report.errors] == [
        (3, "lon/lat"),
        (4, "species"),
        (5, "lon/lat"),
    ]
    assert "Zapopan" in report.errors[0].reason and "Guadalajara" in report.errors[0].reason
    assert "outside" in report.errors[2].reason or "fuera" in report.errors[2].reason
    assert not report.written and Tree.objects.count() == 0  # all or nothing
    report = inventory.import_trees(path=path, municipality=guadalajara, partial=True)
    assert (report.imported, report.error_count) == (2, 3)
    assert Tree.objects.count() == TreeMapPoint.objects.count() == 2
