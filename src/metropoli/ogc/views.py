"""OGC API – Features – Part 1 (Core, GeoJSON, OpenAPI 3.0) at /ogc/.

Plain Django views over the collections of collections.py: landing page, conformance, the
OpenAPI definition, collections, items (paged, with bbox, datetime and property filters) and
single features. Open data: no view reads the session. Every refusal is JSON
`{"code", "message"}` in the request's language, 400 for a bad parameter (never a 500).
"""

from __future__ import annotations

import functools
import json
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import FileResponse, HttpRequest, HttpResponse, QueryDict
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from metropoli.maps.layers import get_layer

from . import downloads, openapi, paging, tilejson
from .params import (
    COMMON,
    OgcError,
    check_format,
    check_known,
    parse_bbox,
    parse_datetime,
    parse_page,
    single,
)
from .registry import COLLECTIONS, Collection, html_url_or_none

log = logging.getLogger(__name__)
GEOJSON = openapi.GEOJSON
JSON = openapi.JSON
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
GREGORIAN = "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"
CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
]


def _answer(body, content_type: str, status: int = 200) -> HttpResponse:
    response = HttpResponse(
        json.dumps(body, cls=DjangoJSONEncoder, ensure_ascii=False), content_type=content_type
    )
    response.status_code = status
    response["Content-Language"] = translation.get_language()
    # Open data, read by web maps on other sites too (as the vector tiles are).
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _refusal(error: OgcError) -> HttpResponse:
    return _answer({"code": error.code, "message": error.message}, JSON, error.status)


def ogc_view(view):
    """GET and HEAD only; an OgcError anywhere below becomes its JSON answer."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            response = _refusal(
                OgcError(405, "method_not_allowed", _("This method is not allowed here."))
            )
            response["Allow"] = "GET, HEAD"
            return response
        try:
            return view(request, *args, **kwargs)
        except OgcError as error:
            return _refusal(error)

    return wrapped


def _url(request: HttpRequest, name: str, *args, query: QueryDict | None = None) -> str:
    url = request.build_absolute_uri(reverse(f"ogc:{name}", args=args))
    if query:
        url += "?" + query.urlencode(safe=",/:")
    return url


def _link(href: str, rel: str, media_type: str, title: str | None = None) -> dict:
    link = {"href": href, "rel": rel, "type": media_type}
    if title:
        link["title"] = title
    return link


def _collection(collection_id: str) -> Collection:
    collection = COLLECTIONS.get(collection_id)
    if collection is None:
        raise OgcError(
            404,
            "unknown_collection",
            _("There is no collection %(id)s. The collections are: %(ids)s.")
            % {"id": collection_id[:80], "ids": ", ".join(COLLECTIONS)},
        )
    return collection


def _only_format(request: HttpRequest) -> None:
    check_known(request.GET, ("f",))
    check_format(request.GET)


# --- the resources ----------------------------------------------------------------------------


@ogc_view
def landing(request):
    _only_format(request)
    return _answer(
        {
            "title": _("Metrópoli – open data for GIS"),
            "description": _(
                "Trees, planting sites, air-quality sensors, markets, consultation "
                "contributions and municipalities of the platform, as OGC API – Features."
            ),
            "links": [
                _link(_url(request, "landing"), "self", JSON, _("This document")),
                _link(
                    _url(request, "api"),
                    "service-desc",
                    openapi.OPENAPI,
                    _("The API definition (OpenAPI 3.0)"),
                ),
                _link(
                    _url(request, "conformance"),
                    "conformance",
                    JSON,
                    _("Conformance classes implemented"),
                ),
                _link(_url(request, "collections"), "data", JSON, _("The feature collections")),
            ],
        },
        JSON,
    )


@ogc_view
def conformance(request):
    _only_format(request)
    return _answer({"conformsTo": CONFORMANCE}, JSON)


@ogc_view
def api_definition(request):
    _only_format(request)
    base = _url(request, "landing").rstrip("/")
    return _answer(openapi.document(base), openapi.OPENAPI)


def _collection_document(request, collection: Collection) -> dict:
    items = _url(request, "items", collection.id)
    schema = _url(request, "schema", collection.id)
    document = {
        "id": collection.id,
        "title": collection.title,
        "description": collection.description,
        "itemType": "feature",
        "crs": [CRS84],
        "storageCrs": CRS84,
        "extent": {"spatial": {"bbox": [collection.spatial_extent()], "crs": CRS84}},
        "links": [
            _link(_url(request, "collection", collection.id), "self", JSON, collection.title),
            _link(items, "items", GEOJSON, _("The features (GeoJSON)")),
            _link(schema, "describedby", openapi.SCHEMA, _("JSON Schema of the features")),
            # The same link as GDAL up to 3.7 spells it (it compares case-sensitively; link
            # relations are case-insensitive, RFC 8288): it then types columns from the schema.
            _link(schema, "describedBy", openapi.SCHEMA, _("JSON Schema of the features")),
            *_page_links(request, collection),
            *_download_links(request, collection),
        ],
    }
    interval = collection.temporal_extent()
    if interval is not None:
        document["extent"]["temporal"] = {"interval": [interval], "trs": GREGORIAN}
    return document


@ogc_view
def collections(request):
    _only_format(request)
    return _answer(
        {
            "links": [_link(_url(request, "collections"), "self", JSON, _("The collections"))],
            "collections": [_collection_document(request, c) for c in COLLECTIONS.values()],
        },
        JSON,
    )


@ogc_view
def collection(request, collection_id: str):
    found = _collection(collection_id)
    _only_format(request)
    return _answer(_collection_document(request, found), JSON)


@ogc_view
def schema(request, collection_id: str):
    found = _collection(collection_id)
    check_known(request.GET, ())
    return _answer(openapi.feature_schema(found), openapi.SCHEMA)


def _selection(found: Collection, params, *, paged: bool):
    """The collection's features the query string selects (bbox, datetime, its filters)."""
    allowed = [*(COMMON if paged else ["bbox"]), *(["datetime"] if found.temporal_field else [])]
    allowed += [q.name for q in found.queryables]
    check_known(params, allowed)
    boxes = parse_bbox(params)
    interval = parse_datetime(params) if found.temporal_field else None
    qs = found.filter(found.public(), _filter_values(found, params))
    if boxes:
        qs = found.filter_bbox(qs, boxes)
    if interval is not None:
        qs = found.filter_time(qs, interval.start, interval.end)
    return qs


