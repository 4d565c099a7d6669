"""Tiles pass a shorter middleware chain than pages (common/handlers.py, decision 0097): what
they still get (request ID, metrics, the outage 503, control-character refusals, the language,
SecurityMiddleware's headers, ETag/304 and immutable `v=`) and what the rest keeps (all of it).

Requests go through the WSGI application config/wsgi.py serves, as gunicorn calls it."""

import json
import os
import subprocess
import sys

import pytest
from prometheus_client import REGISTRY

from metropoli.common.handlers import application, tile_middleware
from metropoli.common.testing import call_wsgi
from metropoli.maps import versions
from metropoli.maps.tiles import tile_for_lonlat
from metropoli.trees.tests.factories import GDL, make_tree
from metropoli.web.tests.test_outage import ENGLISH_PAGE, SPANISH_PAGE, unreachable_database

pytestmark = pytest.mark.django_db

PRODUCTION_EDGE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "metropoli.common.observability.RequestIdMiddleware",
]


class Answer:
    def __init__(self, status: int, headers: list[tuple[str, str]], body: bytes):
        self.status, self.body = status, body
        self.headers = {name.lower(): value for name, value in headers}
        self.header_names = [name.lower() for name, _ in headers]

    def __getitem__(self, name: str) -> str:
        return self.headers[name.lower()]

    def __contains__(self, name: str) -> bool:
        return name.lower() in self.headers

    def json(self):
        return json.loads(self.body)


def get(app, path: str, query: str = "", **headers: str) -> Answer:
    return Answer(*call_wsgi(app, "GET", path, query, **headers))


def tile_path(z: int = 16) -> str:
    t = tile_for_lonlat(*GDL, z)
    return f"/tiles/trees/{t.z}/{t.x}/{t.y}.pbf"


@pytest.fixture
def site():
    return application()


@pytest.fixture
def production_site(settings):
    settings.MIDDLEWARE = [
        *PRODUCTION_EDGE,
        *settings.MIDDLEWARE,
        "django_prometheus.middleware.PrometheusAfterMiddleware",
    ]
    return application()


def test_the_tile_chain_is_middleware_less_the_skipped_ones_in_order(settings):
    chain = tile_middleware()
    assert chain == [m for m in settings.MIDDLEWARE if m not in settings.TILE_MIDDLEWARE_SKIPPED]
    for kept in (
        "metropoli.common.middleware.DatabaseOutageMiddleware",
        "django.middleware.security.SecurityMiddleware",
        "metropoli.common.middleware.ControlCharactersMiddleware",
        "django.middleware.locale.LocaleMiddleware",
    ):
        assert kept in chain
    assert "django.contrib.sessions.middleware.SessionMiddleware" not in chain
    settings.MIDDLEWARE = [*PRODUCTION_EDGE, *settings.MIDDLEWARE]
    assert tile_middleware()[:2] == PRODUCTION_EDGE  # a middleware added later reaches tiles


