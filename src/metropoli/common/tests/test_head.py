"""HEAD is answered as GET without the body (common/middleware.py, decision 0101): pages, the
API, the OGC API, tiles and the health check, with the GET's status and headers."""

import pytest

from metropoli.common.handlers import application
from metropoli.common.testing import call_wsgi
from metropoli.maps.tiles import tile_for_lonlat
from metropoli.trees.tests.factories import GDL, make_tree

pytestmark = pytest.mark.django_db


def wsgi(method: str, path: str) -> tuple[int, dict[str, str], bytes]:
    status, headers, body = call_wsgi(application(), method, path)
    return status, dict(headers), body


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/arbol/",
        "/participa/",
        "/cooperacion/",
        "/api/trees/",
        "/ogc/collections",
        "/healthz",
        "tile",
    ],
)
def test_head_answers_what_get_answers_without_the_body(path, municipalities):
    if path == "tile":
        make_tree()
        t = tile_for_lonlat(*GDL, 16)
        path = f"/tiles/trees/{t.z}/{t.x}/{t.y}.pbf"
    status, headers, body = wsgi("GET", path)
    assert status == 200 and body
    head_status, head_headers, head_body = wsgi("HEAD", path)
    assert head_status == 200
    assert head_body == b""
    assert head_headers["Content-Type"] == headers["Content-Type"]
    assert head_headers["Content-Length"] == str(len(body))


def test_head_of_a_missing_page_is_its_404_and_post_is_untouched(client, municipalities):
    assert client.head("/no-existe/").status_code == 404
    assert client.head("/api/trees/999999999").status_code == 404
    # HEAD is not a way around a method a view refuses: DELETE stays refused.
    assert client.delete("/").status_code == 405


def test_head_of_a_streamed_export_sends_its_headers_and_reads_nothing(municipalities):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_tree()
    status, headers, body = wsgi("GET", "/api/trees/export")
    assert status == 200 and body.count(b"\n") >= 2  # a header row and the tree
    with CaptureQueriesContext(connection) as queries:
        head_status, head_headers, head_body = wsgi("HEAD", "/api/trees/export")
    assert head_status == 200 and head_body == b""
    assert head_headers["Content-Type"] == headers["Content-Type"]
    assert head_headers["Content-Disposition"] == 'attachment; filename="arboles.csv"'
    assert not [q for q in queries.captured_queries if "trees_tree" in q["sql"]]
