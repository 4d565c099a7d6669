"""Vector-tile layers: each module registers the layers it serves at /tiles/<name>/z/x/y.pbf.

A layer gives one SQL statement that returns the encoded tile (PostGIS ST_AsMVT), so the
database does the work.
"""

from abc import ABC, abstractmethod

from django.http import QueryDict

from .tiles import Tile

EXTENT = 4096
BUFFER = 64


class TileLayer(ABC):
    """Base class; subclasses set `name` and implement `postgis_query`."""

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
