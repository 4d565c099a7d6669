"""Exports of a filtered set of trees, streamed: CSV (re-importable) and GeoJSON.

Beside each code column (``condition``: ``fair``) a label column says it in the reader's
language (``condition_label``: ``Regular``); the importer reads the codes and ignores labels.
"""

import io
import json
from collections.abc import Iterator

from django.db.models import F, FloatField, Func, QuerySet

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


# Rows per piece of a streamed export: the server writes each piece to the socket by itself.
PIECE = 500


def _label_maps() -> dict[str, dict[str, str]]:
    """code → label for each coded column, in the active language (read once per export)."""
    return {
        column: {code: str(label) for code, label in choices.choices}
        for column, choices in CHOICES.items()
    }


def _labelled(row: dict, maps: dict[str, dict[str, str]]) -> dict:
    """The row with a label beside each code."""
    labels = {"municipality_name": row["municipality_name"]}
    for column, labels_of in maps.items():
        labels[LABELS[column]] = labels_of.get(row[column], row[column])
    return {name: row[name] if name in row else labels[name] for name in COLUMNS}


def _num(value) -> str:
    return "" if value is None else str(value)


# Column → what the database answers for it. Only these columns are read: model instances
# (a tree, its site, its municipality with its boundary) cost ten times as much per row.
_SOURCES = {
    "id": F("pk"),
    "lon": Func(F("site__location"), function="ST_X", output_field=FloatField()),
    "lat": Func(F("site__location"), function="ST_Y", output_field=FloatField()),
    "municipality": F("site__municipality__inegi_code"),
    "municipality_name": F("site__municipality__name"),
    "species": F("species__code"),
    "scientific_name": F("species__scientific_name"),
    "common_name": F("species__common_name_es"),
    "dbh_cm": F("dbh_cm"),
    "height_m": F("height_m"),
    "crown_width_m": F("crown_width_m"),
    "condition": F("condition"),
    "phenology": F("phenology"),
    "validation_state": F("validation_state"),
    "site_type": F("site__site_type"),
    "address": F("site__address"),
    "colonia": F("site__colonia"),
    "notes": F("notes"),
    "external_id": F("external_id"),
    "source": F("source"),
    "recorded_at": F("recorded_at"),
}


def export_values(qs: QuerySet[Tree]) -> QuerySet:
    """The one statement an export runs: a tuple of _SOURCES' columns per tree of `qs`."""
    return qs.select_related(None).values_list(*_SOURCES.values())


def _rows(qs: QuerySet[Tree]) -> Iterator[dict]:
    """One dict per tree, the CSV's columns written as text, labels still to add."""
    for record in export_values(qs).iterator(chunk_size=2000):
        row = dict(zip(_SOURCES, record, strict=True))
        row["lon"] = f"{row['lon']:.7f}"
        row["lat"] = f"{row['lat']:.7f}"
        for column in ("species", "scientific_name", "common_name"):
            row[column] = row[column] or ""
        for column in ("dbh_cm", "height_m", "crown_width_m"):
            row[column] = _num(row[column])
        row["recorded_at"] = row["recorded_at"].isoformat()
        yield row


def csv_chunks(qs: QuerySet[Tree]) -> Iterator[str]:
    """The CSV in pieces; labels in the language active now, when the answer is made (it is
    sent later, by the server)."""
    return _csv_chunks(qs, _label_maps())


def _csv_chunks(qs: QuerySet[Tree], maps: dict[str, dict[str, str]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = exports.csv_dict_writer(buffer, fieldnames=COLUMNS)
    writer.writeheader()
    for n, row in enumerate(_rows(qs), start=1):
        writer.writerow(_labelled(row, maps))
        if n % PIECE == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def geojson_chunks(qs: QuerySet[Tree]) -> Iterator[str]:
    """The GeoJSON in pieces; labels as for `csv_chunks`."""
    return _geojson_chunks(qs, _label_maps())


def _geojson_chunks(qs: QuerySet[Tree], maps: dict[str, dict[str, str]]) -> Iterator[str]:
    pieces = ['{"type": "FeatureCollection", "features": [']
    for n, found in enumerate(_rows(qs)):
        row = _labelled(found, maps)
        lon, lat = float(row.pop("lon")), float(row.pop("lat"))
        feature = {
            "type": "Feature",
            "id": row["id"],
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": row,
        }
        pieces.append(("," if n else "") + json.dumps(feature, ensure_ascii=False))
        if len(pieces) >= PIECE:
            yield "".join(pieces)
            pieces = []
    pieces.append("]}")
    yield "".join(pieces)
