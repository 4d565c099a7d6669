"""Files GIS staff open directly: a collection's filtered features as a GeoPackage or as a
zipped Shapefile, written by GDAL (ogr2ogr, Debian's gdal-bin) from the features /ogc/ serves.

The features are the OGC items (same selectors, same filters, same properties), written one
per line (GeoJSON sequence) to a private temporary folder, then converted by ogr2ogr. A
Shapefile holds one kind of geometry and names of at most 10 characters: contributions and
municipalities give one file per kind of geometry, and long names are shortened (SHORT_NAMES).
Decision: docs/decisions/0051-ogc-downloads-with-ogr2ogr.md.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.core.serializers.json import DjangoJSONEncoder

from .registry import Collection

# More than this and the download is refused with advice (filter by municipality or bbox, or
# read the OGC API page by page with QGIS or ogr2ogr): the file is made while the person waits.
MAX_FEATURES = 250_000
TIMEOUT_SECONDS = 600
OGR2OGR = shutil.which("ogr2ogr") or "/usr/bin/ogr2ogr"  # gdal-bin (scripts/system-deps.sh)


@dataclass(frozen=True)
class Format:
    driver: str
    media_type: str
    extension: str
    title: str


FORMATS = {
    "gpkg": Format("GPKG", "application/geopackage+sqlite3", "gpkg", "GeoPackage"),
    "shp": Format("ESRI Shapefile", "application/zip", "zip", "Shapefile (ZIP)"),
}

# Shapefile (DBF) column names: at most 10 characters.
SHORT_NAMES = {
    "municipality": "muni_code",
    "municipality_name": "muni_name",
    "scientific_name": "sci_name",
    "common_name": "comm_name",
    "crown_width_m": "crown_m",
    "validation_state": "validation",
    "external_id": "ext_id",
    "recorded_at": "recorded",
    "location_accuracy_m": "accuracy_m",
    "last_post_at": "last_post",
    "index_category": "index_cat",
    "index_label": "index_lbl",
    "index_pollutants": "index_pol",
    "opening_hours": "hours",
    "pickup_slots": "pickup",
    "proceeding": "proceeding",
    "proceeding_title": "proc_title",
    "category_id": "cat_id",
    "feedback_status": "fb_status",
    "feedback_answer": "fb_answer",
    "has_boundary": "boundary",
    "boundary_source": "bnd_source",
}
# Shapefile geometry kinds: (file suffix, OGR SQL condition, ogr2ogr -nlt).
KINDS = {
    "Point": ("points", "OGR_GEOMETRY='POINT'", "POINT"),
    "LineString": ("lines", "OGR_GEOMETRY='LINESTRING'", "LINESTRING"),
    "Polygon": (
        "areas",
        "OGR_GEOMETRY='POLYGON' OR OGR_GEOMETRY='MULTIPOLYGON'",
        "PROMOTE_TO_MULTI",
    ),
}
KIND_OF = {"MultiPolygon": "Polygon"}


class ConversionFailed(Exception):
    """ogr2ogr did not make the file (its own words in the message)."""


def _write_features(collection: Collection, qs, path: Path) -> set[str]:
    """The features as a GeoJSON sequence; returns the kinds of geometry written."""
    kinds: set[str] = set()
    with path.open("w", encoding="utf-8") as out:
        for row in qs.order_by(collection.key).iterator(chunk_size=2000):
            feature = collection.feature(row)
            if feature["geometry"] is not None:
                kind = feature["geometry"]["type"]
                kinds.add(KIND_OF.get(kind, kind))
            out.write(json.dumps(feature, cls=DjangoJSONEncoder, ensure_ascii=False))
            out.write("\n")
    return kinds


def _ogr2ogr(*args: str) -> None:
    done = subprocess.run(  # noqa: S603 - GDAL's own tool; paths and names are ours
        [OGR2OGR, *args],
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
        check=False,
    )
    if done.returncode != 0:
        raise ConversionFailed(done.stderr.strip()[-2000:])


def _layer_name(collection: Collection) -> str:
    return collection.id.replace("-", "_")


def make_file(collection: Collection, qs, fmt: str, folder: Path) -> Path:
    """Write the file of `qs` in `folder` (a private temporary folder); return its path."""
    source = folder / "features.geojsonl"
    kinds = _write_features(collection, qs, source)
    name = _layer_name(collection)
    common = ["-a_srs", "EPSG:4326", "-nln", name]
    if fmt == "gpkg":
        target = folder / f"{name}.gpkg"
        _ogr2ogr("-f", "GPKG", str(target), f"GeoJSONSeq:{source}", *common)
        return target
    shapes = folder / "shp"
    shapes.mkdir()
    columns = ", ".join(
        f'"{field}" AS "{SHORT_NAMES.get(field, field)}"' for field in collection.properties_schema
    )
    for kind in sorted(kinds) or ["Point"]:
        suffix, condition, geometry_type = KINDS[kind]
        layer = name if len(kinds) <= 1 else f"{name}_{suffix}"
        _ogr2ogr(
            "-f",
            "ESRI Shapefile",
            str(shapes),
            f"GeoJSONSeq:{source}",
            "-sql",
            f"SELECT {columns} FROM features WHERE {condition}",  # noqa: S608 - our names
            "-dialect",
            "OGRSQL",
            "-nlt",
            geometry_type,
            "-lco",
            "ENCODING=UTF-8",
            *common[:2],
            "-nln",
            layer,
        )
    target = folder / f"{name}.zip"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for part in sorted(shapes.iterdir()):
            archive.write(part, part.name)
    return target


def open_file(collection: Collection, qs, fmt: str):
    """The finished file, open for reading; nothing is left on disk once it is closed."""
    folder = Path(tempfile.mkdtemp(prefix="metropoli-ogc-"))
    try:
        path = make_file(collection, qs, fmt, folder)
        handle = path.open("rb")  # the open file outlives its deleted folder (POSIX)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return handle
