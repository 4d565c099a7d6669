"""TileJSON 3.0 documents of our public vector-tile layers (/tiles/<layer>.json).

MapLibre (`"source": {"type": "vector", "url": ".../tiles/trees.json"}`) and other clients add a
layer from this one address: it names the tile URL, the zoom range, the bounds and, for each
MVT layer inside the tiles, its attributes. The attributes are declared here; a test decodes
real tiles and compares, so this list cannot drift from the tile SQL.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from metropoli.maps.tiles import MAX_ZOOM
from metropoli.trees.cells import DENSE_MAX_ZOOM, RAW_MIN_ZOOM

from .registry import COLLECTIONS


@dataclass(frozen=True)
class VectorLayer:
    id: str
    description: Promise
    fields: dict[str, str]
    minzoom: int = 0
    maxzoom: int = MAX_ZOOM


@dataclass(frozen=True)
class Tileset:
    name: Promise
    description: Promise
    collection: str  # the OGC collection with the same features (its extent is the bounds)
    layers: tuple[VectorLayer, ...]


TILESETS = {
    "trees": Tileset(
        gettext_lazy("Trees"),
        gettext_lazy(
            "Single trees from zoom 14; below it, the number of trees per cell. Takes the "
            "filters of the tree API in the query string (species, municipality, …)."
        ),
        "trees",
        (
            VectorLayer(
                "trees",
                gettext_lazy("One point per tree."),
                {
                    "species": "String",
                    "condition": "String",
                    "dbh": "Number",
                    "validation": "String",
                },
                minzoom=RAW_MIN_ZOOM,
            ),
            VectorLayer(
                "cells",
                gettext_lazy("Trees counted per cell, at the cell's centre."),
                {"count": "Number"},
                maxzoom=DENSE_MAX_ZOOM,
            ),
        ),
    ),
    "sensors": Tileset(
        gettext_lazy("Air-quality sensors"),
        gettext_lazy("Sensors with the category and colour of their current index."),
        "sensors",
        (
            VectorLayer(
                "sensors",
                gettext_lazy("One point per sensor."),
                {
                    "sensor_id": "String",
                    "name": "String",
                    "placement": "String",
                    "online": "Boolean",
                    "category": "String",
                    "colour": "String",
                },
            ),
        ),
    ),
    "municipalities": Tileset(
        gettext_lazy("Municipalities"),
        gettext_lazy("Official boundaries where imported, and the municipal seats."),
        "municipalities",
        (
            VectorLayer(
                "municipalities",
                gettext_lazy("Official boundaries."),
                {"inegi_code": "String", "name": "String"},
            ),
            VectorLayer(
                "seats",
                gettext_lazy("Municipal seats."),
                {"inegi_code": "String", "name": "String"},
            ),
        ),
    ),
}


def document(name: str, tiles_url: str, attribution: str) -> dict:
    tileset = TILESETS[name]
    west, south, east, north = COLLECTIONS[tileset.collection].spatial_extent()
    return {
        "tilejson": "3.0.0",
        "name": str(tileset.name),
        "description": str(tileset.description),
        "attribution": attribution,
        "scheme": "xyz",
        "tiles": [tiles_url],
        "minzoom": 0,
        "maxzoom": MAX_ZOOM,
        "bounds": [west, south, east, north],
        "center": [(west + east) / 2, (south + north) / 2, 11],
        "vector_layers": [
            {
                "id": layer.id,
                "description": str(layer.description),
                "fields": layer.fields,
                "minzoom": layer.minzoom,
                "maxzoom": layer.maxzoom,
            }
            for layer in tileset.layers
        ],
    }
