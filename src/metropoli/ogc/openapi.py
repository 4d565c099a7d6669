"""The OpenAPI 3.0 definition of /ogc/ (the landing page's service-desc), built from the
collections, so every filter a collection takes is a declared parameter of its items path.

GDAL reads the parameters of /collections/{id}/items to learn which attribute filters it can
send to the server (`ogr2ogr -where "species = 'JAMI'"` becomes `species=JAMI`).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from .downloads import FORMATS, MAX_FEATURES
from .params import DEFAULT_LIMIT, MAX_LIMIT, MAX_OFFSET
from .registry import COLLECTIONS, Collection

GEOJSON = "application/geo+json"
JSON = "application/json"
OPENAPI = "application/vnd.oai.openapi+json;version=3.0"
SCHEMA = "application/schema+json"


def _ref(kind: str, name: str) -> dict:
    return {"$ref": f"#/components/{kind}/{name}"}


def _json_answer(description: str, schema: dict, media_type: str = JSON) -> dict:
    return {"description": description, "content": {media_type: {"schema": schema}}}


def _parameters() -> dict:
    return {
        "limit": {
            "name": "limit",
            "in": "query",
            "required": False,
            "style": "form",
            "explode": False,
            "description": _(
                "How many features a page holds. A value outside the range is refused (400)."
            ),
            "schema": {
                "type": "integer",
                "minimum": 1,
                "maximum": MAX_LIMIT,
                "default": DEFAULT_LIMIT,
            },
        },
        "offset": {
            "name": "offset",
            "in": "query",
            "required": False,
            "description": _(
                "Features to skip. For deeper pages follow the next links, which stay fast "
                "at any depth."
            ),
            "schema": {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET, "default": 0},
        },
        "after": {
            "name": "after",
            "in": "query",
            "required": False,
            "description": _("Start after the feature with this id (what next links carry)."),
            "schema": {"type": "string"},
        },
        "before": {
            "name": "before",
            "in": "query",
            "required": False,
            "description": _("End before the feature with this id (what prev links carry)."),
            "schema": {"type": "string"},
        },
        "bbox": {
            "name": "bbox",
            "in": "query",
            "required": False,
            "style": "form",
            "explode": False,
            "description": _(
                "Only features whose geometry intersects the box west,south,east,north in "
                "degrees (WGS 84, CRS84). Six numbers add the minimum and maximum height."
            ),
            "schema": {
                "type": "array",
                "minItems": 4,
                "maxItems": 6,
                "items": {"type": "number"},
            },
        },
        "datetime": {
            "name": "datetime",
            "in": "query",
            "required": False,
            "style": "form",
            "explode": False,
            "description": _(
                "An instant (2025-03-31T12:00:00Z), a day (2025-03-31, in the platform's time "
                "zone) or an interval start/end where either side may be .. (open)."
            ),
            "schema": {"type": "string"},
        },
        "f": {
            "name": "f",
            "in": "query",
            "required": False,
            "description": _("The format; only json is offered (also the default)."),
            "schema": {"type": "string", "enum": ["json"]},
        },
        "collectionId": {
            "name": "collectionId",
            "in": "path",
            "required": True,
            "description": _("The id of a collection."),
            "schema": {"type": "string", "enum": list(COLLECTIONS)},
        },
        "featureId": {
            "name": "featureId",
            "in": "path",
            "required": True,
            "description": _("The id of a feature."),
            "schema": {"type": "string"},
        },
    }


def _schemas() -> dict:
    link = {
        "type": "object",
        "required": ["href"],
        "properties": {
            "href": {"type": "string"},
            "rel": {"type": "string"},
            "type": {"type": "string"},
            "title": {"type": "string"},
        },
    }
    links = {"type": "array", "items": _ref("schemas", "link")}
    extent = {
        "type": "object",
        "properties": {
            "spatial": {
                "type": "object",
                "properties": {
                    "bbox": {
                        "type": "array",
                        "items": {"type": "array", "items": {"type": "number"}},
                    },
                    "crs": {"type": "string"},
                },
            },
            "temporal": {
                "type": "object",
                "properties": {
                    "interval": {
                        "type": "array",
                        "items": {
                            "type": "array",
                            "items": {"type": "string", "format": "date-time", "nullable": True},
                        },
                    },
                    "trs": {"type": "string"},
                },
            },
        },
    }
    collection = {
        "type": "object",
        "required": ["id", "links"],
        "properties": {
            "id": {"type": "string"},
            "title": {"type": "string"},
            "description": {"type": "string"},
            "links": links,
            "extent": extent,
            "itemType": {"type": "string"},
            "crs": {"type": "array", "items": {"type": "string"}},
            "storageCrs": {"type": "string"},
        },
    }
    geometry = {"type": "object", "nullable": True, "properties": {"type": {"type": "string"}}}
    schemas = {
        "link": link,
        "exception": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
        },
        "landingPage": {
            "type": "object",
            "required": ["links"],
            "properties": {
                "title": {"type": "string"},
                "description": {"type": "string"},
                "links": links,
            },
        },
        "confClasses": {
            "type": "object",
            "required": ["conformsTo"],
            "properties": {"conformsTo": {"type": "array", "items": {"type": "string"}}},
        },
        "collection": collection,
        "collections": {
            "type": "object",
            "required": ["links", "collections"],
            "properties": {
                "links": links,
                "collections": {"type": "array", "items": _ref("schemas", "collection")},
            },
        },
        "featureGeoJSON": {
            "type": "object",
            "required": ["type", "geometry", "properties"],
            "properties": {
                "type": {"type": "string", "enum": ["Feature"]},
                "id": {"oneOf": [{"type": "string"}, {"type": "integer"}]},
                "geometry": geometry,
                "properties": {"type": "object", "nullable": True},
                "links": links,
            },
        },
        "featureCollectionGeoJSON": {
            "type": "object",
            "required": ["type", "features"],
            "properties": {
                "type": {"type": "string", "enum": ["FeatureCollection"]},
                "features": {"type": "array", "items": _ref("schemas", "featureGeoJSON")},
                "links": links,
                "timeStamp": {"type": "string", "format": "date-time"},
                "numberMatched": {"type": "integer", "minimum": 0},
                "numberReturned": {"type": "integer", "minimum": 0},
            },
        },
    }
    for collection_ in COLLECTIONS.values():
        schemas[f"{collection_.id}-properties"] = properties_schema(collection_)
    return schemas


def properties_schema(collection: Collection) -> dict:
    return {"type": "object", "properties": dict(collection.properties_schema)}


def feature_schema(collection: Collection) -> dict:
    """JSON Schema of one feature (the collection's describedby link): GDAL takes the column
    types from it instead of guessing them from the first page."""
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": str(collection.title),
        "type": "object",
        "required": ["type", "geometry", "properties"],
        "properties": {
            "type": {"type": "string", "enum": ["Feature"]},
            "id": {"type": "integer"} if collection.key_is_int else {"type": "string"},
            "geometry": {"type": "object"},
            "properties": properties_schema(collection),
        },
    }


ERRORS = {
    "400": _ref("responses", "InvalidParameter"),
    "404": _ref("responses", "NotFound"),
    "503": _ref("responses", "Unavailable"),
}


def _filters(collection: Collection) -> list[dict]:
    parameters = [_ref("parameters", "bbox")]
    if collection.temporal_field:
        parameters.append(_ref("parameters", "datetime"))
    for queryable in collection.queryables:
        parameters.append(
            {
                "name": queryable.name,
                "in": "query",
                "required": False,
                "style": "form",
                "explode": False,
                "description": str(queryable.description),
                "schema": queryable.schema,
            }
        )
    return parameters


def _items_path(collection: Collection) -> dict:
    parameters = [
        _ref("parameters", "limit"),
        _ref("parameters", "offset"),
        _ref("parameters", "after"),
        _ref("parameters", "before"),
        _ref("parameters", "f"),
        *_filters(collection),
    ]
    return {
        "get": {
            "tags": [collection.id],
            "summary": _("Features of “%(title)s”") % {"title": collection.title},
            "operationId": f"items-{collection.id}",
            "parameters": parameters,
            "responses": {
                "200": _json_answer(
                    _("A page of features (GeoJSON)."),
                    _ref("schemas", "featureCollectionGeoJSON"),
                    GEOJSON,
                ),
                **ERRORS,
            },
        }
    }


def _download_path(collection: Collection, fmt: str) -> dict:
    kind = FORMATS[fmt]
    return {
        "get": {
            "tags": [collection.id],
            "summary": _("Every selected feature of “%(title)s” as %(format)s")
            % {"title": collection.title, "format": kind.title},
            "description": _(
                "The same filters as the items, without paging: one file made by GDAL, at most "
                "%(limit)s features."
            )
            % {"limit": f"{MAX_FEATURES:,}"},
            "operationId": f"download-{collection.id}-{fmt}",
            "parameters": _filters(collection),
            "responses": {
                "200": {
                    "description": kind.title,
                    "content": {
                        kind.media_type: {"schema": {"type": "string", "format": "binary"}}
                    },
                },
                **ERRORS,
            },
        }
    }


def _item_path(collection: Collection) -> dict:
    return {
        "get": {
            "tags": [collection.id],
            "summary": _("One feature of “%(title)s”") % {"title": collection.title},
            "operationId": f"item-{collection.id}",
            "parameters": [_ref("parameters", "featureId"), _ref("parameters", "f")],
            "responses": {
                "200": _json_answer(
                    _("The feature (GeoJSON)."), _ref("schemas", "featureGeoJSON"), GEOJSON
                ),
                **ERRORS,
            },
        }
    }


def _get(operation_id: str, summary: str, answer: dict, *, with_f: bool = True) -> dict:
    return {
        "get": {
            "summary": summary,
            "operationId": operation_id,
            "parameters": [_ref("parameters", "f")] if with_f else [],
            "responses": {"200": answer, **ERRORS},
        }
    }


def document(base_url: str) -> dict:
    """The definition; `base_url` is the landing page's address, without the final slash."""
    paths = {
        "/": _get(
            "landing-page",
            _("Landing page"),
            _json_answer(_("Links to the API's resources."), _ref("schemas", "landingPage")),
        ),
        "/conformance": _get(
            "conformance",
            _("Conformance classes implemented"),
            _json_answer(_("The conformance classes."), _ref("schemas", "confClasses")),
        ),
        "/api": _get(
            "api",
            _("This OpenAPI definition"),
            _json_answer(_("The OpenAPI 3.0 definition."), {"type": "object"}, OPENAPI),
        ),
        "/collections": _get(
            "collections",
            _("The feature collections"),
            _json_answer(_("Every collection."), _ref("schemas", "collections")),
        ),
    }
    for collection in COLLECTIONS.values():
        paths[f"/collections/{collection.id}"] = _get(
            f"collection-{collection.id}",
            str(collection.title),
            _json_answer(_("The collection's metadata."), _ref("schemas", "collection")),
        )
        paths[f"/collections/{collection.id}/schema"] = _get(
            f"schema-{collection.id}",
            _("JSON Schema of the features of “%(title)s”") % {"title": collection.title},
            _json_answer(_("JSON Schema of one feature."), {"type": "object"}, SCHEMA),
            with_f=False,
        )
        paths[f"/collections/{collection.id}/items"] = _items_path(collection)
        paths[f"/collections/{collection.id}/items/{{featureId}}"] = _item_path(collection)
        for fmt in FORMATS:
            paths[f"/collections/{collection.id}/download.{fmt}"] = _download_path(collection, fmt)
    error = _ref("schemas", "exception")
    return {
        "openapi": "3.0.3",
        "info": {
            "title": _("Metrópoli – OGC API – Features"),
            "version": "1.0.0",
            "description": _(
                "The platform's open data for GIS tools (QGIS, ArcGIS, GDAL), following OGC API "
                "– Features – Part 1: Core. Coordinates are longitude, latitude in WGS 84 "
                "(CRS84). Errors are JSON objects with a stable code and a message in the "
                "language of the request (Accept-Language: es-MX or en)."
            ),
        },
        "servers": [{"url": base_url}],
        "tags": [{"name": c.id, "description": str(c.description)} for c in COLLECTIONS.values()],
        "paths": paths,
        "components": {
            "parameters": _parameters(),
            "schemas": _schemas(),
            "responses": {
                "InvalidParameter": _json_answer(
                    _("A parameter is unknown or has an invalid value."), error
                ),
                "NotFound": _json_answer(_("There is no such collection or feature."), error),
                "Unavailable": _json_answer(
                    _("The database does not answer; try again in a minute."), error
                ),
            },
        },
    }
