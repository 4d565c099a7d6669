"""Downloads GIS staff open directly (GeoPackage, zipped Shapefile, written by GDAL) and the
TileJSON of our vector tiles. Every file is read back with GDAL or SQLite, not with our code."""

import io
import json
import sqlite3
import subprocess
import zipfile

import mapbox_vector_tile
import pytest

from metropoli.maps.tiles import tile_for_lonlat
from metropoli.ogc import downloads
from metropoli.participation import services as participation
from metropoli.trees.cells import RAW_MIN_ZOOM

from .conftest import GDL_BOX, GDL_POINTS

pytestmark = pytest.mark.django_db


def ogrinfo(*args: str) -> str:
    done = subprocess.run(
        ["ogrinfo", "-ro", *args], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def saved(response, tmp_path, name: str):
    path = tmp_path / name
    path.write_bytes(b"".join(response.streaming_content))
    return path


def test_trees_as_a_geopackage_with_the_filters_of_the_items(client, trees, tmp_path):
    response = client.get(f"/ogc/collections/trees/download.gpkg?bbox={GDL_BOX}&species=FRUH")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geopackage+sqlite3"
    assert 'filename="metropoli-trees.gpkg"' in response["Content-Disposition"]
    path = saved(response, tmp_path, "arboles.gpkg")
    wanted = sorted(
        t.pk
        for t in trees
        if (t.site.location.x, t.site.location.y) in GDL_POINTS and t.species.code == "FRUH"
    )
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT id, species, municipality, dbh_cm FROM trees ORDER BY id")
        assert [(r[0], r[1], r[2], r[3]) for r in rows] == [
            (pk, "FRUH", "14039", 30.0) for pk in wanted
        ]
        assert db.execute("SELECT srs_id FROM gpkg_geometry_columns").fetchall() == [(4326,)]
    summary = ogrinfo("-so", str(path), "trees")
    assert "Geometry: Point" in summary and "recorded_at: DateTime" in summary


def test_trees_as_a_zipped_shapefile_with_short_column_names(client, trees, tmp_path):
    response = client.get("/ogc/collections/trees/download.shp")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    path = saved(response, tmp_path, "arboles.zip")
    with zipfile.ZipFile(path) as archive:
        assert sorted(archive.namelist()) == [
            f"trees.{ext}" for ext in ("cpg", "dbf", "prj", "shp", "shx")
        ]
    summary = ogrinfo("-so", f"/vsizip/{path}/trees.shp", "trees")
    assert f"Feature Count: {len(trees)}" in summary
    assert "muni_code: String" in summary and "sci_name: String" in summary
    assert "GEOGCRS" in summary or "GEOGCS" in summary  # the .prj names WGS 84
    listing = ogrinfo("-q", f"/vsizip/{path}/trees.shp", "trees", "-where", "species = 'JAMI'")
    assert listing.count("OGRFeature(trees)") == 2


def test_contributions_give_one_shapefile_per_kind_of_geometry(client, contributions, tmp_path):
    visible, hidden = contributions
    line = {"type": "LineString", "coordinates": [[-103.355, 20.665], [-103.345, 20.675]]}
    participation.submit_contribution(
        proceeding=visible.proceeding,
        actor=visible.author,
        category_id=visible.category_id,
        text="Una banqueta sin sombra",
        geometry=line,
    )
    path = saved(client.get("/ogc/collections/contributions/download.shp"), tmp_path, "c.zip")
    with zipfile.ZipFile(path) as archive:
        shapes = sorted(n for n in archive.namelist() if n.endswith(".shp"))
    assert shapes == ["contributions_lines.shp", "contributions_points.shp"]
    points = ogrinfo("-so", f"/vsizip/{path}/contributions_points.shp", "contributions_points")
    assert "Feature Count: 1" in points  # the hidden one is not there
    assert "fb_status: String" in points
    lines = ogrinfo("-so", f"/vsizip/{path}/contributions_lines.shp", "contributions_lines")
    assert "Geometry: Line String" in lines and "Feature Count: 1" in lines
    # A GeoPackage layer takes both kinds.
    gpkg = saved(client.get("/ogc/collections/contributions/download.gpkg"), tmp_path, "c.gpkg")
    with sqlite3.connect(gpkg) as db:
        texts = [r[0] for r in db.execute("SELECT text FROM contributions ORDER BY id")]
    assert texts == ["Faltan árboles en esta calle", "Una banqueta sin sombra"]


def test_downloads_are_refused_in_words(client, trees, monkeypatch):
    response = client.get("/ogc/collections/trees/download.gpkg?bbox=1,2,3")
    assert response.status_code == 400 and json.loads(response.content)["code"] == "invalid_bbox"
    response = client.get("/ogc/collections/trees/download.kml")
    assert response.status_code == 404
    assert json.loads(response.content)["code"] == "unknown_format"
    response = client.get("/ogc/collections/trees/download.gpkg?limit=5")
    assert json.loads(response.content)["code"] == "unknown_parameter"
    monkeypatch.setattr(downloads, "MAX_FEATURES", 3)
    response = client.get("/ogc/collections/trees/download.gpkg", headers={"Accept-Language": "en"})
    assert response.status_code == 400
    answer = json.loads(response.content)
    assert answer["code"] == "download_too_large"
    assert answer["message"].startswith("More than 3 features match")


def test_a_download_of_nothing_is_refused_in_words(client, trees):
    """GDAL writes no file from no features: a selection that matches none answered 500."""
    for query in ("dbh_min=1000000000", "bbox=-10,-10,-9,-9", "datetime=9999-12-31"):
        for fmt in ("gpkg", "shp"):
            response = client.get(f"/ogc/collections/trees/download.{fmt}?{query}")
            assert response.status_code == 404, (fmt, query)
            answer = json.loads(response.content)
            assert answer["code"] == "no_features"
            assert answer["message"].startswith("Ningún elemento coincide con esta selección")


def test_collections_and_pages_link_their_downloads(client, trees):
    collection = json.loads(client.get("/ogc/collections/trees").content)
    enclosures = {
        link["type"]: link["href"] for link in collection["links"] if link["rel"] == "enclosure"
    }
    assert enclosures == {
        "application/geopackage+sqlite3": "http://testserver/ogc/collections/trees/download.gpkg",
        "application/zip": "http://testserver/ogc/collections/trees/download.shp",
    }
    page = json.loads(
        client.get(f"/ogc/collections/trees/items?bbox={GDL_BOX}&limit=2&species=JAMI").content
    )
    gpkg = next(link["href"] for link in page["links"] if link["rel"] == "enclosure")
    # The page's selection, without its paging.
    assert gpkg == (
        f"http://testserver/ogc/collections/trees/download.gpkg?bbox={GDL_BOX}&species=JAMI"
    )


def test_tilejson_of_the_trees_tiles(client, trees):
    response = client.get("/tiles/trees.json?species=JAMI")
    assert response.status_code == 200
    document = json.loads(response.content)
    assert document["tilejson"] == "3.0.0"
    assert document["tiles"] == ["http://testserver/tiles/trees/{z}/{x}/{y}.pbf?species=JAMI"]
    assert [layer["id"] for layer in document["vector_layers"]] == ["trees", "cells"]
    west, south, east, north = document["bounds"]
    assert all(west <= x <= east and south <= y <= north for x, y in GDL_POINTS)
    assert client.get("/tiles/trees.json?species=NOPE").status_code == 400
    response = client.get("/tiles/flagged_trees.json")
    assert response.status_code == 404
    assert json.loads(response.content)["code"] == "unknown_layer"


def _decoded(client, template: str, lon: float, lat: float, z: int) -> dict:
    tile = tile_for_lonlat(lon, lat, z)
    url = template.replace("{z}", str(tile.z)).replace("{x}", str(tile.x))
    url = url.replace("{y}", str(tile.y)).replace("http://testserver", "")
    response = client.get(url)
    assert response.status_code == 200
    return mapbox_vector_tile.decode(response.content)


@pytest.mark.parametrize("name", ["trees", "sensors", "municipalities"])
def test_tilejson_names_the_attributes_the_tiles_really_carry(client, name, trees, sensor):
    document = json.loads(client.get(f"/tiles/{name}.json").content)
    template = document["tiles"][0]
    lon, lat = GDL_POINTS[0]
    for layer in document["vector_layers"]:
        zoom = layer["minzoom"] if name == "trees" else 12
        if layer["id"] == "cells":
            zoom = RAW_MIN_ZOOM - 2
        decoded = _decoded(client, template, lon, lat, zoom)
        if layer["id"] == "municipalities":
            assert "municipalities" not in decoded  # no boundary imported in the tests
            continue
        features = decoded[layer["id"]]["features"]
        assert features, layer["id"]
        carried = set().union(*(f["properties"] for f in features))
        assert carried == set(layer["fields"]), layer["id"]


def test_no_file_is_left_behind(client, trees, tmp_path, monkeypatch):
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    response = client.get("/ogc/collections/trees/download.shp")
    content = b"".join(response.streaming_content)
    response.close()
    assert zipfile.ZipFile(io.BytesIO(content)).testzip() is None
    assert list(tmp_path.iterdir()) == []
