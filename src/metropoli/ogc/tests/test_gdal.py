"""GDAL's own OGC API – Features client (the OAPIF driver of Debian's gdal-bin) against /ogc/
served by a real HTTP server (pytest-django's live_server, on the test database).

GDAL reads the landing page, the collections, the OpenAPI definition and follows our next
links: none of that is our code, so these tests fail when /ogc/ strays from the standard.
"""

import sqlite3
import subprocess

import pytest

from .conftest import GDL_BOX, GDL_POINTS

pytestmark = pytest.mark.django_db(transaction=True)


def gdal(*args: str) -> subprocess.CompletedProcess:
    done = subprocess.run(args, capture_output=True, text=True, timeout=180, check=False)
    assert done.returncode == 0, done.stderr + done.stdout
    return done


def gpkg_rows(path, sql: str) -> list[tuple]:
    with sqlite3.connect(path) as db:
        return db.execute(sql).fetchall()


def test_ogrinfo_lists_the_collections(live_server, municipalities):
    listing = gdal("ogrinfo", "-ro", "-q", f"OAPIF:{live_server.url}/ogc/").stdout
    layers = [line.split(":", 1)[1].split("(")[0].strip() for line in listing.splitlines()]
    assert layers == [
        "trees",
        "planting-sites",
        "sensors",
        "markets",
        "contributions",
        "municipalities",
    ]


def test_ogr2ogr_copies_a_bbox_of_trees_to_a_geopackage(live_server, trees, tmp_path):
    out = tmp_path / "arboles.gpkg"
    west, south, east, north = GDL_BOX.split(",")
    gdal(
        "ogr2ogr",
        "-f",
        "GPKG",
        str(out),
        f"OAPIF:{live_server.url}/ogc/",
        "trees",
        "-spat",
        west,
        south,
        east,
        north,
        # Two trees a request: GDAL has to follow our next links to get them all.
        "-oo",
        "PAGE_SIZE=2",
    )
    inside = sorted(t.pk for t in trees if (t.site.location.x, t.site.location.y) in GDL_POINTS)
    assert len(inside) == len(GDL_POINTS)
    rows = gpkg_rows(out, "SELECT id, species, municipality, dbh_cm FROM trees ORDER BY id")
    assert [row[0] for row in rows] == inside
    assert {row[2] for row in rows} == {"14039"}
    assert all(row[3] == 30.0 for row in rows)
    # The GeoPackage knows its geometry and coordinate system: WGS 84.
    assert gpkg_rows(out, "SELECT geometry_type_name, srs_id FROM gpkg_geometry_columns") == [
        ("POINT", 4326)
    ]
    summary = gdal("ogrinfo", "-ro", "-so", str(out), "trees").stdout
    assert f"Feature Count: {len(inside)}" in summary
    # Column types come from our JSON Schema (the describedby link), not from the first page,
    # where a column with no value yet would be typed as text.
    assert "recorded_at: DateTime" in summary
    assert "height_m: Real" in summary


def test_ogr2ogr_sends_a_species_filter_to_the_server(live_server, trees, tmp_path):
    out = tmp_path / "jacarandas.gpkg"
    done = gdal(
        "ogr2ogr",
        "-f",
        "GPKG",
        str(out),
        f"OAPIF:{live_server.url}/ogc/",
        "trees",
        "-where",
        "species = 'JAMI'",
        # Debug output names the requests GDAL made.
        "--config",
        "CPL_DEBUG",
        "ON",
    )
    rows = gpkg_rows(out, "SELECT species FROM trees")
    assert rows == [("JAMI",), ("JAMI",)]
    # GDAL found `species` among the declared parameters of the items path (OpenAPI) and asked
    # the server to filter, instead of downloading every tree and filtering itself.
    fetched = [line for line in done.stderr.splitlines() if "/ogc/collections/trees/items" in line]
    assert [line for line in fetched if "species=JAMI" in line], fetched
