"""The HTTP floor of a tile: a bare WSGI application that answers /tiles/trees/<z>/<x>/<y>.pbf
with the very statement our layer runs, over its own psycopg connection per thread, with no
Django request cycle at all (no middleware, URL resolution, filters, versions or ETag).

bench_tiles.py serves it with the same gunicorn settings as ours and prints it beside the raw
query: what is left between the two is HTTP and gunicorn, the part no Django view can remove.
"""

from __future__ import annotations

import os
import threading

import django
import psycopg

django.setup()

from metropoli.maps.tiles import Tile  # noqa: E402
from metropoli.trees.selectors import TreeFilters  # noqa: E402
from metropoli.trees.tiles import TreesLayer  # noqa: E402

LAYER = TreesLayer()
CONNINFO = os.environ["BENCH_FLOOR_CONNINFO"]
_local = threading.local()


def _connection() -> psycopg.Connection:
    if getattr(_local, "connection", None) is None:
        _local.connection = psycopg.connect(CONNINFO, autocommit=True)  # prepares after 5 runs
    return _local.connection


def application(environ, start_response):
    z, x, y = environ["PATH_INFO"].removeprefix("/tiles/trees/").removesuffix(".pbf").split("/")
    sql, params = LAYER.postgis_query(Tile(int(z), int(x), int(y)), TreeFilters())
    row = _connection().execute(sql, params).fetchone()
    body = bytes(row[0]) if row and row[0] is not None else b""
    headers = [("Content-Type", "application/vnd.mapbox-vector-tile")]
    start_response("200 OK", [*headers, ("Content-Length", str(len(body)))])
    return [body]