def test_tiles_skip_the_page_middleware_and_pages_keep_it(site, municipalities):
    tile = get(site, "/tiles/municipalities/8/55/112.pbf")
    assert tile.status == 200 and tile["Content-Type"] == "application/vnd.mapbox-vector-tile"
    assert tile["X-Content-Type-Options"] == "nosniff"  # SecurityMiddleware
    assert "Referrer-Policy" in tile
    for page_only in ("Content-Security-Policy", "X-Frame-Options", "Set-Cookie"):
        assert page_only not in tile
    assert "Cookie" not in tile.headers.get("vary", "")

    page = get(site, "/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status == 200
    for header in ("Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options"):
        assert header in page
    assert "Cookie" in page["Vary"]  # sessions and CSRF ran


def test_a_tile_carries_its_request_id_and_is_counted(production_site, municipalities):
    counted = "django_http_responses_total_by_status_total"
    before = REGISTRY.get_sample_value(counted, {"status": "200"}) or 0
    tile = get(
        production_site,
        "/tiles/municipalities/8/55/112.pbf",
        X_REQUEST_ID="3f2a9c1e0b7d4e5fa1b2c3d4e5f60718",
    )
    assert tile.status == 200
    assert tile["X-Request-ID"] == "3f2a9c1e0b7d4e5fa1b2c3d4e5f60718"
    assert REGISTRY.get_sample_value(counted, {"status": "200"}) == before + 1
    assert len(get(production_site, "/tiles/nope/1/0/0.pbf")["X-Request-ID"]) == 32


@pytest.mark.parametrize(
    ("language", "words"),
    [("es-MX", "debe ser un número"), ("en", "must be a number")],
)
def test_a_bad_tile_is_refused_in_the_persons_language(site, municipalities, language, words):
    bad = get(site, tile_path(10), "dbh_min=big", ACCEPT_LANGUAGE=language)
    assert bad.status == 400
    assert bad.json()["code"] == "invalid_filter"
    assert bad["Content-Length"] == str(len(bad.body))
    assert words in bad.json()["message"]
    missing = get(site, "/tiles/nope/1/0/0.pbf", ACCEPT_LANGUAGE=language)
    assert missing.status == 404 and missing.json()["code"] == "unknown_layer"
    assert ("capa" if language == "es-MX" else "layer") in missing.json()["message"]
    # Paths no view has are JSON 404s as before (ApiErrorsMiddleware stays).
    nowhere = get(site, "/tiles/trees/1/0/0/extra.pbf", ACCEPT_LANGUAGE=language)
    assert nowhere.status == 404 and nowhere.json()["code"] == "not_found"


def test_control_characters_in_a_tile_query_are_refused(site):
    refused = get(site, tile_path(), "species=%00", ACCEPT_LANGUAGE="en")
    assert refused.status == 400 and refused.json()["code"] == "invalid_characters"


@pytest.mark.parametrize(("language", "words"), [("es-MX", SPANISH_PAGE), ("en", ENGLISH_PAGE)])
def test_a_tile_during_a_database_outage_is_a_503(site, language, words):
    with unreachable_database():
        down = get(site, tile_path(), ACCEPT_LANGUAGE=language)
    assert down.status == 503 and down["Retry-After"] == "10"
    assert down.json()["code"] == "database_unavailable"
    assert words in down.json()["message"]


def test_etag_304_and_immutable_versions_as_before(
    site, settings, municipalities, django_capture_on_commit_callbacks
):
    settings.METROPOLI_TILE_VERSION_SECONDS = 0
    with django_capture_on_commit_callbacks(execute=True):
        make_tree(None)
    version = versions.current("trees")
    pinned = get(site, tile_path(), f"v={version}")
    assert pinned.status == 200 and pinned.body != b""
    assert pinned["Cache-Control"] == "public, max-age=31536000, immutable"
    assert pinned["ETag"].startswith(f'"trees-{version}-')
    assert pinned["Content-Length"] == str(len(pinned.body))  # not sent in chunks
    assert get(site, tile_path())["Cache-Control"] == "public, max-age=30"
    assert get(site, tile_path(), f"v={version + 1}")["Cache-Control"] == "public, max-age=30"
    again = get(site, tile_path(), f"v={version}", IF_NONE_MATCH=pinned["ETag"])
    assert again.status == 304 and again.body == b""
    assert again["Cache-Control"] == "public, max-age=31536000, immutable"
    # A 304 states no length: caches would take it for the tile's (RFC 9110, 8.6).
    assert "Content-Length" not in again


PROBE = """
import json
from django.conf import settings
from prometheus_client import REGISTRY
from wsgiref.util import setup_testing_defaults

# A clean checkout has collected no static files (no manifest): the outage page only needs the
# files' URLs, which the plain storage gives.
settings.STORAGES = {**settings.STORAGES, "staticfiles": {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
from metropoli.config.wsgi import application

def get(path):
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "HTTP_ACCEPT_LANGUAGE": "en",
               "HTTP_X_FORWARDED_PROTO": "https", "HTTP_HOST": "testserver"}
    setup_testing_defaults(environ)
    answer = {}
    def start_response(status, headers, exc_info=None):
        answer["status"], answer["headers"] = int(status.split()[0]), dict(headers)
    result = application(environ, start_response)
    answer["body"] = b"".join(result).decode()
    result.close()
    return answer

tile, page = get("/tiles/trees/10/225/450.pbf"), get("/")
print(json.dumps({
    "tile": tile, "page": page,
    "counted": REGISTRY.get_sample_value(
        "django_http_responses_total_by_status_total", {"status": "503"}),
}))
"""


def test_production_tiles_carry_the_request_id_and_answer_an_outage():
    # The production settings and the application gunicorn serves, in a process of their own;
    # the database cannot be reached, so both answers are the outage 503.
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "metropoli.config.settings.production",
        "METROPOLI_SECRET_KEY": "a-production-like-key-for-this-test-only",
        "METROPOLI_DATABASE_URL": "postgis://nobody@127.0.0.1:1/none",
        "METROPOLI_ALLOWED_HOSTS": "testserver",
        "METROPOLI_LOG_LEVEL": "CRITICAL",
    }
    done = subprocess.run(
        [sys.executable, "-c", PROBE], env=environment, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    answers = json.loads(done.stdout.strip().splitlines()[-1])
    tile, page = answers["tile"], answers["page"]
    assert tile["status"] == 503 and len(tile["headers"]["X-Request-ID"]) == 32
    assert json.loads(tile["body"])["code"] == "database_unavailable"
    assert "Content-Security-Policy" not in tile["headers"]
    assert page["status"] == 503 and len(page["headers"]["X-Request-ID"]) == 32
    assert "Content-Security-Policy" in page["headers"]
    assert answers["counted"] == 2  # both went through the metrics middleware
