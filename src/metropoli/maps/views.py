"""The tile endpoint shared by every map: /tiles/<layer>/<z>/<x>/<y>.pbf.

Every request renders its tile (one PostGIS statement, prepared on its connection); keeping
tiles is the job of the HTTP cache in front (nginx's proxy_cache, a CDN) and of browsers.
Layers whose data carry a version (maps.versions) answer If-None-Match with 304, and a tile whose
URL pins the version it shows (`v=`, what map pages ask for) never changes: it is answered
"immutable" for a year.
Decision: docs/decisions/0061-tiles-cached-by-nginx.md.
"""

import hashlib

import psycopg
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from metropoli.common.params import whole_number

from . import versions
from .layers import TileLayer, get_layer
from .tiles import Tile, TileOutOfRange, check_tile

MVT_CONTENT_TYPE = "application/vnd.mapbox-vector-tile"


def _error(status: int, code: str, message: str) -> HttpResponse:
    return _sized(JsonResponse({"code": code, "message": message}, status=status))


def _sized(response: HttpResponse) -> HttpResponse:
    # Tiles skip CommonMiddleware, which sets it for pages (decision 0097): without it, gunicorn
    # would send the answer in chunks. A 304 states none: its length would be the 200's.
    if response.status_code != 304:
        response["Content-Length"] = str(len(response.content))
    return response


@require_GET
def tile(request, layer: str, z: int, x: int, y: int):
    tile_layer = get_layer(layer)
    if tile_layer is None:
        return _error(
            404, "unknown_layer", _("There is no map layer “%(layer)s”.") % {"layer": layer}
        )
    try:
        coords = check_tile(z, x, y)
    except TileOutOfRange:
        return _error(
            400,
            "invalid_tile",
            _("The tile %(z)s/%(x)s/%(y)s does not exist.") % {"z": z, "x": x, "y": y},
        )
    try:
        filters = tile_layer.parse_filters(request.GET)
    except ValidationError as error:
        return _error(400, "invalid_filter", " ".join(error.messages))
    etag = None
    immutable = False
    if tile_layer.versioned:
        # Read the version before the data: a tile is never newer-keyed than its content.
        pinned = _pinned(request)
        version = versions.current_at_least(layer, pinned)
        # The tile holds data at least as new as the version its URL names, for good. A URL
        # naming a version that does not exist yet must not be kept: it will mean newer data.
        immutable = pinned is not None and version >= pinned
        key = (layer, version, tuple(coords), repr(filters))
        etag = f'"{layer}-{version}-{hashlib.blake2s(repr(key).encode()).hexdigest()[:16]}"'
        if etag in _if_none_match(request):
            return _tile_response(tile_layer, None, etag, immutable)
    body = _render(tile_layer, coords, filters)
    return _tile_response(tile_layer, body, etag, immutable)


def _render(tile_layer: TileLayer, coords: Tile, filters) -> bytes:
    """The layer's one statement, on Django's connection but with server-side parameters, so
    that psycopg prepares it after a few runs (settings' `prepare_threshold`) and PostgreSQL
    plans it once per connection instead of on every tile (decision 0099). Django's own cursors
    bind on the client and can never be prepared. Database errors come out as Django's."""
    sql, params = tile_layer.postgis_query(coords, filters)
    connection.ensure_connection()
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        row = cursor.execute(sql, params).fetchone()
    return bytes(row[0]) if row and row[0] is not None else b""


def _pinned(request) -> int | None:
    """The data version a map page put in the tile URL (`v=`), if any."""
    return whole_number(request.GET.get("v"))


def _if_none_match(request) -> set[str]:
    header = request.headers.get("If-None-Match", "")
    return {part.strip().removeprefix("W/") for part in header.split(",") if part.strip()}


IMMUTABLE = "public, max-age=31536000, immutable"


def _tile_response(
    tile_layer: TileLayer, body: bytes | None, etag: str | None, immutable: bool = False
) -> HttpResponse:
    if body is None:
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(body, content_type=MVT_CONTENT_TYPE)
    if etag:
        response["ETag"] = etag
    response["Cache-Control"] = IMMUTABLE if immutable else f"public, max-age={tile_layer.max_age}"
    response["Access-Control-Allow-Origin"] = "*"
    return _sized(response)
