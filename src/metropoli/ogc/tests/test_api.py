"""OGC API – Features at /ogc/ through Django's test client: the resources, paging, filters,
privacy (what the JSON API hides stays hidden) and refusals (400 in the request's language)."""

import json
from urllib.parse import parse_qs, urlsplit

import pytest
from openapi_spec_validator import validate

from metropoli.ogc.registry import COLLECTIONS
from metropoli.sensors.models import Sensor
from metropoli.trees.exports import CSV_COLUMNS

from .conftest import GDL_BOX, GDL_POINTS, ZAP_POINTS

pytestmark = pytest.mark.django_db

GEOJSON = "application/geo+json"
OPENAPI = "application/vnd.oai.openapi+json;version=3.0"


def get(client, path, **headers):
    return client.get(path, headers=headers)


def body(response):
    return json.loads(response.content)


def link(document, rel):
    found = [item for item in document["links"] if item["rel"] == rel]
    return found[0] if found else None


def local(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + ("?" + parts.query if parts.query else "")


def test_landing_page_links_the_definition_conformance_and_collections(client):
    response = get(client, "/ogc/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    page = body(response)
    assert link(page, "service-desc")["type"] == OPENAPI
    assert link(page, "service-desc")["href"] == "http://testserver/ogc/api"
    assert link(page, "conformance")["href"] == "http://testserver/ogc/conformance"
    assert link(page, "data")["href"] == "http://testserver/ogc/collections"
    assert link(page, "self")["type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    # QGIS asks for the address as typed, without the final slash, and follows no redirect.
    bare = get(client, "/ogc")
    assert bare.status_code == 200 and body(bare) == page


def test_conformance_declares_core_geojson_and_openapi(client):
    classes = body(get(client, "/ogc/conformance"))["conformsTo"]
    assert set(classes) == {
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    }


def test_openapi_definition_is_valid_and_declares_each_collections_filters(client):
    response = get(client, "/ogc/api")
    assert response.status_code == 200
    assert response["Content-Type"] == OPENAPI
    document = body(response)
    validate(document)
    assert document["servers"] == [{"url": "http://testserver/ogc"}]
    for collection in COLLECTIONS.values():
        items = document["paths"][f"/collections/{collection.id}/items"]["get"]
        names = {p.get("name") or p["$ref"].rsplit("/", 1)[-1] for p in items["parameters"]}
        assert {"limit", "bbox", "offset"} <= names
        assert {q.name for q in collection.queryables} <= names
        assert ("datetime" in names) == bool(collection.temporal_field)
    limit = document["components"]["parameters"]["limit"]["schema"]
    assert limit["maximum"] == 10_000


def test_collections_lists_the_six_with_items_links_and_extents(client, trees):
    response = get(client, "/ogc/collections")
    assert response.status_code == 200
    listed = {c["id"]: c for c in body(response)["collections"]}
    assert list(listed) == [
        "trees",
        "planting-sites",
        "sensors",
        "markets",
        "contributions",
        "municipalities",
    ]
    trees_collection = listed["trees"]
    assert link(trees_collection, "items") == {
        "href": "http://testserver/ogc/collections/trees/items",
        "rel": "items",
        "type": GEOJSON,
        "title": "Los elementos (GeoJSON)",
    }
    west, south, east, north = trees_collection["extent"]["spatial"]["bbox"][0]
    for lon, lat in GDL_POINTS + ZAP_POINTS:
        assert west <= lon <= east and south <= lat <= north
    first, last = trees_collection["extent"]["temporal"]["interval"][0]
    assert first.startswith("2025-03-01") and last.startswith("2025-03-08")
    assert "temporal" not in listed["sensors"]["extent"]


def test_one_collection_and_an_unknown_one(client):
    assert body(get(client, "/ogc/collections/markets"))["id"] == "markets"
    response = get(client, "/ogc/collections/arboles")
    assert response.status_code == 404
    assert body(response)["code"] == "unknown_collection"


def test_trees_items_are_geojson_with_counts_and_links(client, trees):
    response = get(client, "/ogc/collections/trees/items")
    assert response.status_code == 200
    assert response["Content-Type"] == GEOJSON
    page = body(response)
    assert page["type"] == "FeatureCollection"
    assert page["numberMatched"] == page["numberReturned"] == len(trees)
    assert [f["id"] for f in page["features"]] == sorted(t.pk for t in trees)
    assert link(page, "self")["href"] == "http://testserver/ogc/collections/trees/items"
    assert link(page, "collection")["href"] == "http://testserver/ogc/collections/trees"
    assert link(page, "alternate") == {
        "href": "http://testserver/arbol/",
        "rel": "alternate",
        "type": "text/html",
        "title": "En el mapa de la plataforma",
    }
    assert link(page, "next") is None and link(page, "prev") is None
    first = page["features"][0]
    assert first["geometry"] == {"type": "Point", "coordinates": list(GDL_POINTS[0])}
    assert first["properties"]["municipality"] == "14039"
    assert first["properties"]["species"] == "FRUH"
    assert first["properties"]["dbh_cm"] == 30.0


def test_tree_properties_are_the_exports_columns_and_never_the_recorder(client, trees):
    page = body(get(client, "/ogc/collections/trees/items"))
    published = set(page["features"][0]["properties"])
    # The same fields the CSV export publishes (coordinates are the geometry), plus the name
    # of the municipality: nothing the export leaves out.
    assert published == set(CSV_COLUMNS) - {"lon", "lat"} | {"municipality_name"}
    text = json.dumps(page, ensure_ascii=False)
    assert "Registradora Secreta" not in text
    assert "registradora@example.mx" not in text
    assert "recorded_by" not in text


def test_bbox_keeps_only_the_trees_inside(client, trees):
    page = body(get(client, f"/ogc/collections/trees/items?bbox={GDL_BOX}"))
    assert page["numberMatched"] == len(GDL_POINTS)
    assert {f["properties"]["municipality"] for f in page["features"]} == {"14039"}
    # Six numbers (with heights) mean the same box.
    west, south, east, north = GDL_BOX.split(",")
    page = body(
        get(client, f"/ogc/collections/trees/items?bbox={west},{south},0,{east},{north},100")
    )
    assert page["numberMatched"] == len(GDL_POINTS)
    # A box with west > east crosses the antimeridian: here it holds the whole world but the
    # slice from -103.36 to -103.30, so no Guadalajara tree.
    page = body(get(client, "/ogc/collections/trees/items?bbox=-103.30,20,-103.36,21"))
    assert page["numberMatched"] == len(ZAP_POINTS)


def test_paging_with_next_and_prev_links_walks_every_tree_once(client, trees):
    seen = []
    url = "/ogc/collections/trees/items?limit=3"
    pages = 0
    while url:
        page = body(get(client, url))
        # Counted on the first page; pages reached through a link are not counted again.
        assert page.get("numberMatched") == (len(trees) if pages == 0 else None)
        assert page["numberReturned"] == len(page["features"]) <= 3
        seen += [f["id"] for f in page["features"]]
        following = link(page, "next")
        url = local(following["href"]) if following else None
        if following:
            assert parse_qs(urlsplit(following["href"]).query)["limit"] == ["3"]
        pages += 1
    assert seen == sorted(t.pk for t in trees)
    assert pages == 3
    # Back from the last page.
    previous = link(page, "prev")
    back = body(get(client, local(previous["href"])))
    assert [f["id"] for f in back["features"]] == seen[3:6]
    assert [f["id"] for f in body(get(client, local(link(back, "prev")["href"])))["features"]] == (
        seen[:3]
    )


def test_offset_pages_and_an_offset_past_the_end(client, trees):
    page = body(get(client, "/ogc/collections/trees/items?limit=2&offset=2"))
    assert [f["id"] for f in page["features"]] == sorted(t.pk for t in trees)[2:4]
    assert link(page, "prev") is not None and link(page, "next") is not None
    empty = body(get(client, "/ogc/collections/trees/items?offset=500"))
    assert empty["features"] == [] and empty["numberReturned"] == 0
    assert empty["numberMatched"] == len(trees)


def test_property_filters_species_and_municipality(client, trees):
    jacarandas = body(get(client, "/ogc/collections/trees/items?species=JAMI"))
    assert jacarandas["numberMatched"] == 2
    assert {f["properties"]["species"] for f in jacarandas["features"]} == {"JAMI"}
    zapopan = body(get(client, "/ogc/collections/trees/items?municipality=14120"))
    assert zapopan["numberMatched"] == len(ZAP_POINTS)
    both = body(get(client, "/ogc/collections/trees/items?municipality=14039&species=FRUH"))
    assert both["numberMatched"] == 3
    # Filters survive in the next link.
    paged = body(get(client, "/ogc/collections/trees/items?species=FRUH&limit=2"))
    query = parse_qs(urlsplit(link(paged, "next")["href"]).query)
    assert query["species"] == ["FRUH"] and "after" in query


def test_datetime_instant_day_and_intervals(client, trees):
    def matched(value):
        return body(get(client, f"/ogc/collections/trees/items?datetime={value}"))["numberMatched"]

    assert matched("2025-03-02T12:00:00Z") == 1
    assert matched("2025-03-02") == 1
    assert matched("2025-03-02T00:00:00Z/2025-03-04T23:59:59Z") == 3
    assert matched("../2025-03-02T23:00:00Z") == 2
    assert matched("2025-03-07T00:00:00Z/..") == 2
    assert matched("2025-03-07T00:00:00%2B06:00/..") == 2  # an offset is read as such


def test_one_tree_with_its_links(client, trees):
    tree = trees[0]
    response = get(client, f"/ogc/collections/trees/items/{tree.pk}")
    assert response.status_code == 200
    assert response["Content-Type"] == GEOJSON
    feature = body(response)
    assert feature["id"] == tree.pk
    assert link(feature, "alternate") == {
        "href": f"http://testserver/arbol/arboles/{tree.pk}",
        "rel": "alternate",
        "type": "text/html",
        "title": "Su página",
    }
    assert link(feature, "collection")["href"] == "http://testserver/ogc/collections/trees"
    # "²" and "①" are digits to str.isdigit(), not to int(): they answered 500.
    for missing in ("999999", "abc", "1" * 30, "%C2%B2", "%E2%91%A0"):
        response = get(client, f"/ogc/collections/trees/items/{missing}")
        assert response.status_code == 404
        assert body(response)["code"] == "unknown_feature"


def test_planting_sites_tell_which_tree_stands_on_them(client, trees):
    page = body(get(client, "/ogc/collections/planting-sites/items"))
    assert page["numberMatched"] == len(trees)
    assert {f["properties"]["tree_id"] for f in page["features"]} == {t.pk for t in trees}
    trees[0].delete()
    empty = body(get(client, "/ogc/collections/planting-sites/items?has_tree=false"))
    assert [f["properties"]["tree_id"] for f in empty["features"]] == [None]


def test_sensors_carry_the_latest_index_and_no_owner(client, sensor):
    page = body(get(client, "/ogc/collections/sensors/items"))
    assert page["numberMatched"] == 1
    feature = page["features"][0]
    assert feature["id"] == "esp8266-3912953"
    assert feature["properties"]["index_category"] == "acceptable"
    assert feature["properties"]["online"] is True
    text = json.dumps(page, ensure_ascii=False)
    for private in ("Dueña Privada", "duena-del-sensor", "auth_username", "password"):
        assert private not in text
    one = get(client, "/ogc/collections/sensors/items/esp8266-3912953")
    assert body(one)["properties"]["index_label"]
    Sensor.objects.filter(pk=sensor.pk).update(active=False)
    assert body(get(client, "/ogc/collections/sensors/items"))["numberMatched"] == 0
    assert get(client, "/ogc/collections/sensors/items/esp8266-3912953").status_code == 404


def test_markets_and_municipalities(client, market, municipalities):
    markets = body(get(client, "/ogc/collections/markets/items"))
    assert [f["id"] for f in markets["features"]] == ["libertad"]
    assert markets["features"][0]["properties"]["delivers"] is True
    places = body(get(client, "/ogc/collections/municipalities/items"))
    assert places["numberMatched"] == 9
    guadalajara = body(get(client, "/ogc/collections/municipalities/items/14039"))
    assert guadalajara["geometry"]["type"] == "Point"  # no boundary imported: the seat
    assert guadalajara["properties"]["has_boundary"] is False
    near = body(
        get(client, "/ogc/collections/municipalities/items?bbox=-103.36,20.66,-103.33,20.69")
    )
    assert [f["id"] for f in near["features"]] == ["14039"]


def test_contributions_only_the_visible_ones_without_author(client, contributions):
    visible, hidden = contributions
    page = body(get(client, "/ogc/collections/contributions/items"))
    assert [f["id"] for f in page["features"]] == [visible.pk]
    properties = page["features"][0]["properties"]
    assert properties["proceeding"] == "sombra"
    assert properties["type"] == "problem"
    text = json.dumps(page, ensure_ascii=False)
    assert "Autora Privada" not in text and "autora@example.mx" not in text
    assert get(client, f"/ogc/collections/contributions/items/{hidden.pk}").status_code == 404
    assert (
        body(get(client, "/ogc/collections/contributions/items?proceeding=sombra&type=problem"))[
            "numberMatched"
        ]
        == 1
    )


BAD = [
    ("bbox=1,2,3", "invalid_bbox"),
    ("bbox=-103,20,-104", "invalid_bbox"),
    ("bbox=a,b,c,d", "invalid_bbox"),
    ("bbox=nan,20,-103,21", "invalid_bbox"),
    ("bbox=-103,21,-102,20", "invalid_bbox"),
    ("bbox=-200,20,-103,21", "invalid_bbox"),
    ("limit=-1", "invalid_limit"),
    ("limit=0", "invalid_limit"),
    ("limit=10001", "invalid_limit"),
    ("limit=1e3", "invalid_limit"),
    ("offset=100000000000000000000", "invalid_offset"),
    ("offset=-5", "invalid_offset"),
    ("after=abc", "invalid_cursor"),
    ("after=1&before=5", "invalid_cursor"),
    ("offset=10&after=3", "invalid_cursor"),
    ("datetime=yesterday", "invalid_datetime"),
    ("datetime=../..", "invalid_datetime"),
    ("datetime=2025-03-05/2025-03-01", "invalid_datetime"),
    ("datetime=0001-01-01T00:00:00%2B01:00", "invalid_datetime"),
    ("datetime=2025-01-01/2025-02-01/2025-03-01", "invalid_datetime"),
    ("species=NOPE", "invalid_filter"),
    ("municipality=99999", "invalid_filter"),
    ("dbh_min=abc", "invalid_filter"),
    ("colour=green", "unknown_parameter"),
    ("limit=5&limit=6", "repeated_parameter"),
    ("f=html", "unsupported_format"),
    ("bbox=-103.4,20.6,-103.3%00,20.7", "invalid_characters"),
]


@pytest.mark.parametrize(("query", "code"), BAD)
def test_bad_parameters_are_400_json_never_500(client, query, code):
    response = get(client, f"/ogc/collections/trees/items?{query}")
    assert response.status_code == 400, response.content
    assert response["Content-Type"].startswith("application/json")
    answer = body(response)
    assert answer["code"] == code
    assert answer["message"]


def test_refusals_speak_the_requests_language(client):
    spanish = body(get(client, "/ogc/collections/trees/items?limit=-1"))["message"]
    english = body(
        get(client, "/ogc/collections/trees/items?limit=-1", **{"Accept-Language": "en"})
    )["message"]
    assert english == "limit must be a whole number from 1 to 10,000."
    assert spanish == "limit debe ser un número entero de 1 a 10,000."


def test_datetime_is_refused_where_it_does_not_apply(client):
    response = get(client, "/ogc/collections/sensors/items?datetime=2025-03-01")
    assert response.status_code == 400
    assert body(response)["code"] == "unknown_parameter"


def test_other_collections_refuse_bad_filters_too(client, municipalities):
    for path in (
        "/ogc/collections/planting-sites/items?has_tree=maybe",
        "/ogc/collections/planting-sites/items?site_type=roof",
        "/ogc/collections/sensors/items?placement=space",
        "/ogc/collections/contributions/items?proceeding=nope",
        "/ogc/collections/contributions/items?category=x",
        "/ogc/collections/markets/items?municipality=00000",
    ):
        response = get(client, path)
        assert response.status_code == 400, path
        assert body(response)["code"] == "invalid_filter"


def test_head_is_answered_and_writes_are_refused(client):
    assert client.head("/ogc/collections").status_code == 200
    response = client.post("/ogc/collections/trees/items", data={})
    assert response.status_code == 405
    assert body(response)["code"] == "method_not_allowed"
    unknown = get(client, "/ogc/nada")
    assert unknown.status_code == 404 and body(unknown)["code"] == "not_found"


def test_feature_schema_describes_the_properties(client):
    response = get(client, "/ogc/collections/trees/schema")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/schema+json"
    schema = body(response)
    properties = schema["properties"]["properties"]["properties"]
    assert properties["recorded_at"] == {"type": "string", "format": "date-time"}
    assert properties["dbh_cm"]["type"] == "number"
