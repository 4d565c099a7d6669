"""The tile endpoint shared by every map: /tiles/<layer>/<z>/<x>/<y>.pbf."""

from django.core.exceptions import ValidationError
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from .encoding import encode_tile
from .layers import get_layer
from .tiles import TileOutOfRange, check_tile

MVT_CONTENT_TYPE = "application/vnd.mapbox-vector-tile"


def _error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"code": code, "message": message}, status=status)


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
    if connection.vendor == "postgresql":
        sql, params = tile_layer.postgis_query(coords, filters)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
        body = bytes(row[0]) if row and row[0] is not None else b""
    else:
        body = encode_tile(coords, tile_layer.features(coords, filters))
    response = HttpResponse(body, content_type=MVT_CONTENT_TYPE)
    response["Cache-Control"] = f"public, max-age={tile_layer.max_age}"
    response["Access-Control-Allow-Origin"] = "*"
    return response
