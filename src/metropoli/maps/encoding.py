"""Encoding vector tiles in Python, for databases without ST_AsMVT (SpatiaLite)."""

from collections.abc import Iterable, Mapping

import mapbox_vector_tile
from shapely import wkb

from .layers import EXTENT, Feature
from .tiles import Tile, bounds_3857


def encode_tile(tile: Tile, layers: Mapping[str, Iterable[Feature]]) -> bytes:
    payload = []
    for name, features in layers.items():
        encoded = [
            {
                "geometry": wkb.loads(bytes(feature.geometry.wkb)),
                "properties": {k: v for k, v in feature.properties.items() if v is not None},
                **({"id": feature.id} if feature.id is not None else {}),
            }
            for feature in features
        ]
        if encoded:
            payload.append({"name": name, "features": encoded})
    if not payload:
        return b""
    return mapbox_vector_tile.encode(
        payload,
        default_options={
            "quantize_bounds": bounds_3857(tile),
            "extents": EXTENT,
            "y_coord_down": False,
        },
    )
