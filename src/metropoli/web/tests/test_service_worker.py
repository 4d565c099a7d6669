"""The service worker's precache list (web/precache.py, written into /sw.js): derived from the
templates, it names every file a page loads, MapLibre's worker and the modules included, so a
page that opened once opens again without signal; with hashed static files (the manifest
storage of production) the templates' files are kept under their hashed URLs."""

import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from metropoli.web import precache as precache_module
from metropoli.web.precache import precache, static_files


def served(client) -> tuple[list[str], str]:
    response = client.get("/sw.js")
    assert response.status_code == 200 and response["Service-Worker-Allowed"] == "/"
    script = response.content.decode()
    urls = json.loads(re.search(r"const PRECACHE = (\[.*?\]);", script).group(1))
    version = re.search(r'const VERSION = "metropoli-shell-(\w+)";', script).group(1)
    return urls, version


@pytest.mark.django_db
def test_every_listed_page_and_file_exists(client):
    urls, version = served(client)
    assert (urls, version) == precache()
    for url in urls:
        if url.startswith("/static/"):
            assert finders.find(url.removeprefix("/static/")), url
        else:
            assert client.get(url).status_code == 200, url


def test_what_the_pages_load_is_listed():
    named, loaded = static_files()
    urls = set(precache()[0])
    # The base template's shell, every module a page names, and what they load.
    for name in ("web/site.css", "web/pwa.js", "web/scroll.js", "trees/capture.js"):
        assert name in named
    assert {"maps/ready.js", "web/outbox.js"} <= loaded
    # The map element names MapLibre and its worker itself (by their hashed URLs in production).
    assert {
        "vendor/maplibre-gl/maplibre-gl.mjs",
        "vendor/maplibre-gl/maplibre-gl-worker.mjs",
    } <= named
    for name in ("maplibre-gl-worker.mjs", "maplibre-gl-shared.mjs"):
        assert f"/static/vendor/maplibre-gl/{name}" in urls
    # Service workers are registered, never loaded by a page: not kept as page files.
    assert not any(url.endswith("sw.js") for url in urls)
    # Nor is the API's documentation, which nobody reads without signal.
    assert not any(url.startswith("/static/ninja/") for url in urls)
    assert "web/api-docs.css" not in named


def test_a_new_template_file_is_kept_without_editing_a_list(tmp_path, monkeypatch, settings):
    settings.DEBUG = True  # worked out on every request
    before, version = precache()
    app = tmp_path / "demo"
    (app / "templates" / "demo").mkdir(parents=True)
    (app / "templates" / "demo" / "page.html").write_text(
        '{% load static %}<script type="module" src="{% static \'web/outbox.js\' %}"></script>'
        '<link rel="stylesheet" href="{% static \'vendor/maplibre-gl/maplibre-gl.css\' %}">',
        encoding="utf-8",
    )
    monkeypatch.setattr(precache_module, "PACKAGE", tmp_path)
    after, new_version = precache()
    assert {"/static/web/outbox.js", "/static/vendor/maplibre-gl/maplibre-gl.css"} <= set(after)
    assert "/static/trees/capture.js" not in after and new_version != version
    assert "/static/idb-keyval/idb-keyval.js" not in after  # outbox imports the vendored one:
    assert "/static/vendor/idb-keyval/idb-keyval.js" in after


@pytest.mark.django_db
def test_hashed_static_files_are_kept_under_their_hashed_urls(tmp_path, settings):
    # The manifest collectstatic writes in production (ManifestStaticFilesStorage), for every
    # file but one collected before it existed.
    named, loaded = static_files()
    late = "web/scroll.js"
    paths = {
        name: re.sub(r"(\.\w+)$", r".0123abcd\1", name) for name in named | loaded if name != late
    }
    manifest = {"paths": paths, "version": "1.1", "hash": "0123abcd"}
    (tmp_path / "staticfiles.json").write_text(json.dumps(manifest), encoding="utf-8")
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    precache_module._cached.cache_clear()  # worked out once per process: as if a new one
    try:
        urls, _version = served(Client())
    finally:
        precache_module._cached.cache_clear()
    # What a template names, by its hashed name ...
    assert "/static/trees/capture.0123abcd.js" in urls
    assert "/static/web/site.0123abcd.css" in urls
    assert "/static/trees/capture.js" not in urls
    # MapLibre and its worker, which the map element names, too (decision 0087) ...
    assert "/static/vendor/maplibre-gl/maplibre-gl.0123abcd.mjs" in urls
    assert "/static/vendor/maplibre-gl/maplibre-gl-worker.0123abcd.mjs" in urls
    # ... what a module imports or builds the URL of, by the name it is asked for ...
    assert "/static/web/outbox.js" in urls
    assert "/static/vendor/maplibre-gl/maplibre-gl-shared.mjs" in urls
    # ... and a file the manifest lacks by its plain name, rather than no worker at all.
    assert "/static/web/scroll.js" in urls
