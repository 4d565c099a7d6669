"""Vector-tile layers: each module registers the layers it serves at /tiles/<name>/z/x/y.pbf.

A layer answers in two ways. On PostGIS it gives one SQL statement that returns the encoded
tile (ST_AsMVT), so the database does the work. On SpatiaLite, which has no MVT encoder, it
gives the features in the tile and we encode them in Python (fine for demo-sized data).
"""

from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.gis.geos import GEOSGeometry
from django.http import QueryDict

from .tiles import Tile

EXTENT = 4096
BUFFER = 64


@dataclass
class Feature:
    geometry: GEOSGeometry  # in EPSG:3857
    properties: Mapping[str, Any]
    id: int | None = None


class TileLayer(ABC):
    """Base class; subclasses set `name` and implement `postgis_query` and `features`."""

    name: str = ""
    min_zoom: int = 0
    max_zoom: int = 22
    # Seconds a browser or proxy may keep the tile.
    max_age: int = 60
    # True when every write to the layer's data raises maps.versions.bump(name): the tile view
    # then caches encoded tiles keyed by that version and answers If-None-Match.
    versioned: bool = False

    def parse_filters(self, params: QueryDict) -> dict:
        """Validate the query string; raise django ValidationError for bad values."""
        return {}

    @abstractmethod
    def postgis_query(self, tile: Tile, filters: dict) -> tuple[str, list]:
        """One SQL statement returning a single bytea column: the encoded tile."""

    @abstractmethod
    def features(self, tile: Tile, filters: dict) -> Mapping[str, Iterable[Feature]]:
        """Features per MVT layer name, geometries in EPSG:3857."""


_REGISTRY: dict[str, TileLayer] = {}


def register(layer: TileLayer) -> TileLayer:
    if not layer.name:
        raise ValueError("A tile layer needs a name.")
    _REGISTRY[layer.name] = layer
    return layer


def get_layer(name: str) -> TileLayer | None:
    return _REGISTRY.get(name)


def registered_layers() -> list[str]:
    return sorted(_REGISTRY)
