"""Exports of a filtered set of trees, streamed: CSV (re-importable) and GeoJSON."""

import io
import json
from collections.abc import Iterator

from django.db.models import QuerySet

from metropoli.common import exports

from .models import Tree

# The same column names as the import format (docs/trees-import-format.md), plus read-only ones.
CSV_COLUMNS = (
    "id",
    "lon",
    "lat",
    "municipality",
    "species",
    "scientific_name",
    "common_name",
    "dbh_cm",
    "height_m",
    "crown_width_m",
    "condition",
    "phenology",
    "validation_state",
    "site_type",
    "address",
    "colonia",
    "notes",
    "external_id",
    "source",
    "recorded_at",
)


def _row(tree: Tree) -> dict:
    site = tree.site
    species = tree.species

    def num(value):
        return "" if value is None else str(value)

    return {
        "id": tree.pk,
        "lon": f"{site.location.x:.7f}",
        "lat": f"{site.location.y:.7f}",
        "municipality": site.municipality.inegi_code,
        "species": species.code if species else "",
        "scientific_name": species.scientific_name if species else "",
        "common_name": species.common_name_es if species else "",
        "dbh_cm": num(tree.dbh_cm),
        "height_m": num(tree.height_m),
        "crown_width_m": num(tree.crown_width_m),
        "condition": tree.condition,
        "phenology": tree.phenology,
        "validation_state": tree.validation_state,
        "site_type": site.site_type,
        "address": site.address,
        "colonia": site.colonia,
        "notes": tree.notes,
        "external_id": tree.external_id,
        "source": tree.source,
        "recorded_at": tree.recorded_at.isoformat(),
    }


def _rows(qs: QuerySet[Tree]) -> Iterator[Tree]:
    return qs.select_related("site", "site__municipality", "species").iterator(chunk_size=2000)


def csv_chunks(qs: QuerySet[Tree]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = exports.csv_dict_writer(buffer, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    for n, tree in enumerate(_rows(qs), start=1):
        writer.writerow(_row(tree))
        if n % 500 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def geojson_chunks(qs: QuerySet[Tree]) -> Iterator[str]:
    yield '{"type": "FeatureCollection", "features": ['
    for n, tree in enumerate(_rows(qs)):
        row = _row(tree)
        lon, lat = float(row.pop("lon")), float(row.pop("lat"))
        feature = {
            "type": "Feature",
            "id": row["id"],
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": row,
        }
        yield ("," if n else "") + json.dumps(feature, ensure_ascii=False)
    yield "]}"
