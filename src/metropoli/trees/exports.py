"""Exports of a filtered set of trees, streamed: CSV (re-importable) and GeoJSON.

Beside each code column (``condition``: ``fair``) a label column says it in the reader's
language (``condition_label``: ``Regular``); the importer reads the codes and ignores labels.
"""

import io
import json
from collections.abc import Iterator

from django.db.models import QuerySet

from metropoli.common import exports

from .models import Condition, Phenology, SiteType, Source, Tree, ValidationState

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


# code column → its label column, written right after it
LABELS = {
    "municipality": "municipality_name",
    "condition": "condition_label",
    "phenology": "phenology_label",
    "validation_state": "validation_state_label",
    "site_type": "site_type_label",
    "source": "source_label",
}
COLUMNS = tuple(
    name for column in CSV_COLUMNS for name in (column, LABELS.get(column)) if name is not None
)
CHOICES = {
    "condition": Condition,
    "phenology": Phenology,
    "validation_state": ValidationState,
    "site_type": SiteType,
    "source": Source,
}


def _labelled(row: dict, municipality_name: str) -> dict:
    """The row with a label beside each code, in the active language."""
    labels = {"municipality_name": municipality_name}
    for column, choices in CHOICES.items():
        labels[LABELS[column]] = str(dict(choices.choices).get(row[column], row[column]))
    return {name: row[name] if name in row else labels[name] for name in COLUMNS}


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
    writer = exports.csv_dict_writer(buffer, fieldnames=COLUMNS)
    writer.writeheader()
    for n, tree in enumerate(_rows(qs), start=1):
        writer.writerow(_labelled(_row(tree), tree.site.municipality.name))
        if n % 500 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def geojson_chunks(qs: QuerySet[Tree]) -> Iterator[str]:
    yield '{"type": "FeatureCollection", "features": ['
    for n, tree in enumerate(_rows(qs)):
        row = _labelled(_row(tree), tree.site.municipality.name)
        lon, lat = float(row.pop("lon")), float(row.pop("lat"))
        feature = {
            "type": "Feature",
            "id": row["id"],
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": row,
        }
        yield ("," if n else "") + json.dumps(feature, ensure_ascii=False)
    yield "]}"
