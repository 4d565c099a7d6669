import pytest
from django.test import Client

from metropoli.maps import cache, versions

pytestmark = pytest.mark.django_db


def test_the_cache_keeps_tiles_within_its_byte_budget(settings):
    settings.METROPOLI_TILE_CACHE_BYTES = 10
    cache.put(("a",), b"123456")
    cache.put(("b",), b"7890")
    assert cache.get(("a",)) == b"123456"
    cache.put(("c",), b"xyz")  # over budget: the least recently used entry ("b") leaves
    assert cache.get(("b",)) is None
    assert cache.get(("a",)) == b"123456" and cache.get(("c",)) == b"xyz"
    cache.put(("huge",), b"x" * 11)  # larger than the whole budget: not kept
    assert cache.get(("huge",)) is None


def test_a_zero_budget_turns_the_cache_off(settings):
    settings.METROPOLI_TILE_CACHE_BYTES = 0
    cache.put(("a",), b"1")
    assert cache.get(("a",)) is None


def test_versions_start_at_zero_and_rise(django_capture_on_commit_callbacks):
    assert versions.current("example") == 0
    versions.bump("example")
    with django_capture_on_commit_callbacks(execute=True):
        versions.changed("example")
    assert versions.current("example") == 2


def test_layers_without_a_version_are_not_cached(municipalities):
    response = Client().get("/tiles/municipalities/8/55/112.pbf")
    assert response.status_code == 200
    assert "ETag" not in response


def test_a_remembered_version_is_used_until_a_newer_one_is_pinned(settings):
    settings.METROPOLI_TILE_VERSION_SECONDS = 60
    versions.bump("example")
    assert versions.current_at_least("example") == 1
    versions.bump("example")
    assert versions.current_at_least("example") == 1  # remembered: no query
    assert versions.current_at_least("example", wanted=1) == 1
    assert versions.current_at_least("example", wanted=2) == 2  # a page pinned a newer one
    settings.METROPOLI_TILE_VERSION_SECONDS = 0
    versions.bump("example")
    assert versions.current_at_least("example") == 3


def test_a_pinned_version_in_the_tile_url_gets_fresh_data(
    settings, municipalities, django_capture_on_commit_callbacks
):
    from metropoli.trees.tests.factories import GDL, make_tree

    settings.METROPOLI_TILE_VERSION_SECONDS = 60
    url = "/tiles/trees/16/{}/{}.pbf".format(*_xy(GDL, 16))
    empty = Client().get(url)
    assert empty.status_code == 200 and empty.content == b""
    with django_capture_on_commit_callbacks(execute=True):
        make_tree(None)
    assert Client().get(url).content == b""  # within the remembered second: the old tile
    pinned = Client().get(f"{url}?v={versions.current('trees')}")
    assert pinned.status_code == 200 and pinned.content != b""


def _xy(lonlat, z):
    from metropoli.maps.tiles import tile_for_lonlat

    tile = tile_for_lonlat(*lonlat, z)
    return tile.x, tile.y


def test_the_shared_folder_serves_other_processes_and_drops_old_versions(settings, tmp_path):
    settings.METROPOLI_TILE_CACHE_DIR = str(tmp_path)
    settings.METROPOLI_TILE_DISK_CACHE_BYTES = 1_000_000
    cache.put(("trees", 1, (16, 1, 2), "f"), b"tile at version 1")
    cache.clear()  # another process: nothing in its memory
    assert cache.get(("trees", 1, (16, 1, 2), "f")) == b"tile at version 1"
    assert cache.get(("trees", 1, (16, 1, 3), "f")) is None
    cache.put(("trees", 2, (16, 1, 2), "f"), b"tile at version 2")
    assert sorted(p.name for p in (tmp_path / "trees").iterdir()) == ["2"]


def test_the_shared_folder_keeps_to_its_budget(settings, tmp_path):
    settings.METROPOLI_TILE_CACHE_DIR = str(tmp_path)
    settings.METROPOLI_TILE_DISK_CACHE_BYTES = 1_000
    for n in range(30):
        cache.put(("trees", 1, (16, n, 0), ""), bytes(100))
    cache.prune(tmp_path, 1_000)
    assert sum(p.stat().st_size for p in tmp_path.glob("*/*/*.pbf")) <= 1_000


def test_a_tile_url_pinning_an_existing_version_is_immutable_and_others_are_not(
    municipalities, django_capture_on_commit_callbacks
):
    from metropoli.trees.tests.factories import GDL, make_tree

    with django_capture_on_commit_callbacks(execute=True):
        make_tree(None)
    version = versions.current("trees")
    url = "/tiles/trees/16/{}/{}.pbf".format(*_xy(GDL, 16))
    pinned = Client().get(f"{url}?v={version}")
    assert pinned.status_code == 200 and pinned.content != b""
    assert pinned["Cache-Control"] == "public, max-age=31536000, immutable"
    older = Client().get(f"{url}?v={version - 1}")  # shows data at least that new: kept too
    assert older["Cache-Control"] == "public, max-age=31536000, immutable"
    # Not pinned, or pinning a version nobody wrote yet (it will mean newer data): short-lived.
    assert Client().get(url)["Cache-Control"] == "public, max-age=30"
    assert Client().get(f"{url}?v={version + 1}")["Cache-Control"] == "public, max-age=30"
    revalidated = Client().get(f"{url}?v={version}", HTTP_IF_NONE_MATCH=pinned["ETag"])
    assert revalidated.status_code == 304
    assert revalidated["Cache-Control"] == "public, max-age=31536000, immutable"