def _filter_values(found: Collection, params) -> dict[str, str]:
    return {q.name: v for q in found.queryables if (v := single(params, q.name)) is not None}


def _page_links(request, found: Collection) -> list[dict]:
    """The platform's own page of the collection (a map or a list), as its HTML alternate."""
    if found.page is None:
        return []
    href = request.build_absolute_uri(reverse(found.page))
    return [_link(href, "alternate", "text/html", _("On the platform's map"))]


def _download_links(request, found: Collection, query: QueryDict | None = None) -> list[dict]:
    """Bulk downloads of the selection: rel "enclosure", as the standard suggests."""
    return [
        _link(
            _url(request, "download", found.id, fmt, query=query),
            "enclosure",
            kind.media_type,
            _("Download as %(format)s") % {"format": kind.title},
        )
        for fmt, kind in downloads.FORMATS.items()
    ]


@ogc_view
def items(request, collection_id: str):
    found = _collection(collection_id)
    params = request.GET
    qs = _selection(found, params, paged=True)
    check_format(params)
    page = parse_page(params, found.key_is_int)
    given = page.after if page.after is not None else page.before
    cursor = int(given) if given is not None and found.key_is_int else given
    boxes = parse_bbox(params)
    window = paging.read_page(
        qs,
        found.key,
        page,
        cursor,
        int_key=found.key_is_int,
        in_boxes=found.geometries_in(boxes) if boxes else None,
        in_order=found.keys_in_order(_filter_values(found, params), boxes) if boxes else None,
    )
    rows, more_before, more_after = window.rows, window.more_before, window.more_after

    base = params.copy()
    for name in ("offset", "after", "before"):
        base.pop(name, None)
    selection = base.copy()
    for name in ("limit", "f"):
        selection.pop(name, None)
    links = [
        _link(request.build_absolute_uri(), "self", GEOJSON, _("This page")),
        _link(
            _url(request, "collection", found.id),
            "collection",
            JSON,
            str(found.title),
        ),
    ]
    links += _page_links(request, found)
    links += _download_links(request, found, selection)
    if more_after:
        forward = base.copy()
        forward["after"] = str(found.key_of(rows[-1]))
        links.append(
            _link(_url(request, "items", found.id, query=forward), "next", GEOJSON, _("Next page"))
        )
    if more_before:
        backward = base.copy()
        backward["before"] = str(found.key_of(rows[0]))
        links.append(
            _link(
                _url(request, "items", found.id, query=backward),
                "prev",
                GEOJSON,
                _("Previous page"),
            )
        )
    elif page.offset > 0 and not rows:
        backward = base.copy()
        backward["offset"] = str(max(0, page.offset - page.limit))
        links.append(
            _link(
                _url(request, "items", found.id, query=backward),
                "prev",
                GEOJSON,
                _("Previous page"),
            )
        )
    body = {
        "type": "FeatureCollection",
        "features": [found.feature(row) for row in rows],
        "links": links,
        "timeStamp": timezone.now(),
        "numberReturned": len(rows),
    }
    if window.matched is not None:
        body["numberMatched"] = window.matched
    return _answer(body, GEOJSON)


@ogc_view
def item(request, collection_id: str, feature_id: str):
    found = _collection(collection_id)
    _only_format(request)
    key = found.parse_key(feature_id)
    row = None if key is None else found.public().filter(**{found.key: key}).first()
    if row is None:
        raise OgcError(
            404,
            "unknown_feature",
            _("There is no feature %(id)s in the collection %(collection)s.")
            % {"id": feature_id[:80], "collection": found.id},
        )
    feature = found.feature(row)
    links = [
        _link(_url(request, "item", found.id, feature_id), "self", GEOJSON, _("This feature")),
        _link(_url(request, "collection", found.id), "collection", JSON, str(found.title)),
    ]
    page = html_url_or_none(found, row)
    if page:
        links.append(
            _link(request.build_absolute_uri(page), "alternate", "text/html", _("Its page"))
        )
    feature["links"] = links
    return _answer(feature, GEOJSON)


@ogc_view
def download(request, collection_id: str, fmt: str):
    """The whole selection as one file (GeoPackage or zipped Shapefile), made by GDAL."""
    found = _collection(collection_id)
    kind = downloads.FORMATS.get(fmt)
    if kind is None:
        raise OgcError(
            404,
            "unknown_format",
            _("There is no download as %(format)s; there are: %(formats)s.")
            % {"format": fmt[:20], "formats": ", ".join(downloads.FORMATS)},
        )
    qs = _selection(found, request.GET, paged=False)
    matched = qs.order_by().values("pk")[: downloads.MAX_FEATURES + 1].count()
    if matched == 0:
        # GDAL cannot write a layer from no features (it would not know its kind of geometry).
        raise OgcError(
            404,
            "no_features",
            _(
                "No feature matches this selection, so there is nothing to download. Remove a "
                "filter or widen the bbox."
            ),
        )
    if matched > downloads.MAX_FEATURES:
        raise OgcError(
            400,
            "download_too_large",
            _(
                "More than %(limit)s features match: a download holds at most that many. "
                "Narrow it (municipality, bbox), or read the OGC API page by page with QGIS or "
                "ogr2ogr."
            )
            % {"limit": f"{downloads.MAX_FEATURES:,}"},
        )
    try:
        handle = downloads.open_file(found, qs, fmt)
    except downloads.ConversionFailed as error:
        log.error("ogr2ogr could not write %s of %s: %s", fmt, found.id, error)
        raise OgcError(
            500, "conversion_failed", _("The file could not be made. Please try again later.")
        ) from error
    name = f"metropoli-{found.id}.{kind.extension}"
    response = FileResponse(handle, as_attachment=True, filename=name, content_type=kind.media_type)
    response["Access-Control-Allow-Origin"] = "*"
    return response


@ogc_view
def tile_json(request, layer: str):
    """TileJSON 3.0 of a public vector-tile layer; its filters pass on to the tile URL."""
    if layer not in tilejson.TILESETS:
        raise OgcError(
            404,
            "unknown_layer",
            _("There is no TileJSON for %(layer)s; there is for: %(layers)s.")
            % {"layer": layer[:40], "layers": ", ".join(tilejson.TILESETS)},
        )
    tile_layer = get_layer(layer)
    try:
        tile_layer.parse_filters(request.GET)
    except ValidationError as error:
        raise OgcError(400, "invalid_filter", " ".join(error.messages)) from error
    tile = reverse("maps:tile", kwargs={"layer": layer, "z": 0, "x": 0, "y": 0})
    url = request.build_absolute_uri(tile).replace("/0/0/0.pbf", "/{z}/{x}/{y}.pbf")
    if request.GET:
        url += "?" + request.GET.urlencode(safe=",")
    body = tilejson.document(layer, url, settings.METROPOLI["PLATFORM_NAME"])
    return _answer(body, JSON)
